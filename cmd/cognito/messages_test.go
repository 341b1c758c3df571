package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
)

// TestMessagesSayWhy runs each failure whose message says why, as a person
// would meet it at the command line, and compares the line on stderr in
// English and in Spanish.
func TestMessagesSayWhy(t *testing.T) {
	const email, password = "ana@example.com", "Sup3r-secret!"
	tests := []struct {
		name   string
		secret secretSource
		// provoke prepares c and returns the failing command line, its
		// stdin, and the values of the messages' %s.
		provoke func(c *cli) (stdin string, args []string, values []any)
		en, es  string
	}{
		{
			name: "invalid email",
			provoke: func(*cli) (string, []string, []any) {
				return password + "\n", []string{"register", "--email", "not-an-email", "--password-stdin"}, nil
			},
			en: "The email address is not valid.",
			es: "La dirección de email no es válida.",
		},
		{
			name: "attribute not in the schema",
			provoke: func(*cli) (string, []string, []any) {
				return password + "\n", []string{"register", "--email", email, "--attr", "custom:plan=pro", "--password-stdin"}, nil
			},
			en: "The user pool has no attribute custom:plan (custom attributes are written custom:NAME).",
			es: "El grupo de usuarios no tiene el atributo custom:plan (los atributos personalizados se escriben custom:NOMBRE).",
		},
		{
			name: "password rule",
			provoke: func(c *cli) (string, []string, []any) {
				c.remember("sup3r-secret!")
				return "sup3r-secret!\n", []string{"register", "--email", email, "--password-stdin"}, nil
			},
			en: "The password does not meet the policy: it needs an uppercase letter.",
			es: "La contraseña no cumple la política: necesita una letra mayúscula.",
		},
		{
			name: "already confirmed",
			provoke: func(c *cli) (string, []string, []any) {
				c.signUp(email, password)
				return "123456\n", []string{"confirm", "--email", email, "--code-stdin"}, nil
			},
			en: "This account is already confirmed; sign in.",
			es: "Esta cuenta ya está confirmada; inicia sesión.",
		},
		{
			name: "no verified email to reset the password with",
			provoke: func(c *cli) (string, []string, []any) {
				adminCreated(c.t, c.srv, email, password)
				return "", []string{"forgot-password", "--email", email}, nil
			},
			en: "The password cannot be reset: the user has no verified email or phone number to send the code to.",
			es: "No se puede restablecer la contraseña: el usuario no tiene ningún email ni teléfono verificado al que enviar el código.",
		},
		{
			name: "client secret wrong", secret: secretEnv,
			provoke: func(c *cli) (string, []string, []any) {
				c.signUp(email, password)
				wrong := c.t.TempDir() + "/wrong-secret"
				if err := os.WriteFile(wrong, []byte("not-the-secret\n"), 0o600); err != nil {
					c.t.Fatal(err)
				}
				return password + "\n", []string{"login", "--email", email, "--password-stdin", "--client-secret-file", wrong}, []any{c.srv.ClientID}
			},
			en: "The client secret is wrong: it is not the secret of app client %s. Check COGNITO_CLIENT_SECRET, or the file given to --client-secret-file.",
			es: "El secreto del cliente es incorrecto: no es el secreto del cliente de aplicación %s. Revisa COGNITO_CLIENT_SECRET, o el archivo dado con --client-secret-file.",
		},
		{
			name: "client secret missing", secret: secretEnv,
			provoke: func(c *cli) (string, []string, []any) {
				c.t.Setenv("COGNITO_CLIENT_SECRET", "")
				return password + "\n", []string{"login", "--email", email, "--password-stdin"}, nil
			},
			en: "The app client has a secret: set COGNITO_CLIENT_SECRET, or pass --client-secret-file FILE (never the secret itself on the command line).",
			es: "El cliente de aplicación tiene un secreto: define COGNITO_CLIENT_SECRET, o pasa --client-secret-file ARCHIVO (nunca el secreto mismo en la línea de órdenes).",
		},
		{
			name: "session of another app client",
			provoke: func(c *cli) (string, []string, []any) {
				c.signUp(email, password)
				c.login(email, password)
				other := c.srv.AddClient("another")
				c.config = []string{"--endpoint", c.srv.Endpoint, "--region", c.srv.Region, "--user-pool-id", c.srv.UserPoolID, "--client-id", other}
				return "", []string{"whoami"}, []any{c.session, c.srv.ClientID, c.srv.UserPoolID, c.srv.Endpoint, other, c.srv.UserPoolID, c.srv.Endpoint}
			},
			en: "the session in %s is of app client %s, user pool %s, at %s; this command is configured for app client %s, user pool %s, at %s: run cognito login, or pass --session for another session file",
			es: "la sesión de %s es del cliente de aplicación %s, grupo de usuarios %s, en %s; esta orden está configurada para el cliente de aplicación %s, grupo de usuarios %s, en %s: ejecuta cognito login, o pasa --session con otro archivo de sesión",
		},
		{
			name: "session of another endpoint",
			provoke: func(c *cli) (string, []string, []any) {
				c.signUp(email, password)
				c.login(email, password)
				other := cognitotest.NewServer(c.t)
				c.config = []string{"--endpoint", other.Endpoint, "--region", other.Region, "--user-pool-id", other.UserPoolID, "--client-id", other.ClientID}
				return "", []string{"whoami"}, []any{c.session, c.srv.ClientID, c.srv.UserPoolID, c.srv.Endpoint, other.ClientID, other.UserPoolID, other.Endpoint}
			},
			en: "the session in %s is of app client %s, user pool %s, at %s; this command is configured for app client %s, user pool %s, at %s: run cognito login, or pass --session for another session file",
			es: "la sesión de %s es del cliente de aplicación %s, grupo de usuarios %s, en %s; esta orden está configurada para el cliente de aplicación %s, grupo de usuarios %s, en %s: ejecuta cognito login, o pasa --session con otro archivo de sesión",
		},
		{
			// A session file of an earlier version records no owner:
			// Cognito's refusal is diagnosed from the tokens themselves.
			name: "old session file of another endpoint",
			provoke: func(c *cli) (string, []string, []any) {
				c.signUp(email, password)
				c.login(email, password)
				raw, err := json.Marshal(c.tokens())
				if err != nil {
					c.t.Fatal(err)
				}
				if err := os.WriteFile(c.session, raw, 0o600); err != nil {
					c.t.Fatal(err)
				}
				other := cognitotest.NewServer(c.t)
				c.config = []string{"--endpoint", other.Endpoint, "--region", other.Region, "--user-pool-id", other.UserPoolID, "--client-id", other.ClientID}
				return "", []string{"whoami"}, []any{c.srv.Issuer()}
			},
			en: "These tokens were issued by %s, not by this client's user pool and endpoint; sign in again here.",
			es: "Estos tokens los emitió %s, no el grupo de usuarios y el endpoint de este cliente; inicia sesión de nuevo aquí.",
		},
		{
			name: "the CLI's own line",
			provoke: func(*cli) (string, []string, []any) {
				return "", []string{"whoami"}, nil
			},
			en: "not signed in: run cognito login",
			es: "no hay ninguna sesión iniciada: ejecuta cognito login",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lang := range []string{"en", "es"} {
				c := newCLI(t, tt.secret)
				stdin, args, values := tt.provoke(c)
				want := fmt.Sprintf(map[string]string{"en": tt.en, "es": tt.es}[lang], values...)
				if got := c.fail(stdin, append(args, "--lang", lang)...); got != want {
					t.Errorf("%s:\n got %q\nwant %q", lang, got, want)
				}
			}
		})
	}
}

// adminCreated creates username as an administrator would: confirmed, with
// a permanent password, its email not verified.
func adminCreated(t *testing.T, srv *cognitotest.Server, username, password string) {
	t.Helper()
	c, err := cognito.New(t.Context(), srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Admin().CreateUser(t.Context(), username, map[string]string{"email": username}, cognito.WithoutInvitation()); err != nil {
		t.Fatal(err)
	}
	if err := c.Admin().SetPassword(t.Context(), username, password); err != nil {
		t.Fatal(err)
	}
}

// TestErrorsAsJSON: with --json a failure is one JSON object on stderr,
// with the message in the chosen language and the library's kind, code
// and operation.
func TestErrorsAsJSON(t *testing.T) {
	c := newCLI(t, noSecret)
	c.signUp("ana@example.com", "Sup3r-secret!")
	c.remember("Wr0ng-secret!")
	for _, tc := range []struct {
		args []string
		want jsonErrorBody
	}{
		{[]string{"login", "--email", "ana@example.com", "--password-stdin", "--json"},
			jsonErrorBody{Message: "Incorrect email or password.", Kind: "invalid credentials", Code: "NotAuthorizedException", Operation: "SignIn"}},
		{[]string{"login", "--email", "ana@example.com", "--password-stdin", "--json", "--lang", "es"},
			jsonErrorBody{Message: "Email o contraseña incorrectos.", Kind: "invalid credentials", Code: "NotAuthorizedException", Operation: "SignIn"}},
		{[]string{"whoami", "--json", "--lang", "es"},
			jsonErrorBody{Message: "no hay ninguna sesión iniciada: ejecuta cognito login"}},
	} {
		r := c.run("Wr0ng-secret!\n", tc.args...)
		var got jsonError
		if err := json.Unmarshal([]byte(r.stderr), &got); err != nil || r.code != 1 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q is not one JSON object: %v", tc.args, r.code, r.stdout, r.stderr, err)
		}
		if got.Error != tc.want {
			t.Errorf("%v: %+v, want %+v", tc.args, got.Error, tc.want)
		}
	}
}

// TestLanguage: an unknown COGNITO_LANG is refused as an unknown --lang
// is, and --lang es translates the CLI's own lines, results and prompts'
// failures alike.
func TestLanguage(t *testing.T) {
	c := newCLI(t, noSecret)
	t.Setenv("COGNITO_LANG", "fr")
	if got := c.fail("", "whoami"); got != `COGNITO_LANG "fr": messages exist in en and es` {
		t.Errorf("COGNITO_LANG=fr: %q", got)
	}
	if got := c.fail("", "whoami", "--lang", "de"); got != `--lang "de": messages exist in en and es` {
		t.Errorf("--lang de: %q", got)
	}
	t.Setenv("COGNITO_LANG", "es_ES.UTF-8")
	c.remember("Sup3r-secret!")
	if out := c.ok("Sup3r-secret!\n", "register", "--email", "ana@example.com", "--password-stdin").stdout; out != "Registrado ana@example.com; se envió un código a a***@e***.com. Ejecuta: cognito confirm --email ana@example.com\n" {
		t.Errorf("register in Spanish: %q", out)
	}
	if got := c.fail("", "confirm", "--email", "ana@example.com", "--code-stdin"); got != "código de confirmación: no hay nada en stdin" {
		t.Errorf("confirm without a code in Spanish: %q", got)
	}
	if got := c.fail("", "confirm", "--email", "ana@example.com"); got != "no se puede preguntar (código de confirmación): stdin no es una terminal (pásalo por stdin con --code-stdin)" {
		t.Errorf("confirm without a terminal in Spanish: %q", got)
	}
	if got := c.fail("", "confirm", "--email", "ana@example.com", "--lang", "en"); got != "cannot ask for the confirmation code: stdin is not a terminal (pipe it on stdin with --code-stdin)" {
		t.Errorf("--lang en over COGNITO_LANG: %q", got)
	}
}

// TestVerifyAttribute changes the email and verifies it with its code,
// through stdin: a wrong code fails, --resend sends another.
func TestVerifyAttribute(t *testing.T) {
	c := newCLI(t, secretEnv)
	c.signUp("ana@example.com", "Sup3r-secret!")
	c.login("ana@example.com", "Sup3r-secret!")
	out := c.ok("", "update-attributes", "--attr", "email=ana@example.org").stdout
	if want := "Updated email.\nA code to verify email was sent to a***@e***.org. Run: cognito verify-attribute --attribute email\n"; out != want {
		t.Errorf("update-attributes printed %q, want %q", out, want)
	}
	first := c.srv.LastCode("ana@example.org")
	c.remember(first, "000000")
	if got := c.fail("000000\n", "verify-attribute", "--code-stdin"); got != "The code is not correct; check it and try again." {
		t.Errorf("a wrong code: %q", got)
	}
	r := c.run("", "verify-attribute", "--resend", "--code-stdin")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "A new code to verify email was sent to a***@e***.org.\n") {
		t.Errorf("--resend without a code: exit %d, stderr %q", r.code, r.stderr)
	}
	second := c.srv.LastCode("ana@example.org")
	c.remember(second)
	if second == first {
		t.Fatal("--resend sent no new code")
	}
	m := decodeJSON(t, c.ok(second+"\n", "verify-attribute", "--code-stdin", "--json"))
	if m["verified"] != "email" {
		t.Errorf("verify-attribute --json = %v", m)
	}
	user := decodeJSON(t, c.ok("", "whoami", "--json"))
	if attrs, _ := user["attributes"].(map[string]any); attrs["email"] != "ana@example.org" || attrs["email_verified"] != "true" {
		t.Errorf("after verify-attribute: %v", user)
	}
	if got := c.fail("", "verify-attribute", "--attribute", "phone_number", "--resend", "--code-stdin"); got != "The user has no phone_number to verify." {
		t.Errorf("no phone number: %q", got)
	}
}

// TestSessionRecordsItsOwner: the session file names the endpoint, pool
// and client its tokens belong to, and keeps them when refreshed.
func TestSessionRecordsItsOwner(t *testing.T) {
	c := newCLI(t, noSecret)
	c.signUp("ana@example.com", "Sup3r-secret!")
	c.login("ana@example.com", "Sup3r-secret!")
	for _, step := range []string{"login", "refresh"} {
		raw, err := os.ReadFile(c.session)
		if err != nil {
			t.Fatal(err)
		}
		var f map[string]any
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatal(err)
		}
		if f["endpoint"] != c.srv.Endpoint || f["user_pool_id"] != c.srv.UserPoolID || f["client_id"] != c.srv.ClientID || f["access_token"] == "" {
			t.Errorf("after %s, the session file has %v", step, keys(f))
		}
		c.ok("", "refresh")
	}
}

// TestInterruptedExits130: a command interrupted during a call to Cognito
// (Ctrl-C cancels main's context) exits with 130 and says so, rather than
// blame the network.
func TestInterruptedExits130(t *testing.T) {
	c := newCLI(t, noSecret)
	ctx, interrupt := context.WithCancel(t.Context())
	interrupt()
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{nil, "interrupted\n"},
		{[]string{"--lang", "es"}, "interrumpido\n"},
		{[]string{"--json"}, `{"error":{"message":"interrupted","kind":"interrupted"}}` + "\n"},
	} {
		var stdout, stderr bytes.Buffer
		args := slices.Concat([]string{"forgot-password", "--email", "ana@example.com"}, tc.flags, c.config, c.flags)
		if code := run(ctx, args, strings.NewReader(""), &stdout, &stderr); code != 130 || stderr.String() != tc.want {
			t.Errorf("%v: exit %d, stderr %q, want 130 and %q", tc.flags, code, stderr.String(), tc.want)
		}
	}
}
