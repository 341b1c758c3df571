package emulator

import (
	"context"
	"time"
)

// The lockout, as Cognito: from the fifth consecutive wrong password on,
// each failure locks sign-in for a time that starts at one second and
// doubles, up to about 15 minutes.
//
// It holds under concurrency: before a password (or its SRP proof) is
// evaluated, a write transaction reserves the attempt — it counts as a
// failure until proven right, and is refused if the user is locked out —
// so of any number of parallel attempts at most freeSignInFailures are
// evaluated before the lock, and a right password that comes after is
// refused like the rest. A right password clears the count in the
// transaction that signs the user in.
const (
	freeSignInFailures = 5
	maxLockout         = 15 * time.Minute
)

// reserveAttempt reserves one password attempt for the user named
// username (its username, not an alias) and returns the user as the
// reserving transaction read it. before, if set, runs first in the same
// transaction (PASSWORD_VERIFIER consumes its challenge there).
func (s *Server) reserveAttempt(ctx context.Context, p *pool, username string, before func(st *state) error) (*user, error) {
	var u *user
	err := s.update(ctx, func(st *state) (err error) {
		if before != nil {
			if err := before(st); err != nil {
				return err
			}
		}
		if u, err = st.userByKey(p, p.usernameKey(username)); isNotFound(err) {
			return errIncorrectCredentials
		} else if err != nil {
			return err
		}
		if s.lockedOut(u) {
			return &commitThen{errPasswordAttempts}
		}
		s.recordFailedSignIn(u)
		return st.putUser(p, u)
	})
	return u, err
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
	u, err := s.reserveAttempt(ctx, p, username, nil)
	if err != nil {
		return false, err
	}
	if !passwordMatches(p.ID, u, password) {
		return false, nil
	}
	return true, s.update(ctx, func(st *state) error {
		u, err := st.userByKey(p, p.usernameKey(username))
		if err != nil {
			return err
		}
		clearFailures(u)
		return st.putUser(p, u)
	})
}

// clearFailures ends the count of wrong passwords after a right one.
func clearFailures(u *user) {
	u.FailedSignIns, u.LockedUntil = 0, time.Time{}
}
