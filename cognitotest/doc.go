// Package cognitotest starts a local Cognito for Go tests, the way
// net/http/httptest starts an HTTP server: one line, closed by t.Cleanup,
// with a user pool and an app client ready. The official AWS SDK talks to it
// unchanged.
//
// A complete test:
//
//	func TestSignUp(t *testing.T) {
//		srv := cognitotest.NewServer(t, cognitotest.WithClientSecret())
//		client := srv.Client() // *cognitoidentityprovider.Client
//		ctx := context.Background()
//		_, err := client.SignUp(ctx, &cognitoidentityprovider.SignUpInput{
//			ClientId: aws.String(srv.ClientID), SecretHash: srv.SecretHash("ana"),
//			Username: aws.String("ana"), Password: aws.String("Sup3r-secret"),
//			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("ana@example.com")}},
//		})
//		if err != nil {
//			t.Fatal(err)
//		}
//		_, err = client.ConfirmSignUp(ctx, &cognitoidentityprovider.ConfirmSignUpInput{
//			ClientId: aws.String(srv.ClientID), SecretHash: srv.SecretHash("ana"),
//			Username: aws.String("ana"), ConfirmationCode: aws.String(srv.LastCode("ana")),
//		})
//		if err != nil {
//			t.Fatal(err)
//		}
//	}
//
// The pool requires an email and verifies it automatically; options make
// the client keep a secret, let users sign in with their email as the
// username, set the password policy or PreventUserExistenceErrors.
package cognitotest
