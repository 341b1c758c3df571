package emulator

import (
	"net/http"
	"time"
)

// Timeouts of the HTTP server that serves the local Cognito: a client that
// stalls while sending its request, never reads its answer or keeps an idle
// connection cannot hold the server's resources for ever. Cognito's requests
// and answers are small, so the bounds are generous for any real client.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 30 * time.Second
	IdleTimeout       = 2 * time.Minute
)

// NewHTTPServer returns an http.Server that serves h with the timeouts
// above, for `cognito local`, cognitotest and any program that serves the
// local Cognito itself.
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
	}
}
