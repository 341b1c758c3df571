package cognito_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator/store"
	"github.com/cognitokit/cognito/internal/teststores"
)

// onEachStore runs test as a parallel subtest once per kind of store of
// the local Cognito (what the tests of a laptop's SQLite file see must be
// what the memory store of the tests sees), with a server on that store
// and a Client of it (with the server's credentials).
func onEachStore(t *testing.T, test func(t *testing.T, srv *cognitotest.Server, c *cognito.Client)) {
	t.Helper()
	teststores.Each(t, func(t *testing.T, st store.Store) {
		srv := cognitotest.NewServer(t, cognitotest.WithStore(st))
		test(t, srv, newClient(t, srv))
	})
}

// collect gathers what an iterator yields, failing the test at its error.
func collect[T any](t *testing.T, seq iter.Seq2[T, error]) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("iteration failed after %d items: %v", len(out), err)
		}
		out = append(out, v)
	}
	return out
}

// iterationError returns the error an iterator ends with, checking that it
// yields it once and nothing else.
func iterationError[T any](t *testing.T, seq iter.Seq2[T, error]) error {
	t.Helper()
	var errs []error
	for _, err := range seq {
		if err == nil {
			t.Fatal("the iteration yielded an item, want only an error")
		}
		errs = append(errs, err)
	}
	if len(errs) != 1 {
		t.Fatalf("the iteration yielded %d errors, want 1", len(errs))
	}
	return errs[0]
}

func usernames(users []cognito.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Username
	}
	return out
}

func groupNames(groups []cognito.Group) []string {
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = g.Name
	}
	return out
}

// getUser returns the administrator's view of username.
func getUser(t *testing.T, admin *cognito.Admin, username string) *cognito.User {
	t.Helper()
	u, err := admin.GetUser(t.Context(), username)
	if err != nil {
		t.Fatalf("GetUser(%s): %v", username, err)
	}
	return u
}

func TestAdminCreateUser(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server, c *cognito.Client) {
		ctx, admin := t.Context(), c.Admin()

		// Invited: Cognito makes the temporary password and emails it.
		u, err := admin.CreateUser(ctx, "ana@example.com", map[string]string{"email": "ana@example.com", "name": "Ana"})
		if err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		if u.Username != "ana@example.com" || u.Status != "FORCE_CHANGE_PASSWORD" || !u.Enabled ||
			u.Sub == "" || u.Sub != u.Attributes["sub"] || u.Attributes["name"] != "Ana" || u.CreationDate.IsZero() {
			t.Errorf("CreateUser = %+v", u)
		}
		invitation := srv.LastCode("ana@example.com")
		if invitation == "" {
			t.Fatal("no invitation was sent")
		}
		s, err := c.SignIn(ctx, "ana@example.com", invitation)
		if err != nil || s.Step == nil || s.Step.Kind != cognito.StepNewPassword {
			t.Fatalf("signing in with the invitation's password: %+v, %v; want the new-password step", s, err)
		}
		if done, err := c.Answer(ctx, s, password); err != nil || done.Tokens == nil {
			t.Fatalf("choosing a password: %+v, %v", done, err)
		}
		if got := getUser(t, admin, "ana@example.com"); got.Status != "CONFIRMED" || got.Sub != u.Sub || got.LastModifiedDate.Before(got.CreationDate) {
			t.Errorf("after the first sign-in: %+v", got)
		}

		// A temporary password of the administrator's, no invitation.
		if _, err := admin.CreateUser(ctx, "bo@example.com", map[string]string{"email": "bo@example.com"},
			cognito.WithTemporaryPassword(temporaryPassword), cognito.WithoutInvitation()); err != nil {
			t.Fatalf("CreateUser without invitation: %v", err)
		}
		if msgs := srv.Messages("bo@example.com"); len(msgs) != 0 {
			t.Errorf("WithoutInvitation sent %d messages", len(msgs))
		}
		if s, err := c.SignIn(ctx, "bo@example.com", temporaryPassword); err != nil || s.Step == nil || s.Step.Kind != cognito.StepNewPassword {
			t.Errorf("signing in with the temporary password: %+v, %v", s, err)
		}

		_, err = admin.CreateUser(ctx, "ana@example.com", map[string]string{"email": "ana@example.com"})
		if !errors.Is(err, cognito.ErrUserExists) {
			t.Errorf("creating a user twice: %v, want ErrUserExists", err)
		}
		const weak = "n0-upper-case!"
		_, err = admin.CreateUser(ctx, "cy@example.com", nil, cognito.WithTemporaryPassword(weak))
		if !errors.Is(err, cognito.ErrInvalidPassword) || strings.Contains(fmtAll(err), weak) {
			t.Errorf("a temporary password against the policy: %v, want ErrInvalidPassword without the password", err)
		}
	})
}

func TestAdminPasswordsAndStatus(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server, c *cognito.Client) {
		ctx, admin := t.Context(), c.Admin()
		invited(t, srv, "bo@example.com")
		const user = "bo@example.com"

		if err := admin.SetPassword(ctx, user, password); err != nil {
			t.Fatalf("SetPassword: %v", err)
		}
		if got := getUser(t, admin, user); got.Status != "CONFIRMED" {
			t.Errorf("status after SetPassword = %s, want CONFIRMED", got.Status)
		}
		if _, err := c.Authenticate(ctx, user, password); err != nil {
			t.Errorf("signing in with the password set: %v", err)
		}
		const weak = "weakpassword"
		if err := admin.SetPassword(ctx, user, weak); !errors.Is(err, cognito.ErrInvalidPassword) || strings.Contains(fmtAll(err), weak) {
			t.Errorf("SetPassword against the policy: %v, want ErrInvalidPassword without the password", err)
		}

		if err := admin.SetTemporaryPassword(ctx, user, temporaryPassword); err != nil {
			t.Fatalf("SetTemporaryPassword: %v", err)
		}
		if got := getUser(t, admin, user); got.Status != "FORCE_CHANGE_PASSWORD" {
			t.Errorf("status after SetTemporaryPassword = %s", got.Status)
		}
		if _, err := c.Authenticate(ctx, user, temporaryPassword); !errors.Is(err, cognito.ErrChallengeRequired) {
			t.Errorf("signing in with a temporary password: %v, want ErrChallengeRequired", err)
		}
		if err := admin.SetPassword(ctx, user, password); err != nil {
			t.Fatal(err)
		}

		// Disabled users cannot sign in; enabled again, they can.
		if err := admin.DisableUser(ctx, user); err != nil {
			t.Fatalf("DisableUser: %v", err)
		}
		if got := getUser(t, admin, user); got.Enabled {
			t.Error("GetUser says a disabled user is enabled")
		}
		if _, err := c.Authenticate(ctx, user, password); !errors.Is(err, cognito.ErrNotAuthorized) {
			t.Errorf("a disabled user signs in: %v, want ErrNotAuthorized", err)
		}
		if err := admin.EnableUser(ctx, user); err != nil {
			t.Fatalf("EnableUser: %v", err)
		}
		tokens, err := c.Authenticate(ctx, user, password)
		if err != nil {
			t.Fatalf("an enabled user signs in: %v", err)
		}
		if got := getUser(t, admin, user); !got.Enabled {
			t.Error("GetUser says an enabled user is disabled")
		}

		// Signed out everywhere, the refresh token stops working.
		if err := admin.SignOut(ctx, user); err != nil {
			t.Fatalf("SignOut: %v", err)
		}
		if _, err := c.RefreshTokens(ctx, tokens); !errors.Is(err, cognito.ErrNotAuthorized) {
			t.Errorf("refreshing after SignOut: %v, want ErrNotAuthorized", err)
		}

		// A reset needs a verified address to send the code to.
		if err := admin.ResetPassword(ctx, user); !errors.Is(err, cognito.ErrInvalidParameter) {
			t.Errorf("ResetPassword without a verified email: %v, want ErrInvalidParameter", err)
		}
		if err := admin.UpdateUserAttributes(ctx, user, map[string]string{"email_verified": "true"}); err != nil {
			t.Fatal(err)
		}
		if err := admin.ResetPassword(ctx, user); err != nil {
			t.Fatalf("ResetPassword: %v", err)
		}
		if got := getUser(t, admin, user); got.Status != "RESET_REQUIRED" {
			t.Errorf("status after ResetPassword = %s", got.Status)
		}
		if _, err := c.Authenticate(ctx, user, password); !errors.Is(err, cognito.ErrPasswordResetRequired) {
			t.Errorf("signing in after ResetPassword: %v, want ErrPasswordResetRequired", err)
		}
		if err := c.ConfirmForgotPassword(ctx, user, srv.LastCode(user), "R3set-secret!"); err != nil {
			t.Fatalf("finishing the reset with the code sent: %v", err)
		}
		if _, err := c.Authenticate(ctx, user, "R3set-secret!"); err != nil {
			t.Errorf("signing in after the reset: %v", err)
		}

		// A sign-up confirmed by the administrator, once.
		if _, err := c.Register(ctx, "cy@example.com", password, nil); err != nil {
			t.Fatal(err)
		}
		if got := getUser(t, admin, "cy@example.com"); got.Status != "UNCONFIRMED" {
			t.Errorf("status after Register = %s", got.Status)
		}
		if err := admin.ConfirmSignUp(ctx, "cy@example.com"); err != nil {
			t.Fatalf("ConfirmSignUp: %v", err)
		}
		if got := getUser(t, admin, "cy@example.com"); got.Status != "CONFIRMED" {
			t.Errorf("status after ConfirmSignUp = %s", got.Status)
		}
		if err := admin.ConfirmSignUp(ctx, "cy@example.com"); !errors.Is(err, cognito.ErrAlreadyConfirmed) {
			t.Errorf("confirming a confirmed user: %v, want ErrAlreadyConfirmed", err)
		}
	})
}

func TestAdminAttributesAndDelete(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server, c *cognito.Client) {
		ctx, admin := t.Context(), c.Admin()
		registered(t, srv, c, "ana@example.com")
		const user = "ana@example.com"

		if err := admin.UpdateUserAttributes(ctx, user, map[string]string{"name": "Ana", "locale": "es"}); err != nil {
			t.Fatalf("UpdateUserAttributes: %v", err)
		}
		if got := getUser(t, admin, user).Attributes; got["name"] != "Ana" || got["locale"] != "es" || got["email"] != user {
			t.Errorf("attributes after UpdateUserAttributes = %v", got)
		}
		if err := admin.DeleteUserAttributes(ctx, user, "locale", "name"); err != nil {
			t.Fatalf("DeleteUserAttributes: %v", err)
		}
		got := getUser(t, admin, user).Attributes
		if _, ok := got["locale"]; ok {
			t.Errorf("attributes after DeleteUserAttributes = %v", got)
		}
		if _, ok := got["name"]; ok || got["email"] != user {
			t.Errorf("attributes after DeleteUserAttributes = %v", got)
		}
		err := admin.UpdateUserAttributes(ctx, user, map[string]string{"custom:nope": "x"})
		if !errors.Is(err, cognito.ErrInvalidParameter) {
			t.Errorf("an attribute the schema lacks: %v, want ErrInvalidParameter", err)
		}

		if err := admin.DeleteUser(ctx, user); err != nil {
			t.Fatalf("DeleteUser: %v", err)
		}
		_, err = admin.GetUser(ctx, user)
		var notFound *types.UserNotFoundException
		if !errors.Is(err, cognito.ErrUserNotFound) || !errors.As(err, &notFound) {
			t.Errorf("GetUser after DeleteUser: %v, want ErrUserNotFound and the SDK's UserNotFoundException", err)
		}
		if _, err := c.Authenticate(ctx, user, password); !errors.Is(err, cognito.ErrUserNotFound) {
			t.Errorf("signing in after DeleteUser: %v", err)
		}
	})
}

// Every operation on an unknown user says so.
func TestAdminUnknownUser(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server, c *cognito.Client) {
		ctx, admin := t.Context(), c.Admin()
		if _, err := admin.CreateGroup(ctx, "staff"); err != nil {
			t.Fatal(err)
		}
		const nobody = "nobody@example.com"
		for name, call := range map[string]func() error{
			"GetUser":              func() error { _, err := admin.GetUser(ctx, nobody); return err },
			"SetPassword":          func() error { return admin.SetPassword(ctx, nobody, password) },
			"SetTemporaryPassword": func() error { return admin.SetTemporaryPassword(ctx, nobody, password) },
			"ResetPassword":        func() error { return admin.ResetPassword(ctx, nobody) },
			"EnableUser":           func() error { return admin.EnableUser(ctx, nobody) },
			"DisableUser":          func() error { return admin.DisableUser(ctx, nobody) },
			"UpdateUserAttributes": func() error { return admin.UpdateUserAttributes(ctx, nobody, map[string]string{"name": "N"}) },
			"DeleteUserAttributes": func() error { return admin.DeleteUserAttributes(ctx, nobody, "name") },
			"SignOut":              func() error { return admin.SignOut(ctx, nobody) },
			"ConfirmSignUp":        func() error { return admin.ConfirmSignUp(ctx, nobody) },
			"DeleteUser":           func() error { return admin.DeleteUser(ctx, nobody) },
			"AddUserToGroup":       func() error { return admin.AddUserToGroup(ctx, nobody, "staff") },
			"RemoveUserFromGroup":  func() error { return admin.RemoveUserFromGroup(ctx, nobody, "staff") },
			"ListGroupsForUser":    func() error { return iterationError(t, admin.ListGroupsForUser(ctx, nobody)) },
		} {
			if err := call(); !errors.Is(err, cognito.ErrUserNotFound) {
				t.Errorf("%s of an unknown user: %v, want ErrUserNotFound", name, err)
			}
		}
	})
}

// ListUsers goes through every page (Cognito's hold 60 users) and filters
// as Cognito does; ListUsersInGroup pages as well.
func TestAdminListUsers(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server, c *cognito.Client) {
		ctx, admin := t.Context(), c.Admin()
		const n = 75 // more than a page
		if _, err := admin.CreateGroup(ctx, "everyone"); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			name := fmt.Sprintf("user%02d", i)
			if _, err := admin.CreateUser(ctx, name, map[string]string{"email": name + "@example.com"}, cognito.WithoutInvitation()); err != nil {
				t.Fatalf("CreateUser(%s): %v", name, err)
			}
			if err := admin.AddUserToGroup(ctx, name, "everyone"); err != nil {
				t.Fatalf("AddUserToGroup(%s): %v", name, err)
			}
		}
		for name, seq := range map[string]iter.Seq2[cognito.User, error]{
			"ListUsers":        admin.ListUsers(ctx, ""),
			"ListUsersInGroup": admin.ListUsersInGroup(ctx, "everyone"),
		} {
			users := collect(t, seq)
			seen := map[string]int{}
			for _, u := range users {
				seen[u.Username]++
				if u.Status != "FORCE_CHANGE_PASSWORD" || !u.Enabled || u.Sub == "" || u.Attributes["email"] != u.Username+"@example.com" {
					t.Errorf("%s yielded %+v", name, u)
				}
			}
			if len(users) != n || len(seen) != n {
				t.Errorf("%s yielded %d users, %d different; want %d once each", name, len(users), len(seen), n)
			}
			// Ranging again starts again.
			if again := collect(t, seq); len(again) != n {
				t.Errorf("%s a second time yielded %d users", name, len(again))
			}
		}

		for filter, want := range map[string][]string{
			`username ^= "user1"`:               {"user10", "user11", "user12", "user13", "user14", "user15", "user16", "user17", "user18", "user19"},
			`email = "user42@example.com"`:      {"user42"},
			`cognito:user_status = "CONFIRMED"`: nil,
		} {
			got := usernames(collect(t, admin.ListUsers(ctx, filter)))
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("ListUsers(%s) = %v, want %v", filter, got, want)
			}
		}

		// Stopping early is allowed.
		taken := 0
		for _, err := range admin.ListUsers(ctx, "") {
			if err != nil {
				t.Fatal(err)
			}
			if taken++; taken == 3 {
				break
			}
		}
		if taken != 3 {
			t.Errorf("took %d users, want 3", taken)
		}

		if err := iterationError(t, admin.ListUsers(ctx, `email == "x"`)); !errors.Is(err, cognito.ErrInvalidParameter) {
			t.Errorf("an invalid filter: %v, want ErrInvalidParameter", err)
		}
	})
}

func TestAdminGroups(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server, c *cognito.Client) {
		ctx, admin := t.Context(), c.Admin()
		g, err := admin.CreateGroup(ctx, "admin", cognito.GroupDescription("Administrators"), cognito.GroupPrecedence(1),
			cognito.GroupRoleARN("arn:aws:iam::123456789012:role/admins"))
		if err != nil {
			t.Fatalf("CreateGroup: %v", err)
		}
		if g.Name != "admin" || g.Description != "Administrators" || g.Precedence == nil || *g.Precedence != 1 ||
			g.RoleARN != "arn:aws:iam::123456789012:role/admins" || g.CreationDate.IsZero() {
			t.Errorf("CreateGroup = %+v", g)
		}
		if g, err := admin.CreateGroup(ctx, "users"); err != nil || g.Precedence != nil || g.Description != "" {
			t.Fatalf("CreateGroup without options = %+v, %v", g, err)
		}
		if _, err := admin.CreateGroup(ctx, "admin"); !errors.Is(err, cognito.ErrGroupExists) {
			t.Errorf("creating a group twice: %v, want ErrGroupExists", err)
		}
		if got, err := admin.GetGroup(ctx, "admin"); err != nil || got.Description != "Administrators" || *got.Precedence != 1 {
			t.Errorf("GetGroup = %+v, %v", got, err)
		}
		if got := groupNames(collect(t, admin.ListGroups(ctx))); !slices.Equal(got, []string{"admin", "users"}) {
			t.Errorf("ListGroups = %v", got)
		}

		// Membership, seen from both sides and in the tokens.
		registered(t, srv, c, "ana@example.com")
		registered(t, srv, c, "bo@example.com")
		for _, m := range [][2]string{{"ana@example.com", "users"}, {"ana@example.com", "admin"}, {"ana@example.com", "admin"}, {"bo@example.com", "users"}} {
			if err := admin.AddUserToGroup(ctx, m[0], m[1]); err != nil {
				t.Fatalf("AddUserToGroup(%s, %s): %v", m[0], m[1], err)
			}
		}
		if got := groupNames(collect(t, admin.ListGroupsForUser(ctx, "ana@example.com"))); !slices.Equal(got, []string{"admin", "users"}) {
			t.Errorf("ListGroupsForUser(ana) = %v", got)
		}
		members := usernames(collect(t, admin.ListUsersInGroup(ctx, "users")))
		slices.Sort(members)
		if !slices.Equal(members, []string{"ana@example.com", "bo@example.com"}) {
			t.Errorf("ListUsersInGroup(users) = %v", members)
		}
		if got := tokenGroups(t, c, "ana@example.com"); !slices.Equal(got, []string{"admin", "users"}) {
			t.Errorf("ana's token carries the groups %v, want admin (precedence 1) then users", got)
		}

		if err := admin.RemoveUserFromGroup(ctx, "ana@example.com", "users"); err != nil {
			t.Fatalf("RemoveUserFromGroup: %v", err)
		}
		if got := groupNames(collect(t, admin.ListGroupsForUser(ctx, "ana@example.com"))); !slices.Equal(got, []string{"admin"}) {
			t.Errorf("ListGroupsForUser(ana) after removal = %v", got)
		}
		if got := usernames(collect(t, admin.ListUsersInGroup(ctx, "users"))); !slices.Equal(got, []string{"bo@example.com"}) {
			t.Errorf("ListUsersInGroup(users) after removal = %v", got)
		}

		if err := admin.DeleteGroup(ctx, "admin"); err != nil {
			t.Fatalf("DeleteGroup: %v", err)
		}
		if got := collect(t, admin.ListGroupsForUser(ctx, "ana@example.com")); len(got) != 0 {
			t.Errorf("ana's groups after the group's deletion: %v", groupNames(got))
		}
		if got := tokenGroups(t, c, "ana@example.com"); len(got) != 0 {
			t.Errorf("ana's new token carries the groups %v, want none", got)
		}

		// An unknown group says so.
		var notFound *types.ResourceNotFoundException
		if _, err := admin.GetGroup(ctx, "admin"); !errors.Is(err, cognito.ErrGroupNotFound) || !errors.As(err, &notFound) {
			t.Errorf("GetGroup of a deleted group: %v, want ErrGroupNotFound and the SDK's ResourceNotFoundException", err)
		}
		for name, call := range map[string]func() error{
			"DeleteGroup":         func() error { return admin.DeleteGroup(ctx, "nope") },
			"AddUserToGroup":      func() error { return admin.AddUserToGroup(ctx, "bo@example.com", "nope") },
			"RemoveUserFromGroup": func() error { return admin.RemoveUserFromGroup(ctx, "bo@example.com", "nope") },
			"ListUsersInGroup":    func() error { return iterationError(t, admin.ListUsersInGroup(ctx, "nope")) },
		} {
			if err := call(); !errors.Is(err, cognito.ErrGroupNotFound) {
				t.Errorf("%s of an unknown group: %v, want ErrGroupNotFound", name, err)
			}
		}
	})
}

// tokenGroups signs username in and returns the cognito:groups of its
// access token.
func tokenGroups(t *testing.T, c *cognito.Client, username string) []string {
	t.Helper()
	tokens, err := c.Authenticate(t.Context(), username, password)
	if err != nil {
		t.Fatalf("Authenticate(%s): %v", username, err)
	}
	var claims struct {
		Groups []string `json:"cognito:groups"`
		jwt.RegisteredClaims
	}
	if _, _, err := jwt.NewParser().ParseUnverified(tokens.AccessToken, &claims); err != nil {
		t.Fatal(err)
	}
	return claims.Groups
}

// Without the pool's ID or AWS credentials, nothing is sent, and the error
// says which is missing.
func TestAdminNeedsPoolAndCredentials(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	ctx := context.Background()
	noCredentials := srv.AWSConfig()
	noCredentials.Credentials = nil
	anonymous := srv.AWSConfig()
	anonymous.Credentials = aws.AnonymousCredentials{}
	for _, tc := range []struct {
		name   string
		change func(*cognito.Config)
		want   error
	}{
		{"no user pool ID", func(c *cognito.Config) { c.UserPoolID = "" }, cognito.ErrInvalidParameter},
		{"no credentials", func(c *cognito.Config) { c.AWSConfig = &noCredentials }, cognito.ErrNoCredentials},
		{"anonymous credentials", func(c *cognito.Config) { c.AWSConfig = &anonymous }, cognito.ErrNoCredentials},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := configFor(srv)
			tc.change(&cfg)
			c, err := cognito.New(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			admin := c.Admin()
			for name, call := range map[string]func() error{
				"CreateUser":  func() error { _, err := admin.CreateUser(ctx, "ana", nil); return err },
				"GetUser":     func() error { _, err := admin.GetUser(ctx, "ana"); return err },
				"SetPassword": func() error { return admin.SetPassword(ctx, "ana", password) },
				"DeleteUser":  func() error { return admin.DeleteUser(ctx, "ana") },
				"CreateGroup": func() error { _, err := admin.CreateGroup(ctx, "g"); return err },
				"ListUsers":   func() error { return iterationError(t, admin.ListUsers(ctx, "")) },
				"ListGroups":  func() error { return iterationError(t, admin.ListGroups(ctx)) },
			} {
				err := call()
				var e *cognito.Error
				if !errors.Is(err, tc.want) || !errors.As(err, &e) || e.Code != "" {
					t.Errorf("%s: %v, want %v before any call", name, err, tc.want)
				}
			}
		})
	}
	// Nothing reached the server.
	users := collect(t, newClient(t, srv).Admin().ListUsers(ctx, ""))
	if len(users) != 0 {
		t.Errorf("the server has %d users", len(users))
	}
}
