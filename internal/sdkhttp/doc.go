// Package sdkhttp works around a race between the AWS SDK and net/http
// that fails calls with "use of closed network connection" (aws-sdk-go-v2
// issues 1825 and 2737): the SDK closes a request's body as soon as the
// response headers arrive, after which its body wrapper's WriteTo answers
// io.EOF; if net/http's writer has not yet made its final read of the body
// it takes that for a write error and closes the connection while the
// response body is still being read. The SDK retries such failures, which
// is unsafe for calls like SignUp that the server already carried out.
package sdkhttp
