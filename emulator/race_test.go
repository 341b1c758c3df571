package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator/store"
)

const racePassword = "Rac3-condition"

// TestConcurrentUsers runs many whole sign-up flows at once, plus a crowd
// racing for one username, on each store, and checks that no user is lost,
// duplicated or half-created.
func TestConcurrentUsers(t *testing.T) {
	const (
		distinct = 64 // users signing up, confirming, signing in at once
		rivals   = 16 // sign-ups racing for the same username
	)
	for _, tc := range []struct {
		name  string
		store func(t *testing.T) store.Store
	}{
		{"memory", func(*testing.T) store.Store { return store.NewMemory() }},
		{"sqlite", func(t *testing.T) store.Store {
			st, err := store.OpenSQLite(context.Background(), t.TempDir()+"/c.db")
			if err != nil {
				t.Fatal(err)
			}
			return st
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.store(t)
			t.Cleanup(func() { st.Close() }) // after the server's own cleanup
			srv := cognitotest.NewServer(t, cognitotest.WithStore(st))
			// One client shared by every goroutine, as a service would, with
			// no retries: a failure must show, not be papered over.
			client := cip.NewFromConfig(srv.AWSConfig(), func(o *cip.Options) { o.RetryMaxAttempts = 1 })
			ctx := context.Background()

			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range distinct {
				wg.Go(func() {
					<-start
					name := fmt.Sprintf("user-%02d", i)
					if err := raceUserFlow(ctx, srv, client, name); err != nil {
						t.Errorf("%s: %v", name, err)
					}
				})
			}
			const rivalName = "contested"
			rivalErrs := make([]error, rivals)
			for i := range rivals {
				wg.Go(func() {
					<-start
					_, rivalErrs[i] = client.SignUp(ctx, &cip.SignUpInput{
						ClientId: aws.String(srv.ClientID), Username: aws.String(rivalName), Password: aws.String(racePassword),
						UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(fmt.Sprintf("rival%02d@example.com", i))}},
					})
				})
			}
			close(start)
			wg.Wait()

			won := 0
			for i, err := range rivalErrs {
				var exists *types.UsernameExistsException
				switch {
				case err == nil:
					won++
				case !errors.As(err, &exists):
					t.Errorf("rival %d: %v, want UsernameExistsException", i, err)
				}
			}
			if won != 1 {
				t.Errorf("%d of %d sign-ups of the same username succeeded, want exactly 1", won, rivals)
			}
			// The losers' transactions must have left nothing behind.
			msgs, err := srv.Emulator.Messages(ctx, rivalName)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != 1 {
				t.Errorf("%d messages sent to %s, want 1", len(msgs), rivalName)
			}

			want := []string{rivalName}
			for i := range distinct {
				want = append(want, fmt.Sprintf("user-%02d", i))
			}
			slices.Sort(want)
			got := raceListUsernames(t, client, srv.UserPoolID)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("ListUsers has %d users, want %d:\n got %q\nwant %q", len(got), len(want), got, want)
			}
		})
	}
}

// raceUserFlow signs name up, confirms it with the code from the outbox,
// signs in and reads the user back. It runs on its own goroutine, so it
// returns errors rather than failing the test.
func raceUserFlow(ctx context.Context, srv *cognitotest.Server, client *cip.Client, name string) error {
	email := name + "@example.com"
	_, err := client.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String(name), Password: aws.String(racePassword),
		UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}},
	})
	if err != nil {
		return fmt.Errorf("SignUp: %w", err)
	}
	// srv.LastCode would call t.Fatalf, which only the test's goroutine
	// may; read the outbox directly.
	msgs, err := srv.Emulator.Messages(ctx, name)
	if err != nil {
		return fmt.Errorf("reading outbox: %w", err)
	}
	if len(msgs) != 1 || msgs[0].Destination != email {
		return fmt.Errorf("outbox for %s: %+v, want one message to %s", name, msgs, email)
	}
	_, err = client.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
		ClientId: aws.String(srv.ClientID), Username: aws.String(name), ConfirmationCode: aws.String(msgs[0].Code),
	})
	if err != nil {
		return fmt.Errorf("ConfirmSignUp: %w", err)
	}
	auth, err := client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": name, "PASSWORD": racePassword},
	})
	if err != nil {
		return fmt.Errorf("InitiateAuth: %w", err)
	}
	if auth.AuthenticationResult == nil {
		return fmt.Errorf("InitiateAuth: no tokens (challenge %q)", auth.ChallengeName)
	}
	got, err := client.GetUser(ctx, &cip.GetUserInput{AccessToken: auth.AuthenticationResult.AccessToken})
	if err != nil {
		return fmt.Errorf("GetUser: %w", err)
	}
	if aws.ToString(got.Username) != name {
		return fmt.Errorf("GetUser: username %q", aws.ToString(got.Username))
	}
	for _, a := range got.UserAttributes {
		if aws.ToString(a.Name) == "email" && aws.ToString(a.Value) != email {
			return fmt.Errorf("GetUser: email %q, want %q", aws.ToString(a.Value), email)
		}
	}
	return nil
}

// raceListUsernames lists every user of the pool, a small page at a time.
func raceListUsernames(t *testing.T, client *cip.Client, poolID string) []string {
	t.Helper()
	var names []string
	p := cip.NewListUsersPaginator(client, &cip.ListUsersInput{UserPoolId: aws.String(poolID), Limit: aws.Int32(7)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListUsers: %v", err)
		}
		for _, u := range page.Users {
			names = append(names, aws.ToString(u.Username))
		}
	}
	return names
}
