package emulator

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/google/uuid"

	"github.com/cognitokit/cognito/emulator/store"
)

// BenchmarkListUsersByEmail measures ListUsers with an exact email filter
// (the server's action, without HTTP) in a pool of 1,000 users and in one
// of 100,000, on each store, alternating the two in one loop so that the
// machine's drift touches both alike. It reports each one's time and
// "x-1k", the 100,000-user pool's time as a multiple of the 1,000-user
// pool's: with the search index it stays near 1 however large the pool.
//
// The pools are filled through the state layer with one precomputed
// password verifier (a verifier per user would make the setup take
// minutes and measure nothing the query does).
func BenchmarkListUsersByEmail(b *testing.B) {
	for _, kind := range []string{"memory", "sqlite"} {
		b.Run(kind, func(b *testing.B) {
			small := benchPool(b, kind, 1_000)
			large := benchPool(b, kind, 100_000)
			ctx := context.Background()
			query := func(bp *benchUsers) time.Duration {
				email := fmt.Sprintf("user%d@example.com", rand.IntN(bp.n))
				start := time.Now()
				out, err := bp.s.listUsers(ctx, &caller{}, &cip.ListUsersInput{
					UserPoolId: aws.String(bp.poolID), Filter: aws.String(`email = "` + email + `"`),
				})
				took := time.Since(start)
				if err != nil || len(out.Users) != 1 {
					b.Fatalf("ListUsers(%s) in %d users: %v, %d users", email, bp.n, err, len(out.Users))
				}
				return took
			}
			alternate(b, "1k", func() time.Duration { return query(small) }, "100k", func() time.Duration { return query(large) })
		})
	}
}

// BenchmarkListUsersPage measures a page of ListUsers without a filter
// (60 users, the server's action without HTTP) in a pool of 100,000
// users: the first page and one near the end of the list, alternating in
// one loop. "x-first" is the deep page's time as a multiple of the
// first's: the scan starts where the page token points, so it stays near
// 1, and paging through all the users costs what their pages do.
func BenchmarkListUsersPage(b *testing.B) {
	for _, kind := range []string{"memory", "sqlite"} {
		b.Run(kind, func(b *testing.B) {
			bp := benchPool(b, kind, 100_000)
			ctx := context.Background()
			deep := encodePageToken("user98") // in key order, about 1,200 users from the end
			page := func(token *string) time.Duration {
				start := time.Now()
				out, err := bp.s.listUsers(ctx, &caller{}, &cip.ListUsersInput{UserPoolId: aws.String(bp.poolID), PaginationToken: token})
				took := time.Since(start)
				if err != nil || len(out.Users) != 60 {
					b.Fatalf("ListUsers: %v, %d users", err, len(out.Users))
				}
				return took
			}
			alternate(b, "first", func() time.Duration { return page(nil) }, "deep", func() time.Duration { return page(&deep) })
		})
	}
}

// BenchmarkDescribeUserPool measures DescribeUserPool (the server's
// action, without HTTP), whose EstimatedNumberOfUsers counts the pool's
// users, in a pool of 1,000 users and one of 100,000, alternating in one
// loop; "x-1k" is the large pool's time as a multiple of the small one's.
// The count reads no user record (Tx.Count), but it is still a walk over
// the pool's users: on SQLite it grows with them.
func BenchmarkDescribeUserPool(b *testing.B) {
	for _, kind := range []string{"memory", "sqlite"} {
		b.Run(kind, func(b *testing.B) {
			small := benchPool(b, kind, 1_000)
			large := benchPool(b, kind, 100_000)
			ctx := context.Background()
			describe := func(bp *benchUsers) time.Duration {
				start := time.Now()
				out, err := bp.s.describeUserPool(ctx, &caller{}, &cip.DescribeUserPoolInput{UserPoolId: aws.String(bp.poolID)})
				took := time.Since(start)
				if err != nil || out.UserPool.EstimatedNumberOfUsers != int32(bp.n) {
					b.Fatalf("DescribeUserPool: %v", err)
				}
				return took
			}
			alternate(b, "1k", func() time.Duration { return describe(small) }, "100k", func() time.Duration { return describe(large) })
		})
	}
}

// alternate times baseline and measured one after the other in b's loop,
// so that the machine's drift touches both alike, and reports the time
// of each ("ns/op-" and its name) and measured's as a multiple of
// baseline's ("x-" and baseline's name).
func alternate(b *testing.B, baseName string, baseline func() time.Duration, name string, measured func() time.Duration) {
	var tBase, t time.Duration
	for b.Loop() {
		tBase += baseline()
		t += measured()
	}
	n := float64(b.N)
	b.ReportMetric(float64(tBase.Nanoseconds())/n, "ns/op-"+baseName)
	b.ReportMetric(float64(t.Nanoseconds())/n, "ns/op-"+name)
	b.ReportMetric(float64(t)/float64(tBase), "x-"+baseName)
}

// benchUsers is a server with a pool of n users, user<i>@example.com.
type benchUsers struct {
	s      *Server
	poolID string
	n      int
}

// benchPool makes a server on a store of kind holding a pool of n users.
func benchPool(b *testing.B, kind string, n int) *benchUsers {
	b.Helper()
	ctx := context.Background()
	var st store.Store
	switch kind {
	case "memory":
		st = store.NewMemory()
	default:
		var err error
		if st, err = store.OpenSQLite(ctx, b.TempDir()+"/cognito.db"); err != nil {
			b.Fatal(err)
		}
	}
	b.Cleanup(func() { st.Close() })
	return fillPool(b, st, n)
}

// fillPool makes a server on st and a pool of n users in it.
func fillPool(b *testing.B, st store.Store, n int) *benchUsers {
	b.Helper()
	ctx := context.Background()
	s, err := New(ctx, st, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		b.Fatal(err)
	}
	out, err := s.createUserPool(ctx, &caller{}, &cip.CreateUserPoolInput{PoolName: aws.String("bench")})
	if err != nil {
		b.Fatal(err)
	}
	poolID := aws.ToString(out.UserPool.Id)
	fillUsers(b, s, poolID, n)
	return &benchUsers{s: s, poolID: poolID, n: n}
}

// fillUsers adds n users, user<i> with the email user<i>@example.com,
// confirmed, all with one precomputed password verifier, to the pool
// poolID of s, in transactions of a few thousand.
func fillUsers(b *testing.B, s *Server, poolID string, n int) {
	b.Helper()
	ctx := context.Background()
	var p *pool
	if err := s.view(ctx, func(st *state) (err error) { p, err = st.pool(poolID); return err }); err != nil {
		b.Fatal(err)
	}
	salt, verifier, err := newVerifier(p.ID, "template", "B3nch-password")
	if err != nil {
		b.Fatal(err)
	}
	const batch = 2_000
	for i := 0; i < n; i += batch {
		err := s.update(ctx, func(st *state) error {
			for j := i; j < min(i+batch, n); j++ {
				now := time.Now()
				u := &user{
					PoolID: p.ID, Username: fmt.Sprintf("user%d", j), Status: statusConfirmed, Enabled: true,
					Created: now, Modified: now, Salt: salt, Verifier: verifier,
					Attributes: map[string]string{"sub": uuid.NewString(), "email": fmt.Sprintf("user%d@example.com", j), "email_verified": "true"},
				}
				if err := st.insertUser(p, u, false); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUsersAtScale reports what 100,000 users cost: on the memory
// store, the heap they hold (after a collection); on SQLite, the time to
// start a server on the data (open the file, check its format, answer a
// first ListUsers by email) and the heap after that start.
func BenchmarkUsersAtScale(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	b.Run("memory", func(b *testing.B) {
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		st := store.NewMemory()
		defer st.Close()
		bp := fillPool(b, st, n)
		for b.Loop() {
			if _, err := bp.s.listUsers(ctx, &caller{}, &cip.ListUsersInput{UserPoolId: aws.String(bp.poolID), Filter: aws.String(`email = "user7@example.com"`)}); err != nil {
				b.Fatal(err)
			}
		}
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/(1<<20), "heap-MB")
		runtime.KeepAlive(bp)
	})
	b.Run("sqlite", func(b *testing.B) {
		path := b.TempDir() + "/cognito.db"
		st, err := store.OpenSQLite(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		poolID := fillPool(b, st, n).poolID
		st.Close()
		var start time.Duration
		var heap uint64
		for b.Loop() {
			runtime.GC()
			t0 := time.Now()
			st, err := store.OpenSQLite(ctx, path)
			if err != nil {
				b.Fatal(err)
			}
			s, err := New(ctx, st, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			if err != nil {
				b.Fatal(err)
			}
			out, err := s.listUsers(ctx, &caller{}, &cip.ListUsersInput{UserPoolId: aws.String(poolID), Filter: aws.String(`email = "user7@example.com"`)})
			if err != nil || len(out.Users) != 1 {
				b.Fatalf("ListUsers: %v", err)
			}
			start += time.Since(t0)
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			heap = m.HeapInuse
			st.Close()
		}
		b.ReportMetric(float64(start.Milliseconds())/float64(b.N), "start-ms")
		b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
	})
}
