package emulator_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator/store"
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

// BenchmarkConcurrency runs 64 clients at once against a local Cognito on
// SQLite, through the SDK over loopback, each calling one action in a loop,
// and reports the latency's median and 99th percentile per action and
// their ratio, "p99/p50" (the goal: at most 3, no request class starving
// another). Each action is run on its own, then all three mixed. The
// first calls of the 64 clients all start at once: run enough of them
// (-benchtime=6000x) that this start does not weigh on the percentiles.
func BenchmarkConcurrency(b *testing.B) {
	st, err := store.OpenSQLite(context.Background(), b.TempDir()+"/cognito.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	srv := cognitotest.NewServer(b, cognitotest.WithStore(st))
	ctx := context.Background()
	const clients = 64
	client := cip.NewFromConfig(srv.AWSConfig(), func(o *cip.Options) {
		o.RetryMaxAttempts = 1
		o.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) { t.MaxIdleConnsPerHost = clients })
	})
	// One user per client: concurrent sign-ins of one user are bounded by
	// the lockout's reservation of attempts (at most five in flight).
	signIns := make([]*cip.InitiateAuthInput, clients)
	tokens := make([]*string, clients)
	for i := range clients {
		name := fmt.Sprintf("bench-user-%d", i)
		if _, err := client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}},
		}); err != nil {
			b.Fatal(err)
		}
		if _, err := client.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
			UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name), Password: aws.String(benchPassword), Permanent: true,
		}); err != nil {
			b.Fatal(err)
		}
		signIns[i] = &cip.InitiateAuthInput{
			ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": benchPassword},
		}
		auth, err := client.InitiateAuth(ctx, signIns[i])
		if err != nil {
			b.Fatal(err)
		}
		tokens[i] = auth.AuthenticationResult.AccessToken
	}
	var seq atomic.Int64
	calls := map[string]func(i int) error{
		"SignUp": func(int) error {
			n := fmt.Sprintf("load-%d", seq.Add(1))
			_, err := client.SignUp(ctx, &cip.SignUpInput{
				ClientId: aws.String(srv.ClientID), Username: aws.String(n), Password: aws.String(benchPassword),
				UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(n + "@example.com")}},
			})
			return err
		},
		"InitiateAuth": func(i int) error { _, err := client.InitiateAuth(ctx, signIns[i]); return err },
		"GetUser": func(i int) error {
			_, err := client.GetUser(ctx, &cip.GetUserInput{AccessToken: tokens[i]})
			return err
		},
	}
	run := func(b *testing.B, names []string) {
		var mu sync.Mutex
		latencies := map[string][]time.Duration{}
		var next atomic.Int64
		b.ResetTimer()
		var wg sync.WaitGroup
		for i := range clients {
			name := names[i%len(names)]
			wg.Go(func() {
				var mine []time.Duration
				for next.Add(1) <= int64(b.N) {
					t0 := time.Now()
					if err := calls[name](i); err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				latencies[name] = append(latencies[name], mine...)
				mu.Unlock()
			})
		}
		wg.Wait()
		for _, name := range names {
			l := latencies[name]
			if len(l) == 0 {
				continue
			}
			slices.Sort(l)
			p50, p99 := l[len(l)/2], l[len(l)*99/100]
			b.ReportMetric(float64(p50.Microseconds())/1000, name+"-p50-ms")
			b.ReportMetric(float64(p99.Microseconds())/1000, name+"-p99-ms")
			b.ReportMetric(float64(p99)/float64(p50), name+"-p99/p50")
		}
	}
	for _, name := range []string{"SignUp", "InitiateAuth", "GetUser"} {
		b.Run(name, func(b *testing.B) { run(b, []string{name}) })
	}
	b.Run("mixed", func(b *testing.B) { run(b, []string{"SignUp", "InitiateAuth", "GetUser"}) })
}
