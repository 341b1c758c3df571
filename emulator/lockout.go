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
	mu    sync.Mutex
	users map[string]*userAttempts // by pool ID and username key, while in use
}

// userAttempts are one user's attempts in flight. Its mutex is held while
// the user's count is read and an attempt reserved, and while an attempt's
// outcome is committed and its reservation ended: so a reservation sees
// each other attempt either in flight or in the count, never in both, and
// never in neither.
type userAttempts struct {
	mu       sync.Mutex
	inFlight int
	holders  int // goroutines holding this entry; at 0 it leaves the map
}

// lockUser takes the attempts of the user under key, waiting for them to
// be still, and returns them; unlockUser gives them back.
func (s *Server) lockUser(key string) *userAttempts {
	s.attempts.mu.Lock()
	ua := s.attempts.users[key]
	if ua == nil {
		ua = &userAttempts{}
		s.attempts.users[key] = ua
	}
	ua.holders++
	s.attempts.mu.Unlock()
	ua.mu.Lock()
	return ua
}

func (s *Server) unlockUser(key string, ua *userAttempts) {
	ua.mu.Unlock()
	s.attempts.mu.Lock()
	defer s.attempts.mu.Unlock()
	if ua.holders--; ua.holders == 0 && ua.inFlight == 0 {
		delete(s.attempts.users, key)
	}
}

// attempt is one reserved password attempt of a user. It ends with end,
// which runs the write transaction that settles its outcome (settle), or,
// on a path that ends before, with release.
type attempt struct {
	s     *Server
	p     *pool
	user  *user // as read when the attempt was reserved
	key   string
	ended bool
}

// reserveAttempt reserves one password attempt for the user named
// username (its username, not an alias).
func (s *Server) reserveAttempt(ctx context.Context, p *pool, username string) (*attempt, error) {
	a := &attempt{s: s, p: p, key: p.ID + "\x00" + p.usernameKey(username)}
	ua := s.lockUser(a.key)
	defer s.unlockUser(a.key, ua)
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
	n := ua.inFlight
	// With n attempts in flight and all of them wrong, the user would be
	// locked out from the count of freeSignInFailures on: the last of them
	// would lock it. With none in flight a lock that has run out lets one
	// attempt through, as it would alone.
	if s.lockedOut(a.user) || (n > 0 && a.user.FailedSignIns+n >= freeSignInFailures) {
		return nil, errPasswordAttempts
	}
	ua.inFlight++
	return a, nil
}

// end runs commit, the write transaction that settles the attempt, and
// ends the reservation, the user's attempts held still meanwhile: a
// reservation waits, then reads the count with this outcome in it.
func (a *attempt) end(commit func() error) error {
	ua := a.s.lockUser(a.key)
	defer a.s.unlockUser(a.key, ua)
	defer a.drop(ua)
	return commit()
}

// release ends the reservation of an attempt that ends without an outcome
// (an error before its transaction); after end it does nothing.
func (a *attempt) release() {
	if a.ended {
		return
	}
	ua := a.s.lockUser(a.key)
	defer a.s.unlockUser(a.key, ua)
	a.drop(ua)
}

func (a *attempt) drop(ua *userAttempts) {
	if !a.ended {
		a.ended = true
		ua.inFlight--
	}
}

// settle records the attempt's outcome in st, the write transaction that
// ends it (see end): a wrong password is counted, a right one clears the
// count. It returns the user as st has it now; a user deleted meanwhile
// fails as a wrong password.
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
	err = a.end(func() error {
		return s.update(ctx, func(st *state) error {
			_, err := a.settle(st, right)
			return err
		})
	})
	return right, err
}

// clearFailures ends the count of wrong passwords after a right one.
func clearFailures(u *user) {
	u.FailedSignIns, u.LockedUntil = 0, time.Time{}
}
