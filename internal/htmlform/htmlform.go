package htmlform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// maxPage bounds the page read.
const maxPage = 1 << 20

// Form is an HTML form: where and how it is sent, and its fields' values.
type Form struct {
	// Action is the absolute URL the form is sent to.
	Action *url.URL
	// Method is "GET" or "POST".
	Method string
	// Values are the named inputs' values, as the page sets them.
	Values url.Values
}

// Parse reads the first form of the HTML page at base (the page's URL,
// against which the form's action is resolved). The inputs kept are the
// named ones a browser would send unchanged: text, hidden, password, email
// and the like, checked checkboxes and radio buttons; never buttons.
func Parse(page io.Reader, base *url.URL) (*Form, error) {
	doc, err := html.Parse(page)
	if err != nil {
		return nil, fmt.Errorf("htmlform: parsing the page: %w", err)
	}
	var form *html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Data == "form" {
			form = n
			break
		}
	}
	if form == nil {
		return nil, errors.New("htmlform: the page has no form")
	}
	action, err := base.Parse(attr(form, "action"))
	if err != nil {
		return nil, fmt.Errorf("htmlform: the form's action: %w", err)
	}
	f := &Form{Action: action, Method: strings.ToUpper(attr(form, "method")), Values: url.Values{}}
	if f.Method != http.MethodPost {
		f.Method = http.MethodGet
	}
	for n := range form.Descendants() {
		if n.Type != html.ElementNode || n.Data != "input" {
			continue
		}
		name := attr(n, "name")
		switch typ := strings.ToLower(attr(n, "type")); {
		case name == "", typ == "submit", typ == "button", typ == "image", typ == "reset", typ == "file":
		case (typ == "checkbox" || typ == "radio") && !has(n, "checked"):
		default:
			f.Values.Add(name, attr(n, "value"))
		}
	}
	return f, nil
}

// Submit sends the form with client, fields replacing the page's values of
// the same names (a username, a password). The caller closes the
// response's body.
func (f *Form) Submit(ctx context.Context, client *http.Client, fields map[string]string) (*http.Response, error) {
	values := url.Values{}
	for k, v := range f.Values {
		values[k] = append([]string(nil), v...)
	}
	for k, v := range fields {
		values.Set(k, v)
	}
	var req *http.Request
	var err error
	if f.Method == http.MethodPost {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, f.Action.String(), strings.NewReader(values.Encode()))
		if req != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		u := *f.Action
		u.RawQuery = values.Encode()
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	}
	if err != nil {
		return nil, fmt.Errorf("htmlform: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("htmlform: submitting the form: %w", err)
	}
	return resp, nil
}

// SubmitPage reads the form of page — a response whose body is an HTML
// page, which it closes — and submits it with fields, as Submit does. It
// fails if page is not a 200.
func SubmitPage(ctx context.Context, client *http.Client, page *http.Response, fields map[string]string) (*http.Response, error) {
	defer page.Body.Close()
	if page.StatusCode != http.StatusOK {
		// The URL's query is left out: it may carry a code.
		return nil, fmt.Errorf("htmlform: %s%s answered %s, not a page with a form", page.Request.URL.Host, page.Request.URL.Path, page.Status)
	}
	f, err := Parse(io.LimitReader(page.Body, maxPage), page.Request.URL)
	if err != nil {
		return nil, err
	}
	return f.Submit(ctx, client, fields)
}

// attr returns n's attribute key, or "".
func attr(n *html.Node, key string) string {
	v, _ := lookup(n, key)
	return v
}

// has reports whether n has the attribute key.
func has(n *html.Node, key string) bool {
	_, ok := lookup(n, key)
	return ok
}

func lookup(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}
