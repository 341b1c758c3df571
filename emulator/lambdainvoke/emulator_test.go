package lambdainvoke_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
)

// signUpWithPreSignUp runs a SignUp on a local Cognito whose pool's
// PreSignUp trigger is a function of runner, and returns the
// user's status after it ("" when there is no user) and the SignUp's error.
func signUpWithPreSignUp(t *testing.T, runner *fakeLambda) (types.UserStatusType, error) {
	t.Helper()
	ctx := context.Background()
	srv := cognitotest.NewServer(t, cognitotest.WithServerOptions(emulator.WithLambdaInvoker(newInvoker(t, runner.url))))
	admin := srv.Client()
	pool, err := admin.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName:     aws.String("with-triggers"),
		LambdaConfig: &types.LambdaConfigType{PreSignUp: aws.String(preSignUpARN)},
	})
	if err != nil {
		t.Fatal(err)
	}
	poolID := pool.UserPool.Id
	client, err := admin.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: poolID, ClientName: aws.String("app"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, signUpErr := admin.SignUp(ctx, &cip.SignUpInput{
		ClientId: client.UserPoolClient.ClientId, Username: aws.String("ana"), Password: aws.String("Sup3r-secret!"),
	})

	c := runner.only(t)
	if c.function != "pre-sign-up" {
		t.Errorf("invoked %q, want pre-sign-up", c.function)
	}
	var ev struct {
		TriggerSource string `json:"triggerSource"`
		UserPoolID    string `json:"userPoolId"`
		UserName      string `json:"userName"`
	}
	if err := json.Unmarshal([]byte(c.event), &ev); err != nil {
		t.Fatalf("the event is not JSON: %v", err)
	}
	if ev.TriggerSource != "PreSignUp_SignUp" || ev.UserPoolID != aws.ToString(poolID) || ev.UserName != "ana" {
		t.Errorf("event = %+v, want PreSignUp_SignUp for ana in %s", ev, aws.ToString(poolID))
	}

	u, err := admin.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: poolID, Username: aws.String("ana")})
	var notFound *types.UserNotFoundException
	if errors.As(err, &notFound) {
		return "", signUpErr
	} else if err != nil {
		t.Fatal(err)
	}
	return u.UserStatus, signUpErr
}

// A PreSignUp function run by a Lambda runner confirms the user it is
// told about.
func TestEmulatorPreSignUpConfirms(t *testing.T) {
	runner := newFakeLambda(t, answer(http.StatusOK, "", `{"response":{"autoConfirmUser":true}}`))
	status, err := signUpWithPreSignUp(t, runner)
	if err != nil {
		t.Fatal(err)
	}
	if status != types.UserStatusTypeConfirmed {
		t.Errorf("status = %s, want CONFIRMED", status)
	}
}

// A PreSignUp function that fails refuses the sign-up with its message,
// as Cognito does.
func TestEmulatorPreSignUpFails(t *testing.T) {
	runner := newFakeLambda(t, answer(http.StatusOK, "Unhandled", `{"errorMessage":"nope","errorType":"Error"}`))
	status, err := signUpWithPreSignUp(t, runner)
	var refused *types.UserLambdaValidationException
	if !errors.As(err, &refused) {
		t.Fatalf("err = %v, want UserLambdaValidationException", err)
	}
	if got := aws.ToString(refused.Message); got != "PreSignUp failed with error nope." {
		t.Errorf("message = %q, want %q", got, "PreSignUp failed with error nope.")
	}
	if status != "" {
		t.Errorf("the refused user exists, %s", status)
	}
}
