package cognito_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
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
