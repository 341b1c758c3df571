package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestUserLifecycle runs every user command, in order, with each way of
// configuring the CLI.
func TestUserLifecycle(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secret secretSource
		byEnv  bool
	}{
		{"public client, flags", noSecret, false},
		{"secret from COGNITO_CLIENT_SECRET, env config", secretEnv, true},
		{"secret from --client-secret-file, flags", secretFile, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t, tc.secret)
			if tc.byEnv {
				c.configureByEnv()
			} else {
				t.Setenv("COGNITO_CLIENT_ID", "flags-override-this") // flags win over the environment
			}
			const email = "ana@example.com"
			passwords := []string{"Sup3r-secret!", "Chang3d-secret!", "R3set-secret!"}
			c.remember(passwords...)

			r := c.ok(passwords[0]+"\n", "register", "--email", email, "--attr", "name=Ana", "--password-stdin")
			want := "Registered ana@example.com; a code was sent to a***@e***.com. Run: cognito confirm --email ana@example.com\n"
			if r.stdout != want {
				t.Errorf("register printed %q, want %q", r.stdout, want)
			}
			code := c.srv.LastCode(email)
			c.remember(code)
			c.ok(code+"\n", "confirm", "--email", email, "--code-stdin")

			c.login(email, passwords[0])
			info, err := os.Stat(c.session)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("session file mode = %v, want 0600", info.Mode().Perm())
			}
			if dir, _ := os.Stat(filepath.Dir(c.session)); dir.Mode().Perm() != 0o700 {
				t.Errorf("session directory mode = %v, want 0700", dir.Mode().Perm())
			}

			if out := c.ok("", "whoami").stdout; !strings.Contains(out, email) || !strings.Contains(out, "Ana") {
				t.Errorf("whoami printed %q", out)
			}
			c.ok("", "update-attributes", "--attr", "name=Bea", "--attr", "locale=es")
			user := decodeJSON(t, c.ok("", "whoami", "--json"))
			attrs, _ := user["attributes"].(map[string]any)
			if attrs["name"] != "Bea" || attrs["email"] != email || attrs["email_verified"] != "true" {
				t.Errorf("whoami --json attributes = %v", attrs)
			}

			before := c.tokens()
			c.ok("", "refresh")
			after := c.tokens()
			if after.AccessToken == before.AccessToken || after.RefreshToken != before.RefreshToken {
				t.Error("refresh did not replace the access token, or lost the refresh token")
			}
			if info, _ := os.Stat(c.session); info.Mode().Perm() != 0o600 {
				t.Errorf("session file mode after refresh = %v, want 0600", info.Mode().Perm())
			}

			c.ok(passwords[0]+"\n"+passwords[1]+"\n", "change-password", "--password-stdin")
			c.fail(passwords[0]+"\n", "login", "--email", email, "--password-stdin")
			c.login(email, passwords[1])

			c.ok("", "forgot-password", "--email", email)
			code = c.srv.LastCode(email)
			c.remember(code)
			c.ok(code+"\n"+passwords[2]+"\n", "confirm-forgot-password", "--email", email, "--new-password-stdin")
			c.login(email, passwords[2])

			// logout --global revokes the tokens at Cognito, not only here.
			revoked, err := os.ReadFile(c.session)
			if err != nil {
				t.Fatal(err)
			}
			c.ok("", "logout", "--global")
			if _, err := os.Stat(c.session); !os.IsNotExist(err) {
				t.Errorf("logout --global left the session file: %v", err)
			}
			if err := os.WriteFile(c.session, revoked, 0o600); err != nil {
				t.Fatal(err)
			}
			if msg := c.fail("", "whoami"); !strings.HasPrefix(msg, "Not authorized: the session may have been signed out") {
				t.Errorf("whoami with revoked tokens: %q", msg)
			}

			c.login(email, passwords[2])
			c.ok("", "delete-user", "--yes")
			if _, err := os.Stat(c.session); !os.IsNotExist(err) {
				t.Errorf("delete-user left the session file: %v", err)
			}
			if msg := c.fail(passwords[2]+"\n", "login", "--email", email, "--password-stdin"); msg != "No account with this email exists." {
				t.Errorf("login after delete-user: %q", msg)
			}
		})
	}
}

func TestResendCode(t *testing.T) {
	c := newCLI(t, secretEnv)
	c.remember("Sup3r-secret!")
	c.ok("Sup3r-secret!\n", "register", "--email", "bo@example.com", "--password-stdin")
	first := c.srv.LastCode("bo@example.com")
	out := c.ok("", "resend-code", "--email", "bo@example.com").stdout
	if !strings.HasPrefix(out, "A new code was sent to b***@e***.com.") {
		t.Errorf("resend-code printed %q", out)
	}
	second := c.srv.LastCode("bo@example.com")
	c.remember(first, second)
	c.ok(second+"\n", "confirm", "--email", "bo@example.com", "--code-stdin")
}

// TestJSONOutput checks the keys of --json results: the library's objects,
// and for login and refresh the session, never the tokens.
func TestJSONOutput(t *testing.T) {
	c := newCLI(t, secretFile)
	const email = "cy@example.com"
	c.remember("Sup3r-secret!")
	for _, tc := range []struct {
		stdin string
		args  []string
		keys  []string
	}{
		{"Sup3r-secret!\n", []string{"register", "--email", email, "--password-stdin"}, []string{"code_delivery_destination", "confirmation_required", "user_sub"}},
		{"", []string{"resend-code", "--email", email}, []string{"attribute", "destination", "medium"}},
		{"CODE\n", []string{"confirm", "--email", email, "--code-stdin"}, []string{"confirmed", "email"}},
		{"Sup3r-secret!\n", []string{"login", "--email", email, "--password-stdin"}, []string{"expires_in", "session_file", "signed_in"}},
		{"", []string{"whoami"}, []string{"attributes", "enabled", "sub", "username"}},
		{"", []string{"update-attributes", "--attr", "name=Cy"}, []string{"code_deliveries", "updated"}},
		{"", []string{"refresh"}, []string{"expires_in", "session_file", "signed_in"}},
		{"", []string{"forgot-password", "--email", email}, []string{"attribute", "destination", "medium"}},
		{"", []string{"logout"}, []string{"global", "signed_out", "tokens_valid_until"}},
		{"", []string{"version"}, []string{"version"}},
	} {
		stdin := tc.stdin
		if stdin == "CODE\n" {
			stdin = c.srv.LastCode(email) + "\n"
			c.remember(stdin[:len(stdin)-1])
		}
		m := decodeJSON(t, c.ok(stdin, append(tc.args, "--json")...))
		if got := keys(m); !slices.Equal(got, tc.keys) {
			t.Errorf("%s --json keys = %v, want %v", tc.args[0], got, tc.keys)
		}
		switch tc.args[0] {
		case "register":
			if m["code_delivery_destination"] != "c***@e***.com" || m["confirmation_required"] != true {
				t.Errorf("register --json = %v", m)
			}
		case "login", "refresh":
			if m["signed_in"] != true || m["expires_in"] != float64(3600) || m["session_file"] != c.session {
				t.Errorf("%s --json = %v", tc.args[0], m)
			}
		}
	}
}

func TestLoginPrintTokens(t *testing.T) {
	c := newCLI(t, noSecret)
	c.signUp("di@example.com", "Sup3r-secret!")
	r := c.ok("Sup3r-secret!\n", "login", "--email", "di@example.com", "--password-stdin", "--print-tokens")
	m := decodeJSON(t, r)
	saved := c.tokens()
	if m["access_token"] != saved.AccessToken || m["id_token"] != saved.IDToken || m["refresh_token"] != saved.RefreshToken {
		t.Errorf("login --print-tokens printed other tokens than it saved: keys %v", keys(m))
	}
}

// TestFriendlyErrors checks failures: exit code 1 and one line on stderr,
// the library's message in the chosen language.
func TestFriendlyErrors(t *testing.T) {
	c := newCLI(t, secretEnv)
	c.signUp("ed@example.com", "Sup3r-secret!")
	c.remember("Wr0ng-secret!")
	wrong := []string{"login", "--email", "ed@example.com", "--password-stdin"}
	for _, tc := range []struct {
		name, env string
		flags     []string
		want      string
	}{
		{"default English", "", nil, "Incorrect email or password."},
		{"--lang es", "", []string{"--lang", "es"}, "Email o contraseña incorrectos."},
		{"COGNITO_LANG=es", "es", nil, "Email o contraseña incorrectos."},
		{"--lang overrides COGNITO_LANG", "es", []string{"--lang", "en"}, "Incorrect email or password."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("COGNITO_LANG", tc.env)
			if got := c.fail("Wr0ng-secret!\n", append(slices.Clone(wrong), tc.flags...)...); got != tc.want {
				t.Errorf("stderr = %q, want %q", got, tc.want)
			}
		})
	}

	t.Run("--verbose adds the code", func(t *testing.T) {
		got := c.fail("Wr0ng-secret!\n", append(slices.Clone(wrong), "--verbose")...)
		if !strings.Contains(got, "Incorrect email or password.") || !strings.Contains(got, "NotAuthorizedException") {
			t.Errorf("stderr = %q", got)
		}
	})
	t.Run("missing client secret", func(t *testing.T) {
		t.Setenv("COGNITO_CLIENT_SECRET", "")
		if got := c.fail("Wr0ng-secret!\n", wrong...); !strings.HasPrefix(got, "The app client has a secret") {
			t.Errorf("stderr = %q", got)
		}
	})
	t.Run("wrong code", func(t *testing.T) {
		c.remember("Sup3r-secret!")
		c.ok("Sup3r-secret!\n", "register", "--email", "fa@example.com", "--password-stdin")
		if got := c.fail("000000\n", "confirm", "--email", "fa@example.com", "--code-stdin", "--lang", "es"); got != "El código no es correcto; revísalo e inténtalo de nuevo." {
			t.Errorf("stderr = %q", got)
		}
	})
}

// TestUsageErrors checks mistakes on the command line: one clear line on
// stderr, which never quotes a password (or secret, or code) typed in the
// wrong place.
func TestUsageErrors(t *testing.T) {
	c := newCLI(t, noSecret)
	c.remember("Sup3r-secret!", "s3cr3t-value", "424242")
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  string // a part of the one stderr line
	}{
		{"no password flag", "", []string{"login", "--email", "a@example.com", "--password", "Sup3r-secret!"}, "unknown flag: --password"},
		{"no password flag with =", "", []string{"register", "--email", "a@example.com", "--password=Sup3r-secret!"}, "unknown flag: --password"},
		{"password as an argument", "", []string{"login", "--email", "a@example.com", "Sup3r-secret!"}, "cognito login takes no arguments"},
		{"code as an argument", "", []string{"confirm", "--email", "a@example.com", "424242"}, "cognito confirm takes no arguments"},
		{"password in a shorthand group", "", []string{"login", "--email", "a@example.com", "-pSup3r-secret!"}, "unknown shorthand flag: -p"},
		{"password as a boolean flag's value", "", []string{"login", "--email", "a@example.com", "--password-stdin=Sup3r-secret!"}, "invalid value for flag --password-stdin"},
		{"no client secret flag", "", []string{"login", "--email", "a@example.com", "--client-secret", "s3cr3t-value"}, "unknown flag: --client-secret"},
		{"login without a terminal", "Sup3r-secret!\n", []string{"login", "--email", "a@example.com"}, "stdin is not a terminal (pipe it on stdin with --password-stdin)"},
		{"register without a terminal", "", []string{"register", "--email", "a@example.com"}, "--password-stdin"},
		{"confirm-forgot-password without a terminal", "", []string{"confirm-forgot-password", "--email", "a@example.com"}, "--new-password-stdin"},
		{"confirm without a terminal", "", []string{"confirm", "--email", "a@example.com"}, "stdin is not a terminal (pipe it on stdin with --code-stdin)"},
		{"empty stdin", "", []string{"login", "--email", "a@example.com", "--password-stdin"}, "no password on stdin"},
		{"change-password without a session", "Sup3r-secret!\n", []string{"change-password", "--password-stdin"}, "not signed in"},
		{"missing email", "", []string{"forgot-password"}, `required flag(s) "email" not set`},
		{"bad attribute", "", []string{"update-attributes", "--attr", "name"}, `--attr "name": want NAME=VALUE`},
		{"bad language", "", []string{"version", "--lang", "fr"}, `--lang "fr"`},
		{"unknown command", "", []string{"sign-in"}, `unknown command "sign-in"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.fail(tc.stdin, tc.args...); !strings.Contains(got, tc.want) {
				t.Errorf("stderr = %q, want it to contain %q", got, tc.want)
			}
		})
	}

	t.Run("no client ID", func(t *testing.T) {
		c.config = nil
		if got := c.fail("", "forgot-password", "--email", "a@example.com"); got != errNoClientID.Error() {
			t.Errorf("stderr = %q", got)
		}
	})
}

func TestNotSignedIn(t *testing.T) {
	c := newCLI(t, noSecret)
	for _, args := range [][]string{
		{"whoami"}, {"refresh"}, {"update-attributes", "--attr", "name=X"}, {"change-password", "--password-stdin"},
		{"delete-user", "--yes"}, {"delete-user"}, {"logout", "--global"},
	} {
		if got := c.fail("", args...); got != "not signed in: run cognito login" {
			t.Errorf("%v: stderr = %q", args, got)
		}
	}
	if out := c.ok("", "logout").stdout; out != "Not signed in; nothing to forget.\n" {
		t.Errorf("logout without a session printed %q", out)
	}
}

func TestChangePasswordStdin(t *testing.T) {
	c := newCLI(t, noSecret)
	c.signUp("gu@example.com", "Sup3r-secret!")
	c.login("gu@example.com", "Sup3r-secret!")
	if got := c.fail("Sup3r-secret!\n", "change-password", "--password-stdin"); got != "no new password on stdin" {
		t.Errorf("one line: %q", got)
	}
	c.remember("Wr0ng-secret!", "N3w-secret!")
	if got := c.fail("Wr0ng-secret!\nN3w-secret!\n", "change-password", "--password-stdin"); got != "Incorrect email or password." {
		t.Errorf("wrong current password: %q", got)
	}
	c.remember("Sh0rt!")
	if got := c.fail("Sup3r-secret!\nSh0rt!\n", "change-password", "--password-stdin"); got != "The password does not meet the policy: it is too short." {
		t.Errorf("weak new password: %q", got)
	}
	// Windows line endings and no final newline are fine.
	c.ok("Sup3r-secret!\r\nN3w-secret!", "change-password", "--password-stdin")
	c.login("gu@example.com", "N3w-secret!")
}

func TestDeleteUserNeedsConfirmation(t *testing.T) {
	c := newCLI(t, noSecret)
	c.signUp("ha@example.com", "Sup3r-secret!")
	c.login("ha@example.com", "Sup3r-secret!")
	if got := c.fail("yes\n", "delete-user"); !strings.Contains(got, "stdin is not a terminal (pass --yes to confirm)") {
		t.Errorf("stderr = %q", got)
	}
	c.ok("", "whoami") // still there
}

// TestLogout checks that logout revokes the session's refresh token — a
// copy of the session no longer works at Cognito — and says until when the
// tokens already issued stay valid for local verification.
func TestLogout(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secret secretSource
		args   []string
		want   string
	}{
		{"revoke", noSecret, nil, "Signed out: the session's refresh token was revoked and the session removed. The access and ID tokens already issued stay valid until "},
		{"revoke with a secret", secretFile, nil, "Signed out: the session's refresh token was revoked and the session removed. The access and ID tokens already issued stay valid until "},
		{"global", secretEnv, []string{"--global"}, "Signed out everywhere: every refresh token of the user was revoked, and the session removed. The access and ID tokens already issued stay valid until "},
		{"revoke, in Spanish", noSecret, []string{"--lang", "es"}, "Sesión cerrada: se revocó el token de refresco de la sesión y se borró la sesión. Los tokens de acceso e ID ya emitidos siguen siendo válidos hasta las "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t, tc.secret)
			c.signUp("io@example.com", "Sup3r-secret!")
			c.login("io@example.com", "Sup3r-secret!")
			saved, err := os.ReadFile(c.session)
			if err != nil {
				t.Fatal(err)
			}
			until := c.tokens().Expiry.Local().Format("15:04:05")
			if out := c.ok("", append([]string{"logout"}, tc.args...)...).stdout; !strings.HasPrefix(out, tc.want+until+" (") {
				t.Errorf("logout printed %q, want %q", out, tc.want+until+" (…")
			}
			if got := c.fail("", "whoami"); got != "not signed in: run cognito login" {
				t.Errorf("whoami after logout: %q", got)
			}
			if err := os.WriteFile(c.session, saved, 0o600); err != nil {
				t.Fatal(err)
			}
			if got := c.fail("", "refresh"); !strings.Contains(got, "sign in again") && !strings.Contains(got, "inicia sesión") {
				t.Errorf("the revoked session refreshed: %q", got)
			}
		})
	}
}

// TestLogoutKeepsTheSessionWhenRevocationFails: a client that does not
// allow revocation keeps the session, and says how to sign out instead.
func TestLogoutKeepsTheSessionWhenRevocationFails(t *testing.T) {
	c := newCLI(t, noSecret)
	c.signUp("io@example.com", "Sup3r-secret!")
	c.login("io@example.com", "Sup3r-secret!")
	_, err := c.srv.Client().UpdateUserPoolClient(t.Context(), &cip.UpdateUserPoolClientInput{
		UserPoolId: aws.String(c.srv.UserPoolID), ClientId: aws.String(c.srv.ClientID), EnableTokenRevocation: aws.Bool(false),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "The app client does not allow revoking tokens (token revocation is off). Not signed out: the session in " + c.session + " was kept, to try again; cognito logout --global signs out everywhere."
	if got := c.fail("", "logout"); got != want {
		t.Errorf("logout = %q\nwant %q", got, want)
	}
	c.ok("", "whoami")
	c.ok("", "logout", "--global")
}

// TestSessionLocation checks where the session file goes without --session.
func TestSessionLocation(t *testing.T) {
	c := newCLI(t, noSecret)
	c.signUp("jo@example.com", "Sup3r-secret!")
	c.flags = nil

	t.Run("user config dir", func(t *testing.T) {
		c.login("jo@example.com", "Sup3r-secret!")
		path := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "cognitokit", "session.json")
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("mode = %v", info.Mode().Perm())
		}
		if dir, _ := os.Stat(filepath.Dir(path)); dir.Mode().Perm() != 0o700 {
			t.Errorf("directory mode = %v", dir.Mode().Perm())
		}
		c.ok("", "whoami")
	})
	t.Run("COGNITO_SESSION_FILE", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "s.json")
		t.Setenv("COGNITO_SESSION_FILE", path)
		m := decodeJSON(t, c.ok("Sup3r-secret!\n", "login", "--email", "jo@example.com", "--password-stdin", "--json"))
		if m["session_file"] != path {
			t.Errorf("session_file = %v, want %s", m["session_file"], path)
		}
	})
}

func TestPing(t *testing.T) {
	c := newCLI(t, noSecret)
	if got := c.fail("", "ping"); !strings.Contains(got, "needs AWS credentials") {
		t.Errorf("ping without credentials: %q", got)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "local")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "local")
	m := decodeJSON(t, c.ok("", "ping", "--json"))
	if m["user_pool_id"] != c.srv.UserPoolID || m["region"] != c.srv.Region {
		t.Errorf("ping --json = %v", m)
	}
	if out := c.ok("", "ping").stdout; !strings.HasPrefix(out, "Connected to user pool "+c.srv.UserPoolID) {
		t.Errorf("ping printed %q", out)
	}
}

func TestVersionAndCompletion(t *testing.T) {
	c := newCLI(t, noSecret)
	if out := c.ok("", "version").stdout; out != "cognito devel\n" {
		t.Errorf("version printed %q", out)
	}
	if out := c.ok("", "completion", "bash").stdout; !strings.Contains(out, "bash completion") {
		t.Errorf("completion bash printed %.200q", out)
	}
}
