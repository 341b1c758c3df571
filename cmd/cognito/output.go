package main

import (
	"encoding/json"
	"fmt"
	"time"
)

// emit writes a command's result to stdout: v as JSON with --json (the
// library's result objects, with their snake_case keys), else the short
// human text.
func (a *app) emit(human string, v any) error {
	if a.json {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	_, err := fmt.Fprintln(a.stdout, human)
	return err
}

// sessionStatus is what login and refresh print with --json: the session,
// never its tokens.
type sessionStatus struct {
	SignedIn    bool   `json:"signed_in"`
	ExpiresIn   int32  `json:"expires_in"`
	SessionFile string `json:"session_file"`
}

// lifetime formats a token lifetime in seconds, e.g. "1h0m0s".
func lifetime(seconds int32) string {
	return (time.Duration(seconds) * time.Second).String()
}

// elapsed formats a step's duration: "0.4ms", "12.3ms", "1.25s".
func elapsed(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	}
	return d.Round(10 * time.Millisecond).String()
}
