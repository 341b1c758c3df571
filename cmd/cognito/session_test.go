package main

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/cognitokit/cognito/cognitotest"
)

// TestAutoRefresh checks that the commands acting as the user refresh an
// expired access token and save the new tokens: before the call when the
// session says the token has expired, and after Cognito says so.
func TestAutoRefresh(t *testing.T) {
	for _, tc := range []struct {
		name          string
		expireSession bool // also move the session's Expiry into the past
	}{
		{"session says expired", true},
		{"Cognito says expired", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := cognitotest.NewClock(time.Now())
			c := newCLI(t, secretFile, cognitotest.WithClock(clock.Now))
			c.signUp("ka@example.com", "Sup3r-secret!")
			c.login("ka@example.com", "Sup3r-secret!")
			before := c.tokens()

			clock.Advance(2 * time.Hour) // past the access token's one hour
			if tc.expireSession {
				before.Expiry = time.Now().Add(-time.Minute)
				raw, err := json.Marshal(before)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(c.session, raw, 0o600); err != nil {
					t.Fatal(err)
				}
			}

			c.ok("", "whoami")
			after := c.tokens()
			if after.AccessToken == before.AccessToken {
				t.Fatal("the session still holds the expired access token")
			}
			if !after.Expiry.After(time.Now().Add(50 * time.Minute)) {
				t.Errorf("the new tokens expire at %v", after.Expiry)
			}
			info, err := os.Stat(c.session)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("session file mode after the refresh = %v, want 0600", info.Mode().Perm())
			}
			c.ok("", "update-attributes", "--attr", "name=Ka") // the new token works for the next command too
		})
	}
}

func TestDamagedSession(t *testing.T) {
	c := newCLI(t, noSecret)
	if err := os.MkdirAll(c.session[:len(c.session)-len("/session.json")], 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.session, []byte(`{"access_token": "eyJ-not-json`), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := c.fail("", "whoami"); got != "the session file "+c.session+" is damaged: run cognito login" {
		t.Errorf("stderr = %q", got)
	}
}
