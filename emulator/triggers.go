package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
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
