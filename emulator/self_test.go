package emulator_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

func TestGetUser(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	sub := signUpConfirmed(t, srv, "ana", password)
	res := signIn(t, srv, "ana", password)
	out, err := sdk(srv).GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Username) != "ana" {
		t.Errorf("Username = %q", aws.ToString(out.Username))
	}
	for name, want := range map[string]string{"sub": sub, "email": "ana@example.com", "email_verified": "true"} {
		if got, _ := attr(out.UserAttributes, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// profilePool is a pool with a mutable custom attribute (plan), an
// immutable one (tier), a required email verified automatically.
func profilePool(t *testing.T) *cognitotest.Server {
	t.Helper()
	return withPool(t, cognitotest.NewServer(t), &cip.CreateUserPoolInput{
		PoolName:               aws.String("profiles"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{
			{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true)},
			{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
			{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(false)},
		},
	}, nil)
}

func TestUpdateUserAttributes(t *testing.T) {
	t.Parallel()
	srv := profilePool(t)
	c := sdk(srv)
	if _, err := trySignUp(t, srv, "ana", password, attrs("email", "ana@example.com", "custom:tier", "gold")); err != nil {
		t.Fatal(err)
	}
	if err := tryConfirm(t, srv, "ana", srv.LastCode("ana")); err != nil {
		t.Fatal(err)
	}
	res := signIn(t, srv, "ana", password)

	out, err := c.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{
		AccessToken: res.AccessToken, UserAttributes: attrs("name", "Ana B", "custom:plan", "pro"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.CodeDeliveryDetailsList) != 0 {
		t.Errorf("CodeDeliveryDetailsList = %+v for a name change", out.CodeDeliveryDetailsList)
	}
	got, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"name": "Ana B", "custom:plan": "pro", "custom:tier": "gold", "email_verified": "true"} {
		if v, _ := attr(got.UserAttributes, name); v != want {
			t.Errorf("%s = %q, want %q", name, v, want)
		}
	}
	// The ID token carries the new attributes.
	ref, err := tryRefresh(t, srv, aws.ToString(res.RefreshToken), "ana")
	if err != nil {
		t.Fatal(err)
	}
	if id := unverifiedClaims(t, aws.ToString(ref.AuthenticationResult.IdToken)); id["name"] != "Ana B" || id["custom:plan"] != "pro" {
		t.Errorf("ID token name, custom:plan = %v, %v", id["name"], id["custom:plan"])
	}

	for _, tc := range []struct {
		name       string
		attributes []types.AttributeType
	}{
		{"immutable custom attribute", attrs("custom:tier", "platinum")},
		{"sub", attrs("sub", "5f6b1b8e-0000-0000-0000-000000000000")},
		{"unknown attribute", attrs("favourite_colour", "blue")},
		{"unknown custom attribute", attrs("custom:nope", "x")},
		{"required email removed", attrs("email", "")},
		{"malformed email", attrs("email", "not an email")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{AccessToken: res.AccessToken, UserAttributes: tc.attributes})
			expectErr[*types.InvalidParameterException](t, err, "")
		})
	}
	t.Run("email_verified", func(t *testing.T) {
		_, err := c.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{AccessToken: res.AccessToken, UserAttributes: attrs("email_verified", "true")})
		expectErr[*types.NotAuthorizedException](t, err, "")
	})
	u := adminGetUser(t, srv, "ana")
	for name, want := range map[string]string{"custom:tier": "gold", "email": "ana@example.com"} {
		if v, _ := attr(u.UserAttributes, name); v != want {
			t.Errorf("after refused updates %s = %q, want %q", name, v, want)
		}
	}
}

func TestChangeEmailAndVerify(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	signUpConfirmed(t, srv, "ana", password)
	res := signIn(t, srv, "ana", password)

	out, err := c.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{
		AccessToken: res.AccessToken, UserAttributes: attrs("email", "new@example.org"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.CodeDeliveryDetailsList) != 1 {
		t.Fatalf("CodeDeliveryDetailsList = %+v, want one delivery", out.CodeDeliveryDetailsList)
	}
	d := out.CodeDeliveryDetailsList[0]
	if aws.ToString(d.Destination) != "n***@e***.org" || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" {
		t.Errorf("delivery = %q %q %q", aws.ToString(d.Destination), d.DeliveryMedium, aws.ToString(d.AttributeName))
	}
	u := adminGetUser(t, srv, "ana")
	if v, _ := attr(u.UserAttributes, "email"); v != "new@example.org" {
		t.Errorf("email = %q", v)
	}
	if v, _ := attr(u.UserAttributes, "email_verified"); v != "false" {
		t.Errorf("email_verified after a change = %q, want false", v)
	}
	msgs := srv.Messages("ana")
	last := msgs[len(msgs)-1]
	if last.Purpose != "VERIFY_ATTRIBUTE" || last.Destination != "new@example.org" || !sixDigits.MatchString(last.Code) {
		t.Fatalf("last message = %+v, want a VERIFY_ATTRIBUTE code to new@example.org", last)
	}

	verify := func(name, code string) error {
		_, err := c.VerifyUserAttribute(t.Context(), &cip.VerifyUserAttributeInput{
			AccessToken: res.AccessToken, AttributeName: aws.String(name), Code: aws.String(code),
		})
		return err
	}
	expectErr[*types.CodeMismatchException](t, verify("email", wrongCode(last.Code)), "")
	expectErr[*types.InvalidParameterException](t, verify("name", last.Code), "")
	if err := verify("email", last.Code); err != nil {
		t.Fatalf("VerifyUserAttribute: %v", err)
	}
	if v, _ := attr(adminGetUser(t, srv, "ana").UserAttributes, "email_verified"); v != "true" {
		t.Errorf("email_verified after verification = %q, want true", v)
	}
	// The code is single use.
	if err := verify("email", last.Code); err == nil {
		t.Error("a verification code worked twice")
	}
}

func TestVerifyUserAttributeTooManyFailures(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	signUpConfirmed(t, srv, "ana", password)
	res := signIn(t, srv, "ana", password)
	if _, err := c.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{
		AccessToken: res.AccessToken, UserAttributes: attrs("email", "new@example.org"),
	}); err != nil {
		t.Fatal(err)
	}
	code := srv.LastCode("new@example.org")
	verify := func(code string) error {
		_, err := c.VerifyUserAttribute(t.Context(), &cip.VerifyUserAttributeInput{
			AccessToken: res.AccessToken, AttributeName: aws.String("email"), Code: aws.String(code),
		})
		return err
	}
	for range 5 {
		expectErr[*types.CodeMismatchException](t, verify(wrongCode(code)), "")
	}
	expectErr[*types.LimitExceededException](t, verify(code), "")
}

func TestDeleteUser(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	res := signIn(t, srv, "ana", password)
	if _, err := sdk(srv).DeleteUser(t.Context(), &cip.DeleteUserInput{AccessToken: res.AccessToken}); err != nil {
		t.Fatal(err)
	}
	_, err := sdk(srv).AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")})
	expectErr[*types.UserNotFoundException](t, err, "User does not exist.")
	_, err = trySignIn(t, srv, "ana", password)
	expectErr[*types.UserNotFoundException](t, err, "")
	_, err = tryRefresh(t, srv, aws.ToString(res.RefreshToken), "ana")
	expectErr[*types.NotAuthorizedException](t, err, "")
	// The name is free again.
	signUpConfirmed(t, srv, "ana", password)
	signIn(t, srv, "ana", password)
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	signUpConfirmed(t, srv, "ana", password)
	res := signIn(t, srv, "ana", password)
	change := func(previous, proposed string) error {
		_, err := c.ChangePassword(t.Context(), &cip.ChangePasswordInput{
			AccessToken: res.AccessToken, PreviousPassword: aws.String(previous), ProposedPassword: aws.String(proposed),
		})
		return err
	}
	expectErr[*types.NotAuthorizedException](t, change("Wr0ng-secret", newPassword), "Incorrect username or password.")
	expectErr[*types.InvalidPasswordException](t, change(password, "short1!"), "Password did not conform with policy: Password not long enough")
	expectErr[*types.InvalidPasswordException](t, change(password, "nouppercase1!"), "")
	signIn(t, srv, "ana", password) // nothing changed yet

	if err := change(password, newPassword); err != nil {
		t.Fatalf("ChangePassword: %v", err)
	}
	signIn(t, srv, "ana", newPassword)
	_, err := trySignIn(t, srv, "ana", password)
	expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
}

func TestGlobalSignOut(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	signUpConfirmed(t, srv, "ana", password)
	signUpConfirmed(t, srv, "bob", password)
	first := signIn(t, srv, "ana", password)
	second := signIn(t, srv, "ana", password)
	bob := signIn(t, srv, "bob", password)

	if _, err := c.GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: first.AccessToken}); err != nil {
		t.Fatal(err)
	}
	for _, res := range []*types.AuthenticationResultType{first, second} {
		_, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken})
		expectErr[*types.NotAuthorizedException](t, err, "Access Token has been revoked")
		_, err = tryRefresh(t, srv, aws.ToString(res.RefreshToken), "ana")
		expectErr[*types.NotAuthorizedException](t, err, "")
	}
	// Other users keep their sign-ins; ana can sign in again.
	if _, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: bob.AccessToken}); err != nil {
		t.Errorf("bob after ana's GlobalSignOut: %v", err)
	}
	again := signIn(t, srv, "ana", password)
	if _, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: again.AccessToken}); err != nil {
		t.Errorf("new sign-in after GlobalSignOut: %v", err)
	}
}

// Every operation with an access token refuses a revoked one, and does
// nothing.
func TestRevokedTokenRefusedByEveryOperation(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	signUpConfirmed(t, srv, "ana", password)
	res := signIn(t, srv, "ana", password)
	if _, err := c.GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: res.AccessToken}); err != nil {
		t.Fatal(err)
	}
	tok := res.AccessToken
	for name, call := range map[string]func() error{
		"GetUser": func() error { _, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: tok}); return err },
		"UpdateUserAttributes": func() error {
			_, err := c.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{AccessToken: tok, UserAttributes: attrs("name", "Mallory")})
			return err
		},
		"VerifyUserAttribute": func() error {
			_, err := c.VerifyUserAttribute(t.Context(), &cip.VerifyUserAttributeInput{AccessToken: tok, AttributeName: aws.String("email"), Code: aws.String("123456")})
			return err
		},
		"ChangePassword": func() error {
			_, err := c.ChangePassword(t.Context(), &cip.ChangePasswordInput{AccessToken: tok, PreviousPassword: aws.String(password), ProposedPassword: aws.String(newPassword)})
			return err
		},
		"GlobalSignOut": func() error {
			_, err := c.GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: tok})
			return err
		},
		"DeleteUser": func() error { _, err := c.DeleteUser(t.Context(), &cip.DeleteUserInput{AccessToken: tok}); return err },
	} {
		t.Run(name, func(t *testing.T) {
			expectErr[*types.NotAuthorizedException](t, call(), "")
		})
	}
	u := adminGetUser(t, srv, "ana")
	if v, ok := attr(u.UserAttributes, "name"); ok {
		t.Errorf("name = %q after a refused update", v)
	}
	signIn(t, srv, "ana", password) // password unchanged, user not deleted
}

func TestForgotPassword(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	signUpConfirmed(t, srv, "ana", password)

	out, err := c.ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(srv.ClientID), Username: aws.String("ana")})
	if err != nil {
		t.Fatal(err)
	}
	if d := out.CodeDeliveryDetails; d == nil || aws.ToString(d.Destination) != "a***@e***.com" || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" {
		t.Errorf("CodeDeliveryDetails = %+v", d)
	}
	msgs := srv.Messages("ana")
	last := msgs[len(msgs)-1]
	if last.Purpose != "FORGOT_PASSWORD" || last.Destination != "ana@example.com" || last.Medium != "EMAIL" || !sixDigits.MatchString(last.Code) {
		t.Fatalf("last message = %+v, want a FORGOT_PASSWORD code", last)
	}

	expectErr[*types.CodeMismatchException](t, confirmForgot(t, srv, "ana", wrongCode(last.Code), newPassword), "Invalid verification code provided, please try again.")
	if err := confirmForgot(t, srv, "ana", last.Code, newPassword); err != nil {
		t.Fatalf("ConfirmForgotPassword: %v", err)
	}
	signIn(t, srv, "ana", newPassword)
	_, err = trySignIn(t, srv, "ana", password)
	expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	// The code was used up.
	expectErr[*types.ExpiredCodeException](t, confirmForgot(t, srv, "ana", last.Code, "Th1rd-secret"), "")
	signIn(t, srv, "ana", newPassword)
}

func confirmForgot(t *testing.T, srv *cognitotest.Server, name, code, pw string) error {
	t.Helper()
	_, err := sdk(srv).ConfirmForgotPassword(t.Context(), &cip.ConfirmForgotPasswordInput{
		ClientId: aws.String(srv.ClientID), SecretHash: srv.SecretHash(name), Username: aws.String(name),
		ConfirmationCode: aws.String(code), Password: aws.String(pw),
	})
	return err
}

func forgot(t *testing.T, srv *cognitotest.Server, name string) (*cip.ForgotPasswordOutput, error) {
	t.Helper()
	return sdk(srv).ForgotPassword(t.Context(), &cip.ForgotPasswordInput{
		ClientId: aws.String(srv.ClientID), SecretHash: srv.SecretHash(name), Username: aws.String(name),
	})
}

func TestConfirmForgotPasswordExpiredCode(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now))
	for _, name := range []string{"ana", "bob"} {
		signUpConfirmed(t, srv, name, password)
		if _, err := forgot(t, srv, name); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(time.Hour - time.Second)
	if err := confirmForgot(t, srv, "bob", srv.LastCode("bob"), newPassword); err != nil {
		t.Fatalf("code just under an hour old: %v", err)
	}
	clk.Advance(2 * time.Second)
	expectErr[*types.ExpiredCodeException](t, confirmForgot(t, srv, "ana", srv.LastCode("ana"), newPassword), "Invalid code provided, please request a code again.")
	signIn(t, srv, "ana", password)
}

func TestConfirmForgotPasswordPolicy(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret())
	signUpConfirmed(t, srv, "ana", password)
	_, err := sdk(srv).ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(srv.ClientID), Username: aws.String("ana")})
	expectErr[*types.NotAuthorizedException](t, err, "Client "+srv.ClientID+" is configured with secret but SECRET_HASH was not received")
	if _, err := forgot(t, srv, "ana"); err != nil {
		t.Fatal(err)
	}
	code := srv.LastCode("ana")
	expectErr[*types.InvalidPasswordException](t, confirmForgot(t, srv, "ana", code, "weakpassword"), "")
	// The code was not used up by the refused password.
	if err := confirmForgot(t, srv, "ana", code, newPassword); err != nil {
		t.Fatalf("ConfirmForgotPassword after a refused password: %v", err)
	}
	signIn(t, srv, "ana", newPassword)
}

func TestConfirmForgotPasswordTooManyFailures(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	if _, err := forgot(t, srv, "ana"); err != nil {
		t.Fatal(err)
	}
	code := srv.LastCode("ana")
	for range 5 {
		expectErr[*types.CodeMismatchException](t, confirmForgot(t, srv, "ana", wrongCode(code), newPassword), "")
	}
	expectErr[*types.LimitExceededException](t, confirmForgot(t, srv, "ana", code, newPassword), "Attempt limit exceeded, please try after some time.")
	signIn(t, srv, "ana", password)
	// A new code works.
	if _, err := forgot(t, srv, "ana"); err != nil {
		t.Fatal(err)
	}
	if err := confirmForgot(t, srv, "ana", srv.LastCode("ana"), newPassword); err != nil {
		t.Fatalf("new code: %v", err)
	}
}

func TestForgotPasswordRefused(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUp(t, srv, "uma", password) // unconfirmed: email not verified

	_, err := forgot(t, srv, "ghost")
	expectErr[*types.UserNotFoundException](t, err, "User does not exist.")
	expectErr[*types.UserNotFoundException](t, confirmForgot(t, srv, "ghost", "123456", newPassword), "")
	_, err = forgot(t, srv, "uma")
	expectErr[*types.InvalidParameterException](t, err, "Cannot reset password for the user as there is no registered/verified email or phone_number")
}

func TestForgotPasswordPreventUserExistenceErrors(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithPreventUserExistenceErrors())
	masked := regexp.MustCompile(`^\p{L}\*\*\*@\p{L}\*\*\*\.[a-z]+$`)
	for _, tc := range []struct{ name, want string }{
		{"ghost", ""},
		{"ghost@example.com", "g***@e***.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := forgot(t, srv, tc.name)
			if err != nil {
				t.Fatalf("ForgotPassword for an unknown user: %v", err)
			}
			d := out.CodeDeliveryDetails
			if d == nil || d.DeliveryMedium != types.DeliveryMediumTypeEmail || !masked.MatchString(aws.ToString(d.Destination)) {
				t.Fatalf("CodeDeliveryDetails = %+v, want a plausible masked email", d)
			}
			if tc.want != "" && aws.ToString(d.Destination) != tc.want {
				t.Errorf("Destination = %q, want %q", aws.ToString(d.Destination), tc.want)
			}
		})
	}
	if n := len(srv.Messages("")); n != 0 {
		t.Errorf("outbox has %d messages for unknown users", n)
	}
	expectErr[*types.CodeMismatchException](t, confirmForgot(t, srv, "ghost", "123456", newPassword), "")
}

// ChangePassword without PreviousPassword is refused as a missing member
// and does not count towards the lockout.
func TestChangePasswordWithoutPrevious(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	token := aws.ToString(signIn(t, srv, "ana", password).AccessToken)
	for range 6 {
		status, body := rawCall(t, srv, "ChangePassword", `{"AccessToken":"`+token+`","ProposedPassword":"`+newPassword+`"}`, false)
		if status != http.StatusBadRequest || errorType(t, body) != "InvalidParameterException" {
			t.Fatalf("ChangePassword without PreviousPassword: %d %s", status, body)
		}
	}
	signIn(t, srv, "ana", password) // not locked out, password unchanged
}
