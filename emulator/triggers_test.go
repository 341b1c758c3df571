package emulator_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"golang.org/x/oauth2"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/jwtverify"
)

// recorder keeps the raw events a trigger got.
type recorder struct {
	mu     sync.Mutex
	events []map[string]any
}

func (r *recorder) record(raw json.RawMessage) {
	var ev map[string]any
	json.Unmarshal(raw, &ev)
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
}

// last is the last event, or fails the test.
func (r *recorder) last(t testing.TB) map[string]any {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.events) == 0 {
		t.Fatal("the trigger was not called")
	}
	return r.events[len(r.events)-1]
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// wrap makes fn keep each raw event in r.
func (r *recorder) wrap(fn cognitotest.TriggerFunc) cognitotest.TriggerFunc {
	return func(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
		r.record(raw)
		return fn(ctx, raw)
	}
}

// recorded wraps a typed handler so that r keeps each raw event.
func recorded[E any](r *recorder, fn func(ctx context.Context, ev *E) error) cognitotest.TriggerFunc {
	return r.wrap(cognitotest.Handler(fn))
}

// checkHeader checks the common part of an event against AWS's shape.
func checkHeader(t testing.TB, srv *cognitotest.Server, ev map[string]any, version, source, username, clientID string) {
	t.Helper()
	cc, _ := ev["callerContext"].(map[string]any)
	if ev["version"] != version || ev["triggerSource"] != source || ev["region"] != cognitotest.Region ||
		ev["userPoolId"] != srv.UserPoolID || ev["userName"] != username || cc == nil || cc["clientId"] != clientID || cc["awsSdkVersion"] == "" {
		t.Errorf("event header = %v, want version %s, %s, user %s, client %q", ev, version, source, username, clientID)
	}
	if _, ok := ev["request"].(map[string]any); !ok {
		t.Errorf("event has no request: %v", ev)
	}
	if _, ok := ev["response"]; !ok {
		t.Errorf("event has no response: %v", ev)
	}
}

// request is an event's request member.
func request(ev map[string]any) map[string]any {
	r, _ := ev["request"].(map[string]any)
	return r
}

func TestTriggerPreSignUp(t *testing.T) {
	var rec recorder
	srv := cognitotest.NewServer(t, cognitotest.WithTrigger(cognitotest.PreSignUp, recorded(&rec, func(_ context.Context, ev *events.CognitoEventUserPoolsPreSignup) error {
		switch ev.Request.ValidationData["invite"] {
		case "yes":
			ev.Response.AutoConfirmUser, ev.Response.AutoVerifyEmail = true, true
		case "no":
			return errors.New("invitations only")
		}
		return nil
	})))
	c := sdk(srv)
	out, err := c.SignUp(t.Context(), &cip.SignUpInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String("ana"), Password: aws.String(password),
		UserAttributes: attrs("email", emailFor("ana")), ValidationData: attrs("invite", "yes"),
		ClientMetadata: map[string]string{"source": "web"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ev := rec.last(t)
	checkHeader(t, srv, ev, "1", "PreSignUp_SignUp", "ana", srv.ClientID)
	r := request(ev)
	ua, _ := r["userAttributes"].(map[string]any)
	if ua["email"] != emailFor("ana") || ua["sub"] != nil || r["clientMetadata"].(map[string]any)["source"] != "web" || r["validationData"].(map[string]any)["invite"] != "yes" {
		t.Errorf("request = %v", r)
	}
	if !out.UserConfirmed || out.CodeDeliveryDetails != nil {
		t.Errorf("SignUp = confirmed %v, delivery %v; want an auto-confirmed user and no code", out.UserConfirmed, out.CodeDeliveryDetails)
	}
	if u := adminGetUser(t, srv, "ana"); u.UserStatus != types.UserStatusTypeConfirmed {
		t.Errorf("status = %s", u.UserStatus)
	} else if v, _ := attr(u.UserAttributes, "email_verified"); v != "true" {
		t.Errorf("email_verified = %q", v)
	}
	signIn(t, srv, "ana", password)

	// Without the invitation the user signs up as usual, with a code.
	if out := signUp(t, srv, "bob", password); out.UserConfirmed || out.CodeDeliveryDetails == nil {
		t.Errorf("plain sign-up = %+v", out)
	}

	// A refusal is the function's message; no user is created.
	_, err = c.SignUp(t.Context(), &cip.SignUpInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String("eve"), Password: aws.String(password),
		UserAttributes: attrs("email", emailFor("eve")), ValidationData: attrs("invite", "no"),
	})
	expectErr[*types.UserLambdaValidationException](t, err, "PreSignUp failed with error invitations only.")
	_, err = c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("eve")})
	expectErr[*types.UserNotFoundException](t, err, "")
	if len(srv.Messages("eve")) != 0 {
		t.Error("a refused sign-up sent a code")
	}

	// AdminCreateUser calls it with its own source and no client.
	if _, err := c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("carla"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: attrs("email", emailFor("carla")),
	}); err != nil {
		t.Fatal(err)
	}
	checkHeader(t, srv, rec.last(t), "1", "PreSignUp_AdminCreateUser", "carla", "")
}

func TestTriggerPostConfirmation(t *testing.T) {
	var rec recorder
	fail := false
	srv := cognitotest.NewServer(t, cognitotest.WithTrigger(cognitotest.PostConfirmation, recorded(&rec, func(_ context.Context, ev *events.CognitoEventUserPoolsPostConfirmation) error {
		if fail {
			return errors.New("database down")
		}
		return nil
	})))
	signUpConfirmed(t, srv, "ana", password)
	ev := rec.last(t)
	checkHeader(t, srv, ev, "1", "PostConfirmation_ConfirmSignUp", "ana", srv.ClientID)
	if ua, _ := request(ev)["userAttributes"].(map[string]any); ua["cognito:user_status"] != "CONFIRMED" || ua["sub"] == nil || ua["email_verified"] != "true" {
		t.Errorf("userAttributes = %v", ua)
	}

	if _, err := sdk(srv).ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(srv.ClientID), Username: aws.String("ana")}); err != nil {
		t.Fatal(err)
	}
	if _, err := sdk(srv).ConfirmForgotPassword(t.Context(), &cip.ConfirmForgotPasswordInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String("ana"), ConfirmationCode: aws.String(srv.LastCode("ana")), Password: aws.String("Another-Pass-123"),
	}); err != nil {
		t.Fatal(err)
	}
	checkHeader(t, srv, rec.last(t), "1", "PostConfirmation_ConfirmForgotPassword", "ana", srv.ClientID)

	// A failure is reported; the confirmation stands, as on AWS.
	fail = true
	signUp(t, srv, "bob", password)
	err := tryConfirm(t, srv, "bob", srv.LastCode("bob"))
	expectErr[*types.UserLambdaValidationException](t, err, "PostConfirmation failed with error database down.")
	if u := adminGetUser(t, srv, "bob"); u.UserStatus != types.UserStatusTypeConfirmed {
		t.Errorf("status after a failed PostConfirmation = %s", u.UserStatus)
	}
	fail = false

	// AdminConfirmSignUp names no client.
	signUp(t, srv, "carla", password)
	if _, err := sdk(srv).AdminConfirmSignUp(t.Context(), &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("carla")}); err != nil {
		t.Fatal(err)
	}
	checkHeader(t, srv, rec.last(t), "1", "PostConfirmation_ConfirmSignUp", "carla", "")
}

// TestTriggerPreTokenGenerationV1: a V1 function changes the ID token's
// claims and the groups of both tokens, at sign-in and refresh.
func TestTriggerPreTokenGenerationV1(t *testing.T) {
	var rec recorder
	srv := cognitotest.NewServer(t, cognitotest.WithTrigger(cognitotest.PreTokenGeneration, recorded(&rec, func(_ context.Context, ev *events.CognitoEventUserPoolsPreTokenGen) error {
		ev.Response.ClaimsOverrideDetails = events.ClaimsOverrideDetails{
			ClaimsToAddOrOverride: map[string]string{"tenant": "acme", "sub": "forged"},
			ClaimsToSuppress:      []string{"email"},
			GroupOverrideDetails:  events.GroupConfiguration{GroupsToOverride: []string{"admins"}},
		}
		return nil
	})))
	signUpConfirmed(t, srv, "ana", password)
	tokens := signIn(t, srv, "ana", password)
	ev := rec.last(t)
	checkHeader(t, srv, ev, "1", "TokenGeneration_Authentication", "ana", srv.ClientID)
	if gc, _ := request(ev)["groupConfiguration"].(map[string]any); gc == nil {
		t.Errorf("request has no groupConfiguration: %v", request(ev))
	}
	id := verifiedClaims(t, srv, aws.ToString(tokens.IdToken), time.Now)
	access := verifiedClaims(t, srv, aws.ToString(tokens.AccessToken), time.Now)
	if id["tenant"] != "acme" || id["email"] != nil || id["sub"] == "forged" || !slices.Equal(anyStrings(id["cognito:groups"]), []string{"admins"}) {
		t.Errorf("ID token = %v", id)
	}
	if access["tenant"] != nil || !slices.Equal(anyStrings(access["cognito:groups"]), []string{"admins"}) {
		t.Errorf("access token = %v: V1 adds claims to the ID token only, groups to both", access)
	}
	if _, err := tryRefresh(t, srv, aws.ToString(tokens.RefreshToken), "ana"); err != nil {
		t.Fatal(err)
	}
	checkHeader(t, srv, rec.last(t), "1", "TokenGeneration_RefreshTokens", "ana", srv.ClientID)
}

func anyStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestTriggerPreTokenGenerationV2: a V2 function adds a claim to both
// tokens and a scope to the access token, which jwtverify sees.
func TestTriggerPreTokenGenerationV2(t *testing.T) {
	var rec recorder
	srv := cognitotest.NewServer(t, cognitotest.WithTrigger(cognitotest.PreTokenGenerationV2, recorded(&rec, func(_ context.Context, ev *events.CognitoEventUserPoolsPreTokenGenV2_0) error {
		d := &ev.Response.ClaimsAndScopeOverrideDetails
		d.IDTokenGeneration.ClaimsToAddOrOverride = map[string]any{"tenant": "acme", "roles": []string{"a", "b"}}
		d.AccessTokenGeneration.ClaimsToAddOrOverride = map[string]any{"tenant": "acme"}
		d.AccessTokenGeneration.ScopesToAdd = []string{"orders/read"}
		return nil
	})))
	signUpConfirmed(t, srv, "ana", password)
	tokens := signIn(t, srv, "ana", password)
	ev := rec.last(t)
	checkHeader(t, srv, ev, "2", "TokenGeneration_Authentication", "ana", srv.ClientID)
	if scopes := anyStrings(request(ev)["scopes"]); !slices.Equal(scopes, []string{"aws.cognito.signin.user.admin"}) {
		t.Errorf("request scopes = %v", scopes)
	}
	v, err := jwtverify.New(jwtverify.Config{Issuer: srv.Endpoint + "/" + srv.UserPoolID, ClientIDs: []string{srv.ClientID}, TokenUse: jwtverify.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	claims, err := v.Verify(t.Context(), aws.ToString(tokens.AccessToken))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := claims.Raw()
	if !claims.HasScope("orders/read") || !claims.HasScope("aws.cognito.signin.user.admin") || raw["tenant"] != "acme" {
		t.Errorf("verified access token: scope %q, claims %v", claims.Scope, raw)
	}
	id := verifiedClaims(t, srv, aws.ToString(tokens.IdToken), time.Now)
	if id["tenant"] != "acme" || !slices.Equal(anyStrings(id["roles"]), []string{"a", "b"}) {
		t.Errorf("ID token = %v", id)
	}
	// The access token still calls the API.
	if _, err := sdk(srv).GetUser(t.Context(), &cip.GetUserInput{AccessToken: tokens.AccessToken}); err != nil {
		t.Errorf("GetUser: %v", err)
	}
}

// TestTriggerPreTokenGenerationSources: the managed login's tokens are
// TokenGeneration_HostedAuth; a V3 function is called for a
// client-credentials token too, a V2 one is not.
func TestTriggerPreTokenGenerationSources(t *testing.T) {
	for _, version := range []cognitotest.Trigger{cognitotest.PreTokenGenerationV2, cognitotest.PreTokenGenerationV3} {
		t.Run(string(version), func(t *testing.T) {
			var rec recorder
			srv := cognitotest.NewServer(t, cognitotest.WithTrigger(version, recorded(&rec, func(_ context.Context, ev *events.CognitoEventUserPoolsPreTokenGenV2_0) error {
				ev.Response.ClaimsAndScopeOverrideDetails.AccessTokenGeneration.ClaimsToAddOrOverride = map[string]any{"via": ev.TriggerSource}
				return nil
			})))
			app := webApp(t, srv, false, types.OAuthFlowTypeCode)
			signUpConfirmed(t, srv, "ana", password)
			code := signInAt(t, newBrowser(t, app), authorizeURL(app, nil), "ana", password).Query().Get("code")
			if status, tokens := exchange(t, app, codeGrant(code)); status != 200 {
				t.Fatalf("exchange: %d %v", status, tokens)
			} else if ac := verifiedClaims(t, srv, tokens["access_token"].(string), time.Now); ac["via"] != "TokenGeneration_HostedAuth" {
				t.Errorf("code-flow access token = %v", ac)
			}

			before := rec.count()
			mc := newMachineClient(t, srv)
			tok, err := ccConfig(srv, mc, oauth2.AuthStyleInHeader).Token(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			ac := verifiedClaims(t, srv, tok.AccessToken, time.Now)
			switch version {
			case cognitotest.PreTokenGenerationV3:
				ev := rec.last(t)
				checkHeader(t, srv, ev, "3", "TokenGeneration_ClientCredentials", mc.id, mc.id)
				if ac["via"] != "TokenGeneration_ClientCredentials" {
					t.Errorf("client-credentials token = %v", ac)
				}
			default:
				if rec.count() != before || ac["via"] != nil {
					t.Errorf("a V2 function was called for a client-credentials token: %v", ac)
				}
			}
		})
	}
}

// TestTriggerFailures: a function's error, a timeout and a response that
// is not the event are each reported as AWS reports them, and nothing is
// written.
func TestTriggerFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   cognitotest.TriggerFunc
		want func(t *testing.T, err error)
	}{
		{"error", func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, errors.New("no") }, func(t *testing.T, err error) {
			expectErr[*types.UserLambdaValidationException](t, err, "PreSignUp failed with error no.")
		}},
		{"timeout", func(ctx context.Context, _ json.RawMessage) (json.RawMessage, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}, func(t *testing.T, err error) {
			expectErr[*types.UnexpectedLambdaException](t, err, "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.")
		}},
		{"invalid response", func(context.Context, json.RawMessage) (json.RawMessage, error) {
			return json.RawMessage(`{"response":{"autoConfirmUser":"yes"}}`), nil
		}, func(t *testing.T, err error) {
			expectErr[*types.InvalidLambdaResponseException](t, err, "Unrecognizable lambda output")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t, cognitotest.WithTrigger(cognitotest.PreSignUp, tc.fn))
			_, err := trySignUp(t, srv, "ana", password, attrs("email", emailFor("ana")))
			tc.want(t, err)
			_, err = sdk(srv).AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")})
			expectErr[*types.UserNotFoundException](t, err, "")
		})
	}
}

// TestTriggerAuthentication: PreAuthentication sees the sign-in before the
// password is checked and may refuse it; PostAuthentication sees it after,
// and a failure there leaves no sign-in behind.
func TestTriggerAuthentication(t *testing.T) {
	var pre, post recorder
	refuse := map[string]bool{}
	var mu sync.Mutex
	srv := cognitotest.NewServer(t, cognitotest.WithPreventUserExistenceErrors(),
		cognitotest.WithTrigger(cognitotest.PreAuthentication, recorded(&pre, func(_ context.Context, ev *events.CognitoEventUserPoolsPreAuthentication) error {
			if ev.Request.ValidationData["blocked"] == "yes" {
				return errors.New("blocked")
			}
			return nil
		})),
		cognitotest.WithTrigger(cognitotest.PostAuthentication, recorded(&post, func(_ context.Context, ev *events.CognitoEventUserPoolsPostAuthentication) error {
			mu.Lock()
			defer mu.Unlock()
			if refuse[ev.UserName] {
				return errors.New("audit log unavailable")
			}
			return nil
		})))
	signUpConfirmed(t, srv, "ana", password)
	signIn(t, srv, "ana", password)
	ev := pre.last(t)
	checkHeader(t, srv, ev, "1", "PreAuthentication_Authentication", "ana", srv.ClientID)
	if ua, _ := request(ev)["userAttributes"].(map[string]any); ua["email"] != emailFor("ana") || request(ev)["userNotFound"] != false {
		t.Errorf("PreAuthentication request = %v", request(ev))
	}
	ev = post.last(t)
	checkHeader(t, srv, ev, "1", "PostAuthentication_Authentication", "ana", srv.ClientID)
	if request(ev)["newDeviceUsed"] != false {
		t.Errorf("PostAuthentication request = %v", request(ev))
	}

	// Refused before the password is checked: even a wrong one is not
	// counted.
	c := sdk(srv)
	for range 6 {
		_, err := c.InitiateAuth(t.Context(), &cip.InitiateAuthInput{
			ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "ana", "PASSWORD": "wrong"}, ClientMetadata: map[string]string{"blocked": "yes"},
		})
		expectErr[*types.UserLambdaValidationException](t, err, "PreAuthentication failed with error blocked.")
	}
	signIn(t, srv, "ana", password) // no lockout came of them

	// An unknown user, on a client that hides user existence.
	_, err := trySignIn(t, srv, "nobody", password)
	expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	if ev := pre.last(t); request(ev)["userNotFound"] != true || ev["userName"] != "nobody" {
		t.Errorf("PreAuthentication for an unknown user = %v", ev)
	}

	// PostAuthentication's failure: no tokens.
	signUpConfirmed(t, srv, "bob", password)
	mu.Lock()
	refuse["bob"] = true
	mu.Unlock()
	_, err = trySignIn(t, srv, "bob", password)
	expectErr[*types.UserLambdaValidationException](t, err, "PostAuthentication failed with error audit log unavailable.")
}

// TestTriggerUserMigration: an unknown user signing in with a password, or
// resetting it, is migrated by the function: created with its attributes
// and status, and signed in (or sent a reset code).
func TestTriggerUserMigration(t *testing.T) {
	var rec recorder
	srv := cognitotest.NewServer(t, cognitotest.WithTrigger(cognitotest.UserMigration, recorded(&rec, func(_ context.Context, ev *events.CognitoEventUserPoolsMigrateUser) error {
		legacy := map[string]string{"ana": "Legacy-Pass-1", "bob": ""}
		pw, known := legacy[ev.UserName]
		switch {
		case !known:
			return errors.New("Bad password")
		case ev.TriggerSource == "UserMigration_Authentication" && ev.CognitoEventUserPoolsMigrateUserRequest.Password != pw:
			return errors.New("Bad password")
		}
		r := &ev.CognitoEventUserPoolsMigrateUserResponse
		r.UserAttributes = map[string]string{"email": emailFor(ev.UserName), "email_verified": "true", "name": "Migrated " + ev.UserName}
		r.MessageAction = "SUPPRESS"
		if ev.TriggerSource == "UserMigration_Authentication" {
			r.FinalUserStatus = "CONFIRMED"
		}
		return nil
	})))
	tokens, err := trySignIn(t, srv, "ana", "Legacy-Pass-1")
	if err != nil || tokens.AuthenticationResult == nil {
		t.Fatalf("migrating sign-in: %v", err)
	}
	ev := rec.last(t)
	checkHeader(t, srv, ev, "1", "UserMigration_Authentication", "ana", srv.ClientID)
	if request(ev)["password"] != "Legacy-Pass-1" {
		t.Errorf("request = %v", request(ev))
	}
	u := adminGetUser(t, srv, "ana")
	if name, _ := attr(u.UserAttributes, "name"); u.UserStatus != types.UserStatusTypeConfirmed || name != "Migrated ana" {
		t.Errorf("migrated user = %s %v", u.UserStatus, u.UserAttributes)
	}
	if len(srv.Messages("ana")) != 0 {
		t.Error("a SUPPRESSed migration sent a message")
	}
	signIn(t, srv, "ana", "Legacy-Pass-1") // now a user of the pool

	_, err = trySignIn(t, srv, "carla", "whatever-1A")
	expectErr[*types.UserLambdaValidationException](t, err, "UserMigration failed with error Bad password.")

	// A password reset migrates the user with RESET_REQUIRED and sends
	// the code.
	if _, err := sdk(srv).ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(srv.ClientID), Username: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	checkHeader(t, srv, rec.last(t), "1", "UserMigration_ForgotPassword", "bob", srv.ClientID)
	if u := adminGetUser(t, srv, "bob"); u.UserStatus != types.UserStatusTypeResetRequired {
		t.Errorf("status = %s", u.UserStatus)
	}
	if _, err := sdk(srv).ConfirmForgotPassword(t.Context(), &cip.ConfirmForgotPasswordInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String("bob"), ConfirmationCode: aws.String(srv.LastCode("bob")), Password: aws.String(password),
	}); err != nil {
		t.Fatal(err)
	}
	signIn(t, srv, "bob", password)
}

// TestTriggerCustomMessage: the function's text, with the code in the
// place of {####}, goes to the outbox for each reason AWS names; a text
// without the placeholder is refused.
func TestTriggerCustomMessage(t *testing.T) {
	var rec recorder
	srv := cognitotest.NewServer(t, cognitotest.WithTrigger(cognitotest.CustomMessage, recorded(&rec, func(_ context.Context, ev *events.CognitoEventUserPoolsCustomMessage) error {
		if ev.Request.ClientMetadata["broken"] == "yes" {
			ev.Response.EmailMessage = "no code here"
			return nil
		}
		ev.Response.EmailSubject = "Welcome to Acme (" + ev.TriggerSource + ")"
		ev.Response.EmailMessage = "Hello " + ev.Request.UsernameParameter + ", your code is " + ev.Request.CodeParameter
		return nil
	})))
	c := sdk(srv)
	last := func(name string) emulator.Message {
		t.Helper()
		msgs := srv.Messages(name)
		if len(msgs) == 0 {
			t.Fatalf("no message for %s", name)
		}
		return msgs[len(msgs)-1]
	}
	check := func(name, source string) {
		t.Helper()
		m := last(name)
		if m.Subject != "Welcome to Acme ("+source+")" || !strings.HasSuffix(m.Text, "your code is "+m.Code) || m.Code == "" {
			t.Errorf("%s message = %+v", source, m)
		}
		checkHeader(t, srv, rec.last(t), "1", source, rec.last(t)["userName"].(string), rec.last(t)["callerContext"].(map[string]any)["clientId"].(string))
		if r := request(rec.last(t)); r["codeParameter"] != "{####}" {
			t.Errorf("%s request = %v", source, r)
		}
	}
	signUp(t, srv, "ana", password)
	check("ana", "CustomMessage_SignUp")
	if _, err := c.ResendConfirmationCode(t.Context(), &cip.ResendConfirmationCodeInput{ClientId: aws.String(srv.ClientID), Username: aws.String("ana")}); err != nil {
		t.Fatal(err)
	}
	check("ana", "CustomMessage_ResendCode")
	if err := tryConfirm(t, srv, "ana", last("ana").Code); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(srv.ClientID), Username: aws.String("ana")}); err != nil {
		t.Fatal(err)
	}
	check("ana", "CustomMessage_ForgotPassword")
	tokens := signIn(t, srv, "ana", password)
	if _, err := c.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{AccessToken: tokens.AccessToken, UserAttributes: attrs("email", "ana2@example.com")}); err != nil {
		t.Fatal(err)
	}
	check("ana", "CustomMessage_UpdateUserAttribute")
	if _, err := c.GetUserAttributeVerificationCode(t.Context(), &cip.GetUserAttributeVerificationCodeInput{AccessToken: tokens.AccessToken, AttributeName: aws.String("email")}); err != nil {
		t.Fatal(err)
	}
	check("ana", "CustomMessage_VerifyUserAttribute")

	// An invitation: the username's placeholder is given, and filled in.
	if _, err := c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("bob"), UserAttributes: attrs("email", emailFor("bob")),
	}); err != nil {
		t.Fatal(err)
	}
	if m := last("bob"); m.Purpose != emulator.PurposeInvitation || m.Text != "Hello bob, your code is "+m.Code {
		t.Errorf("invitation = %+v", m)
	}

	// A text without {####}: refused, and nothing is sent or created.
	_, err := c.SignUp(t.Context(), &cip.SignUpInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String("carla"), Password: aws.String(password),
		UserAttributes: attrs("email", emailFor("carla")), ClientMetadata: map[string]string{"broken": "yes"},
	})
	expectErr[*types.InvalidLambdaResponseException](t, err, "")
	if len(srv.Messages("carla")) != 0 {
		t.Error("a refused message was sent")
	}
	_, err = c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("carla")})
	expectErr[*types.UserNotFoundException](t, err, "")
}

// TestTriggerPreTokenGenerationNewPassword: the tokens of a sign-in that
// answered NEW_PASSWORD_REQUIRED are TokenGeneration_NewPasswordChallenge.
func TestTriggerPreTokenGenerationNewPassword(t *testing.T) {
	var rec recorder
	srv := cognitotest.NewServer(t, cognitotest.WithTrigger(cognitotest.PreTokenGeneration, recorded(&rec, func(context.Context, *events.CognitoEventUserPoolsPreTokenGen) error { return nil })))
	c := sdk(srv)
	if _, err := c.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("bob"), TemporaryPassword: aws.String("Temp-Pass-123"),
		MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs("email", emailFor("bob")),
	}); err != nil {
		t.Fatal(err)
	}
	out, err := trySignIn(t, srv, "bob", "Temp-Pass-123")
	session := expectChallenge(t, out, err, types.ChallengeNameTypeNewPasswordRequired)
	done, err := respond(t, srv, "bob", types.ChallengeNameTypeNewPasswordRequired, session, map[string]string{"NEW_PASSWORD": password})
	expectTokens(t, done, err)
	checkHeader(t, srv, rec.last(t), "1", "TokenGeneration_NewPasswordChallenge", "bob", srv.ClientID)
}

// TestTriggerCustomMessageAuthentication: an MFA code's message is the
// CustomMessage trigger's (CustomMessage_Authentication), sent once the
// challenge is committed; the code in it answers the challenge.
func TestTriggerCustomMessageAuthentication(t *testing.T) {
	var rec recorder
	srv := cognitotest.NewServer(t, cognitotest.WithTrigger(cognitotest.CustomMessage, recorded(&rec, func(_ context.Context, ev *events.CognitoEventUserPoolsCustomMessage) error {
		ev.Response.EmailSubject = "Your Acme sign-in code"
		ev.Response.EmailMessage = "Sign in with " + ev.Request.CodeParameter
		return nil
	})))
	in := mfaPoolInput("")
	in.LambdaConfig = &types.LambdaConfigType{CustomMessage: aws.String(cognitotest.TriggerARN(cognitotest.CustomMessage))}
	srv = withPool(t, srv, in, nil)
	cfg := allFactorsConfig(types.UserPoolMfaTypeOptional)
	cfg.UserPoolId = aws.String(srv.UserPoolID)
	if _, err := sdk(srv).SetUserPoolMfaConfig(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	signUpConfirmed(t, srv, "ana", password)
	if _, err := sdk(srv).AdminSetUserMFAPreference(t.Context(), &cip.AdminSetUserMFAPreferenceInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"),
		EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true},
	}); err != nil {
		t.Fatal(err)
	}
	out, err := trySignIn(t, srv, "ana", password)
	session := expectChallenge(t, out, err, types.ChallengeNameTypeEmailOtp)
	msgs := srv.Messages("ana")
	m := msgs[len(msgs)-1]
	if m.Purpose != emulator.PurposeMFA || m.Subject != "Your Acme sign-in code" || m.Text != "Sign in with "+m.Code {
		t.Errorf("MFA message = %+v", m)
	}
	checkHeader(t, srv, rec.last(t), "1", "CustomMessage_Authentication", "ana", srv.ClientID)
	done, err := respond(t, srv, "ana", types.ChallengeNameTypeEmailOtp, session, map[string]string{"EMAIL_OTP_CODE": m.Code})
	expectTokens(t, done, err)
}

// TestTriggerPreTokenGenerationDevice: the tokens of a sign-in that proved
// a remembered device are TokenGeneration_AuthenticateDevice.
func TestTriggerPreTokenGenerationDevice(t *testing.T) {
	var rec recorder
	srv := cognitotest.NewServer(t, cognitotest.WithTrigger(cognitotest.PreTokenGeneration, recorded(&rec, func(context.Context, *events.CognitoEventUserPoolsPreTokenGen) error { return nil })))
	srv = devicePool(t, srv, &types.DeviceConfigurationType{}, false, &types.LambdaConfigType{
		PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{
			LambdaArn: aws.String(cognitotest.TriggerARN(cognitotest.PreTokenGeneration)), LambdaVersion: types.PreTokenGenerationLambdaVersionTypeV10,
		},
	})
	signUpConfirmed(t, srv, "ana", password)
	dev, _ := rememberDevice(t, srv, "ana", "phone")
	checkHeader(t, srv, rec.last(t), "1", "TokenGeneration_Authentication", "ana", srv.ClientID)
	deviceSignIn(t, srv, "ana", dev)
	checkHeader(t, srv, rec.last(t), "1", "TokenGeneration_AuthenticateDevice", "ana", srv.ClientID)
}

// TestTriggerUserMigrationParallel: parallel first sign-ins of one legacy
// user migrate it once, and every one of them signs in (on both stores);
// the log names each invocation but never the password it carried.
func TestTriggerUserMigrationParallel(t *testing.T) {
	const legacy = "Legacy-Pass-1"
	migrate := cognitotest.WithTrigger(cognitotest.UserMigration, cognitotest.Handler(func(_ context.Context, ev *events.CognitoEventUserPoolsMigrateUser) error {
		if ev.CognitoEventUserPoolsMigrateUserRequest.Password != legacy {
			return errors.New("Bad password")
		}
		ev.CognitoEventUserPoolsMigrateUserResponse.UserAttributes = map[string]string{"email": emailFor(ev.UserName), "email_verified": "true"}
		ev.CognitoEventUserPoolsMigrateUserResponse.MessageAction = "SUPPRESS"
		return nil
	}))
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		errs := parallel(4, func(int) error {
			_, err := trySignIn(t, srv, "ana", legacy)
			return err
		})
		for _, err := range errs {
			if err != nil {
				t.Errorf("a parallel migrating sign-in: %v", err)
			}
		}
		out, err := sdk(srv).ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(srv.UserPoolID)})
		if err != nil || len(out.Users) != 1 {
			t.Errorf("users after the parallel migration: %v, %v", out, err)
		}
	}, migrate)

	srv, log := serverWithLog(t, migrate)
	if _, err := trySignIn(t, srv, "bob", legacy); err != nil {
		t.Fatal(err)
	}
	if logged := log.String(); !strings.Contains(logged, "trigger invoked") || !strings.Contains(logged, "UserMigration_Authentication") || strings.Contains(logged, legacy) {
		t.Errorf("the log of a migration names the invocation and never the password:\n%s", logged)
	}
}

// A sign-in that a trigger refuses after it was recorded — PostAuthentication,
// or PreTokenGeneration when the tokens are signed — gives no tokens and
// leaves no sign-in behind (the dashboard counts none).
func TestTriggerRefusalEndsTheSignIn(t *testing.T) {
	for _, trigger := range []cognitotest.Trigger{cognitotest.PostAuthentication, cognitotest.PreTokenGeneration} {
		t.Run(string(trigger), func(t *testing.T) {
			srv := cognitotest.NewServer(t, cognitotest.WithTrigger(trigger, func(context.Context, json.RawMessage) (json.RawMessage, error) {
				return nil, errors.New("not today")
			}))
			signUpConfirmed(t, srv, "ana", password)
			_, err := trySignIn(t, srv, "ana", password)
			expectErr[*types.UserLambdaValidationException](t, err, string(trigger)+" failed with error not today.")
			newDashboard(t, srv).get("/_local/pools/"+srv.UserPoolID+"/users/ana").mustShow(t, "(0 live sign-ins)")
		})
	}
}
