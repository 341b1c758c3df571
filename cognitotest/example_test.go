package cognitotest_test

import (
	"context"
	"fmt"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/jwtverify"
)

// A test of an app built on the library: the server's Config for the
// library, its Issuer for the token verifier.
func ExampleServer_Config() {
	srv, err := cognitotest.Start(cognitotest.WithClientSecret()) // in a test: cognitotest.NewServer(t, ...)
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ctx := context.Background()

	client, err := cognito.New(ctx, srv.Config())
	if err != nil {
		panic(err)
	}
	defer client.Close()
	verifier, err := jwtverify.New(jwtverify.Config{
		Issuer: srv.Issuer(), UserPoolID: srv.UserPoolID, ClientIDs: []string{srv.ClientID}, TokenUse: jwtverify.AccessToken,
	})
	if err != nil {
		panic(err)
	}

	if _, err := client.Register(ctx, "ana@example.com", "Sup3r-secret!", nil); err != nil {
		panic(err)
	}
	if err := client.Confirm(ctx, "ana@example.com", srv.LastCode("ana@example.com")); err != nil {
		panic(err)
	}
	tokens, err := client.Authenticate(ctx, "ana@example.com", "Sup3r-secret!")
	if err != nil {
		panic(err)
	}
	claims, err := verifier.Verify(ctx, tokens.AccessToken)
	if err != nil {
		panic(err)
	}
	fmt.Println(claims.Username(), client.Issuer() == srv.Issuer())
	// Output: ana@example.com true
}
