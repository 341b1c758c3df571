package htmlform

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

const page = `<!doctype html><title>Sign in</title>
<form method="post" action="/login?client_id=abc&amp;state=xyz">
  <input type="hidden" name="_csrf" value="t&lt;1">
  <input name="username" id="username">
  <input type="password" name="password" id="password">
  <input type="checkbox" name="remember" value="yes">
  <input type="checkbox" name="terms" value="ok" checked>
  <input type="submit" name="go" value="Go">
  <button type="submit" name="signin" id="signin">Sign in</button>
</form>
<form method="post" action="/other"><input name="second" value="x"></form>`

// Parse keeps what a browser would send, with the action resolved against
// the page's URL and the entities decoded.
func TestParse(t *testing.T) {
	base, _ := url.Parse("http://127.0.0.1:1234/login?client_id=abc")
	f, err := Parse(strings.NewReader(page), base)
	if err != nil {
		t.Fatal(err)
	}
	if f.Method != http.MethodPost || f.Action.String() != "http://127.0.0.1:1234/login?client_id=abc&state=xyz" {
		t.Errorf("form %s %s", f.Method, f.Action)
	}
	want := url.Values{"_csrf": {"t<1"}, "username": {""}, "password": {""}, "terms": {"ok"}}
	if f.Values.Encode() != want.Encode() {
		t.Errorf("values %v, want %v", f.Values, want)
	}
	if _, err := Parse(strings.NewReader("<p>no form</p>"), base); err == nil {
		t.Error("a page without a form parsed")
	}
}

// SubmitPage posts the page's form with the fields set, and refuses a page
// that is not a 200.
func TestSubmitPage(t *testing.T) {
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			if r.URL.Path == "/missing" {
				http.NotFound(w, r)
				return
			}
			w.Write([]byte(page))
		case http.MethodPost:
			if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
			}
			r.ParseForm()
			got = r.PostForm
			if r.URL.Query().Get("state") != "xyz" {
				t.Errorf("the action's query was lost: %s", r.URL)
			}
		}
	}))
	defer srv.Close()
	client := srv.Client()
	ctx := t.Context()

	page, err := client.Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := SubmitPage(ctx, client, page, map[string]string{"username": "ana", "password": "Sup3r-secret!"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.Get("username") != "ana" || got.Get("password") != "Sup3r-secret!" || got.Get("_csrf") != "t<1" || got.Has("go") {
		t.Errorf("posted %v", got)
	}

	missing, err := client.Get(srv.URL + "/missing?code=secret")
	if err != nil {
		t.Fatal(err)
	}
	_, err = SubmitPage(ctx, client, missing, nil)
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("a 404 page: %v", err)
	}
}

// A form without a method is sent with GET, its values in the query.
func TestSubmitGet(t *testing.T) {
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			t.Errorf("method %s", r.Method)
		}
		got = r.URL.Query()
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL + "/search")
	f, err := Parse(strings.NewReader(`<form><input name="q" value="old"><input type="hidden" name="lang" value="en"></form>`), base)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := f.Submit(t.Context(), srv.Client(), map[string]string{"q": "new"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.Get("q") != "new" || got.Get("lang") != "en" {
		t.Errorf("query %v", got)
	}
}
