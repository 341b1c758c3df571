package cognitotest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

func TestSmoke(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []cognitotest.Option
	}{
		{"public client", nil},
		{"client with secret", []cognitotest.Option{cognitotest.WithClientSecret()}},
		{"email as username", []cognitotest.Option{cognitotest.WithEmailAsUsername(), cognitotest.WithClientSecret()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, tc.opts...)
			client := srv.Client()
			ctx := context.Background()
			name := "ana@example.com"
			up, err := client.SignUp(ctx, &cip.SignUpInput{
				ClientId: aws.String(srv.ClientID), SecretHash: srv.SecretHash(name),
				Username: aws.String(name), Password: aws.String("Sup3r-secret"),
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name)}},
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v %+v", *up.UserSub, *up.CodeDeliveryDetails)
			_, err = client.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
				ClientId: aws.String(srv.ClientID), SecretHash: srv.SecretHash(name),
				Username: aws.String(name), ConfirmationCode: aws.String(srv.LastCode(name)),
			})
			if err != nil {
				t.Fatal(err)
			}
			auth, err := client.InitiateAuth(ctx, &cip.InitiateAuthInput{
				ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
				AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": "Sup3r-secret", "SECRET_HASH": aws.ToString(srv.SecretHash(name))},
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := client.GetUser(ctx, &cip.GetUserInput{AccessToken: auth.AuthenticationResult.AccessToken})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("user %s %d attrs expires %d", *got.Username, len(got.UserAttributes), auth.AuthenticationResult.ExpiresIn)
			internal := aws.ToString(got.Username)
			ref, err := client.InitiateAuth(ctx, &cip.InitiateAuthInput{
				ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
				AuthParameters: map[string]string{"REFRESH_TOKEN": *auth.AuthenticationResult.RefreshToken, "SECRET_HASH": aws.ToString(srv.SecretHash(internal))},
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := client.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: ref.AuthenticationResult.AccessToken}); err != nil {
				t.Fatal(err)
			}
			if _, err := client.GetUser(ctx, &cip.GetUserInput{AccessToken: auth.AuthenticationResult.AccessToken}); err == nil {
				t.Fatal("revoked token accepted")
			} else {
				t.Log(err)
			}
			u, err := client.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s %s %v", *u.Username, u.UserStatus, u.UserCreateDate)
			lu, err := client.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(srv.UserPoolID), Filter: aws.String(`email ^= "ana"`)})
			if err != nil {
				t.Fatal(err)
			}
			if len(lu.Users) != 1 {
				t.Fatalf("ListUsers = %d users", len(lu.Users))
			}
			d, err := client.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(srv.UserPoolID)})
			if err != nil {
				t.Fatal(err)
			}
			t.Log(d.UserPool.EstimatedNumberOfUsers, len(d.UserPool.SchemaAttributes))
		})
	}
}

func TestClockDrivesExpiry(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := cognitotest.NewClock(start)
	if !clock.Now().Equal(start) {
		t.Fatalf("Now = %v, want %v", clock.Now(), start)
	}
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clock.Now))
	client := srv.Client()
	ctx := context.Background()
	_, err := client.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String("bo"), Password: aws.String("Sup3r-secret"),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("bo@example.com")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	code := srv.LastCode("bo")
	clock.Advance(24*time.Hour + time.Second)
	_, err = client.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String("bo"), ConfirmationCode: aws.String(code),
	})
	var expired *types.ExpiredCodeException
	if !errors.As(err, &expired) {
		t.Fatalf("a code past 24 h on the server's clock: %v, want ExpiredCodeException", err)
	}
	if got := srv.Messages("bo")[0].SentAt; !got.Equal(start) {
		t.Errorf("message sent at %v, want the clock's %v", got, start)
	}
}

// TestConfig: the server's Config names its pool and client, and is the
// same SDK configuration on every call, so the package-level functions
// share one SDK client per server.
func TestConfig(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret())
	a, b := srv.Config(), srv.Config()
	if a.AWSConfig == nil || a.AWSConfig != b.AWSConfig {
		t.Fatal("Config returns another AWSConfig on every call")
	}
	if a.Endpoint != srv.Endpoint || a.Region != srv.Region || a.UserPoolID != srv.UserPoolID || a.ClientID != srv.ClientID || a.ClientSecret != srv.ClientSecret || a.ClientSecret == "" {
		t.Fatalf("Config = %v", a)
	}
	if want := srv.Endpoint + "/" + srv.UserPoolID; srv.Issuer() != want {
		t.Fatalf("Issuer() = %q, want %q", srv.Issuer(), want)
	}
	if other := srv.AddClient("another"); other == "" || other == srv.ClientID {
		t.Fatalf("AddClient = %q", other)
	}
}
