package emulator

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cognitokit/cognito/emulator/store"
	"github.com/cognitokit/cognito/internal/secrethash"
	"github.com/cognitokit/cognito/internal/srp"
)

// commitThen wraps a failure whose writes must still be kept: a wrong code
// counted, a failed sign-in recorded. See Server.update.
type commitThen struct{ err error }

func (c *commitThen) Error() string { return c.err.Error() }

// update runs fn in a write transaction. A plain error from fn discards its
// writes; an error wrapped in commitThen keeps them and is returned after
// the commit.
func (s *Server) update(c *call, fn func(tx store.Tx) error) error {
	var after error
	err := s.store.Update(c.ctx, func(tx store.Tx) error {
		err := fn(tx)
		var keep *commitThen
		if errors.As(err, &keep) {
			after = keep.err
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	return after
}

// view runs fn in a read transaction.
func (s *Server) view(c *call, fn func(tx store.Tx) error) error {
	return s.store.View(c.ctx, fn)
}

var usernamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)

// checkUsernameSyntax applies the API's constraint on a Username member.
func checkUsernameSyntax(name string) error {
	if name == "" {
		return invalidParameter("1 validation error detected: Value at 'username' failed to satisfy constraint: Member must not be null")
	}
	if len(name) > 128 || !usernamePattern.MatchString(name) {
		return invalidParameter("1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")
	}
	return nil
}

// checkSecretHash enforces SECRET_HASH for clients that have a secret.
// username is the name the hash was computed over.
func checkSecretHash(cl *appClient, got, username string) error {
	if cl.Secret == "" {
		return nil
	}
	if got == "" {
		return notAuthorized("Client %s is configured with secret but SECRET_HASH was not received", cl.ID)
	}
	if !secrethash.Valid(got, cl.Secret, username, cl.ID) {
		return notAuthorized("Unable to verify secret hash for client %s", cl.ID)
	}
	return nil
}

// aliasable lists the attributes a user can sign in with besides the
// username, with whether an alias needs the attribute verified first.
func (p *pool) aliasable() map[string]bool {
	out := make(map[string]bool)
	for _, a := range p.UsernameAttributes {
		out[a] = false
	}
	for _, a := range p.AliasAttributes {
		out[a] = a != "preferred_username"
	}
	return out
}

// aliasesOf returns the sign-in aliases attrs give: attribute → value.
func (p *pool) aliasesOf(attrs map[string]string) map[string]string {
	out := make(map[string]string)
	for a, needsVerified := range p.aliasable() {
		if v := attrs[a]; v != "" && (!needsVerified || attrs[a+"_verified"] == "true") {
			out[a] = v
		}
	}
	return out
}

func (p *pool) aliasKey(attr, value string) string {
	return p.ID + "/" + attr + "/" + url.PathEscape(p.usernameKey(value))
}

// syncAliases brings the alias index in line with u's attributes, given the
// attributes it had before (nil for a new user). A value another user holds
// is refused.
func syncAliases(tx store.Tx, p *pool, u *user, before map[string]string) error {
	owner := p.usernameKey(u.Username)
	old, now := p.aliasesOf(before), p.aliasesOf(u.Attributes)
	for attr, v := range old {
		if now[attr] != v {
			if err := tx.Delete(kindAlias, p.aliasKey(attr, v)); err != nil {
				return err
			}
		}
	}
	for attr, v := range now {
		raw, err := tx.Get(kindAlias, p.aliasKey(attr, v))
		switch {
		case err == nil && string(raw) != owner:
			if slices.Contains(p.UsernameAttributes, attr) {
				return newError(excUsernameExists, "An account with the given %s already exists.", attr)
			}
			return newError(excAliasExists, "An account with the %s already exists.", attr)
		case err != nil && !isNotFound(err):
			return err
		}
		if err := tx.Put(kindAlias, p.aliasKey(attr, v), []byte(owner)); err != nil {
			return err
		}
	}
	return nil
}

// findUser resolves the name a caller gave — the username or a sign-in
// alias — to a user, or store.ErrNotFound.
func findUser(tx store.Tx, p *pool, name string) (*user, error) {
	u, err := getRecord[user](tx, kindUser, userKey(p.ID, p.usernameKey(name)))
	if !isNotFound(err) {
		return u, err
	}
	for attr := range p.aliasable() {
		owner, err := tx.Get(kindAlias, p.aliasKey(attr, name))
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return getRecord[user](tx, kindUser, userKey(p.ID, string(owner)))
	}
	return nil, store.ErrNotFound
}

func saveUser(tx store.Tx, p *pool, u *user) error {
	return putRecord(tx, kindUser, userKey(p.ID, p.usernameKey(u.Username)), u)
}

// revokeSessions deletes every sign-in of u, revoking its refresh tokens and
// the access tokens issued from them.
func revokeSessions(tx store.Tx, p *pool, u *user) error {
	prefix := userKey(p.ID, p.usernameKey(u.Username)) + "/"
	var keys, hashes []string
	err := scanRecords(tx, kindSession, prefix, func(key string, sess *session) error {
		keys = append(keys, key)
		hashes = append(hashes, sess.RefreshHash)
		return nil
	})
	if err != nil {
		return err
	}
	for i := range keys {
		if err := tx.Delete(kindSession, keys[i]); err != nil {
			return err
		}
		if err := tx.Delete(kindRefresh, hashes[i]); err != nil {
			return err
		}
	}
	return nil
}

// removeUser deletes u with its aliases, codes and sign-ins.
func removeUser(tx store.Tx, p *pool, u *user) error {
	if err := revokeSessions(tx, p, u); err != nil {
		return err
	}
	for attr, v := range p.aliasesOf(u.Attributes) {
		if err := tx.Delete(kindAlias, p.aliasKey(attr, v)); err != nil {
			return err
		}
	}
	key := userKey(p.ID, p.usernameKey(u.Username))
	if err := deletePrefix(tx, kindCode, key+"/"); err != nil {
		return err
	}
	return tx.Delete(kindUser, key)
}

// setPassword replaces u's verifier. The verifier is computed by the
// caller, outside any transaction (it costs a 3072-bit exponentiation).
func setPassword(u *user, salt, verifier []byte) {
	u.Salt, u.Verifier = salt, verifier
	u.FailedSignIns, u.LockedUntil = 0, time.Time{}
}

// newVerifier computes the stored form of a password for a user.
func newVerifier(poolID, username, password string) (salt, verifier []byte, err error) {
	return srp.NewVerifier(srp.PoolName(poolID), username, password)
}

// passwordMatches checks a password against u's verifier.
func passwordMatches(poolID string, u *user, password string) bool {
	return srp.Check(srp.PoolName(poolID), u.Username, password, u.Salt, u.Verifier)
}

// Lockout, as Cognito: from the fifth consecutive wrong password on, each
// failure locks sign-in for a time that starts at one second and doubles,
// up to about 15 minutes.
const (
	freeSignInFailures = 5
	maxLockout         = 15 * time.Minute
)

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

// Codes: six random digits, single use.
const (
	signUpCodeValidity = 24 * time.Hour
	forgotCodeValidity = time.Hour
	attrCodeValidity   = 24 * time.Hour
	maxCodeFailures    = 5
)

func codeKey(p *pool, u *user, purpose, attribute string) string {
	k := userKey(p.ID, p.usernameKey(u.Username)) + "/" + purpose
	if attribute != "" {
		k += ":" + attribute
	}
	return k
}

// deliverCode makes a new code for u, replacing any earlier one for the same
// purpose, and "sends" it to attribute (email or phone_number): the message
// goes to the outbox.
func (s *Server) deliverCode(tx store.Tx, p *pool, u *user, purpose, attribute string, validity time.Duration) (*codeDeliveryWire, error) {
	value := randomString("0123456789", 6)
	rec := code{Value: value, Attribute: attribute, Expires: s.now().Add(validity)}
	if err := putRecord(tx, kindCode, codeKey(p, u, purpose, attributeOrEmpty(purpose, attribute)), rec); err != nil {
		return nil, err
	}
	return s.send(tx, p, u, purpose, attribute, value)
}

// attributeOrEmpty keys attribute-verification codes by attribute; other
// purposes have one code per user.
func attributeOrEmpty(purpose, attribute string) string {
	if purpose == PurposeVerifyAttribute {
		return attribute
	}
	return ""
}

// send appends a message to the outbox and returns its delivery details.
func (s *Server) send(tx store.Tx, p *pool, u *user, purpose, attribute, secret string) (*codeDeliveryWire, error) {
	medium := "EMAIL"
	if attribute == "phone_number" {
		medium = "SMS"
	}
	seq, err := nextSequence(tx, "outbox")
	if err != nil {
		return nil, err
	}
	m := Message{
		UserPoolID: p.ID, Username: u.Username, Destination: u.Attributes[attribute],
		Medium: medium, Purpose: purpose, Code: secret, SentAt: s.now(),
	}
	if err := putRecord(tx, kindMessage, seq, m); err != nil {
		return nil, err
	}
	s.log.Info("message sent to outbox", "userPoolId", p.ID, "medium", medium, "purpose", purpose)
	return &codeDeliveryWire{Destination: mask(m.Destination), DeliveryMedium: medium, AttributeName: attribute}, nil
}

// nextSequence returns the next value of a counter, as a key that sorts in
// counter order.
func nextSequence(tx store.Tx, name string) (string, error) {
	n, err := getRecord[uint64](tx, kindMeta, name)
	if isNotFound(err) {
		n, err = new(uint64), nil
	}
	if err != nil {
		return "", err
	}
	*n++
	if err := putRecord(tx, kindMeta, name, *n); err != nil {
		return "", err
	}
	return fmt.Sprintf("%020d", *n), nil
}

// useCode checks a code the caller typed against the one u was sent for
// purpose (and attribute) and returns it. A right code is consumed; a
// wrong one is counted (and kept, via commitThen); after maxCodeFailures
// wrong codes even the right one is refused with tooMany until a new code
// is sent.
func (s *Server) useCode(tx store.Tx, p *pool, u *user, purpose, attribute, given string, tooMany *apiError) (*code, error) {
	key := codeKey(p, u, purpose, attribute)
	rec, err := getRecord[code](tx, kindCode, key)
	if isNotFound(err) {
		return nil, errCodeExpired
	}
	if err != nil {
		return nil, err
	}
	if rec.Failures >= maxCodeFailures {
		return nil, tooMany
	}
	if s.now().After(rec.Expires) {
		return nil, errCodeExpired
	}
	if !constantTimeEqual(given, rec.Value) {
		rec.Failures++
		if err := putRecord(tx, kindCode, key, rec); err != nil {
			return nil, err
		}
		return nil, &commitThen{errCodeMismatch}
	}
	return rec, tx.Delete(kindCode, key)
}

var errTooManyCodeFailures = newError(excTooManyFailedAttempts, "Too many failed attempts, please request a new code.")

// mask hides most of a destination as Cognito does: u***@e***.com for an
// email, +*******1234 for a phone number.
func mask(dest string) string {
	if local, domain, ok := strings.Cut(dest, "@"); ok && local != "" && domain != "" {
		tld := ""
		if i := strings.LastIndexByte(domain, '.'); i > 0 {
			tld = domain[i:]
		}
		return firstRune(local) + "***@" + firstRune(domain) + "***" + tld
	}
	if strings.HasPrefix(dest, "+") && len(dest) > 5 {
		return "+" + strings.Repeat("*", len(dest)-5) + dest[len(dest)-4:]
	}
	return "***"
}

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

// deliveryAttribute picks where a code for u goes: a phone number when it
// qualifies (Cognito prefers SMS), else an email. verified requires the
// attribute to be verified (password reset); otherwise it must be auto-
// verified by the pool (sign-up).
func deliveryAttribute(p *pool, u *user, verified bool) string {
	for _, attr := range []string{"phone_number", "email"} {
		if u.Attributes[attr] == "" {
			continue
		}
		if verified && u.Attributes[attr+"_verified"] == "true" {
			return attr
		}
		if !verified && slices.Contains(p.AutoVerified, attr) {
			return attr
		}
	}
	return ""
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
