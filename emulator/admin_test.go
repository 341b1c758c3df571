package emulator_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

func adminCreate(t *testing.T, srv *cognitotest.Server, in *cip.AdminCreateUserInput) (*cip.AdminCreateUserOutput, error) {
	t.Helper()
	in.UserPoolId = aws.String(srv.UserPoolID)
	return sdk(srv).AdminCreateUser(t.Context(), in)
}

// respondNewPassword answers a NEW_PASSWORD_REQUIRED challenge.
func respondNewPassword(t *testing.T, srv *cognitotest.Server, name, session, pw string) (*cip.RespondToAuthChallengeOutput, error) {
	t.Helper()
	responses := map[string]string{"USERNAME": name, "NEW_PASSWORD": pw}
	withSecretHash(srv, name, responses)
	return sdk(srv).RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(srv.ClientID), ChallengeName: types.ChallengeNameTypeNewPasswordRequired,
		Session: aws.String(session), ChallengeResponses: responses,
	})
}

func TestAdminCreateUserInvitation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		user  string
		email string
		opts  []cognitotest.Option
	}{
		{"public client", "ana", "ana@example.com", nil},
		{"secret client, email as username", "ana@example.com", "ana@example.com",
			[]cognitotest.Option{cognitotest.WithClientSecret(), cognitotest.WithEmailAsUsername()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t, tc.opts...)
			out, err := adminCreate(t, srv, &cip.AdminCreateUserInput{
				Username: aws.String(tc.user), UserAttributes: attrs("email", tc.email),
			})
			if err != nil {
				t.Fatal(err)
			}
			u := out.User
			if u.UserStatus != types.UserStatusTypeForceChangePassword || !u.Enabled {
				t.Errorf("new user status %s, enabled %v, want FORCE_CHANGE_PASSWORD, enabled", u.UserStatus, u.Enabled)
			}
			sub, _ := attr(u.Attributes, "sub")
			if sub == "" || u.UserCreateDate == nil {
				t.Errorf("new user has sub %q, created %v", sub, u.UserCreateDate)
			}
			username := aws.ToString(u.Username)
			if tc.user == tc.email && username != sub {
				t.Errorf("Username = %q, want the sub %q", username, sub)
			}

			msgs := srv.Messages("")
			if len(msgs) != 1 || msgs[0].Purpose != "INVITATION" || msgs[0].Destination != tc.email || msgs[0].Medium != "EMAIL" {
				t.Fatalf("outbox = %+v, want one INVITATION to %s", msgs, tc.email)
			}
			temp := msgs[0].Code
			if len(temp) < 8 {
				t.Errorf("temporary password %q is too short for the policy", temp)
			}

			auth, err := trySignIn(t, srv, tc.user, temp)
			if err != nil {
				t.Fatalf("sign-in with the temporary password: %v", err)
			}
			if auth.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || aws.ToString(auth.Session) == "" || auth.AuthenticationResult != nil {
				t.Fatalf("sign-in = challenge %q, session %q, tokens %v; want NEW_PASSWORD_REQUIRED with a session", auth.ChallengeName, aws.ToString(auth.Session), auth.AuthenticationResult)
			}
			if got := auth.ChallengeParameters["USER_ID_FOR_SRP"]; got != username {
				t.Errorf("USER_ID_FOR_SRP = %q, want %q", got, username)
			}
			session := aws.ToString(auth.Session)

			_, err = respondNewPassword(t, srv, tc.user, "not-the-session", newPassword)
			expectErr[*types.NotAuthorizedException](t, err, "")
			_, err = respondNewPassword(t, srv, tc.user, session, "weakpassword")
			expectErr[*types.InvalidPasswordException](t, err, "")

			res, err := respondNewPassword(t, srv, tc.user, session, newPassword)
			if err != nil {
				t.Fatalf("RespondToAuthChallenge: %v", err)
			}
			if r := res.AuthenticationResult; r == nil || aws.ToString(r.AccessToken) == "" || aws.ToString(r.RefreshToken) == "" || r.ExpiresIn != 3600 {
				t.Fatalf("AuthenticationResult = %+v", r)
			}
			if _, err := sdk(srv).GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AuthenticationResult.AccessToken}); err != nil {
				t.Errorf("GetUser with the challenge's tokens: %v", err)
			}
			if st := adminGetUser(t, srv, tc.user).UserStatus; st != types.UserStatusTypeConfirmed {
				t.Errorf("status after the new password = %s, want CONFIRMED", st)
			}
			// The session is single use; the new password works, the temporary one not.
			_, err = respondNewPassword(t, srv, tc.user, session, "Th1rd-secret")
			expectErr[*types.NotAuthorizedException](t, err, "")
			signIn(t, srv, tc.user, newPassword)
			_, err = trySignIn(t, srv, tc.user, temp)
			expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
		})
	}
}

func TestAdminCreateUserOptions(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)

	t.Run("suppress with a given password", func(t *testing.T) {
		_, err := adminCreate(t, srv, &cip.AdminCreateUserInput{
			Username: aws.String("quiet"), UserAttributes: attrs("email", "quiet@example.com"),
			TemporaryPassword: aws.String("Temp-Passw0rd"), MessageAction: types.MessageActionTypeSuppress,
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Messages("quiet")); n != 0 {
			t.Errorf("SUPPRESS sent %d messages", n)
		}
		auth, err := trySignIn(t, srv, "quiet", "Temp-Passw0rd")
		if err != nil {
			t.Fatal(err)
		}
		if auth.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
			t.Errorf("ChallengeName = %q", auth.ChallengeName)
		}
	})
	t.Run("given password is sent", func(t *testing.T) {
		if _, err := adminCreate(t, srv, &cip.AdminCreateUserInput{
			Username: aws.String("given"), UserAttributes: attrs("email", "given@example.com"), TemporaryPassword: aws.String("Temp-Passw0rd"),
		}); err != nil {
			t.Fatal(err)
		}
		if got := srv.LastCode("given"); got != "Temp-Passw0rd" {
			t.Errorf("invitation carries %q, want the given temporary password", got)
		}
	})
	t.Run("existing user", func(t *testing.T) {
		_, err := adminCreate(t, srv, &cip.AdminCreateUserInput{Username: aws.String("given"), UserAttributes: attrs("email", "x@example.com")})
		expectErr[*types.UsernameExistsException](t, err, "User account already exists")
	})
	t.Run("temporary password against the policy", func(t *testing.T) {
		_, err := adminCreate(t, srv, &cip.AdminCreateUserInput{
			Username: aws.String("weak"), UserAttributes: attrs("email", "weak@example.com"), TemporaryPassword: aws.String("weakpassword"),
		})
		expectErr[*types.InvalidPasswordException](t, err, "")
	})
	t.Run("missing required email", func(t *testing.T) {
		_, err := adminCreate(t, srv, &cip.AdminCreateUserInput{Username: aws.String("noemail")})
		expectErr[*types.InvalidParameterException](t, err, "")
	})
	t.Run("unknown pool", func(t *testing.T) {
		_, err := sdk(srv).AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
			UserPoolId: aws.String("eu-west-1_NoSuchPoo"), Username: aws.String("x"), UserAttributes: attrs("email", "x@example.com"),
		})
		expectErr[*types.ResourceNotFoundException](t, err, "")
	})
	t.Run("resend", func(t *testing.T) {
		if _, err := adminCreate(t, srv, &cip.AdminCreateUserInput{Username: aws.String("again"), UserAttributes: attrs("email", "again@example.com")}); err != nil {
			t.Fatal(err)
		}
		first := srv.LastCode("again")
		if _, err := adminCreate(t, srv, &cip.AdminCreateUserInput{Username: aws.String("again"), MessageAction: types.MessageActionTypeResend}); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Messages("again")); n != 2 {
			t.Fatalf("%d messages after RESEND, want 2", n)
		}
		second := srv.LastCode("again")
		if first != second {
			_, err := trySignIn(t, srv, "again", first)
			expectErr[*types.NotAuthorizedException](t, err, "")
		}
		if auth, err := trySignIn(t, srv, "again", second); err != nil || auth.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
			t.Errorf("sign-in with the resent password: %v", err)
		}
		// RESEND for a user who already chose a password is refused.
		signUpConfirmed(t, srv, "done", password)
		_, err := adminCreate(t, srv, &cip.AdminCreateUserInput{Username: aws.String("done"), MessageAction: types.MessageActionTypeResend})
		expectErr[*types.UnsupportedUserStateException](t, err, "")
		_, err = adminCreate(t, srv, &cip.AdminCreateUserInput{Username: aws.String("nobody"), MessageAction: types.MessageActionTypeResend})
		expectErr[*types.UserNotFoundException](t, err, "")
	})
}

func TestAdminCreateUserTemporaryPasswordExpires(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now))
	for _, name := range []string{"ana", "bob"} {
		if _, err := adminCreate(t, srv, &cip.AdminCreateUserInput{Username: aws.String(name), UserAttributes: attrs("email", emailFor(name))}); err != nil {
			t.Fatal(err)
		}
	}
	// A password given with SUPPRESS expires too.
	if _, err := adminCreate(t, srv, &cip.AdminCreateUserInput{
		Username: aws.String("quiet"), UserAttributes: attrs("email", "quiet@example.com"),
		TemporaryPassword: aws.String("Temp-Passw0rd"), MessageAction: types.MessageActionTypeSuppress,
	}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(7*24*time.Hour - time.Second)
	if auth, err := trySignIn(t, srv, "bob", srv.LastCode("bob")); err != nil || auth.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("temporary password just under 7 days old: %v", err)
	}
	clk.Advance(2 * time.Second)
	for name, pw := range map[string]string{"ana": srv.LastCode("ana"), "quiet": "Temp-Passw0rd"} {
		_, err := trySignIn(t, srv, name, pw)
		expectErr[*types.NotAuthorizedException](t, err, "Temporary password has expired and must be reset by an administrator.")
	}
	// An administrator's new temporary password works again.
	if _, err := sdk(srv).AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), Password: aws.String("Temp-Passw0rd2"),
	}); err != nil {
		t.Fatal(err)
	}
	if auth, err := trySignIn(t, srv, "ana", "Temp-Passw0rd2"); err != nil || auth.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("new temporary password: %v", err)
	}
}

func TestRespondToAuthChallengeRefused(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	if _, err := adminCreate(t, srv, &cip.AdminCreateUserInput{Username: aws.String("ana"), UserAttributes: attrs("email", "ana@example.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := adminCreate(t, srv, &cip.AdminCreateUserInput{Username: aws.String("bob"), UserAttributes: attrs("email", "bob@example.com")}); err != nil {
		t.Fatal(err)
	}
	auth, err := trySignIn(t, srv, "ana", srv.LastCode("ana"))
	if err != nil {
		t.Fatal(err)
	}
	session := aws.ToString(auth.Session)

	// Ana's session does not change bob's password.
	_, err = respondNewPassword(t, srv, "bob", session, newPassword)
	expectErr[*types.NotAuthorizedException](t, err, "")
	// Another client cannot use it.
	other := addClient(t, srv, &cip.CreateUserPoolClientInput{})
	_, err = respondNewPassword(t, other, "ana", session, newPassword)
	expectErr[*types.NotAuthorizedException](t, err, "")
	_, err = sdk(srv).RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(srv.ClientID), ChallengeName: types.ChallengeNameTypeSmsMfa, Session: aws.String(session),
		ChallengeResponses: map[string]string{"USERNAME": "ana", "SMS_MFA_CODE": "123456"},
	})
	// Another challenge's answer: the session is not one of SMS_MFA.
	expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")
	_, err = sdk(srv).RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(srv.ClientID), ChallengeName: types.ChallengeNameTypeNewPasswordRequired, Session: aws.String(session),
		ChallengeResponses: map[string]string{"USERNAME": "ana"},
	})
	expectErr[*types.InvalidParameterException](t, err, "")
	// After all that the session still works.
	if _, err := respondNewPassword(t, srv, "ana", session, newPassword); err != nil {
		t.Fatal(err)
	}
	if st := adminGetUser(t, srv, "bob").UserStatus; st != types.UserStatusTypeForceChangePassword {
		t.Errorf("bob's status = %s", st)
	}
}

func TestAdminConfirmSignUp(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	signUp(t, srv, "ana", password)
	in := &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")}
	if _, err := c.AdminConfirmSignUp(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	if st := adminGetUser(t, srv, "ana").UserStatus; st != types.UserStatusTypeConfirmed {
		t.Errorf("status = %s, want CONFIRMED", st)
	}
	signIn(t, srv, "ana", password)
	_, err := c.AdminConfirmSignUp(t.Context(), in)
	expectErr[*types.NotAuthorizedException](t, err, "User cannot be confirmed. Current status is CONFIRMED")
	// ConfirmSignUp with the code sent at sign-up now fails.
	expectErr[*types.NotAuthorizedException](t, tryConfirm(t, srv, "ana", srv.LastCode("ana")), "")
	_, err = c.AdminConfirmSignUp(t.Context(), &cip.AdminConfirmSignUpInput{UserPoolId: in.UserPoolId, Username: aws.String("ghost")})
	expectErr[*types.UserNotFoundException](t, err, "User does not exist.")
}

func TestAdminGetUser(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	sub := signUpConfirmed(t, srv, "ana", password)
	u := adminGetUser(t, srv, "ana")
	if aws.ToString(u.Username) != "ana" || u.UserStatus != types.UserStatusTypeConfirmed || !u.Enabled {
		t.Errorf("user = %q %s %v", aws.ToString(u.Username), u.UserStatus, u.Enabled)
	}
	if u.UserCreateDate == nil || u.UserLastModifiedDate == nil || u.UserLastModifiedDate.Before(*u.UserCreateDate) {
		t.Errorf("dates = %v, %v", u.UserCreateDate, u.UserLastModifiedDate)
	}
	if got, _ := attr(u.UserAttributes, "sub"); got != sub {
		t.Errorf("sub = %q, want %q", got, sub)
	}
	if aws.ToString(u.UserAttributes[0].Name) != "sub" {
		t.Errorf("first attribute = %q, want sub", aws.ToString(u.UserAttributes[0].Name))
	}
	_, err := c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ghost")})
	expectErr[*types.UserNotFoundException](t, err, "User does not exist.")
	_, err = c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String("eu-west-1_NoSuchPoo"), Username: aws.String("ana")})
	expectErr[*types.ResourceNotFoundException](t, err, "")
	// Usernames are case sensitive by default.
	_, err = c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ANA")})
	expectErr[*types.UserNotFoundException](t, err, "")
}

func TestAdminDeleteUser(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	signUpConfirmed(t, srv, "ana", password)
	in := &cip.AdminDeleteUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")}
	if _, err := c.AdminDeleteUser(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	_, err := c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: in.UserPoolId, Username: in.Username})
	expectErr[*types.UserNotFoundException](t, err, "")
	_, err = c.AdminDeleteUser(t.Context(), in)
	expectErr[*types.UserNotFoundException](t, err, "")
	_, err = trySignIn(t, srv, "ana", password)
	expectErr[*types.UserNotFoundException](t, err, "")
}

func TestAdminSetUserPassword(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	set := func(name, pw string, permanent bool) error {
		_, err := c.AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{
			UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name), Password: aws.String(pw), Permanent: permanent,
		})
		return err
	}

	t.Run("permanent", func(t *testing.T) {
		if _, err := adminCreate(t, srv, &cip.AdminCreateUserInput{
			Username: aws.String("ana"), UserAttributes: attrs("email", "ana@example.com"), MessageAction: types.MessageActionTypeSuppress,
		}); err != nil {
			t.Fatal(err)
		}
		if err := set("ana", newPassword, true); err != nil {
			t.Fatal(err)
		}
		if st := adminGetUser(t, srv, "ana").UserStatus; st != types.UserStatusTypeConfirmed {
			t.Errorf("status = %s, want CONFIRMED", st)
		}
		signIn(t, srv, "ana", newPassword) // no challenge
	})
	t.Run("temporary", func(t *testing.T) {
		signUpConfirmed(t, srv, "bob", password)
		if err := set("bob", newPassword, false); err != nil {
			t.Fatal(err)
		}
		if st := adminGetUser(t, srv, "bob").UserStatus; st != types.UserStatusTypeForceChangePassword {
			t.Errorf("status = %s, want FORCE_CHANGE_PASSWORD", st)
		}
		_, err := trySignIn(t, srv, "bob", password)
		expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
		auth, err := trySignIn(t, srv, "bob", newPassword)
		if err != nil {
			t.Fatal(err)
		}
		if auth.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
			t.Errorf("ChallengeName = %q, want NEW_PASSWORD_REQUIRED", auth.ChallengeName)
		}
	})
	t.Run("refused", func(t *testing.T) {
		expectErr[*types.InvalidPasswordException](t, set("ana", "weakpassword", true), "")
		expectErr[*types.UserNotFoundException](t, set("ghost", newPassword, true), "")
		signIn(t, srv, "ana", newPassword) // unchanged
	})
}

func TestAdminUpdateUserAttributes(t *testing.T) {
	t.Parallel()
	srv := profilePool(t)
	c := sdk(srv)
	update := func(name string, a []types.AttributeType) error {
		_, err := c.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name), UserAttributes: a,
		})
		return err
	}
	if _, err := adminCreate(t, srv, &cip.AdminCreateUserInput{
		Username: aws.String("ana"), UserAttributes: attrs("email", "ana@example.com", "custom:tier", "gold"), MessageAction: types.MessageActionTypeSuppress,
	}); err != nil {
		t.Fatal(err)
	}
	if err := update("ana", attrs("email_verified", "true", "name", "Ana", "custom:plan", "pro")); err != nil {
		t.Fatal(err)
	}
	u := adminGetUser(t, srv, "ana")
	for name, want := range map[string]string{"email_verified": "true", "name": "Ana", "custom:plan": "pro", "custom:tier": "gold"} {
		if v, _ := attr(u.UserAttributes, name); v != want {
			t.Errorf("%s = %q, want %q", name, v, want)
		}
	}

	// A new email with email_verified=true stays verified, and no code is sent.
	if err := update("ana", attrs("email", "ana@example.net", "email_verified", "true")); err != nil {
		t.Fatal(err)
	}
	if v, _ := attr(adminGetUser(t, srv, "ana").UserAttributes, "email_verified"); v != "true" {
		t.Errorf("email_verified = %q after a verified change", v)
	}
	if n := len(srv.Messages("ana")); n != 0 {
		t.Errorf("%d messages after a verified change", n)
	}
	// A new email alone becomes unverified and gets a code.
	if err := update("ana", attrs("email", "ana@example.org")); err != nil {
		t.Fatal(err)
	}
	if v, _ := attr(adminGetUser(t, srv, "ana").UserAttributes, "email_verified"); v != "false" {
		t.Errorf("email_verified = %q after an unverified change", v)
	}
	if msgs := srv.Messages("ana"); len(msgs) != 1 || msgs[0].Purpose != "VERIFY_ATTRIBUTE" || msgs[0].Destination != "ana@example.org" {
		t.Errorf("outbox = %+v, want a VERIFY_ATTRIBUTE code to ana@example.org", msgs)
	}

	for _, tc := range []struct {
		name       string
		attributes []types.AttributeType
	}{
		{"immutable custom attribute", attrs("custom:tier", "platinum")},
		{"unknown attribute", attrs("favourite_colour", "blue")},
		{"email_verified not boolean", attrs("email_verified", "yes")},
		{"sub", attrs("sub", "5f6b1b8e-0000-0000-0000-000000000000")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectErr[*types.InvalidParameterException](t, update("ana", tc.attributes), "")
		})
	}
	expectErr[*types.UserNotFoundException](t, update("ghost", attrs("name", "x")), "")
}

func TestAdminDisableEnableUser(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	signUpConfirmed(t, srv, "ana", password)
	pool, name := aws.String(srv.UserPoolID), aws.String("ana")

	if _, err := c.AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: pool, Username: name}); err != nil {
		t.Fatal(err)
	}
	if adminGetUser(t, srv, "ana").Enabled {
		t.Error("Enabled = true after AdminDisableUser")
	}
	_, err := trySignIn(t, srv, "ana", password)
	expectErr[*types.NotAuthorizedException](t, err, "User is disabled.")

	if _, err := c.AdminEnableUser(t.Context(), &cip.AdminEnableUserInput{UserPoolId: pool, Username: name}); err != nil {
		t.Fatal(err)
	}
	if !adminGetUser(t, srv, "ana").Enabled {
		t.Error("Enabled = false after AdminEnableUser")
	}
	signIn(t, srv, "ana", password)

	_, err = c.AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: pool, Username: aws.String("ghost")})
	expectErr[*types.UserNotFoundException](t, err, "")
	_, err = c.AdminEnableUser(t.Context(), &cip.AdminEnableUserInput{UserPoolId: pool, Username: aws.String("ghost")})
	expectErr[*types.UserNotFoundException](t, err, "")
}

func TestAdminUserGlobalSignOut(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	signUpConfirmed(t, srv, "ana", password)
	res := signIn(t, srv, "ana", password)
	if _, err := c.AdminUserGlobalSignOut(t.Context(), &cip.AdminUserGlobalSignOutInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"),
	}); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken})
	expectErr[*types.NotAuthorizedException](t, err, "Access Token has been revoked")
	_, err = tryRefresh(t, srv, aws.ToString(res.RefreshToken), "ana")
	expectErr[*types.NotAuthorizedException](t, err, "")
	signIn(t, srv, "ana", password) // signing in again works
	_, err = c.AdminUserGlobalSignOut(t.Context(), &cip.AdminUserGlobalSignOutInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ghost"),
	})
	expectErr[*types.UserNotFoundException](t, err, "")
}

// listAll pages through ListUsers and returns the usernames and page sizes.
func listAll(t *testing.T, srv *cognitotest.Server, in cip.ListUsersInput) (names []string, sizes []int) {
	t.Helper()
	in.UserPoolId = aws.String(srv.UserPoolID)
	for page := 0; ; page++ {
		if page > 20 {
			t.Fatal("pagination does not end")
		}
		out, err := sdk(srv).ListUsers(t.Context(), &in)
		if err != nil {
			t.Fatalf("ListUsers: %v", err)
		}
		sizes = append(sizes, len(out.Users))
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.Username))
		}
		if out.PaginationToken == nil {
			return names, sizes
		}
		in.PaginationToken = out.PaginationToken
	}
}

func TestListUsersPagination(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	var want []string
	for i := range 7 {
		name := fmt.Sprintf("user%d", i)
		if _, err := adminCreate(t, srv, &cip.AdminCreateUserInput{
			Username: aws.String(name), UserAttributes: attrs("email", emailFor(name)), MessageAction: types.MessageActionTypeSuppress,
		}); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	names, sizes := listAll(t, srv, cip.ListUsersInput{Limit: aws.Int32(3)})
	if !slices.Equal(sizes, []int{3, 3, 1}) {
		t.Errorf("page sizes = %v, want [3 3 1]", sizes)
	}
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Errorf("listed %v, want %v, each once", names, want)
	}
	names, sizes = listAll(t, srv, cip.ListUsersInput{})
	if len(names) != 7 || len(sizes) != 1 {
		t.Errorf("default page: %d users in %d pages", len(names), len(sizes))
	}

	c := sdk(srv)
	for _, n := range []int32{0, 61} {
		_, err := c.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(srv.UserPoolID), Limit: aws.Int32(n)})
		expectErr[*types.InvalidParameterException](t, err, "")
	}
	_, err := c.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(srv.UserPoolID), PaginationToken: aws.String("%%%")})
	expectErr[*types.InvalidParameterException](t, err, "")
	_, err = c.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String("eu-west-1_NoSuchPoo")})
	expectErr[*types.ResourceNotFoundException](t, err, "")
}

func TestListUsersFilter(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	anaSub := signUpConfirmed(t, srv, "ana", password)
	signUp(t, srv, "anabel", password) // UNCONFIRMED
	signUpConfirmed(t, srv, "bob", password)
	if _, err := c.AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	if _, err := adminCreate(t, srv, &cip.AdminCreateUserInput{ // FORCE_CHANGE_PASSWORD
		Username: aws.String("carl"), UserAttributes: attrs("email", "carl@example.org", "name", `back\slash`),
		MessageAction: types.MessageActionTypeSuppress,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), UserAttributes: attrs("name", `Ana "A" Smith`),
	}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{`email = "ana@example.com"`, []string{"ana"}},
		{`email="ana@example.com"`, []string{"ana"}},
		{`email ^= "ana"`, []string{"ana", "anabel"}},
		{`email ^= "nobody"`, nil},
		{`email = "ana"`, nil},
		{`username = "bob"`, []string{"bob"}},
		{`username ^= "a"`, []string{"ana", "anabel"}},
		{`sub = "` + anaSub + `"`, []string{"ana"}},
		{`cognito:user_status = "UNCONFIRMED"`, []string{"anabel"}},
		{`cognito:user_status = "CONFIRMED"`, []string{"ana", "bob"}},
		{`cognito:user_status = "FORCE_CHANGE_PASSWORD"`, []string{"carl"}},
		{`status = "Disabled"`, []string{"bob"}},
		{`status = "Enabled"`, []string{"ana", "anabel", "carl"}},
		{`name = "Ana \"A\" Smith"`, []string{"ana"}},
		{`name ^= "Ana \""`, []string{"ana"}},
		{`name = "back\\slash"`, []string{"carl"}},
		{``, []string{"ana", "anabel", "bob", "carl"}},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			// A page of one user at a time also checks that pagination
			// and filtering work together.
			got, _ := listAll(t, srv, cip.ListUsersInput{Filter: aws.String(tc.filter), Limit: aws.Int32(1)})
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("ListUsers(%s) = %v, want %v", tc.filter, got, tc.want)
			}
		})
	}

	for _, filter := range []string{
		`email = ana@example.com`,
		`email ~ "ana"`,
		`email == "ana"`,
		`nosuch = "x"`,
		`custom:plan = "x"`,
		`email = "unterminated`,
		`email = "ana" and more`,
		`= "ana"`,
		`email`,
	} {
		t.Run("invalid "+filter, func(t *testing.T) {
			_, err := c.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(srv.UserPoolID), Filter: aws.String(filter)})
			expectErr[*types.InvalidParameterException](t, err, "")
		})
	}
}

func TestListUsersAttributesToGet(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	signUpConfirmed(t, srv, "ana", password)
	signUp(t, srv, "bob", password)
	out, err := c.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(srv.UserPoolID), AttributesToGet: []string{"email"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Users) != 2 {
		t.Fatalf("%d users", len(out.Users))
	}
	for _, u := range out.Users {
		if len(u.Attributes) != 1 || aws.ToString(u.Attributes[0].Name) != "email" || aws.ToString(u.Attributes[0].Value) != emailFor(aws.ToString(u.Username)) {
			t.Errorf("user %s attributes = %+v, want only its email", aws.ToString(u.Username), u.Attributes)
		}
		if u.UserStatus == "" || u.UserCreateDate == nil {
			t.Errorf("user %s has status %q, created %v", aws.ToString(u.Username), u.UserStatus, u.UserCreateDate)
		}
	}
	// Without AttributesToGet every attribute comes back.
	all, err := c.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(srv.UserPoolID), Filter: aws.String(`username = "ana"`)})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Users) != 1 {
		t.Fatalf("%d users", len(all.Users))
	}
	for _, name := range []string{"sub", "email", "email_verified"} {
		if _, ok := attr(all.Users[0].Attributes, name); !ok {
			t.Errorf("ListUsers lacks %s", name)
		}
	}
	_, err = c.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(srv.UserPoolID), AttributesToGet: []string{"nosuch"}})
	expectErr[*types.InvalidParameterException](t, err, "")
}
