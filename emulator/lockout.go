package emulator

import (
	"context"
	"sync"
	"time"
)

// The lockout, as Cognito: from the fifth consecutive wrong password on,
// each failure locks sign-in for a time that starts at one second and
// doubles, up to about 15 minutes.
//
// It holds under concurrency: before a password (or its SRP proof) is
// evaluated, the attempt is reserved — it counts as a failure until its
// outcome is recorded, and is refused if the user is locked out or would
// be were every attempt in flight wrong — so of any number of parallel
// attempts at most freeSignInFailures are evaluated before the lock, and a
// right password that comes after is refused like the rest. The outcome
// is recorded in the write transaction that ends the attempt: a wrong
// password is counted, a right one clears the count in the transaction
// that signs the user in.
//
// Reservations are kept in memory, not in the store: an attempt costs one
// commit, not two, and one that ends without an outcome (a crash, a
// commit that failed) leaves no trace, having revealed nothing: a sign-in
// answers only once its outcome is committed. This assumes what the local
// Cognito does everywhere: one Server owns its store.
const (
	freeSignInFailures = 5
	maxLockout         = 15 * time.Minute
)

// attempts are the password attempts in flight, by user.
type attempts struct {
	mu       sync.Mutex
	inFlight map[string]int // pool ID and username key → attempts reserved
}

// attempt is one reserved password attempt of a user. Its outcome is
// recorded with settle, in a write transaction, and the reservation ends
// with release once that transaction has ended.
type attempt struct {
	s    *Server
	p    *pool
	user *user // as read when the attempt was reserved
	key  string
}

// reserveAttempt reserves one password attempt for the user named
// username (its username, not an alias). The user is read while the
// reservations are held still, so an attempt either sees another's
// reservation or the outcome it recorded (settle commits before release).
func (s *Server) reserveAttempt(ctx context.Context, p *pool, username string) (*attempt, error) {
	a := &attempt{s: s, p: p, key: p.ID + "\x00" + p.usernameKey(username)}
	s.attempts.mu.Lock()
	defer s.attempts.mu.Unlock()
	err := s.view(ctx, func(st *state) (err error) {
		a.user, err = st.userByKey(p, p.usernameKey(username))
		return err
	})
	if isNotFound(err) {
		return nil, errIncorrectCredentials
	}
	if err != nil {
		return nil, err
	}
	n := s.attempts.inFlight[a.key]
	// With n attempts in flight and all of them wrong, the user would be
	// locked out from the count of freeSignInFailures on: the last of them
	// would lock it. With none in flight a lock that has run out lets one
	// attempt through, as it would alone.
	if s.lockedOut(a.user) || (n > 0 && a.user.FailedSignIns+n >= freeSignInFailures) {
		return nil, errPasswordAttempts
	}
	s.attempts.inFlight[a.key] = n + 1
	return a, nil
}

// settle records the attempt's outcome in st, the write transaction that
// ends it: a wrong password is counted, a right one clears the count. It
// returns the user as st has it now; a user deleted meanwhile fails as a
// wrong password.
func (a *attempt) settle(st *state, right bool) (*user, error) {
	u, err := st.userByKey(a.p, a.p.usernameKey(a.user.Username))
	if isNotFound(err) {
		return nil, errIncorrectCredentials
	}
	if err != nil {
		return nil, err
	}
	switch {
	case !right:
		a.s.recordFailedSignIn(u)
	case u.FailedSignIns == 0 && u.LockedUntil.IsZero():
		return u, nil // nothing to clear: the user is not written
	default:
		clearFailures(u)
	}
	return u, st.putUser(a.p, u)
}

// release ends the reservation, after the transaction that settled it
// (or failed to) has ended.
func (a *attempt) release() {
	a.s.attempts.mu.Lock()
	defer a.s.attempts.mu.Unlock()
	if n := a.s.attempts.inFlight[a.key] - 1; n > 0 {
		a.s.attempts.inFlight[a.key] = n
	} else {
		delete(a.s.attempts.inFlight, a.key)
	}
}

func (s *Server) recordFailedSignIn(u *user) {
	u.FailedSignIns++
	if n := u.FailedSignIns - freeSignInFailures; n >= 0 {
		lock := maxLockout
		if n < 20 {
			lock = min(time.Second<<n, maxLockout)
		}
		u.LockedUntil = s.now().Add(lock)
	}
}

func (s *Server) lockedOut(u *user) bool {
	return s.now().Before(u.LockedUntil)
}

// checkPassword evaluates a password of the user named username (for
// ChangePassword) under the lockout: it reports whether it is right, or
// errPasswordAttempts when the user is locked out.
func (s *Server) checkPassword(ctx context.Context, p *pool, username, password string) (bool, error) {
	a, err := s.reserveAttempt(ctx, p, username)
	if err != nil {
		return false, err
	}
	defer a.release()
	right := passwordMatches(p.ID, a.user, password)
	err = s.update(ctx, func(st *state) error {
		_, err := a.settle(st, right)
		return err
	})
	return right, err
}

// clearFailures ends the count of wrong passwords after a right one.
func clearFailures(u *user) {
	u.FailedSignIns, u.LockedUntil = 0, time.Time{}
}
