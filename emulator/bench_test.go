package emulator_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

const benchPassword = "B3nch-password"

// BenchmarkActions measures actions through the real SDK over loopback, on
// the memory store, and reports each as a multiple of a baseline measured
// in the same run: a plain GET /health with the SDK's own HTTP client, the
// cost of the loopback round trip alone. "x-baseline" is what the server
// and the SDK add on top of HTTP; it varies less between machines than
// ns/op does. baseline/health reports its own ratio to the baseline:
// how far it is from 1 shows how noisy the run was.
//
// B/op and allocs/op count the client and the server together: both run in
// the test process.
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

	// The baseline, measured once before the sub-benchmarks: after a
	// warm-up, the median of a few batches of round trips (a median, so that
	// one garbage collection or scheduler hiccup does not skew every ratio).
	const warmup, batches, batchSize = 500, 5, 500
	for range warmup {
		if err := health(); err != nil {
			b.Fatal(err)
		}
	}
	perBatch := make([]float64, batches)
	for i := range perBatch {
		start := time.Now()
		for range batchSize {
			if err := health(); err != nil {
				b.Fatal(err)
			}
		}
		perBatch[i] = float64(time.Since(start).Nanoseconds()) / batchSize
	}
	slices.Sort(perBatch)
	baselineNs := perBatch[batches/2]
	b.Logf("baseline: GET /health %.0f ns per round trip (median of %d batches of %d)", baselineNs, batches, batchSize)
	report := func(b *testing.B) {
		perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(perOp/baselineNs, "x-baseline")
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

	b.Run("baseline/health", func(b *testing.B) {
		for b.Loop() {
			if err := health(); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})

	var seq atomic.Int64 // usernames stay unique across the runs b.Run makes
	b.Run("SignUp", func(b *testing.B) {
		for b.Loop() {
			n := fmt.Sprintf("signup-%d", seq.Add(1))
			_, err := client.SignUp(ctx, &cip.SignUpInput{
				ClientId: aws.String(srv.ClientID), Username: aws.String(n), Password: aws.String(benchPassword),
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(n + "@example.com")}},
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})

	b.Run("InitiateAuth", func(b *testing.B) {
		for b.Loop() {
			if _, err := client.InitiateAuth(ctx, signIn); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})

	b.Run("GetUser", func(b *testing.B) {
		for b.Loop() {
			if _, err := client.GetUser(ctx, getUser); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
}
