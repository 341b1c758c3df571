package emulator

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"time"

	"github.com/cognitokit/cognito/emulator/store"
	"github.com/cognitokit/cognito/internal/srp"
)

// USER_SRP_AUTH: the client proves it knows the password without sending
// it. InitiateAuth answers the PASSWORD_VERIFIER challenge with the salt,
// B and a secret block; RespondToAuthChallenge checks the client's
// signature over them.

func (s *Server) srpAuth(c *call, cl *appClient, p *pool, params map[string]string) (any, error) {
	name := params["USERNAME"]
	if name == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	srpA := params["SRP_A"]
	clientPublic, ok := new(big.Int).SetString(srpA, 16)
	if len(srpA) > 2048 || !ok || clientPublic.Sign() <= 0 {
		return nil, invalidParameter("Missing or invalid parameter SRP_A")
	}
	u, err := s.signingInUser(c, cl, p, name, params["SECRET_HASH"])
	if err != nil {
		return nil, err
	}
	challenge, err := srp.NewServerChallenge(u.Verifier)
	if err != nil {
		return nil, err
	}
	block, hash := newRefreshToken() // an opaque random token, kept as a hash
	rec := challengeRecord{
		Name: "PASSWORD_VERIFIER", ClientID: cl.ID, UsernameKey: p.usernameKey(u.Username),
		Expires: s.now().Add(time.Duration(cl.AuthSessionValidity) * time.Minute),
		SRPA:    clientPublic.Bytes(), SRPb: challenge.Secret(), SRPB: challenge.Public(),
	}
	err = s.update(c, func(tx store.Tx) error {
		return putRecord(tx, kindChallenge, p.ID+"/"+hash, rec)
	})
	if err != nil {
		return nil, err
	}
	return &authResult{
		ChallengeName: rec.Name,
		ChallengeParameters: map[string]string{
			"SALT":            hex.EncodeToString(u.Salt),
			"SECRET_BLOCK":    base64.StdEncoding.EncodeToString([]byte(block)),
			"SRP_B":           hex.EncodeToString(rec.SRPB),
			"USERNAME":        u.Username,
			"USER_ID_FOR_SRP": u.Username,
		},
	}, nil
}

// passwordVerifier checks the client's answer to PASSWORD_VERIFIER.
func (s *Server) passwordVerifier(c *call, in *respondToAuthChallengeInput) (any, error) {
	r := in.ChallengeResponses
	name, blockB64, sigB64, timestamp := r["USERNAME"], r["PASSWORD_CLAIM_SECRET_BLOCK"], r["PASSWORD_CLAIM_SIGNATURE"], r["TIMESTAMP"]
	if name == "" || blockB64 == "" || sigB64 == "" || timestamp == "" {
		return nil, invalidParameter("Missing required parameter USERNAME, PASSWORD_CLAIM_SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE or TIMESTAMP")
	}
	if !srp.ValidTimestamp(timestamp) {
		return nil, invalidParameter("Invalid TIMESTAMP: use the format %q.", srp.TimestampLayout)
	}
	block, err1 := base64.StdEncoding.DecodeString(blockB64)
	signature, err2 := base64.StdEncoding.DecodeString(sigB64)
	if err1 != nil || err2 != nil {
		return nil, invalidParameter("Invalid PASSWORD_CLAIM_SECRET_BLOCK or PASSWORD_CLAIM_SIGNATURE.")
	}
	var cl *appClient
	var p *pool
	var u *user
	var rec *challengeRecord
	challengeKey := ""
	err := s.view(c, func(tx store.Tx) (err error) {
		if cl, p, err = loadClient(tx, in.ClientId); err != nil {
			return err
		}
		if err := checkSecretHash(cl, r["SECRET_HASH"], name); err != nil {
			return err
		}
		challengeKey = p.ID + "/" + hashToken(string(block))
		rec, err = getRecord[challengeRecord](tx, kindChallenge, challengeKey)
		if isNotFound(err) || (err == nil && (rec.Name != "PASSWORD_VERIFIER" || rec.ClientID != cl.ID)) {
			return notAuthorized("Invalid session for the user.")
		}
		if err != nil {
			return err
		}
		if s.now().After(rec.Expires) {
			return notAuthorized("Invalid session for the user, session is expired.")
		}
		u, err = findUser(tx, p, name)
		if isNotFound(err) || (err == nil && p.usernameKey(u.Username) != rec.UsernameKey) {
			return notAuthorized("Invalid session for the user.")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	key, err := srp.RestoreServerChallenge(rec.SRPb, rec.SRPB).Key(rec.SRPA, u.Verifier)
	ok := err == nil && hmac.Equal(signature, srp.Signature(key, srp.PoolName(p.ID), u.Username, block, timestamp))
	// The challenge is single use, whatever the outcome.
	consume := func(tx store.Tx) error { return tx.Delete(kindChallenge, challengeKey) }
	return s.signIn(c, cl, p, u.Username, ok, consume)
}
