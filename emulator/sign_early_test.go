package emulator_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator/store"
)

// failingCommits is a store whose Updates that record a sign-in (write a
// session) fail at their commit once armed: their function has run, and
// its writes are then discarded, as when a disk fails.
type failingCommits struct {
	store.Store
	armed atomic.Bool
}

var errDiskFailed = errors.New("disk failed")

func (s *failingCommits) Update(ctx context.Context, fn func(store.Tx) error) error {
	return s.Store.Update(ctx, func(tx store.Tx) error {
		rec := &kindsWritten{Tx: tx}
		if err := fn(rec); err != nil {
			return err
		}
		if s.armed.Load() && rec.kinds["session"] {
			return errDiskFailed
		}
		return nil
	})
}

type kindsWritten struct {
	store.Tx
	kinds map[string]bool
}

func (t *kindsWritten) Put(kind, key string, value []byte) error {
	if t.kinds == nil {
		t.kinds = map[string]bool{}
	}
	t.kinds[kind] = true
	return t.Tx.Put(kind, key, value)
}

// Tokens signed while a sign-in commits (the server overlaps the two) are
// handed out only if the commit succeeds: when it fails, the sign-in fails
// and gives no token, and the next one works.
func TestSignInTokensOnlyAfterTheCommit(t *testing.T) {
	st := &failingCommits{Store: store.NewMemory()}
	srv := cognitotest.NewServer(t, cognitotest.WithStore(st))
	signUpConfirmed(t, srv, "ana", password)

	st.armed.Store(true)
	out, err := trySignIn(t, srv, "ana", password)
	if err == nil {
		t.Fatalf("sign-in whose commit failed = %+v, want an error and no tokens", out.AuthenticationResult)
	}
	var internal *types.InternalErrorException
	if !errors.As(err, &internal) {
		t.Errorf("sign-in whose commit failed: %v, want InternalErrorException", err)
	}

	st.armed.Store(false)
	if tokens := signIn(t, srv, "ana", password); tokens.AccessToken == nil {
		t.Error("the sign-in after the failed commit gave no access token")
	}
}
