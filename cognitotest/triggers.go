package cognitotest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/emulator"
)

// Trigger names a trigger of the pool's LambdaConfig that a Go function
// serves in a test (see WithTrigger).
type Trigger string

// The triggers of LambdaConfig.
const (
	PreSignUp                   Trigger = "PreSignUp"
	PostConfirmation            Trigger = "PostConfirmation"
	PreAuthentication           Trigger = "PreAuthentication"
	PostAuthentication          Trigger = "PostAuthentication"
	CustomMessage               Trigger = "CustomMessage"
	UserMigration               Trigger = "UserMigration"
	DefineAuthChallenge         Trigger = "DefineAuthChallenge"
	CreateAuthChallenge         Trigger = "CreateAuthChallenge"
	VerifyAuthChallengeResponse Trigger = "VerifyAuthChallengeResponse"
	// PreTokenGeneration is the pre token generation trigger with events
	// of version 1 (V1_0: ID-token claims); PreTokenGenerationV2 (V2_0:
	// both tokens' claims and the access token's scopes) and
	// PreTokenGenerationV3 (V3_0: also client-credentials tokens) are its
	// later versions. A pool has one of the three.
	PreTokenGeneration   Trigger = "PreTokenGeneration"
	PreTokenGenerationV2 Trigger = "PreTokenGenerationV2_0"
	PreTokenGenerationV3 Trigger = "PreTokenGenerationV3_0"
)

// TriggerFunc is a Lambda function written in Go for a test: it gets the
// trigger's event as JSON and returns the event with its response filled
// in. An error is the function's own: Cognito answers the call with
// UserLambdaValidationException, "<trigger> failed with error <message>.".
// It runs with the trigger's five-second deadline in ctx.
type TriggerFunc func(ctx context.Context, event json.RawMessage) (json.RawMessage, error)

// Handler adapts a typed function to a TriggerFunc: E is one of
// github.com/aws/aws-lambda-go/events' Cognito events (for PreSignUp
// events.CognitoEventUserPoolsPreSignup, for PreTokenGenerationV2
// events.CognitoEventUserPoolsPreTokenGenV2_0, ...), decoded from the
// event; fn fills in its Response, and the event is encoded back, as the
// Lambda Go runtime does.
func Handler[E any](fn func(ctx context.Context, event *E) error) TriggerFunc {
	return func(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
		event := new(E)
		if err := json.Unmarshal(raw, event); err != nil {
			return nil, fmt.Errorf("cognitotest: decoding the event: %w", err)
		}
		if err := fn(ctx, event); err != nil {
			return nil, err
		}
		return json.Marshal(event)
	}
}

// WithTrigger makes the pool NewServer creates call fn for trigger t: its
// LambdaConfig names TriggerARN(t). Other pools of the server whose
// LambdaConfig names that ARN call fn too.
func WithTrigger(t Trigger, fn TriggerFunc) Option {
	return func(c *config) {
		if c.triggers == nil {
			c.triggers = make(map[Trigger]TriggerFunc)
		}
		c.triggers[t] = fn
	}
}

// TriggerARN is the ARN of the function WithTrigger registers for t.
func TriggerARN(t Trigger) string {
	return "arn:aws:lambda:" + Region + ":000000000000:function:cognitotest-" + string(t)
}

// lambdaConfig is the LambdaConfig naming the registered functions.
func lambdaConfig(triggers map[Trigger]TriggerFunc) *types.LambdaConfigType {
	if len(triggers) == 0 {
		return nil
	}
	c := &types.LambdaConfigType{}
	arn := func(t Trigger) *string {
		if _, ok := triggers[t]; ok {
			return aws.String(TriggerARN(t))
		}
		return nil
	}
	c.PreSignUp, c.PostConfirmation = arn(PreSignUp), arn(PostConfirmation)
	c.PreAuthentication, c.PostAuthentication = arn(PreAuthentication), arn(PostAuthentication)
	c.CustomMessage, c.UserMigration = arn(CustomMessage), arn(UserMigration)
	c.DefineAuthChallenge, c.CreateAuthChallenge, c.VerifyAuthChallengeResponse = arn(DefineAuthChallenge), arn(CreateAuthChallenge), arn(VerifyAuthChallengeResponse)
	for t, v := range map[Trigger]types.PreTokenGenerationLambdaVersionType{
		PreTokenGeneration:   types.PreTokenGenerationLambdaVersionTypeV10,
		PreTokenGenerationV2: types.PreTokenGenerationLambdaVersionTypeV20,
		PreTokenGenerationV3: types.PreTokenGenerationLambdaVersionTypeV30,
	} {
		if a := arn(t); a != nil {
			c.PreTokenGenerationConfig = &types.PreTokenGenerationVersionConfigType{LambdaArn: a, LambdaVersion: v}
		}
	}
	return c
}

// funcInvoker invokes the registered functions by ARN.
type funcInvoker map[string]TriggerFunc

func newFuncInvoker(triggers map[Trigger]TriggerFunc) funcInvoker {
	inv := make(funcInvoker, len(triggers))
	for t, fn := range triggers {
		inv[TriggerARN(t)] = fn
	}
	return inv
}

// Invoke runs the function arn names; one that outlives ctx's deadline is
// a timeout, as on Lambda.
func (inv funcInvoker) Invoke(ctx context.Context, arn string, event []byte) ([]byte, error) {
	fn, ok := inv[arn]
	if !ok {
		return nil, fmt.Errorf("cognitotest: no function %s is registered", arn)
	}
	type result struct {
		out []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := fn(ctx, event)
		done <- result{out, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-done:
		var fe *emulator.FunctionError
		switch {
		case errors.As(r.err, &fe):
			return nil, fe
		case r.err != nil:
			return nil, &emulator.FunctionError{Message: r.err.Error()}
		}
		return r.out, nil
	}
}
