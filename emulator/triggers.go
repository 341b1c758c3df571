package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Lambda triggers: the functions a pool's LambdaConfig names, called at
// the points AWS documents with the events AWS documents — built from
// github.com/aws/aws-lambda-go's event types, the shapes a Go function on
// Lambda decodes — and their responses applied.
//
// Triggers run outside write transactions: what a call decides from a
// trigger's answer is written afterwards, in one transaction, so a failing
// trigger leaves nothing half-written. The post-event triggers
// (PostConfirmation, PostAuthentication) run after the write they follow,
// as on AWS, where the confirmation stands when PostConfirmation fails and
// the caller gets its error.
//
// A function is invoked through the server's LambdaInvoker (WithLambdaInvoker):
// Go functions in tests (cognitotest), the AWS Lambda Invoke API in
// `cognito local --lambda-endpoint`. A pool with triggers on a server
// without an invoker has them skipped, with a warning.

// LambdaInvoker invokes the Lambda function an ARN names.
type LambdaInvoker interface {
	// Invoke calls the function arn names with event, a trigger's JSON
	// event, and returns its JSON result. A function that ran and
	// failed returns a *FunctionError; any other error means it could not
	// be invoked (or did not answer in time: ctx carries the trigger's
	// five-second deadline).
	Invoke(ctx context.Context, arn string, event []byte) ([]byte, error)
}

// FunctionError is the error a function returned (the Lambda Invoke API's
// X-Amz-Function-Error, with the errorMessage of its payload). Its message
// reaches the caller, as on AWS: "PreSignUp failed with error <message>.".
type FunctionError struct {
	Message string // the function's errorMessage
	Type    string // its errorType, if any
}

func (e *FunctionError) Error() string { return "function error: " + e.Message }

// WithLambdaInvoker sets how the pools' Lambda triggers are invoked.
func WithLambdaInvoker(inv LambdaInvoker) Option { return func(s *Server) { s.lambda = inv } }

// triggerTimeout is how long Cognito waits for a trigger: "Amazon Cognito
// invokes Lambda functions synchronously... the function must respond
// within 5 seconds".
const triggerTimeout = 5 * time.Second

// The exceptions of a trigger's failure, as AWS names them.
const (
	excUserLambdaValidation  = "UserLambdaValidationException"
	excUnexpectedLambda      = "UnexpectedLambdaException"
	excInvalidLambdaResponse = "InvalidLambdaResponseException"
)

// trigger names a trigger of LambdaConfig, as AWS's messages name it.
type trigger string

// The triggers of LambdaConfig the local Cognito calls.
const (
	triggerPreSignUp          trigger = "PreSignUp"
	triggerPostConfirmation   trigger = "PostConfirmation"
	triggerPreAuthentication  trigger = "PreAuthentication"
	triggerPostAuthentication trigger = "PostAuthentication"
	triggerPreTokenGeneration trigger = "PreTokenGeneration"
	triggerCustomMessage      trigger = "CustomMessage"
	triggerUserMigration      trigger = "UserMigration"
	triggerDefineAuth         trigger = "DefineAuthChallenge"
	triggerCreateAuth         trigger = "CreateAuthChallenge"
	triggerVerifyAuth         trigger = "VerifyAuthChallengeResponse"
)

// arn is the function p's LambdaConfig names for t ("" for none).
func (p *pool) triggerARN(t trigger) string {
	c := p.LambdaConfig
	if c == nil {
		return ""
	}
	switch t {
	case triggerPreSignUp:
		return aws.ToString(c.PreSignUp)
	case triggerPostConfirmation:
		return aws.ToString(c.PostConfirmation)
	case triggerPreAuthentication:
		return aws.ToString(c.PreAuthentication)
	case triggerPostAuthentication:
		return aws.ToString(c.PostAuthentication)
	case triggerPreTokenGeneration:
		if c.PreTokenGenerationConfig != nil {
			return aws.ToString(c.PreTokenGenerationConfig.LambdaArn)
		}
		return aws.ToString(c.PreTokenGeneration)
	case triggerCustomMessage:
		return aws.ToString(c.CustomMessage)
	case triggerUserMigration:
		return aws.ToString(c.UserMigration)
	case triggerDefineAuth:
		return aws.ToString(c.DefineAuthChallenge)
	case triggerCreateAuth:
		return aws.ToString(c.CreateAuthChallenge)
	case triggerVerifyAuth:
		return aws.ToString(c.VerifyAuthChallengeResponse)
	}
	return ""
}

// preTokenVersion is the event version of p's PreTokenGeneration trigger:
// "1", "2" or "3" (PreTokenGenerationConfig's V1_0, V2_0, V3_0; the legacy
// PreTokenGeneration member is V1_0).
func (p *pool) preTokenVersion() string {
	if c := p.LambdaConfig; c != nil && c.PreTokenGenerationConfig != nil {
		switch c.PreTokenGenerationConfig.LambdaVersion {
		case types.PreTokenGenerationLambdaVersionTypeV20:
			return "2"
		case types.PreTokenGenerationLambdaVersionTypeV30:
			return "3"
		}
	}
	return "1"
}

// hasTrigger reports whether p calls t.
func (p *pool) hasTrigger(t trigger) bool { return p.triggerARN(t) != "" }

// eventHeader is the common part of a trigger's event: of pool p, for a
// call through client cl (nil for an administrator's call without one).
func (s *Server) eventHeader(p *pool, cl *appClient, source, username string) events.CognitoEventUserPoolsHeader {
	h := events.CognitoEventUserPoolsHeader{
		Version: "1", TriggerSource: source, Region: s.region, UserPoolID: p.ID, UserName: username,
		// The SDK's version is the caller's; the local Cognito does not
		// read it from the request.
		CallerContext: events.CognitoEventUserPoolsCallerContext{AWSSDKVersion: "aws-sdk-unknown-unknown"},
	}
	if cl != nil {
		h.CallerContext.ClientID = cl.ID
	}
	return h
}

// eventAttributes are u's attributes as triggers see them: with its
// status as cognito:user_status, as AWS adds it.
func eventAttributes(u *user) map[string]string {
	attrs := maps.Clone(u.Attributes)
	attrs["cognito:user_status"] = u.Status
	return attrs
}

// attributeMap is a list of attributes (ValidationData) as a map.
func attributeMap(list []types.AttributeType) map[string]string {
	if len(list) == 0 {
		return nil
	}
	out := make(map[string]string, len(list))
	for _, a := range list {
		out[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	return out
}

// Trigger sources of the sign-up triggers.
const (
	sourcePreSignUp            = "PreSignUp_SignUp"
	sourcePreSignUpAdmin       = "PreSignUp_AdminCreateUser"
	sourceConfirmSignUp        = "PostConfirmation_ConfirmSignUp"
	sourceConfirmForgotPassord = "PostConfirmation_ConfirmForgotPassword"
)

// preSignUp calls p's PreSignUp trigger for u, about to be created through
// cl (nil for AdminCreateUser) from source, and applies its answer to u:
// confirmed (SignUp only: AdminCreateUser's users must change their
// temporary password), email or phone number verified. The event's
// attributes are the ones given, without the sub Cognito has not made
// yet.
func (s *Server) preSignUp(ctx context.Context, p *pool, cl *appClient, source string, u *user, validation []types.AttributeType, metadata map[string]string) error {
	attrs := maps.Clone(u.Attributes)
	delete(attrs, "sub")
	ev := &events.CognitoEventUserPoolsPreSignup{
		CognitoEventUserPoolsHeader: s.eventHeader(p, cl, source, u.Username),
		Request: events.CognitoEventUserPoolsPreSignupRequest{
			UserAttributes: attrs, ValidationData: attributeMap(validation), ClientMetadata: metadata,
		},
	}
	if ran, err := s.callTrigger(ctx, p, triggerPreSignUp, source, ev); err != nil || !ran {
		return err
	}
	r := ev.Response
	if r.AutoConfirmUser && source == sourcePreSignUp {
		u.Status = statusConfirmed
	}
	for attr, verify := range map[string]bool{"email": r.AutoVerifyEmail, "phone_number": r.AutoVerifyPhone} {
		if !verify {
			continue
		}
		if u.Attributes[attr] == "" {
			// AWS: auto-verifying needs the attribute; its answer
			// for one without it is not documented.
			return newError(excInvalidLambdaResponse, "The PreSignUp response verifies %s, which the user does not have.", attr)
		}
		u.Attributes[attr+"_verified"] = "true"
	}
	return nil
}

// postConfirmation calls p's PostConfirmation trigger for u, just
// confirmed (or whose password was just reset) through cl.
func (s *Server) postConfirmation(ctx context.Context, p *pool, cl *appClient, source string, u *user, metadata map[string]string) error {
	ev := &events.CognitoEventUserPoolsPostConfirmation{
		CognitoEventUserPoolsHeader: s.eventHeader(p, cl, source, u.Username),
		Request:                     events.CognitoEventUserPoolsPostConfirmationRequest{UserAttributes: eventAttributes(u), ClientMetadata: metadata},
	}
	_, err := s.callTrigger(ctx, p, triggerPostConfirmation, source, ev)
	return err
}

// callTrigger invokes trigger t of p with event (a pointer to one of
// aws-lambda-go's Cognito events, whose response member the function's
// answer fills in) and reports whether it ran. source names the event's
// triggerSource, for the log. The event is never logged: it may hold a
// password (UserMigration) or a user's attributes.
func (s *Server) callTrigger(ctx context.Context, p *pool, t trigger, source string, event any) (bool, error) {
	arn := p.triggerARN(t)
	if arn == "" {
		return false, nil
	}
	if s.lambda == nil {
		s.log.Warn("trigger not invoked: the local Cognito has no Lambda invoker (cognito local --lambda-endpoint, or cognitotest's trigger options)",
			"userPoolId", p.ID, "trigger", string(t), "triggerSource", source)
		return false, nil
	}
	raw, err := json.Marshal(event)
	if err != nil {
		return false, fmt.Errorf("encoding the %s event: %w", t, err)
	}
	ctx, cancel := context.WithTimeout(ctx, triggerTimeout)
	defer cancel()
	start := time.Now()
	out, err := s.lambda.Invoke(ctx, arn, raw)
	took := time.Since(start)
	var fe *FunctionError
	switch {
	case errors.As(err, &fe):
		s.log.Info("trigger failed", "userPoolId", p.ID, "trigger", string(t), "triggerSource", source, "function", arn, "duration", took)
		return true, newError(excUserLambdaValidation, "%s failed with error %s.", t, truncate(fe.Message, 512))
	case err != nil:
		s.log.Warn("trigger could not be invoked", "userPoolId", p.ID, "trigger", string(t), "triggerSource", source, "function", arn, "duration", took, "err", err)
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return true, newError(excUnexpectedLambda, "%s invocation failed due to error Socket timeout while invoking Lambda function.", t)
		}
		return true, newError(excUnexpectedLambda, "%s invocation failed: the function could not be invoked.", t)
	}
	if err := json.Unmarshal(out, event); err != nil {
		s.log.Info("trigger answered an invalid response", "userPoolId", p.ID, "trigger", string(t), "triggerSource", source, "function", arn, "duration", took)
		return true, newError(excInvalidLambdaResponse, "Unrecognizable lambda output")
	}
	s.log.Info("trigger invoked", "userPoolId", p.ID, "trigger", string(t), "triggerSource", source, "function", arn, "duration", took)
	return true, nil
}

// Trigger sources of PreTokenGeneration that are not a sign-in's own (see
// progress.tokenSource).
const (
	sourceRefreshTokens     = "TokenGeneration_RefreshTokens"
	sourceHostedAuth        = "TokenGeneration_HostedAuth"
	sourceClientCredentials = "TokenGeneration_ClientCredentials"
)

// protectedClaims are the claims a PreTokenGeneration function cannot add,
// override or suppress: AWS lists acr, amr, aud, auth_time, azp, exp, iat,
// identities, iss, jti, nbf, nonce, origin_jti, sub and token_use; the
// claims that name the sign-in and its client (at_hash, event_id,
// client_id, username, cognito:username, scope, version) are kept too. A
// function that tries is not failed (AWS documents no error for it): the
// claim keeps its value, and the log says so.
var protectedClaims = map[string]bool{
	"acr": true, "amr": true, "aud": true, "auth_time": true, "azp": true, "exp": true, "iat": true,
	"identities": true, "iss": true, "jti": true, "nbf": true, "nonce": true, "origin_jti": true,
	"sub": true, "token_use": true, "at_hash": true, "event_id": true, "client_id": true,
	"username": true, "cognito:username": true, "scope": true, "version": true,
}

// overrideClaims applies a PreTokenGeneration answer's claims to a token's
// claims and returns the names it had to leave alone.
func overrideClaims[V any](claims map[string]any, add map[string]V, suppress []string) []string {
	var kept []string
	for name, value := range add {
		if protectedClaims[name] {
			kept = append(kept, name)
			continue
		}
		claims[name] = value
	}
	for _, name := range suppress {
		if protectedClaims[name] {
			kept = append(kept, name)
			continue
		}
		delete(claims, name)
	}
	return kept
}

// overrideGroups applies a PreTokenGeneration answer's group override to
// both tokens: the groups (an empty list removes them), the IAM roles and
// the preferred role of the ID token.
func overrideGroups(id, access map[string]any, groups, roles []string, preferred *string) {
	if groups != nil {
		for _, claims := range []map[string]any{id, access} {
			if len(groups) == 0 {
				delete(claims, "cognito:groups")
			} else {
				claims["cognito:groups"] = groups
			}
		}
	}
	if len(roles) > 0 {
		id["cognito:roles"] = roles
	}
	if preferred != nil {
		id["cognito:preferred_role"] = *preferred
	}
}

// preTokenGeneration calls the pool's PreTokenGeneration trigger for the
// tokens of t, whose claims are id and access, and applies its answer as
// the trigger's version says: V1_0 changes the ID token's claims and the
// groups; V2_0 and V3_0 also the access token's claims and scopes.
func (s *Server) preTokenGeneration(ctx context.Context, t *tokenIssue, id, access map[string]any) error {
	p := t.pool
	if !p.hasTrigger(triggerPreTokenGeneration) {
		return nil
	}
	header := s.eventHeader(p, t.client, t.source, t.user.Username)
	header.Version = p.preTokenVersion()
	var kept []string
	if header.Version == "1" {
		ev := &events.CognitoEventUserPoolsPreTokenGen{
			CognitoEventUserPoolsHeader: header,
			Request: events.CognitoEventUserPoolsPreTokenGenRequest{
				UserAttributes: eventAttributes(t.user), ClientMetadata: t.metadata,
				GroupConfiguration: events.GroupConfiguration{GroupsToOverride: t.grant.groups, IAMRolesToOverride: []string{}},
			},
		}
		if _, err := s.callTrigger(ctx, p, triggerPreTokenGeneration, t.source, ev); err != nil {
			return err
		}
		r := ev.Response.ClaimsOverrideDetails
		kept = overrideClaims(id, r.ClaimsToAddOrOverride, r.ClaimsToSuppress)
		g := r.GroupOverrideDetails
		overrideGroups(id, access, g.GroupsToOverride, g.IAMRolesToOverride, g.PreferredRole)
	} else {
		scope, _ := access["scope"].(string)
		ev := &events.CognitoEventUserPoolsPreTokenGenV2_0{
			CognitoEventUserPoolsHeader: header,
			Request: events.CognitoEventUserPoolsPreTokenGenRequestV2_0{
				UserAttributes: eventAttributes(t.user), ClientMetadata: t.metadata, Scopes: strings.Fields(scope),
				GroupConfiguration: events.GroupConfigurationV2_0{GroupsToOverride: t.grant.groups, IAMRolesToOverride: []string{}},
			},
		}
		if _, err := s.callTrigger(ctx, p, triggerPreTokenGeneration, t.source, ev); err != nil {
			return err
		}
		r := ev.Response.ClaimsAndScopeOverrideDetails
		kept = overrideClaims(id, r.IDTokenGeneration.ClaimsToAddOrOverride, r.IDTokenGeneration.ClaimsToSuppress)
		a := r.AccessTokenGeneration
		kept = append(kept, overrideClaims(access, a.ClaimsToAddOrOverride, a.ClaimsToSuppress)...)
		access["scope"] = overrideScopes(scope, a.ScopesToAdd, a.ScopesToSuppress)
		g := r.GroupOverrideDetails
		overrideGroups(id, access, g.GroupsToOverride, g.IAMRolesToOverride, g.PreferredRole)
	}
	if len(kept) > 0 {
		s.log.Warn("PreTokenGeneration tried to change claims Cognito does not let it change; they keep their values", "userPoolId", p.ID, "claims", kept)
	}
	return nil
}

// preTokenClientCredentials calls the pool's PreTokenGeneration trigger
// for a client-credentials access token of cl, whose claims are access,
// when the trigger is of version V3_0, the only one AWS calls for
// machine-to-machine tokens; the event names the client as its userName,
// with no user attributes.
func (s *Server) preTokenClientCredentials(ctx context.Context, p *pool, cl *appClient, access map[string]any) error {
	if !p.hasTrigger(triggerPreTokenGeneration) || p.preTokenVersion() != "3" {
		return nil
	}
	header := s.eventHeader(p, cl, sourceClientCredentials, cl.ID)
	header.Version = "3"
	scope, _ := access["scope"].(string)
	ev := &events.CognitoEventUserPoolsPreTokenGenV2_0{
		CognitoEventUserPoolsHeader: header,
		Request: events.CognitoEventUserPoolsPreTokenGenRequestV2_0{
			UserAttributes: map[string]string{}, Scopes: strings.Fields(scope),
			GroupConfiguration: events.GroupConfigurationV2_0{GroupsToOverride: []string{}, IAMRolesToOverride: []string{}},
		},
	}
	if _, err := s.callTrigger(ctx, p, triggerPreTokenGeneration, sourceClientCredentials, ev); err != nil {
		return err
	}
	a := ev.Response.ClaimsAndScopeOverrideDetails.AccessTokenGeneration
	if kept := overrideClaims(access, a.ClaimsToAddOrOverride, a.ClaimsToSuppress); len(kept) > 0 {
		s.log.Warn("PreTokenGeneration tried to change claims Cognito does not let it change; they keep their values", "userPoolId", p.ID, "claims", kept)
	}
	access["scope"] = overrideScopes(scope, a.ScopesToAdd, a.ScopesToSuppress)
	return nil
}

// overrideScopes is a scope claim with scopes added and suppressed.
func overrideScopes(scope string, add, suppress []string) string {
	scopes := strings.Fields(scope)
	for _, sc := range add {
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	scopes = slices.DeleteFunc(scopes, func(sc string) bool { return slices.Contains(suppress, sc) })
	return strings.Join(scopes, " ")
}

// Trigger sources of the sign-in triggers.
const (
	sourcePreAuthentication     = "PreAuthentication_Authentication"
	sourcePostAuthentication    = "PostAuthentication_Authentication"
	sourceMigrateAuthentication = "UserMigration_Authentication"
	sourceMigrateForgotPassword = "UserMigration_ForgotPassword"
)

// preAuthentication calls the pool's PreAuthentication trigger before u's
// password (or first factor) is checked; notFound marks a user that does
// not exist, on a client that hides user existence (AWS calls the trigger
// for them too, with userNotFound). The call's ClientMetadata is both the
// event's validationData, as AWS documents, and its clientMetadata.
func (s *Server) preAuthentication(ctx context.Context, c *caller, u *user, notFound bool) error {
	attrs := map[string]string{}
	if !notFound {
		attrs = eventAttributes(u)
	}
	ev := &events.CognitoEventUserPoolsPreAuthentication{
		CognitoEventUserPoolsHeader: s.eventHeader(c.pool, c.client, sourcePreAuthentication, u.Username),
		Request:                     events.CognitoEventUserPoolsPreAuthenticationRequest{UserAttributes: attrs, ValidationData: c.metadata, UserNotFound: notFound},
	}
	_, err := s.callTrigger(ctx, c.pool, triggerPreAuthentication, sourcePreAuthentication, ev)
	return err
}

// postAuthentication calls the pool's PostAuthentication trigger once u
// has proved every factor, before the tokens are issued; newDevice says
// whether the sign-in remembers a new device.
func (s *Server) postAuthentication(ctx context.Context, c *caller, u *user, newDevice bool) error {
	ev := &events.CognitoEventUserPoolsPostAuthentication{
		CognitoEventUserPoolsHeader: s.eventHeader(c.pool, c.client, sourcePostAuthentication, u.Username),
		Request:                     events.CognitoEventUserPoolsPostAuthenticationRequest{NewDeviceUsed: newDevice, UserAttributes: eventAttributes(u), ClientMetadata: c.metadata},
	}
	_, err := s.callTrigger(ctx, c.pool, triggerPostAuthentication, sourcePostAuthentication, ev)
	return err
}

// PurposeWelcome is the message a user migrated by the UserMigration
// trigger is sent unless its answer suppresses it.
const PurposeWelcome = "WELCOME"

// migrateUser asks the pool's UserMigration trigger for a user named name
// who does not exist: at sign-in with password (source
// UserMigration_Authentication), or to reset a password (password "",
// UserMigration_ForgotPassword). A user the function returns attributes
// for is created, with the password at sign-in and the status its answer
// gives (CONFIRMED when it gives none at sign-in, RESET_REQUIRED for a
// password reset), and sent a welcome message unless its messageAction is
// SUPPRESS. It returns nil when the pool has no such trigger or the
// function migrates no one.
func (s *Server) migrateUser(ctx context.Context, c *caller, name, password, source string) (*user, error) {
	p := c.pool
	ev := &events.CognitoEventUserPoolsMigrateUser{
		CognitoEventUserPoolsHeader: s.eventHeader(p, c.client, source, name),
		CognitoEventUserPoolsMigrateUserRequest: events.CognitoEventUserPoolsMigrateUserRequest{
			Password: password, ValidationData: c.metadata, ClientMetadata: c.metadata,
		},
	}
	if ran, err := s.callTrigger(ctx, p, triggerUserMigration, source, ev); err != nil || !ran {
		return nil, err
	}
	r := ev.CognitoEventUserPoolsMigrateUserResponse
	if len(r.UserAttributes) == 0 {
		return nil, nil
	}
	var list []types.AttributeType
	for name, value := range r.UserAttributes {
		if name == "username" || name == "sub" {
			continue // Cognito names the user and makes its sub
		}
		list = append(list, types.AttributeType{Name: aws.String(name), Value: aws.String(value)})
	}
	u, err := s.newUser(p, name, list, atCreation)
	if err != nil {
		return nil, err
	}
	switch r.FinalUserStatus {
	case "":
		u.Status = statusConfirmed
		if password == "" {
			u.Status = statusResetRequired
		}
	case statusConfirmed, statusResetRequired:
		u.Status = r.FinalUserStatus
	default:
		return nil, newError(excInvalidLambdaResponse, "Unrecognizable lambda output")
	}
	if password != "" {
		if u.Salt, u.Verifier, err = newVerifier(p.ID, u.Username, password); err != nil {
			return nil, err
		}
	}
	err = s.update(ctx, func(st *state) error {
		if err := st.insertUser(p, u, r.ForceAliasCreation); err != nil {
			return err
		}
		if r.MessageAction == "SUPPRESS" {
			return nil
		}
		attr := "email"
		if slices.Contains(r.DesiredDeliveryMediums, "SMS") && u.Attributes["phone_number"] != "" {
			attr = "phone_number"
		}
		if u.Attributes[attr] == "" {
			return nil
		}
		_, err := s.send(st, p, u, PurposeWelcome, attr, "", "", nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user migrated", "userPoolId", p.ID, "sub", u.Attributes["sub"], "status", u.Status)
	return u, nil
}

// Trigger sources of CustomMessage, one per reason for a message.
const (
	sourceMessageSignUp          = "CustomMessage_SignUp"
	sourceMessageResendCode      = "CustomMessage_ResendCode"
	sourceMessageForgotPassword  = "CustomMessage_ForgotPassword"
	sourceMessageAdminCreateUser = "CustomMessage_AdminCreateUser"
	sourceMessageUpdateAttribute = "CustomMessage_UpdateUserAttribute"
	sourceMessageVerifyAttribute = "CustomMessage_VerifyUserAttribute"
	sourceMessageAuthentication  = "CustomMessage_Authentication"
)

// Placeholders of a CustomMessage answer: where the code (or temporary
// password) and the username go.
const (
	codePlaceholder     = "{####}"
	usernamePlaceholder = "{username}"
)

// customText is a message's text as the pool's CustomMessage trigger wrote
// it, with codePlaceholder (and, for an invitation, usernamePlaceholder)
// marking where the values go. A nil *customText is Cognito's own text.
type customText struct{ subject, email, sms string }

// customMessage asks the pool's CustomMessage trigger for the text of a
// message to u, sent for source; nil when the pool has no such trigger or
// the function leaves the text to Cognito.
func (s *Server) customMessage(ctx context.Context, p *pool, cl *appClient, u *user, source string, metadata map[string]string) (*customText, error) {
	if !p.hasTrigger(triggerCustomMessage) {
		return nil, nil
	}
	attrs := make(map[string]any, len(u.Attributes)+1)
	for k, v := range eventAttributes(u) {
		attrs[k] = v
	}
	ev := &events.CognitoEventUserPoolsCustomMessage{
		CognitoEventUserPoolsHeader: s.eventHeader(p, cl, source, u.Username),
		Request:                     events.CognitoEventUserPoolsCustomMessageRequest{UserAttributes: attrs, CodeParameter: codePlaceholder, ClientMetadata: metadata},
	}
	if source == sourceMessageAdminCreateUser {
		ev.Request.UsernameParameter = usernamePlaceholder
	}
	if _, err := s.callTrigger(ctx, p, triggerCustomMessage, source, ev); err != nil {
		return nil, err
	}
	r := ev.Response
	if r.EmailMessage == "" && r.SMSMessage == "" {
		return nil, nil
	}
	return &customText{subject: r.EmailSubject, email: r.EmailMessage, sms: r.SMSMessage}, nil
}

// render is the subject and text of a message by medium with secret and
// username in their places; empty for Cognito's own text. AWS: the
// function's message "must include the codeParameter value"; one without
// it, for a message that carries a code, is an invalid response.
func (t *customText) render(medium, secret, username string) (subject, text string, err error) {
	if t == nil {
		return "", "", nil
	}
	text = t.email
	if medium == "SMS" {
		text = t.sms
	}
	if text == "" {
		return "", "", nil
	}
	if secret != "" && !strings.Contains(text, codePlaceholder) {
		return "", "", newError(excInvalidLambdaResponse, "The CustomMessage response's %s message has no %s for the code.", strings.ToLower(medium), codePlaceholder)
	}
	text = strings.NewReplacer(codePlaceholder, secret, usernamePlaceholder, username).Replace(text)
	if medium == "EMAIL" {
		subject = t.subject
	}
	return subject, text, nil
}

// pendingCode is a sign-in code (SMS_MFA, EMAIL_OTP, SMS_OTP) whose
// message waits for the pool's CustomMessage trigger.
type pendingCode struct {
	user       *user
	attr, code string
}

// deliverSignInCode sends u the code of a sign-in challenge, to attr, from
// inside the transaction that asks it — or, when the pool has a
// CustomMessage trigger (which must run outside write transactions),
// returns it as pending, with its delivery details, for deliverPending to
// send once the challenge is committed.
func (s *Server) deliverSignInCode(st *state, c *caller, u *user, attr, code string) (*types.CodeDeliveryDetailsType, *pendingCode, error) {
	if !c.pool.hasTrigger(triggerCustomMessage) {
		d, err := s.send(st, c.pool, u, PurposeMFA, attr, code, "", nil)
		return d, nil, err
	}
	medium := "EMAIL"
	if attr == "phone_number" {
		medium = "SMS"
	}
	return delivery(mask(u.Attributes[attr]), medium, attr), &pendingCode{user: u, attr: attr, code: code}, nil
}

// deliverPending sends the sign-in code step waits to deliver, if any,
// with the text the pool's CustomMessage trigger writes for it
// (CustomMessage_Authentication). A failing trigger fails the call: the
// challenge stays unanswerable, as its code was never sent.
func (s *Server) deliverPending(ctx context.Context, c *caller, step *authStep) error {
	pc := step.pending
	if pc == nil {
		return nil
	}
	step.pending = nil
	text, err := s.customMessage(ctx, c.pool, c.client, pc.user, sourceMessageAuthentication, c.metadata)
	if err != nil {
		return err
	}
	return s.update(ctx, func(st *state) error {
		_, err := s.send(st, c.pool, pc.user, PurposeMFA, pc.attr, pc.code, "", text)
		return err
	})
}
