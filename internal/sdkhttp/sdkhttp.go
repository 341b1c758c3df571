package sdkhttp

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ReadOnlyBodies wraps an SDK HTTP client so that request bodies offer
// only Read and Close: net/http's final read then sees a plain io.EOF.
func ReadOnlyBodies(c aws.HTTPClient) aws.HTTPClient { return readOnlyBodies{c} }

type readOnlyBodies struct{ aws.HTTPClient }

// Do sends r with its body's WriteTo hidden.
func (c readOnlyBodies) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = struct{ io.ReadCloser }{r.Body}
	}
	return c.HTTPClient.Do(r)
}
