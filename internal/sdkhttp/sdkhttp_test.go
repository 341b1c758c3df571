package sdkhttp

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

type recordingClient struct{ body io.ReadCloser }

func (c *recordingClient) Do(r *http.Request) (*http.Response, error) {
	c.body = r.Body
	return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
}

// writerToBody is a body with WriteTo, like the SDK's.
type writerToBody struct{ *bytes.Reader }

func (writerToBody) Close() error { return nil }

func TestReadOnlyBodiesHidesWriteTo(t *testing.T) {
	inner := &recordingClient{}
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", nil)
	req.Body = writerToBody{bytes.NewReader([]byte(`{"a":1}`))}
	if _, ok := req.Body.(io.WriterTo); !ok {
		t.Fatal("the test body should offer WriteTo")
	}
	if _, err := ReadOnlyBodies(inner).Do(req); err != nil {
		t.Fatal(err)
	}
	if _, ok := inner.body.(io.WriterTo); ok {
		t.Fatal("the body passed on still offers WriteTo")
	}
	got, _ := io.ReadAll(inner.body)
	if string(got) != `{"a":1}` {
		t.Fatalf("body = %q", got)
	}
}

func TestReadOnlyBodiesKeepsEmptyBodies(t *testing.T) {
	inner := &recordingClient{}
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	req.Body = http.NoBody
	ReadOnlyBodies(inner).Do(req)
	if inner.body != http.NoBody {
		t.Fatal("http.NoBody was wrapped")
	}
	req, _ = http.NewRequest(http.MethodPost, "http://127.0.0.1/", strings.NewReader("x"))
	req.Body = nil
	ReadOnlyBodies(inner).Do(req)
	if inner.body != nil {
		t.Fatal("a nil body was wrapped")
	}
}
