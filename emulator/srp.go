package emulator

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"strings"
	"sync"

	"github.com/cognitokit/cognito/internal/srp"
)

// USER_SRP_AUTH: the client proves it knows the password without sending
// it. InitiateAuth answers the PASSWORD_VERIFIER challenge with the salt,
// B and a secret block; RespondToAuthChallenge checks the client's
// signature over them.

func (s *Server) srpAuth(ctx context.Context, c *caller, params map[string]string) (*authStep, error) {
	name := params["USERNAME"]
	if name == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	srpA, err := readSRPA(params)
	if err != nil {
		return nil, err
	}
	u, err := s.signingInUser(ctx, c, name, params["SECRET_HASH"], "")
	if err != nil && err != errIncorrectCredentials {
		return nil, err
	}
	// errIncorrectCredentials: the client hides user existence, and u is
	// nil.
	return s.verifierChallenge(ctx, c, name, srpA, params["DEVICE_KEY"], u, nil)
}

// readSRPA reads the client's SRP_A.
func readSRPA(params map[string]string) (*big.Int, error) {
	srpA := params["SRP_A"]
	clientPublic, ok := new(big.Int).SetString(srpA, 16)
	if len(srpA) > 2048 || !ok || clientPublic.Sign() <= 0 {
		return nil, invalidParameter("Missing or invalid parameter SRP_A")
	}
	return clientPublic, nil
}

// verifierChallenge asks the PASSWORD_VERIFIER challenge of the sign-in of
// u, named name, for the client's SRP_A; custom is the state of a
// CUSTOM_AUTH sign-in that asks it (custom_auth.go), nil otherwise. A nil
// u is a user that does not exist on a client that hides user existence:
// the challenge looks like a real one (a salt that is stable for the name,
// a B from a verifier nobody knows) and its answer fails as a wrong
// password does.
func (s *Server) verifierChallenge(ctx context.Context, c *caller, name string, srpA *big.Int, deviceKey string, u *user, custom *customAuthState) (*authStep, error) {
	cl, p := c.client, c.pool
	rec := &challengeRecord{Name: "PASSWORD_VERIFIER", SRPA: srpA.Bytes(), Progress: progress{Admin: c.admin, DeviceKey: deviceKey}, Custom: custom}
	var salt, verifier []byte
	username := name
	if u == nil {
		salt, verifier = s.phantomVerifier(p, name)
		rec.NoSuchUser, rec.UsernameKey = true, p.usernameKey(name)
	} else {
		salt, verifier, username = u.Salt, u.Verifier, u.Username
		rec.UsernameKey = p.usernameKey(u.Username)
	}
	challenge, err := srp.NewServerChallenge(verifier)
	if err != nil {
		return nil, err
	}
	rec.SRPb, rec.SRPB = challenge.Secret(), challenge.Public()
	var block string
	err = s.update(ctx, func(st *state) (err error) {
		block, err = s.newChallenge(st, cl, p, rec)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &authStep{
		challenge: "PASSWORD_VERIFIER",
		params: map[string]string{
			"SALT":            hex.EncodeToString(salt),
			"SECRET_BLOCK":    base64.StdEncoding.EncodeToString([]byte(block)),
			"SRP_B":           hex.EncodeToString(rec.SRPB),
			"USERNAME":        username,
			"USER_ID_FOR_SRP": username,
		},
	}, nil
}

// phantomVerifier is the salt and verifier shown for a user that does not
// exist: derived from a key of this server and the name, so that asking
// twice gives the same salt, as for a real user. (Across restarts of the
// server it changes, as a real salt does only when a password is reset; a
// conservative trade-off that keeps no extra state.)
func (s *Server) phantomVerifier(p *pool, name string) (salt, verifier []byte) {
	mac := hmac.New(sha256.New, s.phantomKey)
	mac.Write([]byte(p.ID + "/" + p.usernameKey(name)))
	sum := mac.Sum(nil)
	salt = sum[:16]
	verifier = srp.Verifier(srp.PoolName(p.ID), name, hex.EncodeToString(sum), salt)
	return salt, verifier
}

// newPhantomKey draws the key phantom verifiers are derived from.
func newPhantomKey() []byte {
	key := make([]byte, 32)
	rand.Read(key)
	return key
}

// passwordVerifier checks the client's answer to PASSWORD_VERIFIER. Of
// concurrent answers to one challenge one only is evaluated: it claims the
// challenge (the others find it answered), reserves the attempt, checks
// the proof, and takes the challenge in the transaction that settles the
// attempt and signs the user in — one commit.
func (s *Server) passwordVerifier(ctx context.Context, c *caller, in *challengeAnswer) (*authStep, error) {
	r := in.responses
	claim, err := readSRPClaim(c, r)
	if err != nil {
		return nil, err
	}
	name, block, signature, timestamp := claim.username, claim.block, claim.signature, claim.timestamp
	p := c.pool
	var named *user
	err = s.view(ctx, func(st *state) (err error) {
		named, err = st.user(p, name)
		if isNotFound(err) {
			named, err = nil, nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	take := func(st *state) error {
		rec, err := s.takeChallenge(st, c, "PASSWORD_VERIFIER", string(block), named)
		if err == nil && rec.NoSuchUser {
			return &commitThen{errIncorrectCredentials}
		}
		return err
	}
	var rec *challengeRecord
	if named != nil {
		err = s.view(ctx, func(st *state) (err error) {
			rec, err = s.peekChallenge(st, c, "PASSWORD_VERIFIER", string(block), named)
			return err
		})
	}
	switch {
	case named == nil || err == errExpiredSession || (err == nil && rec.NoSuchUser):
		// Only a phantom challenge can be answered for an unknown user (or
		// one created since); taking it fails as a wrong password would.
		// An expired challenge is removed.
		if err := s.update(ctx, take); err != nil {
			return nil, err
		}
		return nil, errInvalidSession
	case err != nil:
		return nil, err
	}
	hash := hashToken(string(block))
	if !s.answering.claim(hash) {
		return nil, errInvalidSession
	}
	defer s.answering.unclaim(hash)
	a, err := s.reserveAttempt(ctx, p, named.Username)
	if err != nil {
		// Refused (locked out): the challenge is used up all the same. If
		// taking it fails (it expired meanwhile), the answer is the same.
		_ = s.update(ctx, take)
		return nil, err
	}
	defer a.release()
	u := a.user
	var key []byte
	key, err = srp.RestoreServerChallenge(rec.SRPb, rec.SRPB).Key(rec.SRPA, u.Verifier)
	ok := err == nil && hmac.Equal(signature, srp.Signature(key, srp.PoolName(p.ID), u.Username, block, timestamp))
	if rec.Custom != nil {
		return s.customAfterPassword(ctx, c, a, ok, rec.Custom, take)
	}
	deviceKey := rec.Progress.DeviceKey
	if r["DEVICE_KEY"] != "" { // named again (or only) in the answer, as amazon-cognito-identity-js does
		deviceKey = r["DEVICE_KEY"]
	}
	return s.signIn(ctx, c, a, ok, deviceKey, take)
}

// challengeClaims are the challenges being answered, by their session's
// hash, in this process (see passwordVerifier).
type challengeClaims struct {
	mu      sync.Mutex
	claimed map[string]bool
}

// claim claims the challenge of hash, unless it is claimed already.
func (cc *challengeClaims) claim(hash string) bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.claimed[hash] {
		return false
	}
	if cc.claimed == nil {
		cc.claimed = make(map[string]bool)
	}
	cc.claimed[hash] = true
	return true
}

func (cc *challengeClaims) unclaim(hash string) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	delete(cc.claimed, hash)
}

// srpClaim is a client's answer to a verifier challenge
// (PASSWORD_VERIFIER, DEVICE_PASSWORD_VERIFIER): who it is for, the
// server's secret block it signed, its signature and timestamp.
type srpClaim struct {
	username, timestamp string
	block, signature    []byte
}

// readSRPClaim reads the claim of a verifier answer r and checks its
// SECRET_HASH; also names the members the challenge needs besides the
// claim's (DEVICE_KEY).
func readSRPClaim(c *caller, r map[string]string, also ...string) (*srpClaim, error) {
	members := append([]string{"USERNAME"}, also...)
	members = append(members, "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP")
	for _, m := range members {
		if r[m] == "" {
			return nil, invalidParameter("Missing required parameter %s", strings.Join(members, ", "))
		}
	}
	if !srp.ValidTimestamp(r["TIMESTAMP"]) {
		return nil, invalidParameter("Invalid TIMESTAMP: use the format %q.", srp.TimestampLayout)
	}
	block, err1 := base64.StdEncoding.DecodeString(r["PASSWORD_CLAIM_SECRET_BLOCK"])
	signature, err2 := base64.StdEncoding.DecodeString(r["PASSWORD_CLAIM_SIGNATURE"])
	if err1 != nil || err2 != nil {
		return nil, invalidParameter("Invalid PASSWORD_CLAIM_SECRET_BLOCK or PASSWORD_CLAIM_SIGNATURE.")
	}
	if err := checkSecretHash(c.client, r["SECRET_HASH"], r["USERNAME"]); err != nil {
		return nil, err
	}
	return &srpClaim{username: r["USERNAME"], timestamp: r["TIMESTAMP"], block: block, signature: signature}, nil
}
