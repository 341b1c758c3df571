package emulator_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/uuid"

	"github.com/cognitokit/cognito/cognitotest"
)

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

func TestSignUp(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	out := signUp(t, srv, "ana", password)
	if out.UserConfirmed {
		t.Error("UserConfirmed = true before confirmation")
	}
	sub, err := uuid.Parse(aws.ToString(out.UserSub))
	if err != nil {
		t.Errorf("UserSub %q is not a UUID: %v", aws.ToString(out.UserSub), err)
	}
	d := out.CodeDeliveryDetails
	if d == nil {
		t.Fatal("no CodeDeliveryDetails")
	}
	if aws.ToString(d.Destination) != "a***@e***.com" || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" {
		t.Errorf("CodeDeliveryDetails = %q %q %q, want a***@e***.com EMAIL email", aws.ToString(d.Destination), d.DeliveryMedium, aws.ToString(d.AttributeName))
	}

	u := adminGetUser(t, srv, "ana")
	if u.UserStatus != types.UserStatusTypeUnconfirmed || !u.Enabled || aws.ToString(u.Username) != "ana" {
		t.Errorf("user = %s %v %q, want UNCONFIRMED, enabled, ana", u.UserStatus, u.Enabled, aws.ToString(u.Username))
	}
	if got, _ := attr(u.UserAttributes, "sub"); got != sub.String() {
		t.Errorf("sub attribute = %q, want %q", got, sub)
	}
	if got, _ := attr(u.UserAttributes, "email"); got != "ana@example.com" {
		t.Errorf("email = %q", got)
	}
	if v, ok := attr(u.UserAttributes, "email_verified"); ok && v != "false" {
		t.Errorf("email_verified = %q before confirmation", v)
	}

	msgs := srv.Messages("ana")
	if len(msgs) != 1 {
		t.Fatalf("outbox has %d messages for ana, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Purpose != "SIGN_UP" || m.Medium != "EMAIL" || m.Destination != "ana@example.com" || m.UserPoolID != srv.UserPoolID || !sixDigits.MatchString(m.Code) {
		t.Errorf("message = %+v, want a six-digit SIGN_UP code by EMAIL to ana@example.com", m)
	}
}

func TestSignUpRefused(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUp(t, srv, "taken", password)

	t.Run("duplicate username", func(t *testing.T) {
		_, err := trySignUp(t, srv, "taken", password, attrs("email", "other@example.com"))
		expectErr[*types.UsernameExistsException](t, err, "User already exists")
	})

	for _, tc := range []struct{ name, password, message string }{
		{"too short", "Ab1-xyz", "Password did not conform with policy: Password not long enough"},
		{"no upper case", "sup3r-secret", "Password did not conform with policy: Password must have uppercase characters"},
		{"no lower case", "SUP3R-SECRET", "Password did not conform with policy: Password must have lowercase characters"},
		{"no digit", "Super-secret", "Password did not conform with policy: Password must have numeric characters"},
		{"no symbol", "Sup3rsecret", "Password did not conform with policy: Password must have symbol characters"},
	} {
		t.Run("password "+tc.name, func(t *testing.T) {
			_, err := trySignUp(t, srv, "pwuser", tc.password, attrs("email", "pw@example.com"))
			expectErr[*types.InvalidPasswordException](t, err, tc.message)
		})
	}

	for _, tc := range []struct {
		name, username, password string
		attributes               []types.AttributeType
	}{
		{"missing required email", "bob", password, nil},
		{"unknown attribute", "bob", password, attrs("email", "bob@example.com", "favourite_colour", "blue")},
		{"unknown custom attribute", "bob", password, attrs("email", "bob@example.com", "custom:plan", "pro")},
		{"malformed email", "bob", password, attrs("email", "not an email")},
		{"sub given", "bob", password, attrs("email", "bob@example.com", "sub", "5f6b1b8e-0000-0000-0000-000000000000")},
		{"username with a space", "bob smith", password, attrs("email", "bob@example.com")},
		{"empty password", "bob", "", attrs("email", "bob@example.com")},
		{"password with a leading space", "bob", " Sup3r-secret", attrs("email", "bob@example.com")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := trySignUp(t, srv, tc.username, tc.password, tc.attributes)
			expectErr[*types.InvalidParameterException](t, err, "")
		})
	}
	t.Run("missing required email message", func(t *testing.T) {
		_, err := trySignUp(t, srv, "bob", password, nil)
		expectErr[*types.InvalidParameterException](t, err, "Attributes did not conform to the schema: email: The attribute is required")
	})

	t.Run("unknown client", func(t *testing.T) {
		_, err := sdk(srv).SignUp(t.Context(), &cip.SignUpInput{
			ClientId: aws.String("nosuchclient0000000000000"), Username: aws.String("bob"), Password: aws.String(password),
			UserAttributes: attrs("email", "bob@example.com"),
		})
		expectErr[*types.ResourceNotFoundException](t, err, "")
	})

	// Nothing refused was stored.
	_, err := sdk(srv).AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("bob")})
	expectErr[*types.UserNotFoundException](t, err, "")
}

func TestSignUpCustomPasswordPolicy(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithPasswordPolicy(types.PasswordPolicyType{
		MinimumLength: aws.Int32(6), RequireNumbers: true,
	}))
	for _, tc := range []struct {
		password string
		ok       bool
	}{
		{"abc123", true},    // no upper case or symbol needed
		{"abcdef", false},   // no digit
		{"abc12", false},    // too short
		{"123456", true},    // digits only
		{"ABC-DEF-9", true}, // anything with a digit
	} {
		t.Run(tc.password, func(t *testing.T) {
			_, err := trySignUp(t, srv, "u"+tc.password, tc.password, attrs("email", "u@example.com"))
			if tc.ok && err != nil {
				t.Errorf("SignUp: %v", err)
			}
			if !tc.ok {
				expectErr[*types.InvalidPasswordException](t, err, "")
			}
		})
	}
}

func TestSignUpSecretHash(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret())
	c := sdk(srv)
	in := func(hash *string) *cip.SignUpInput {
		return &cip.SignUpInput{
			ClientId: aws.String(srv.ClientID), SecretHash: hash, Username: aws.String("ana"),
			Password: aws.String(password), UserAttributes: attrs("email", "ana@example.com"),
		}
	}
	_, err := c.SignUp(t.Context(), in(nil))
	expectErr[*types.NotAuthorizedException](t, err, "Client "+srv.ClientID+" is configured with secret but SECRET_HASH was not received")

	for name, hash := range map[string]*string{
		"hash of another username": srv.SecretHash("bob"),
		"garbage":                  aws.String("bm90IGEgaGFzaA=="),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.SignUp(t.Context(), in(hash))
			expectErr[*types.NotAuthorizedException](t, err, "Unable to verify secret hash for client "+srv.ClientID)
		})
	}
	if _, err := c.SignUp(t.Context(), in(srv.SecretHash("ana"))); err != nil {
		t.Fatalf("SignUp with the right SECRET_HASH: %v", err)
	}
	// ConfirmSignUp checks it too.
	_, err = c.ConfirmSignUp(t.Context(), &cip.ConfirmSignUpInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String("ana"), ConfirmationCode: aws.String(srv.LastCode("ana")),
	})
	expectErr[*types.NotAuthorizedException](t, err, "Client "+srv.ClientID+" is configured with secret but SECRET_HASH was not received")
	if err := tryConfirm(t, srv, "ana", srv.LastCode("ana")); err != nil {
		t.Fatalf("ConfirmSignUp with the right SECRET_HASH: %v", err)
	}
}

func TestSignUpEmailAsUsername(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithEmailAsUsername(), cognitotest.WithClientSecret())
	const email = "ana@example.com"
	out := signUp(t, srv, email, password)
	sub := aws.ToString(out.UserSub)

	u := adminGetUser(t, srv, email)
	if aws.ToString(u.Username) != sub {
		t.Errorf("Username = %q, want the sub %q", aws.ToString(u.Username), sub)
	}
	if got, _ := attr(u.UserAttributes, "email"); got != email {
		t.Errorf("email = %q", got)
	}
	if err := tryConfirm(t, srv, email, srv.LastCode(email)); err != nil {
		t.Fatalf("ConfirmSignUp with the email: %v", err)
	}
	tokens := signIn(t, srv, email, password)
	if got := unverifiedClaims(t, aws.ToString(tokens.AccessToken))["username"]; got != sub {
		t.Errorf("access token username = %v, want the sub", got)
	}

	t.Run("duplicate email", func(t *testing.T) {
		_, err := trySignUp(t, srv, email, password, nil)
		expectErr[*types.UsernameExistsException](t, err, "")
	})
	t.Run("username that is not an email", func(t *testing.T) {
		_, err := trySignUp(t, srv, "ana", password, attrs("email", "ana2@example.com"))
		expectErr[*types.InvalidParameterException](t, err, "Username should be either an email or a phone number.")
	})
}

func TestConfirmSignUp(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUp(t, srv, "ana", password)
	code := srv.LastCode("ana")
	if !sixDigits.MatchString(code) {
		t.Errorf("code %q is not six digits", code)
	}
	err := tryConfirm(t, srv, "ana", wrongCode(code))
	expectErr[*types.CodeMismatchException](t, err, "Invalid verification code provided, please try again.")
	if st := adminGetUser(t, srv, "ana").UserStatus; st != types.UserStatusTypeUnconfirmed {
		t.Errorf("status after a wrong code = %s", st)
	}

	if err := tryConfirm(t, srv, "ana", code); err != nil {
		t.Fatalf("ConfirmSignUp: %v", err)
	}
	u := adminGetUser(t, srv, "ana")
	if u.UserStatus != types.UserStatusTypeConfirmed {
		t.Errorf("status = %s, want CONFIRMED", u.UserStatus)
	}
	if v, _ := attr(u.UserAttributes, "email_verified"); v != "true" {
		t.Errorf("email_verified = %q, want true", v)
	}

	// The code is used up and the user confirmed: confirming again fails.
	err = tryConfirm(t, srv, "ana", code)
	expectErr[*types.NotAuthorizedException](t, err, "User cannot be confirmed. Current status is CONFIRMED")
	_, err = sdk(srv).ResendConfirmationCode(t.Context(), &cip.ResendConfirmationCodeInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String("ana"),
	})
	expectErr[*types.InvalidParameterException](t, err, "")
}

func TestConfirmSignUpExpiredCode(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now))
	signUp(t, srv, "ana", password)
	signUp(t, srv, "bob", password)

	clk.Advance(24*time.Hour - time.Second)
	if err := tryConfirm(t, srv, "bob", srv.LastCode("bob")); err != nil {
		t.Fatalf("code just under 24 h old: %v", err)
	}
	clk.Advance(2 * time.Second)
	err := tryConfirm(t, srv, "ana", srv.LastCode("ana"))
	expectErr[*types.ExpiredCodeException](t, err, "")

	// A new code works.
	if _, err := sdk(srv).ResendConfirmationCode(t.Context(), &cip.ResendConfirmationCodeInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String("ana"),
	}); err != nil {
		t.Fatal(err)
	}
	if err := tryConfirm(t, srv, "ana", srv.LastCode("ana")); err != nil {
		t.Fatalf("resent code: %v", err)
	}
}

func TestConfirmSignUpTooManyFailures(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUp(t, srv, "ana", password)
	code := srv.LastCode("ana")
	wrong := wrongCode(code)
	for range 5 {
		expectErr[*types.CodeMismatchException](t, tryConfirm(t, srv, "ana", wrong), "")
	}
	err := tryConfirm(t, srv, "ana", code)
	expectErr[*types.TooManyFailedAttemptsException](t, err, "")
	if st := adminGetUser(t, srv, "ana").UserStatus; st != types.UserStatusTypeUnconfirmed {
		t.Errorf("status = %s, want UNCONFIRMED", st)
	}
}

// wrongCode returns a six-digit code other than code.
func wrongCode(code string) string {
	if code == "123456" {
		return "654321"
	}
	return "123456"
}

func TestResendConfirmationCode(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUp(t, srv, "ana", password)
	first := srv.LastCode("ana")
	for range 3 {
		expectErr[*types.CodeMismatchException](t, tryConfirm(t, srv, "ana", wrongCode(first)), "")
	}
	out, err := sdk(srv).ResendConfirmationCode(t.Context(), &cip.ResendConfirmationCodeInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String("ana"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := out.CodeDeliveryDetails; d == nil || aws.ToString(d.Destination) != "a***@e***.com" || d.DeliveryMedium != types.DeliveryMediumTypeEmail {
		t.Errorf("CodeDeliveryDetails = %+v", d)
	}
	if n := len(srv.Messages("ana")); n != 2 {
		t.Errorf("outbox has %d messages, want 2", n)
	}
	second := srv.LastCode("ana")
	if !sixDigits.MatchString(second) {
		t.Errorf("resent code %q", second)
	}
	if second != first {
		// The first code was replaced (unless the draw repeated it).
		expectErr[*types.CodeMismatchException](t, tryConfirm(t, srv, "ana", first), "")
	}
	// The failure count started again: four more wrong codes (seven in all)
	// still leave the new code usable.
	for range 3 {
		expectErr[*types.CodeMismatchException](t, tryConfirm(t, srv, "ana", wrongCode(second)), "")
	}
	if err := tryConfirm(t, srv, "ana", second); err != nil {
		t.Fatalf("resent code: %v", err)
	}
}

func TestConfirmSignUpUnknownUser(t *testing.T) {
	t.Parallel()
	t.Run("legacy", func(t *testing.T) {
		srv := cognitotest.NewServer(t)
		expectErr[*types.UserNotFoundException](t, tryConfirm(t, srv, "ghost", "123456"), "User does not exist.")
		_, err := sdk(srv).ResendConfirmationCode(t.Context(), &cip.ResendConfirmationCodeInput{
			ClientId: aws.String(srv.ClientID), Username: aws.String("ghost"),
		})
		expectErr[*types.UserNotFoundException](t, err, "")
	})
	t.Run("prevent user existence errors", func(t *testing.T) {
		srv := cognitotest.NewServer(t, cognitotest.WithPreventUserExistenceErrors())
		expectErr[*types.CodeMismatchException](t, tryConfirm(t, srv, "ghost", "123456"), "")
		out, err := sdk(srv).ResendConfirmationCode(t.Context(), &cip.ResendConfirmationCodeInput{
			ClientId: aws.String(srv.ClientID), Username: aws.String("ghost"),
		})
		if err != nil {
			t.Fatalf("ResendConfirmationCode for an unknown user: %v", err)
		}
		if d := out.CodeDeliveryDetails; d == nil || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.Destination) == "" {
			t.Errorf("CodeDeliveryDetails = %+v, want a plausible delivery", d)
		}
		if n := len(srv.Messages("")); n != 0 {
			t.Errorf("outbox has %d messages for an unknown user", n)
		}
	})
}

func TestCaseInsensitiveUsernames(t *testing.T) {
	t.Parallel()
	srv := withPool(t, cognitotest.NewServer(t), &cip.CreateUserPoolInput{
		PoolName:               aws.String("case-insensitive"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		UsernameConfiguration:  &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)},
	}, nil)
	signUpConfirmed(t, srv, "Ana", password)
	_, err := trySignUp(t, srv, "aNA", password, attrs("email", "other@example.com"))
	expectErr[*types.UsernameExistsException](t, err, "")

	res := signIn(t, srv, "ANA", password)
	out, err := sdk(srv).GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken})
	if err != nil {
		t.Fatalf("GetUser: %v", err)
	}
	if got := aws.ToString(out.Username); got != "Ana" {
		t.Errorf("Username = %q, want it as signed up, Ana", got)
	}
	if got := aws.ToString(adminGetUser(t, srv, "ana").Username); got != "Ana" {
		t.Errorf("AdminGetUser(ana).Username = %q", got)
	}
}

func TestEmailAlias(t *testing.T) {
	t.Parallel()
	srv := withPool(t, cognitotest.NewServer(t), &cip.CreateUserPoolInput{
		PoolName:               aws.String("alias"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		AliasAttributes:        []types.AliasAttributeType{types.AliasAttributeTypeEmail},
	}, nil)
	_, err := trySignUp(t, srv, "ana@example.com", password, attrs("email", "ana@example.com"))
	expectErr[*types.InvalidParameterException](t, err, "Username cannot be of email format, since user pool is configured for email alias.")

	signUp(t, srv, "ana", password)
	// An unverified email is no alias yet.
	_, err = trySignIn(t, srv, "ana@example.com", password)
	expectErr[*types.UserNotFoundException](t, err, "")
	if err := tryConfirm(t, srv, "ana", srv.LastCode("ana")); err != nil {
		t.Fatal(err)
	}
	res := signIn(t, srv, "ana@example.com", password)
	if got := unverifiedClaims(t, aws.ToString(res.AccessToken))["username"]; got != "ana" {
		t.Errorf("username claim = %v, want ana", got)
	}
	if got := aws.ToString(adminGetUser(t, srv, "ana@example.com").Username); got != "ana" {
		t.Errorf("AdminGetUser by alias: Username = %q", got)
	}

	// A second account may sign up with the same email, but not verify it.
	if _, err := trySignUp(t, srv, "ana2", password, attrs("email", "ana@example.com")); err != nil {
		t.Fatal(err)
	}
	expectErr[*types.AliasExistsException](t, tryConfirm(t, srv, "ana2", srv.LastCode("ana2")), "")
	if st := adminGetUser(t, srv, "ana2").UserStatus; st != types.UserStatusTypeUnconfirmed {
		t.Errorf("ana2 status = %s after a refused confirmation", st)
	}
	signIn(t, srv, "ana@example.com", password) // still ana's
}

func TestSignUpWithoutAutoVerification(t *testing.T) {
	t.Parallel()
	srv := withPool(t, cognitotest.NewServer(t), &cip.CreateUserPoolInput{PoolName: aws.String("manual")}, nil)
	out := signUp(t, srv, "ana", password)
	if out.CodeDeliveryDetails != nil {
		t.Errorf("CodeDeliveryDetails = %+v, want none", out.CodeDeliveryDetails)
	}
	if msgs := srv.Messages("ana"); len(msgs) != 0 {
		t.Errorf("outbox = %+v, want nothing", msgs)
	}
	_, err := sdk(srv).ResendConfirmationCode(t.Context(), &cip.ResendConfirmationCodeInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String("ana"),
	})
	expectErr[*types.InvalidParameterException](t, err, "")
	if _, err := sdk(srv).AdminConfirmSignUp(t.Context(), &cip.AdminConfirmSignUpInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"),
	}); err != nil {
		t.Fatal(err)
	}
	signIn(t, srv, "ana", password)
}

// SignUp without a password (allowed by the API for passwordless pools,
// which the local Cognito does not support yet) is refused as a missing
// member, and creates no user.
func TestSignUpWithoutPassword(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	status, body := rawCall(t, srv, "SignUp", `{"ClientId":"`+srv.ClientID+`","Username":"ana","UserAttributes":[{"Name":"email","Value":"ana@example.com"}]}`, false)
	if status != http.StatusBadRequest || errorType(t, body) != "InvalidParameterException" || !strings.Contains(string(body), "'password'") {
		t.Fatalf("SignUp without a password: %d %s", status, body)
	}
	_, err := sdk(srv).AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")})
	expectErr[*types.UserNotFoundException](t, err, "")
}
