package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/golang-jwt/jwt/v5"
)

// password is the password of the users the tests create.
const password = "Sup3r-secret!"

// newAdminCLI is newCLI with AWS credentials in the environment, as the
// administrator's commands need (the local Cognito accepts any).
func newAdminCLI(t *testing.T) *cli {
	t.Helper()
	c := newCLI(t, noSecret)
	t.Setenv("AWS_ACCESS_KEY_ID", "local")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "local")
	return c
}

// decodeJSONList decodes a command's --json output, a JSON array of
// objects.
func decodeJSONList(t *testing.T, r result) []map[string]any {
	t.Helper()
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || list == nil {
		t.Fatalf("cognito %s: output is not a JSON array: %v\n%s", strings.Join(r.args, " "), err, r.stdout)
	}
	return list
}

// field returns the values of key in list.
func field(list []map[string]any, key string) []string {
	out := make([]string, len(list))
	for i, m := range list {
		out[i], _ = m[key].(string)
	}
	return out
}

// The administrator's commands say what they lack: AWS credentials, the
// user pool ID.
func TestAdminNeedsCredentialsAndPool(t *testing.T) {
	c := newCLI(t, noSecret)
	if got := c.fail("", "admin", "users", "list"); !strings.Contains(got, "needs AWS credentials") {
		t.Errorf("admin users list without credentials: %q", got)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "local")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "local")
	c.config = slices.DeleteFunc(slices.Clone(c.config), func(s string) bool { return s == "--user-pool-id" || s == c.srv.UserPoolID })
	if got := c.fail("", "admin", "groups", "list"); got != errNoUserPoolID.Error() {
		t.Errorf("admin groups list without the pool ID: %q", got)
	}
	// No app client is needed.
	c.config = []string{"--endpoint", c.srv.Endpoint, "--user-pool-id", c.srv.UserPoolID}
	if out := c.ok("", "admin", "groups", "list").stdout; out != "0 group(s)\n" {
		t.Errorf("admin groups list without a client ID printed %q", out)
	}
}

func TestAdminUsersCommands(t *testing.T) {
	c := newAdminCLI(t)
	const ana, bo = "ana@example.com", "bo@example.com"
	c.remember(password, "Chang3d-secret!")

	// Invited with a temporary password Cognito makes up.
	u := decodeJSON(t, c.ok("", "admin", "users", "create", "--username", ana, "--attr", "email="+ana, "--attr", "name=Ana", "--json"))
	if got, want := keys(u), []string{"attributes", "creation_date", "enabled", "last_modified_date", "status", "sub", "username"}; !slices.Equal(got, want) {
		t.Errorf("admin users create --json keys = %v, want %v", got, want)
	}
	if u["username"] != ana || u["status"] != "FORCE_CHANGE_PASSWORD" || u["enabled"] != true {
		t.Errorf("admin users create --json = %v", u)
	}
	if invitation := c.srv.LastCode(ana); invitation == "" {
		t.Error("no invitation was sent")
	} else {
		c.remember(invitation)
	}
	if msg := c.fail("", "admin", "users", "create", "--username", ana, "--attr", "email="+ana); msg != "An account with this email already exists." {
		t.Errorf("creating a user twice: %q", msg)
	}

	// A temporary password of the administrator's, no invitation; then a
	// permanent one, with which the user signs in.
	out := c.ok(password+"\n", "admin", "users", "create", "--username", bo, "--attr", "email="+bo, "--password-stdin", "--no-invitation").stdout
	if out != "Created user bo@example.com (FORCE_CHANGE_PASSWORD); no invitation was sent.\n" {
		t.Errorf("admin users create --no-invitation printed %q", out)
	}
	if msgs := c.srv.Messages(bo); len(msgs) != 0 {
		t.Errorf("--no-invitation sent %d messages", len(msgs))
	}
	if msg := c.fail("", "admin", "users", "set-password", "--username", bo); !strings.Contains(msg, "stdin is not a terminal (pipe it on stdin with --password-stdin)") {
		t.Errorf("set-password without a terminal: %q", msg)
	}
	m := decodeJSON(t, c.ok(password+"\n", "admin", "users", "set-password", "--username", bo, "--permanent", "--password-stdin", "--json"))
	if m["username"] != bo || m["password_set"] != true || m["permanent"] != true {
		t.Errorf("set-password --permanent --json = %v", m)
	}
	c.login(bo, password)
	out = c.ok("Chang3d-secret!\n", "admin", "users", "set-password", "--username", bo, "--password-stdin").stdout
	if out != "bo@example.com has a temporary password: their next sign-in asks for a new one.\n" {
		t.Errorf("set-password printed %q", out)
	}
	if got := decodeJSON(t, c.ok("", "admin", "users", "get", "--username", bo, "--json")); got["status"] != "FORCE_CHANGE_PASSWORD" {
		t.Errorf("status after a temporary password: %v", got["status"])
	}
	c.ok(password+"\n", "admin", "users", "set-password", "--username", bo, "--permanent", "--password-stdin")

	// The simple actions, each with its --json result.
	for _, tc := range []struct {
		command, key string
		then         func()
	}{
		{"disable", "disabled", func() {
			if msg := c.fail(password+"\n", "login", "--email", bo, "--password-stdin"); !strings.HasPrefix(msg, "Not authorized") {
				t.Errorf("login of a disabled user: %q", msg)
			}
		}},
		{"enable", "enabled", func() { c.login(bo, password) }},
		{"sign-out", "signed_out", func() {
			if msg := c.fail("", "refresh"); !strings.HasPrefix(msg, "The session has ended") {
				t.Errorf("refresh after sign-out: %q", msg)
			}
		}},
	} {
		m := decodeJSON(t, c.ok("", "admin", "users", tc.command, "--username", bo, "--json"))
		if len(m) != 2 || m["username"] != bo || m[tc.key] != true {
			t.Errorf("admin users %s --json = %v", tc.command, m)
		}
		tc.then()
	}
	if got := decodeJSON(t, c.ok("", "admin", "users", "get", "--username", bo, "--json")); got["enabled"] != true {
		t.Errorf("enabled after enable: %v", got["enabled"])
	}

	// Attributes.
	m = decodeJSON(t, c.ok("", "admin", "users", "update-attributes", "--username", bo, "--attr", "name=Bo", "--attr", "locale=es", "--attr", "email_verified=true", "--json"))
	if fmt.Sprint(m["updated_attributes"]) != "[email_verified locale name]" {
		t.Errorf("update-attributes --json = %v", m)
	}
	if out := c.ok("", "admin", "users", "delete-attributes", "--username", bo, "--attr", "locale").stdout; out != "Deleted locale of bo@example.com.\n" {
		t.Errorf("delete-attributes printed %q", out)
	}
	out = c.ok("", "admin", "users", "get", "--username", bo).stdout
	if !strings.HasPrefix(out, "bo@example.com  CONFIRMED  enabled\n  created ") || !strings.Contains(out, "  name            Bo\n") || strings.Contains(out, "locale") {
		t.Errorf("admin users get printed %q", out)
	}

	// A reset: the user gets a code and must use it.
	m = decodeJSON(t, c.ok("", "admin", "users", "reset-password", "--username", bo, "--json"))
	if m["password_reset_required"] != true {
		t.Errorf("reset-password --json = %v", m)
	}
	c.remember(c.srv.LastCode(bo))
	if msg := c.fail(password+"\n", "login", "--email", bo, "--password-stdin"); !strings.HasPrefix(msg, "A password reset is required") {
		t.Errorf("login after reset-password: %q", msg)
	}

	// A sign-up confirmed by the administrator.
	c.ok(password+"\n", "register", "--email", "cy@example.com", "--password-stdin")
	if out := c.ok("", "admin", "users", "confirm", "--username", "cy@example.com").stdout; out != "cy@example.com is confirmed.\n" {
		t.Errorf("admin users confirm printed %q", out)
	}
	c.login("cy@example.com", password)

	// Deletion asks first.
	if msg := c.fail("", "admin", "users", "delete", "--username", "cy@example.com"); !strings.Contains(msg, "pass --yes to confirm") {
		t.Errorf("delete without a terminal: %q", msg)
	}
	m = decodeJSON(t, c.ok("", "admin", "users", "delete", "--username", "cy@example.com", "--yes", "--json"))
	if m["deleted"] != true || m["username"] != "cy@example.com" {
		t.Errorf("delete --json = %v", m)
	}
	for _, args := range [][]string{
		{"get", "--username", "cy@example.com"},
		{"enable", "--username", "cy@example.com"},
		{"delete", "--username", "cy@example.com", "--yes"},
	} {
		if msg := c.fail("", append([]string{"admin", "users"}, args...)...); msg != "No account with this email exists." {
			t.Errorf("admin users %s of an unknown user: %q", args[0], msg)
		}
	}
}

// list goes through every page (Cognito's hold 60 users) and filters.
func TestAdminListUsersCommand(t *testing.T) {
	c := newAdminCLI(t)
	const n = 65
	for i := range n {
		name := fmt.Sprintf("user%02d", i)
		_, err := c.srv.Client().AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
			UserPoolId: aws.String(c.srv.UserPoolID), Username: aws.String(name), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	list := decodeJSONList(t, c.ok("", "admin", "users", "list", "--json"))
	if names := field(list, "username"); len(names) != n || len(slices.Compact(slices.Sorted(slices.Values(names)))) != n {
		t.Errorf("admin users list --json listed %d users (want %d, once each)", len(names), n)
	}
	out := c.ok("", "admin", "users", "list", "--filter", `email = "user07@example.com"`).stdout
	if out != "1 user(s)\n  user07  FORCE_CHANGE_PASSWORD  enabled  user07@example.com\n" {
		t.Errorf("admin users list --filter printed %q", out)
	}
	if out := c.ok("", "admin", "users", "list", "--filter", `username ^= "nobody"`, "--json").stdout; out != "[]\n" {
		t.Errorf("an empty list with --json printed %q", out)
	}
	if msg := c.fail("", "admin", "users", "list", "--filter", "email"); !strings.HasPrefix(msg, "Some of the data sent is not valid") {
		t.Errorf("an invalid filter: %q", msg)
	}
}

// The groups' commands, and the way to the example API's /admin: a user an
// administrator creates, gives a password and puts in the group "admin"
// signs in with tokens that carry it.
func TestAdminGroupsCommands(t *testing.T) {
	c := newAdminCLI(t)
	const ana = "ana@example.com"
	c.remember(password)
	c.ok("", "admin", "users", "create", "--username", ana, "--attr", "email="+ana, "--attr", "email_verified=true", "--no-invitation")
	c.ok(password+"\n", "admin", "users", "set-password", "--username", ana, "--permanent", "--password-stdin")

	g := decodeJSON(t, c.ok("", "admin", "groups", "create", "--group", "admin", "--description", "Administrators", "--precedence", "1", "--json"))
	if got, want := keys(g), []string{"creation_date", "description", "last_modified_date", "name", "precedence"}; !slices.Equal(got, want) {
		t.Errorf("admin groups create --json keys = %v, want %v", got, want)
	}
	if g["name"] != "admin" || g["precedence"] != float64(1) {
		t.Errorf("admin groups create --json = %v", g)
	}
	c.ok("", "admin", "groups", "create", "--group", "users")
	if msg := c.fail("", "admin", "groups", "create", "--group", "admin"); msg != "A group of that name already exists in the user pool." {
		t.Errorf("creating a group twice: %q", msg)
	}
	if out := c.ok("", "admin", "groups", "list").stdout; out != "2 group(s)\n  admin  precedence 1  Administrators\n  users\n" {
		t.Errorf("admin groups list printed %q", out)
	}
	if out := c.ok("", "admin", "groups", "get", "--group", "admin").stdout; !strings.HasPrefix(out, "admin  precedence 1  Administrators\n  created ") {
		t.Errorf("admin groups get printed %q", out)
	}

	for _, group := range []string{"admin", "users"} {
		m := decodeJSON(t, c.ok("", "admin", "groups", "add-user", "--group", group, "--username", ana, "--json"))
		if len(m) != 3 || m["group"] != group || m["username"] != ana || m["member"] != true {
			t.Errorf("add-user --json = %v", m)
		}
	}
	if got := field(decodeJSONList(t, c.ok("", "admin", "groups", "user-groups", "--username", ana, "--json")), "name"); !slices.Equal(got, []string{"admin", "users"}) {
		t.Errorf("user-groups --json = %v", got)
	}
	if got := field(decodeJSONList(t, c.ok("", "admin", "groups", "list-users", "--group", "admin", "--json")), "username"); !slices.Equal(got, []string{ana}) {
		t.Errorf("list-users --json = %v", got)
	}
	c.login(ana, password)
	var claims struct {
		Groups []string `json:"cognito:groups"`
		jwt.RegisteredClaims
	}
	if _, _, err := jwt.NewParser().ParseUnverified(c.tokens().AccessToken, &claims); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(claims.Groups, []string{"admin", "users"}) {
		t.Errorf("the access token's cognito:groups = %v, want [admin users]", claims.Groups)
	}

	m := decodeJSON(t, c.ok("", "admin", "groups", "remove-user", "--group", "users", "--username", ana, "--json"))
	if m["member"] != false {
		t.Errorf("remove-user --json = %v", m)
	}
	if out := c.ok("", "admin", "groups", "list-users", "--group", "users").stdout; out != "0 member(s)\n" {
		t.Errorf("list-users after remove-user printed %q", out)
	}

	if msg := c.fail("", "admin", "groups", "delete", "--group", "admin"); !strings.Contains(msg, "pass --yes to confirm") {
		t.Errorf("delete without a terminal: %q", msg)
	}
	if m := decodeJSON(t, c.ok("", "admin", "groups", "delete", "--group", "admin", "--yes", "--json")); m["deleted"] != true || m["group"] != "admin" {
		t.Errorf("admin groups delete --json = %v", m)
	}
	for _, args := range [][]string{
		{"get", "--group", "admin"},
		{"add-user", "--group", "admin", "--username", ana},
		{"list-users", "--group", "admin"},
	} {
		if msg := c.fail("", append([]string{"admin", "groups"}, args...)...); msg != "No group of that name exists in the user pool." {
			t.Errorf("admin groups %s of an unknown group: %q", args[0], msg)
		}
	}
	if msg := c.fail("", "admin", "groups", "get", "--group", "admin", "--lang", "es"); msg != "No existe ningún grupo con ese nombre." {
		t.Errorf("in Spanish: %q", msg)
	}
	if msg := c.fail("", "admin", "groups", "user-groups", "--username", "nobody"); msg != "No account with this email exists." {
		t.Errorf("user-groups of an unknown user: %q", msg)
	}
}

// The administrator's commands speak the user's language too.
func TestAdminInSpanish(t *testing.T) {
	c := newAdminCLI(t)
	out := c.ok("", "--lang", "es", "admin", "users", "create", "--username", "ana@example.com", "--attr", "email=ana@example.com", "--no-invitation").stdout
	if !strings.HasPrefix(out, "Usuario ") || !strings.Contains(out, "no se envió ninguna invitación") {
		t.Errorf("create in Spanish printed %q", out)
	}
	if out := c.ok("", "--lang", "es", "admin", "users", "disable", "--username", "ana@example.com").stdout; out != "ana@example.com está desactivado: no puede iniciar sesión ni renovar sus tokens.\n" {
		t.Errorf("disable in Spanish printed %q", out)
	}
	if out := c.ok("", "--lang", "es", "admin", "users", "list").stdout; !strings.HasPrefix(out, "1 usuario(s)\n") || !strings.Contains(out, "desactivado") {
		t.Errorf("list in Spanish printed %q", out)
	}
}
