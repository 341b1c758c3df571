package emulator_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

const benchPassword = "B3nch-password"

// BenchmarkActions measures actions through the real SDK over loopback,
// on the memory store, and reports each as a multiple of a baseline
// measured in the same loop: every iteration times the action and then a
// plain GET /health with the SDK's own HTTP client (the cost of the
// loopback round trip alone), and "x-baseline" is the ratio of the two
// sums — what the server and the SDK add on top of HTTP. Alternating the
// two makes the ratio immune to the machine's speed drifting during the
// run; baseline/health times the health check against itself, so its
// ratio (1 when all is well) shows how noisy the comparison is.
//
// ns/op is the action alone. B/op and allocs/op count the client and the
// server together (both run in the test process) for the action and its
// baseline call.
func BenchmarkActions(b *testing.B) {
	srv := cognitotest.NewServer(b)
	client := cip.NewFromConfig(srv.AWSConfig(), func(o *cip.Options) { o.RetryMaxAttempts = 1 })
	httpClient := client.Options().HTTPClient
	ctx := context.Background()

	health := func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.Endpoint+"/health", nil)
		if err != nil {
			return err
		}
		resp, err := httpClient.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET /health: %s", resp.Status)
		}
		return nil
	}
	for range 500 { // warm the connection pool and the server
		if err := health(); err != nil {
			b.Fatal(err)
		}
	}
	// measure runs action and the baseline alternately and reports both.
	measure := func(b *testing.B, action func() error) {
		var actionTime, baseTime time.Duration
		for b.Loop() {
			t0 := time.Now()
			if err := action(); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if err := health(); err != nil {
				b.Fatal(err)
			}
			actionTime += t1.Sub(t0)
			baseTime += time.Since(t1)
		}
		b.ReportMetric(float64(actionTime.Nanoseconds())/float64(b.N), "ns/op")
		b.ReportMetric(float64(actionTime)/float64(baseTime), "x-baseline")
	}

	// A confirmed user to sign in and its access token.
	const name = "bench-user"
	if _, err := client.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String(name), Password: aws.String(benchPassword),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String("bench@example.com")}},
	}); err != nil {
		b.Fatal(err)
	}
	if _, err := client.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String(name), ConfirmationCode: aws.String(srv.LastCode(name)),
	}); err != nil {
		b.Fatal(err)
	}
	signIn := &cip.InitiateAuthInput{
		ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": benchPassword},
	}
	auth, err := client.InitiateAuth(ctx, signIn)
	if err != nil {
		b.Fatal(err)
	}
	getUser := &cip.GetUserInput{AccessToken: auth.AuthenticationResult.AccessToken}

	b.Run("baseline/health", func(b *testing.B) { measure(b, health) })

	var seq atomic.Int64 // usernames stay unique across the runs b.Run makes
	b.Run("SignUp", func(b *testing.B) {
		measure(b, func() error {
			n := fmt.Sprintf("signup-%d", seq.Add(1))
			_, err := client.SignUp(ctx, &cip.SignUpInput{
				ClientId: aws.String(srv.ClientID), Username: aws.String(n), Password: aws.String(benchPassword),
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(n + "@example.com")}},
			})
			return err
		})
	})

	b.Run("InitiateAuth", func(b *testing.B) {
		measure(b, func() error { _, err := client.InitiateAuth(ctx, signIn); return err })
	})

	b.Run("GetUser", func(b *testing.B) {
		measure(b, func() error { _, err := client.GetUser(ctx, getUser); return err })
	})
}
