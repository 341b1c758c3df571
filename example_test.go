package cognito_test

import (
	"context"
	"encoding/base32"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/internal/totp"
)

// exampleConfig starts a local Cognito for an example and returns the
// Config that reaches it (on AWS: the pool and client IDs, and the secret
// if the client has one).
func exampleConfig(opts ...cognitotest.Option) (cognito.Config, func()) {
	srv, err := cognitotest.Start(opts...)
	if err != nil {
		log.Fatal(err)
	}
	return configFor(srv), srv.Close
}

// A user's life: register, confirm with the emailed code, sign in, read
// the profile.
func Example() {
	srv, err := cognitotest.Start(cognitotest.WithClientSecret())
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	awsCfg := srv.AWSConfig()
	ctx := context.Background()
	client, err := cognito.New(ctx, cognito.Config{
		UserPoolID:   srv.UserPoolID,
		ClientID:     srv.ClientID,
		ClientSecret: srv.ClientSecret, // SECRET_HASH is computed for every call
		Endpoint:     srv.Endpoint,
		AWSConfig:    &awsCfg,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	res, err := client.Register(ctx, "ana@example.com", "Sup3r-secret!", map[string]string{"name": "Ana"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("code sent to", res.CodeDeliveryDestination)

	code := srv.LastCode("ana@example.com") // on AWS, the user reads it in their email
	if err := client.Confirm(ctx, "ana@example.com", code); err != nil {
		log.Fatal(err)
	}
	tokens, err := client.Authenticate(ctx, "ana@example.com", "Sup3r-secret!")
	if err != nil {
		log.Fatal(err)
	}
	user, err := client.GetUser(ctx, tokens.AccessToken)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(user.Attributes["name"], user.Attributes["email"], "verified:", user.Attributes["email_verified"])
	// Output:
	// code sent to a***@e***.com
	// Ana ana@example.com verified: true
}

// Errors are kinds for programs and messages for people.
func ExampleError() {
	cfg, stop := exampleConfig()
	defer stop()
	ctx := context.Background()

	_, err := cognito.AuthenticateUser(ctx, cfg, "nobody@example.com", "Sup3r-secret!")
	fmt.Println(errors.Is(err, cognito.ErrUserNotFound))
	var e *cognito.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code)
		fmt.Println(e.Message())
	}
	// Output:
	// true
	// UserNotFoundException
	// No account with this email exists.
}

// Messages in Spanish.
func ExampleWithLanguage() {
	cfg, stop := exampleConfig()
	defer stop()
	ctx := context.Background()
	client, err := cognito.New(ctx, cfg, cognito.WithLanguage("es"))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Register(ctx, "ana@example.com", "Sup3r-secret!", nil); err != nil {
		log.Fatal(err)
	}
	_, err = client.Authenticate(ctx, "ana@example.com", "Sup3r-secret!")
	var e *cognito.Error
	if errors.As(err, &e) {
		fmt.Println(e.Message())
	}
	// Output:
	// El usuario no ha confirmado su email; introduce el código que te enviamos.
}

// exampleClient is a Client of srv for an example, whose user
// ana@example.com (password Sup3r-secret!) is registered and confirmed.
func exampleClient(ctx context.Context, srv *cognitotest.Server) *cognito.Client {
	client, err := cognito.New(ctx, configFor(srv))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Register(ctx, "ana@example.com", "Sup3r-secret!", nil); err != nil {
		log.Fatal(err)
	}
	if err := client.Confirm(ctx, "ana@example.com", srv.LastCode("ana@example.com")); err != nil {
		log.Fatal(err)
	}
	return client
}

// A sign-in with an authenticator app (TOTP): set it up once, then each
// sign-in asks for its code.
func ExampleClient_SignIn_totp() {
	clk := cognitotest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	srv, err := cognitotest.Start(cognitotest.WithClock(clk.Now))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	// The pool offers authenticator apps (on AWS: the pool's MFA settings).
	_, err = srv.Client().SetUserPoolMfaConfig(context.Background(), &cip.SetUserPoolMfaConfigInput{
		UserPoolId: aws.String(srv.UserPoolID), MfaConfiguration: types.UserPoolMfaTypeOptional,
		SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	client := exampleClient(ctx, srv) // and a user, ana@example.com
	defer client.Close()

	// Once: add an authenticator app.
	s, err := client.SignIn(ctx, "ana@example.com", "Sup3r-secret!", cognito.WithSRP())
	if err != nil {
		log.Fatal(err)
	}
	secret, err := client.SetUpTOTP(ctx, s.Tokens.AccessToken, "Example")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(secret.URI[:len("otpauth://totp/Example:")]) // shown as a QR code
	if err := client.VerifyTOTP(ctx, s.Tokens.AccessToken, authenticatorApp(secret.Secret, clk.Now()), "phone"); err != nil {
		log.Fatal(err)
	}
	if err := client.SetMFAPreference(ctx, s.Tokens.AccessToken, cognito.MFATOTP, true, true); err != nil {
		log.Fatal(err)
	}

	// Every sign-in now asks for the app's code.
	clk.Advance(30 * time.Second)
	s, err = client.SignIn(ctx, "ana@example.com", "Sup3r-secret!", cognito.WithSRP())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("step:", s.Step.Kind)
	s, err = client.Answer(ctx, s, authenticatorApp(secret.Secret, clk.Now()))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in:", s.Tokens.AccessToken != "")
	// Output:
	// otpauth://totp/Example:
	// step: SOFTWARE_TOKEN_MFA
	// signed in: true
}

// authenticatorApp is what the user's app shows for secret at now.
func authenticatorApp(secret string, now time.Time) string {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		log.Fatal(err)
	}
	return totp.Now(key, now)
}

// A custom sign-in: the user pool's own Lambda functions decide its
// steps. Here they ask a question (on AWS: the pool's DefineAuthChallenge,
// CreateAuthChallenge and VerifyAuthChallengeResponse triggers; in a test,
// Go functions given to cognitotest.WithTrigger).
func ExampleClient_SignInCustom() {
	question := &cognitotest.CustomChallenge{New: func() (map[string]string, string) {
		return map[string]string{"question": "What is 3 + 4?"}, "7"
	}}
	srv, err := cognitotest.Start(question.Options()...)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	// The app client allows custom authentication.
	_, err = srv.Client().UpdateUserPoolClient(context.Background(), &cip.UpdateUserPoolClientInput{
		UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), ExplicitAuthFlows: customFlows,
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	client := exampleClient(ctx, srv) // and a user, ana@example.com
	defer client.Close()

	// The password first (proved with SRP), then the functions' questions;
	// without WithPassword, their questions alone.
	s, err := client.SignInCustom(ctx, "ana@example.com", cognito.WithPassword("Sup3r-secret!"))
	for err == nil && s.Tokens == nil {
		fmt.Println(s.Step.Kind, s.Step.Parameters["question"])
		s, err = client.Answer(ctx, s, "7") // what the user answers
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in:", s.Tokens.AccessToken != "")
	// Output:
	// CUSTOM_CHALLENGE What is 3 + 4?
	// signed in: true
}
