package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/cognitokit/cognito/emulator/store"
)

// The state layer: the one place that knows how records are kept in the
// store — their kinds, keys and indexes — and what a deletion takes with it.
// Handlers ask it for "the user by any of its names" or "delete the pool and
// everything in it" and never build a key.

// Record kinds, with the form of their keys. The owner decides which
// cascade removes a record: a pool's records all start with "<poolID>/", a
// user's with "<poolID>/<usernameKey>/".
const (
	kindPool       = "pool"       // poolID
	kindKey        = "key"        // poolID: the pool's RSA signing key
	kindClient     = "client"     // poolID/clientID
	kindClientPool = "clientpool" // clientID → poolID: finds a client from its ID alone
	kindDomain     = "domain"     // domain → poolID
	kindUser       = "user"       // poolID/usernameKey
	kindSub        = "sub"        // poolID/sub → usernameKey
	kindAlias      = "alias"      // poolID/attribute/valueKey → usernameKey
	kindSearch     = "search"     // poolID/attribute/value/usernameKey (each escaped): ListUsers' filter index
	kindGroup      = "group"      // poolID/groupName
	kindResource   = "resource"   // poolID/identifier: an OAuth 2.0 resource server
	kindChallenge  = "challenge"  // poolID/SHA-256 of a challenge session (hex)
	kindRefresh    = "refresh"    // poolID/SHA-256 of a refresh token (hex) → session key: its current and previous (rotated-out) token
	kindSession    = "session"    // poolID/usernameKey/originJTI
	kindCode       = "code"       // poolID/usernameKey/purpose[:attribute]
	kindDevice     = "device"     // poolID/usernameKey/deviceKey: a remembered device
	kindAuthCode   = "authcode"   // poolID/SHA-256 of an OAuth 2.0 authorization code (hex)
	kindLogin      = "login"      // poolID/SHA-256 of a managed-login session cookie (hex)
	kindMessage    = "message"    // zero-padded sequence number: the outbox
	kindMeta       = "meta"       // counters and the format version
)

// owner is what a record belongs to.
type owner int

const (
	ownedByServer owner = iota // removed explicitly, never by a cascade
	ownedByPool                // removed with the pool
	ownedByUser                // removed with the user (and so with the pool)
)

// recordKinds lists every kind with its owner. deletePool and deleteUser
// are derived from it: a new kind added here is removed with its owner.
var recordKinds = []struct {
	name  string
	owner owner
}{
	{kindPool, ownedByServer},
	{kindKey, ownedByServer},
	{kindClientPool, ownedByServer},
	{kindDomain, ownedByServer},
	{kindMessage, ownedByServer},
	{kindMeta, ownedByServer},
	{kindClient, ownedByPool},
	{kindUser, ownedByPool},
	{kindSub, ownedByPool},
	{kindAlias, ownedByPool},
	{kindSearch, ownedByPool},
	{kindGroup, ownedByPool},
	{kindResource, ownedByPool},
	{kindChallenge, ownedByPool},
	{kindRefresh, ownedByPool},
	{kindAuthCode, ownedByPool},
	{kindLogin, ownedByPool},
	{kindSession, ownedByUser},
	{kindCode, ownedByUser},
	{kindDevice, ownedByUser},
}

// state is one transaction's typed view of the server's records.
type state struct {
	tx       store.Tx
	decoded  *decodedRecords
	readOnly bool // a View: records it hands out may be shared
}

// decodedRecords caches the decoded form of the records read on almost
// every call, by their encoded form: keyed by content, a cache can never
// serve a stale record.
type decodedRecords struct {
	pools   decodedCache[pool]
	clients decodedCache[appClient]
}

// view runs fn in a read transaction.
func (s *Server) view(ctx context.Context, fn func(st *state) error) error {
	gen := s.cache.generation()
	return s.store.View(ctx, func(tx store.Tx) error {
		return fn(&state{tx: &cachedTx{Tx: tx, cache: &s.cache, gen: gen}, decoded: &s.decoded, readOnly: true})
	})
}

// update runs fn in a write transaction. A plain error from fn discards its
// writes; an error wrapped in commitThen keeps them and is returned after
// the commit.
func (s *Server) update(ctx context.Context, fn func(st *state) error) error {
	var after error
	written := map[string]bool{}
	err := s.store.Update(ctx, func(tx store.Tx) error {
		rec := &recordingTx{Tx: tx, written: written}
		err := fn(&state{tx: rec, decoded: &s.decoded})
		var keep *commitThen
		if errors.As(err, &keep) {
			after = keep.err
			return nil
		}
		return err
	})
	// After the commit (or the rollback: dropping entries is always safe),
	// the read cache forgets what the transaction wrote (readcache.go).
	if len(written) > 0 {
		s.cache.invalidate(written)
	}
	if err != nil {
		return err
	}
	return after
}

// commitThen wraps a failure whose writes must still be kept: a wrong code
// counted, a failed sign-in recorded. See Server.update.
type commitThen struct{ err error }

func (c *commitThen) Error() string { return c.err.Error() }

// Generic record access.

// get reads and decodes one record; a missing one is store.ErrNotFound.
func get[T any](st *state, kind, key string) (*T, error) {
	raw, err := st.tx.Get(kind, key)
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, fmt.Errorf("decoding %s record: %w", kind, err)
	}
	return v, nil
}

// put encodes and stores one record.
func (st *state) put(kind, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %s record: %w", kind, err)
	}
	return st.tx.Put(kind, key, raw)
}

// scan decodes every record of kind under prefix, in key order, and hands
// it to fn with its key less the prefix; fn may return store.ErrStopScan.
func scan[T any](st *state, kind, prefix string, fn func(key string, v *T) error) error {
	return st.tx.Scan(kind, prefix, func(key string, raw []byte) error {
		v := new(T)
		if err := json.Unmarshal(raw, v); err != nil {
			return fmt.Errorf("decoding %s record: %w", kind, err)
		}
		return fn(strings.TrimPrefix(key, prefix), v)
	})
}

// deleteUnder removes every record of kind whose key starts with prefix.
// Sessions take their refresh-token entries with them.
func (st *state) deleteUnder(kind, prefix string) error {
	var keys []string
	var refresh []string
	err := st.tx.Scan(kind, prefix, func(key string, raw []byte) error {
		keys = append(keys, key)
		if kind == kindSession {
			var sess session
			if err := json.Unmarshal(raw, &sess); err != nil {
				return fmt.Errorf("decoding session record: %w", err)
			}
			for _, h := range sess.refreshHashes() {
				refresh = append(refresh, refreshKey(sess.PoolID, h))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := st.tx.Delete(kind, k); err != nil {
			return err
		}
	}
	for _, k := range refresh {
		if err := st.tx.Delete(kindRefresh, k); err != nil {
			return err
		}
	}
	return nil
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// Pools.

// decodedCache holds decoded records of one kind by their encoded form.
// The values it returns are shared and must not be changed. It is emptied
// when it grows past a bound.
type decodedCache[T any] struct {
	mu sync.Mutex
	m  map[string]*T
}

func (c *decodedCache[T]) decode(kind string, raw []byte) (*T, error) {
	c.mu.Lock()
	v, ok := c.m[string(raw)]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v = new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, fmt.Errorf("decoding %s record: %w", kind, err)
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= 256 {
		c.m = make(map[string]*T)
	}
	c.m[string(raw)] = v
	c.mu.Unlock()
	return v, nil
}

// pool reads a pool, or answers ResourceNotFoundException. A pool is read
// on every call (its schema makes it the costliest record to decode) and
// rarely changes: the result is shared, in every transaction. Callers change
// a copy (see pool.clone) and store it with putPool.
func (st *state) pool(poolID string) (*pool, error) {
	raw, err := st.tx.Get(kindPool, poolID)
	if isNotFound(err) {
		return nil, poolNotFound(truncate(poolID, 64))
	}
	if err != nil {
		return nil, err
	}
	return st.decoded.pools.decode(kindPool, raw)
}

func (st *state) putPool(p *pool) error { return st.put(kindPool, p.ID, p) }

// createPool stores a new pool with its signing key.
func (st *state) createPool(p *pool, key *signingKey) error {
	if err := st.putPool(p); err != nil {
		return err
	}
	return st.put(kindKey, p.ID, key.record())
}

// scanPools hands every pool after the pool ID after (all when empty) to
// fn, in ID order.
func (st *state) scanPools(after string, fn func(p *pool) error) error {
	return scan(st, kindPool, "", func(key string, p *pool) error {
		if after != "" && key <= after {
			return nil
		}
		return fn(p)
	})
}

// deletePool removes a pool and every record it owns.
func (st *state) deletePool(p *pool) error {
	var clients []*appClient
	if err := st.scanClients(p, "", func(cl *appClient) error { clients = append(clients, cl); return nil }); err != nil {
		return err
	}
	for _, cl := range clients {
		if err := st.tx.Delete(kindClientPool, cl.ID); err != nil {
			return err
		}
	}
	if p.Domain != "" {
		if err := st.tx.Delete(kindDomain, p.Domain); err != nil {
			return err
		}
	}
	for _, k := range recordKinds {
		if k.owner == ownedByPool || k.owner == ownedByUser {
			if err := st.deleteUnder(k.name, p.ID+"/"); err != nil {
				return err
			}
		}
	}
	if err := st.tx.Delete(kindKey, p.ID); err != nil {
		return err
	}
	return st.tx.Delete(kindPool, p.ID)
}

// countUsers is the number of users in p.
func (st *state) countUsers(p *pool) (int, error) {
	return st.tx.Count(kindUser, p.ID+"/")
}

// Domains.

// domainPool returns the ID of the pool a domain prefix belongs to, or
// store.ErrNotFound.
func (st *state) domainPool(domain string) (string, error) {
	raw, err := st.tx.Get(kindDomain, domain)
	if err != nil {
		return "", err
	}
	return string(raw), nil
}

// setDomain gives p the domain (or none, for ""), keeping the index in
// line; the caller stores p.
func (st *state) setDomain(p *pool, domain string) error {
	if p.Domain != "" {
		if err := st.tx.Delete(kindDomain, p.Domain); err != nil {
			return err
		}
	}
	p.Domain = domain
	if domain == "" {
		return nil
	}
	return st.tx.Put(kindDomain, domain, []byte(p.ID))
}

// Clients.

func clientKey(poolID, clientID string) string { return poolID + "/" + clientID }

// client reads an app client and its pool, from the client ID alone, or
// answers ResourceNotFoundException.
func (st *state) client(clientID string) (*appClient, *pool, error) {
	poolID, err := st.tx.Get(kindClientPool, clientID)
	if isNotFound(err) {
		return nil, nil, clientNotFound(truncate(clientID, 64))
	}
	if err != nil {
		return nil, nil, err
	}
	return st.poolClient(string(poolID), clientID)
}

// poolClient reads the pool and a client that must belong to it. In a
// read transaction the client is shared (decoded once per content) and
// must not be changed; in a write transaction it is the caller's.
func (st *state) poolClient(poolID, clientID string) (*appClient, *pool, error) {
	p, err := st.pool(poolID)
	if err != nil {
		return nil, nil, err
	}
	raw, err := st.tx.Get(kindClient, clientKey(poolID, clientID))
	if isNotFound(err) {
		return nil, nil, clientNotFound(truncate(clientID, 64))
	}
	if err != nil {
		return nil, nil, err
	}
	if st.readOnly {
		// Read on every call too; in a read transaction the caller only
		// reads it, so the decoded client is shared.
		cl, err := st.decoded.clients.decode(kindClient, raw)
		return cl, p, err
	}
	cl := new(appClient)
	if err := json.Unmarshal(raw, cl); err != nil {
		return nil, nil, fmt.Errorf("decoding client record: %w", err)
	}
	return cl, p, nil
}

// putClient stores a new or changed client.
func (st *state) putClient(cl *appClient) error {
	if err := st.tx.Put(kindClientPool, cl.ID, []byte(cl.PoolID)); err != nil {
		return err
	}
	return st.put(kindClient, clientKey(cl.PoolID, cl.ID), cl)
}

// deleteClient removes a client and the sign-ins made through it.
func (st *state) deleteClient(cl *appClient) error {
	var revoked []*session
	err := scan(st, kindSession, cl.PoolID+"/", func(_ string, sess *session) error {
		if sess.ClientID == cl.ID {
			revoked = append(revoked, sess)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, sess := range revoked {
		if err := st.deleteSession(sess); err != nil {
			return err
		}
	}
	if err := st.tx.Delete(kindClientPool, cl.ID); err != nil {
		return err
	}
	return st.tx.Delete(kindClient, clientKey(cl.PoolID, cl.ID))
}

// scanClients hands p's clients after the client ID after to fn, in ID
// order.
func (st *state) scanClients(p *pool, after string, fn func(cl *appClient) error) error {
	return scan(st, kindClient, p.ID+"/", func(key string, cl *appClient) error {
		if after != "" && key <= after {
			return nil
		}
		return fn(cl)
	})
}

// Users.

// userKey is the store key of a user. The username is path-escaped so that
// keys of one user are never a prefix of another's ("a" vs "a/b").
func userKey(poolID, usernameKey string) string {
	return poolID + "/" + url.PathEscape(usernameKey)
}

// userByKey reads the user whose username key is ukey, or
// store.ErrNotFound.
func (st *state) userByKey(p *pool, ukey string) (*user, error) {
	u, err := get[user](st, kindUser, userKey(p.ID, ukey))
	if err != nil {
		return nil, err
	}
	u.indexed, u.searched = p.aliasesOf(u.Attributes), searchValues(u)
	return u, nil
}

// user resolves the name a user signs in with — the username or a sign-in
// alias (an email or phone number, where the pool says so) — to a user, or
// store.ErrNotFound.
func (st *state) user(p *pool, name string) (*user, error) {
	u, err := st.userByKey(p, p.usernameKey(name))
	if !isNotFound(err) {
		return u, err
	}
	for attr := range p.aliasable() {
		owner, err := st.tx.Get(kindAlias, p.aliasKey(attr, name))
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return st.userByKey(p, string(owner))
	}
	return nil, store.ErrNotFound
}

// adminUser resolves the Username of an administrator's call: as user
// does, and also the user's sub, as AWS documents for the Admin* actions.
// An unknown name is UserNotFoundException.
func (st *state) adminUser(p *pool, name string) (*user, error) {
	u, err := st.user(p, name)
	if isNotFound(err) {
		var owner []byte
		if owner, err = st.tx.Get(kindSub, p.ID+"/"+name); err == nil {
			u, err = st.userByKey(p, string(owner))
		}
	}
	if isNotFound(err) {
		return nil, errUserNotFound
	}
	return u, err
}

// insertUser stores a new user with its indexes; a taken username is
// UsernameExistsException, a taken alias AliasExistsException (or, with
// forceAlias, the alias moves to the new user and the user who had it
// sees it unverified, so can no longer sign in with it). As AWS documents
// for ForceAliasCreation, only verified email and phone aliases move (an
// unverified value is no alias, so forceAlias changes nothing for it);
// an email or phone number that is a username attribute never does.
func (st *state) insertUser(p *pool, u *user, forceAlias bool) error {
	_, err := st.tx.Get(kindUser, userKey(p.ID, p.usernameKey(u.Username)))
	switch {
	case err == nil:
		return newError(excUsernameExists, "User already exists")
	case !isNotFound(err):
		return err
	}
	if forceAlias {
		for attr, v := range p.aliasesOf(u.Attributes) {
			if needsVerified := p.aliasable()[attr]; !needsVerified {
				continue
			}
			prev, err := st.aliasOwner(p, attr, v)
			if err != nil {
				return err
			}
			if prev == nil {
				continue
			}
			prev.Attributes[attr+"_verified"] = "false"
			prev.Modified = u.Modified
			if err := st.putUser(p, prev); err != nil {
				return err
			}
		}
	}
	if err := st.tx.Put(kindSub, p.ID+"/"+u.Attributes["sub"], []byte(p.usernameKey(u.Username))); err != nil {
		return err
	}
	return st.putUser(p, u)
}

// aliasOwner is the user who signs in with value as attr, or nil.
func (st *state) aliasOwner(p *pool, attr, value string) (*user, error) {
	owner, err := st.tx.Get(kindAlias, p.aliasKey(attr, value))
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return st.userByKey(p, string(owner))
}

// putUser stores a changed user, bringing the alias index in line with its
// attributes: aliases it no longer has are dropped, new ones claimed (a
// value another user holds is refused).
func (st *state) putUser(p *pool, u *user) error {
	owner := p.usernameKey(u.Username)
	now := p.aliasesOf(u.Attributes)
	for attr, v := range u.indexed {
		if now[attr] != v {
			if err := st.tx.Delete(kindAlias, p.aliasKey(attr, v)); err != nil {
				return err
			}
		}
	}
	for attr, v := range now {
		if u.indexed[attr] == v {
			continue
		}
		raw, err := st.tx.Get(kindAlias, p.aliasKey(attr, v))
		switch {
		case err == nil && string(raw) != owner:
			if p.hasUsernameAttribute(attr) {
				return newError(excUsernameExists, "An account with the given %s already exists.", attr)
			}
			return newError(excAliasExists, "An account with the %s already exists.", attr)
		case err != nil && !isNotFound(err):
			return err
		}
		if err := st.tx.Put(kindAlias, p.aliasKey(attr, v), []byte(owner)); err != nil {
			return err
		}
	}
	if err := st.indexSearch(p, owner, u); err != nil {
		return err
	}
	if err := st.put(kindUser, userKey(p.ID, owner), u); err != nil {
		return err
	}
	u.indexed = now
	return nil
}

// searchKey is the search index's entry for the user keyed ukey whose
// attr is value; searchPrefix the start of the entries of users whose
// attr is value (exact) or starts with it. Each part is path-escaped, so
// that "/" separates them and the escaped value of a prefix is a prefix
// of the escaped value.
func searchKey(p *pool, attr, value, ukey string) string {
	return searchPrefix(p, attr, value, true) + url.PathEscape(ukey)
}

func searchPrefix(p *pool, attr, value string, exact bool) string {
	prefix := p.ID + "/" + attr + "/" + url.PathEscape(value)
	if exact {
		prefix += "/"
	}
	return prefix
}

// indexSearch brings the search index in line with u, keyed owner: the
// entries of values it no longer has are dropped, new ones added.
func (st *state) indexSearch(p *pool, owner string, u *user) error {
	now := searchValues(u)
	for attr, v := range u.searched {
		if now[attr] != v {
			if err := st.tx.Delete(kindSearch, searchKey(p, attr, v, owner)); err != nil {
				return err
			}
		}
	}
	for attr, v := range now {
		if u.searched[attr] != v {
			if err := st.tx.Put(kindSearch, searchKey(p, attr, v, owner), []byte{'1'}); err != nil {
				return err
			}
		}
	}
	u.searched = now
	return nil
}

// searchUsers hands the users of p that f's index entries name to fn, in
// the order of the index (by value, then username key), with the entry's
// key (for page tokens), after the entry after. An entry whose user does
// not match (which a consistent index never has) is skipped.
func (st *state) searchUsers(p *pool, f *userFilter, after string, fn func(key string, u *user) error) error {
	prefix := searchPrefix(p, f.attr, f.value, !f.prefix)
	return st.tx.ScanAfter(kindSearch, prefix, afterKey(p.ID+"/", after), func(key string, _ []byte) error {
		rel := strings.TrimPrefix(key, p.ID+"/")
		ukey, err := url.PathUnescape(key[strings.LastIndexByte(key, '/')+1:])
		if err != nil {
			return fmt.Errorf("search index entry %q: %w", key, err)
		}
		u, err := st.userByKey(p, ukey)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if !f.match(u) {
			return nil
		}
		return fn(rel, u)
	})
}

// deleteUser removes u and everything it owns: its indexes, sign-ins,
// codes, devices (and, as they come, MFA secrets).
func (st *state) deleteUser(p *pool, u *user) error {
	ukey := userKey(p.ID, p.usernameKey(u.Username))
	for _, k := range recordKinds {
		if k.owner == ownedByUser {
			if err := st.deleteUnder(k.name, ukey+"/"); err != nil {
				return err
			}
		}
	}
	for attr, v := range u.indexed {
		if err := st.tx.Delete(kindAlias, p.aliasKey(attr, v)); err != nil {
			return err
		}
	}
	for attr, v := range u.searched {
		if err := st.tx.Delete(kindSearch, searchKey(p, attr, v, p.usernameKey(u.Username))); err != nil {
			return err
		}
	}
	if err := st.tx.Delete(kindSub, p.ID+"/"+u.Attributes["sub"]); err != nil {
		return err
	}
	return st.tx.Delete(kindUser, ukey)
}

// scanUsers hands p's users after the username key after to fn, in key
// order, with their keys (for page tokens).
func (st *state) scanUsers(p *pool, after string, fn func(ukey string, u *user) error) error {
	prefix := p.ID + "/"
	return st.tx.ScanAfter(kindUser, prefix, afterKey(prefix, after), func(key string, raw []byte) error {
		key = strings.TrimPrefix(key, prefix)
		u := new(user)
		if err := json.Unmarshal(raw, u); err != nil {
			return fmt.Errorf("decoding %s record: %w", kindUser, err)
		}
		u.indexed, u.searched = p.aliasesOf(u.Attributes), searchValues(u)
		return fn(key, u)
	})
}

// afterKey is the store key a page token names, relative to base: the
// key the scan of the next page starts after ("" for the first page).
func afterKey(base, after string) string {
	if after == "" {
		return ""
	}
	return base + after
}

// Sessions and refresh tokens.

func sessionKey(poolID, ukey, originJTI string) string {
	return userKey(poolID, ukey) + "/" + originJTI
}

func refreshKey(poolID, hash string) string { return poolID + "/" + hash }

// refreshHashes are the hashes the refresh-token entries of sess are
// kept under: its current refresh token and, after a rotation, the one it
// replaced (kept after its grace period too, so that its reuse is told
// apart from an unknown token, until the next rotation replaces it).
func (sess *session) refreshHashes() []string {
	if sess.PreviousHash == "" {
		return []string{sess.RefreshHash}
	}
	return []string{sess.RefreshHash, sess.PreviousHash}
}

// putSession stores a new sign-in with its refresh-token entries.
func (st *state) putSession(sess *session) error {
	key := sessionKey(sess.PoolID, sess.UsernameKey, sess.OriginJTI)
	if err := st.put(kindSession, key, sess); err != nil {
		return err
	}
	for _, h := range sess.refreshHashes() {
		if err := st.tx.Put(kindRefresh, refreshKey(sess.PoolID, h), []byte(key)); err != nil {
			return err
		}
	}
	return nil
}

// updateSession stores sess, a changed sign-in that was stored as was (a
// refresh-token rotation), bringing its refresh-token entries in line: the
// hashes was has and sess no longer has are dropped, new ones added.
func (st *state) updateSession(was, sess *session) error {
	for _, h := range was.refreshHashes() {
		if !slices.Contains(sess.refreshHashes(), h) {
			if err := st.tx.Delete(kindRefresh, refreshKey(sess.PoolID, h)); err != nil {
				return err
			}
		}
	}
	return st.putSession(sess)
}

// session reads a sign-in, or store.ErrNotFound.
func (st *state) session(p *pool, ukey, originJTI string) (*session, error) {
	return get[session](st, kindSession, sessionKey(p.ID, ukey, originJTI))
}

// sessionByRefreshHash finds the sign-in a refresh token of p belongs to:
// errInvalidRefreshToken when the token is unknown, errRevokedRefreshToken
// when its sign-in is gone.
func (st *state) sessionByRefreshHash(p *pool, hash string) (*session, error) {
	key, err := st.tx.Get(kindRefresh, refreshKey(p.ID, hash))
	if isNotFound(err) {
		return nil, errInvalidRefreshToken
	}
	if err != nil {
		return nil, err
	}
	sess, err := get[session](st, kindSession, string(key))
	if isNotFound(err) {
		return nil, errRevokedRefreshToken
	}
	return sess, err
}

// deleteSession ends one sign-in, revoking its refresh tokens (the current
// one and a rotated-out one) and the tokens issued from them.
func (st *state) deleteSession(sess *session) error {
	if err := st.tx.Delete(kindSession, sessionKey(sess.PoolID, sess.UsernameKey, sess.OriginJTI)); err != nil {
		return err
	}
	for _, h := range sess.refreshHashes() {
		if err := st.tx.Delete(kindRefresh, refreshKey(sess.PoolID, h)); err != nil {
			return err
		}
	}
	return nil
}

// scanUserSessions hands every sign-in of the user keyed ukey to fn; fn
// may return store.ErrStopScan.
func (st *state) scanUserSessions(p *pool, ukey string, fn func(sess *session) error) error {
	return scan(st, kindSession, userKey(p.ID, ukey)+"/", func(_ string, sess *session) error { return fn(sess) })
}

// revokeSessions ends every sign-in of u.
func (st *state) revokeSessions(p *pool, u *user) error {
	return st.deleteUnder(kindSession, userKey(p.ID, p.usernameKey(u.Username))+"/")
}

// Codes.

func codeKey(p *pool, u *user, purpose, attribute string) string {
	k := userKey(p.ID, p.usernameKey(u.Username)) + "/" + purpose
	if attribute != "" {
		k += ":" + attribute
	}
	return k
}

func (st *state) code(p *pool, u *user, purpose, attribute string) (*code, error) {
	return get[code](st, kindCode, codeKey(p, u, purpose, attribute))
}

func (st *state) putCode(p *pool, u *user, purpose, attribute string, c *code) error {
	return st.put(kindCode, codeKey(p, u, purpose, attribute), c)
}

func (st *state) deleteCode(p *pool, u *user, purpose, attribute string) error {
	return st.tx.Delete(kindCode, codeKey(p, u, purpose, attribute))
}

// Devices: a user's devices, by device key.

func deviceRecordKey(p *pool, u *user, deviceKey string) string {
	return userKey(p.ID, p.usernameKey(u.Username)) + "/" + url.PathEscape(deviceKey)
}

// device reads one of u's devices, or store.ErrNotFound.
func (st *state) device(p *pool, u *user, deviceKey string) (*device, error) {
	return get[device](st, kindDevice, deviceRecordKey(p, u, deviceKey))
}

func (st *state) putDevice(p *pool, u *user, d *device) error {
	return st.put(kindDevice, deviceRecordKey(p, u, d.Key), d)
}

func (st *state) deleteDevice(p *pool, u *user, deviceKey string) error {
	return st.tx.Delete(kindDevice, deviceRecordKey(p, u, deviceKey))
}

// scanDevices hands u's devices to fn in device-key order; fn may return
// store.ErrStopScan.
func (st *state) scanDevices(p *pool, u *user, fn func(d *device) error) error {
	return scan(st, kindDevice, userKey(p.ID, p.usernameKey(u.Username))+"/", func(_ string, d *device) error { return fn(d) })
}

// Challenges: pending sign-in steps, found by the hash of their Session.

func challengeKey(p *pool, hash string) string { return p.ID + "/" + hash }

func (st *state) challenge(p *pool, hash string) (*challengeRecord, error) {
	return get[challengeRecord](st, kindChallenge, challengeKey(p, hash))
}

func (st *state) putChallenge(p *pool, hash string, rec *challengeRecord) error {
	return st.put(kindChallenge, challengeKey(p, hash), rec)
}

// takeChallenge consumes a pending challenge: of all the transactions that
// take the same one, exactly one gets it; the others see
// store.ErrNotFound.
func (st *state) takeChallenge(p *pool, hash string) (*challengeRecord, error) {
	rec, err := st.challenge(p, hash)
	if err != nil {
		return nil, err
	}
	return rec, st.tx.Delete(kindChallenge, challengeKey(p, hash))
}

// Authorization codes (oauth_authorize.go) and managed-login sessions
// (login.go), found by the hash of the secret their holder presents. Both
// are owned by the pool: a user's deletion leaves them to fail when they
// are next used (they name the user's sub) or expire.

func poolSecretKey(p *pool, hash string) string { return p.ID + "/" + hash }

func (st *state) putAuthorizationCode(p *pool, hash string, rec *authorizationCode) error {
	return st.put(kindAuthCode, poolSecretKey(p, hash), rec)
}

// takeAuthorizationCode consumes an authorization code: of all the
// transactions that take the same one, exactly one gets it; the others
// see store.ErrNotFound.
func (st *state) takeAuthorizationCode(p *pool, hash string) (*authorizationCode, error) {
	rec, err := get[authorizationCode](st, kindAuthCode, poolSecretKey(p, hash))
	if err != nil {
		return nil, err
	}
	return rec, st.tx.Delete(kindAuthCode, poolSecretKey(p, hash))
}

func (st *state) loginSession(p *pool, hash string) (*loginSession, error) {
	return get[loginSession](st, kindLogin, poolSecretKey(p, hash))
}

func (st *state) putLoginSession(p *pool, hash string, rec *loginSession) error {
	return st.put(kindLogin, poolSecretKey(p, hash), rec)
}

// deleteLoginSession ends a managed-login session; ending one that does
// not exist is no error.
func (st *state) deleteLoginSession(p *pool, hash string) error {
	return st.tx.Delete(kindLogin, poolSecretKey(p, hash))
}

// Groups.

func groupKey(poolID, name string) string { return poolID + "/" + name }

// group reads a group of p, or store.ErrNotFound.
func (st *state) group(p *pool, name string) (*group, error) {
	return get[group](st, kindGroup, groupKey(p.ID, name))
}

func (st *state) putGroup(p *pool, g *group) error {
	return st.put(kindGroup, groupKey(p.ID, g.Name), g)
}

// deleteGroup removes a group and every membership in it.
func (st *state) deleteGroup(p *pool, name string) error {
	var members []*user
	err := st.scanUsers(p, "", func(_ string, u *user) error {
		if u.inGroup(name) {
			members = append(members, u)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, u := range members {
		u.leaveGroup(name)
		if err := st.putUser(p, u); err != nil {
			return err
		}
	}
	return st.tx.Delete(kindGroup, groupKey(p.ID, name))
}

// scanGroups hands p's groups after the name after to fn, in name order.
func (st *state) scanGroups(p *pool, after string, fn func(g *group) error) error {
	return scan(st, kindGroup, p.ID+"/", func(key string, g *group) error {
		if after != "" && key <= after {
			return nil
		}
		return fn(g)
	})
}

// Resource servers: a pool's OAuth 2.0 resource servers, by identifier.

// resourceServerKey is the store key of a resource server. Identifiers may
// hold slashes (URLs): keys are only ever listed under the pool's prefix,
// never under another resource server's.
func resourceServerKey(poolID, identifier string) string { return poolID + "/" + identifier }

// resourceServer reads a resource server of p, or store.ErrNotFound.
func (st *state) resourceServer(p *pool, identifier string) (*resourceServer, error) {
	return get[resourceServer](st, kindResource, resourceServerKey(p.ID, identifier))
}

// putResourceServer stores a new or changed resource server of p.
func (st *state) putResourceServer(p *pool, rs *resourceServer) error {
	return st.put(kindResource, resourceServerKey(p.ID, rs.Identifier), rs)
}

// deleteResourceServer removes a resource server of p.
func (st *state) deleteResourceServer(p *pool, identifier string) error {
	return st.tx.Delete(kindResource, resourceServerKey(p.ID, identifier))
}

// scanResourceServers hands p's resource servers after the identifier
// after (all when empty) to fn, in identifier order; fn may return
// store.ErrStopScan.
func (st *state) scanResourceServers(p *pool, after string, fn func(rs *resourceServer) error) error {
	return scan(st, kindResource, p.ID+"/", func(key string, rs *resourceServer) error {
		if after != "" && key <= after {
			return nil
		}
		return fn(rs)
	})
}

// countResourceServers is the number of resource servers of p.
func (st *state) countResourceServers(p *pool) (int, error) {
	return st.tx.Count(kindResource, p.ID+"/")
}

// The outbox.

// appendMessage adds m to the outbox.
func (st *state) appendMessage(m *Message) error {
	seq, err := st.nextSequence("outbox")
	if err != nil {
		return err
	}
	return st.put(kindMessage, seq, m)
}

func (st *state) scanMessages(fn func(m *Message) error) error {
	return scan(st, kindMessage, "", func(_ string, m *Message) error { return fn(m) })
}

// nextSequence returns the next value of a counter, as a key that sorts in
// counter order.
func (st *state) nextSequence(name string) (string, error) {
	n, err := get[uint64](st, kindMeta, name)
	if isNotFound(err) {
		n, err = new(uint64), nil
	}
	if err != nil {
		return "", err
	}
	*n++
	if err := st.put(kindMeta, name, *n); err != nil {
		return "", err
	}
	return fmt.Sprintf("%020d", *n), nil
}

// Signing keys.

func (st *state) signingKeyRecord(poolID string) (*signingKeyRecord, error) {
	return get[signingKeyRecord](st, kindKey, poolID)
}
