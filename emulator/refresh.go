package emulator

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// Refresh tokens: REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken (with
// refresh-token rotation) and RevokeToken.
//
// A sign-in is one session record however often its refresh token
// rotates: its origin_jti stays, so that GlobalSignOut, RevokeToken and
// the client's deletion end it whole. The record holds the current refresh
// token's hash and, after a rotation, the one it replaced with the end of
// its grace period (see session and state.updateSession).

// excRefreshTokenReuse is the exception for a refresh token that rotation
// retired.
const excRefreshTokenReuse = "RefreshTokenReuseException"

// errRefreshTokenReused answers the use of a refresh token that rotation
// retired, after its grace period. AWS documents the exception ("thrown
// when your application requests token refresh with a refresh token that
// has been invalidated by refresh-token rotation") but not its message.
var errRefreshTokenReused = newError(excRefreshTokenReuse, "Refresh Token has been invalidated by refresh token rotation")

// errRotatingRefreshAuth refuses REFRESH_TOKEN_AUTH on a client that
// rotates refresh tokens. AWS: "You can't authenticate with
// REFRESH_TOKEN_AUTH in app clients with refresh token rotation enabled";
// it documents neither the exception nor the message. It is the
// InvalidParameterException of a flow the client does not enable, naming
// the operation to use.
var errRotatingRefreshAuth = invalidParameter("REFRESH_TOKEN_AUTH flow is not supported for a client with refresh token rotation enabled; use GetTokensFromRefreshToken")

// refreshAuth is REFRESH_TOKEN_AUTH: new access and ID tokens for a live
// sign-in. The SECRET_HASH is computed over the user's username (for pools
// where users sign in with an email, that is the sub). A client that
// rotates refresh tokens refuses it.
func (s *Server) refreshAuth(ctx context.Context, c *caller, params map[string]string) (*authStep, error) {
	if c.client.rotates() {
		return nil, errRotatingRefreshAuth
	}
	token := params["REFRESH_TOKEN"]
	if token == "" {
		return nil, invalidParameter("Missing required parameter REFRESH_TOKEN")
	}
	cl, p := c.client, c.pool
	var sess *session
	var u *user
	var g *grant
	err := s.view(ctx, func(st *state) (err error) {
		if sess, err = st.sessionByRefreshHash(p, hashToken(token)); err != nil {
			return err
		}
		if sess.ClientID != cl.ID {
			return errInvalidRefreshToken
		}
		if retired(sess, hashToken(token), s.now()) {
			return errRefreshTokenReused // rotated out while the client rotated
		}
		u, err = st.userByKey(p, sess.UsernameKey)
		if isNotFound(err) {
			return errRevokedRefreshToken
		}
		if err != nil {
			return err
		}
		g, err = s.grantFor(st, p, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := checkSecretHash(cl, params["SECRET_HASH"], u.Username); err != nil {
		return nil, err
	}
	if s.now().After(sess.Expires) {
		return nil, errExpiredRefreshToken
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	if deviceKey := params["DEVICE_KEY"]; deviceKey != "" {
		// A refresh from a remembered device: its last authentication
		// (devices.go).
		if err := s.update(ctx, func(st *state) error { return s.touchDevice(st, p, u, deviceKey) }); err != nil {
			return nil, err
		}
	}
	step, err := s.authenticated(ctx, c, u, sess, g, sourceRefreshTokens)
	if err != nil {
		return nil, err
	}
	step.result.RefreshToken = nil
	return step, nil
}

// revokeToken revokes one refresh token and the tokens issued from it. A
// confidential client authenticates with any of its active secrets. With
// rotation, the tokens issued from a refresh token include the refresh
// tokens that replaced it and those it replaced: revoking any token of a
// sign-in — the current one or the one it rotated out, even past its grace
// period — ends the whole sign-in (AWS: "the refresh token, and all access
// and ID tokens which were issued using that refresh token will be
// revoked"; it says nothing of rotated-out tokens, and ending the sign-in
// is the conservative reading). A
// client with token revocation disabled cannot revoke: RevokeToken's model
// declares UnsupportedOperationException for "an operation that isn't
// enabled for the user pool client".
func (s *Server) revokeToken(ctx context.Context, c *caller, in *cip.RevokeTokenInput) (*cip.RevokeTokenOutput, error) {
	cl := c.client
	if cl.hasSecret() && !cl.secretMatches(aws.ToString(in.ClientSecret)) {
		return nil, newError(excUnauthorized, "The client secret is missing or wrong.")
	}
	if !cl.EnableTokenRevocation {
		return nil, newError(excUnsupportedOperation, "Token revocation is not enabled for the client %s.", cl.ID)
	}
	err := s.update(ctx, func(st *state) error {
		sess, err := st.sessionByRefreshHash(c.pool, hashToken(aws.ToString(in.Token)))
		if err != nil {
			if err == errInvalidRefreshToken || err == errRevokedRefreshToken {
				return nil // revoking an unknown or revoked token succeeds, as on AWS
			}
			return err
		}
		if sess.ClientID != cl.ID {
			return newError(excUnauthorized, "The refresh token was issued to another client.")
		}
		return st.deleteSession(sess)
	})
	if err != nil {
		return nil, err
	}
	return &cip.RevokeTokenOutput{}, nil
}

// retired reports whether the refresh token hashed hash is the one the
// last rotation of sess replaced and its retry grace period is over at
// now. With a grace period of 0 the token is retired at once (AWS: "a
// successful request immediately invalidates the submitted refresh
// token").
func retired(sess *session, hash string, now time.Time) bool {
	return sess.PreviousHash != "" && hash == sess.PreviousHash && !now.Before(sess.PreviousUntil)
}

// getTokensFromRefreshToken gives new access and ID tokens for a live
// sign-in and, on a client with refresh-token rotation, a new refresh
// token. A confidential client sends its secret (any of its active ones),
// not a SECRET_HASH. It needs no ExplicitAuthFlows value: AWS has rotating
// clients turn ALLOW_REFRESH_TOKEN_AUTH off and refresh with this
// operation. A DeviceKey records the device's last authentication
// (devices.go); ClientMetadata goes to the PreTokenGeneration trigger.
//
// With rotation, what AWS documents is kept: the new refresh token lives
// as long as the sign-in's first one ("valid for the remaining duration of
// the original refresh token"), and the token used stays valid for the
// client's RetryGracePeriodSeconds, then answers RefreshTokenReuseException.
// Where AWS is silent the choice is the conservative one:
//
//   - A retry with the old token within its grace period gets another new
//     token (refresh tokens are kept only as hashes, so the one the first
//     use returned cannot be handed out again); the token that first use
//     returned is then dropped, so that a sign-in never has more than two
//     valid refresh tokens: the newest one and the rotated-out one in its
//     grace period (whose deadline a retry does not extend).
//   - The reuse of a retired token is refused, and nothing else: AWS lists
//     the ways a sign-in ends (RevokeToken, GlobalSignOut,
//     AdminUserGlobalSignOut...) and reuse is not one of them, so the
//     sign-in's current refresh token keeps working.
//   - Only the token the last rotation retired is recognised as reused;
//     older ones are unknown tokens (NotAuthorizedException "Invalid
//     Refresh Token").
//
// Of concurrent uses of one token after its grace period (or with a grace
// period of 0), exactly one rotates it: the decision is made in one write
// transaction.
func (s *Server) getTokensFromRefreshToken(ctx context.Context, c *caller, in *cip.GetTokensFromRefreshTokenInput) (*cip.GetTokensFromRefreshTokenOutput, error) {
	cl, p := c.client, c.pool
	c.metadata = in.ClientMetadata
	if cl.hasSecret() {
		switch secret := aws.ToString(in.ClientSecret); {
		case secret == "":
			return nil, notAuthorized("Client %s is configured with secret but ClientSecret was not received", cl.ID)
		case !cl.secretMatches(secret):
			return nil, notAuthorized("Unable to verify secret for client %s", cl.ID)
		}
	}
	hash := hashToken(aws.ToString(in.RefreshToken))
	var sess *session
	var u *user
	var g *grant
	redeem := func(st *state) (err error) {
		if sess, err = st.sessionByRefreshHash(p, hash); err != nil {
			return err
		}
		now := s.now()
		switch {
		case sess.ClientID != cl.ID:
			return errInvalidRefreshToken
		case now.After(sess.Expires):
			return errExpiredRefreshToken
		case retired(sess, hash, now):
			return errRefreshTokenReused
		}
		u, err = st.userByKey(p, sess.UsernameKey)
		if isNotFound(err) {
			return errRevokedRefreshToken
		}
		if err != nil {
			return err
		}
		if !u.Enabled {
			return errUserDisabled
		}
		if key := aws.ToString(in.DeviceKey); key != "" {
			// A refresh from a remembered device: its last
			// authentication (devices.go).
			if err := s.touchDevice(st, p, u, key); err != nil {
				return err
			}
		}
		if cl.rotates() {
			if err := rotate(st, sess, hash, now, cl.retryGracePeriod()); err != nil {
				return err
			}
		}
		g, err = s.grantFor(st, p, u)
		return err
	}
	var err error
	if cl.rotates() || aws.ToString(in.DeviceKey) != "" {
		err = s.update(ctx, redeem)
	} else {
		err = s.view(ctx, redeem)
	}
	if err != nil {
		return nil, err
	}
	step, err := s.authenticated(ctx, c, u, sess, g, sourceRefreshTokens)
	if err != nil {
		return nil, err
	}
	if !cl.rotates() {
		step.result.RefreshToken = nil // the sign-in keeps its refresh token
	}
	return &cip.GetTokensFromRefreshTokenOutput{AuthenticationResult: step.result}, nil
}

// rotate gives sess, found by the refresh token hashed hash, a new refresh
// token (in sess.refreshToken) and stores it. Using the current token
// retires it for the grace period from now; using the retired one within
// its grace period replaces the current token and leaves the retired one's
// deadline as it was.
func rotate(st *state, sess *session, hash string, now time.Time, grace time.Duration) error {
	was := *sess
	token, newHash := newRefreshToken()
	if hash == sess.RefreshHash {
		sess.PreviousHash, sess.PreviousUntil = sess.RefreshHash, now.Add(grace)
	}
	sess.RefreshHash = newHash
	if err := st.updateSession(&was, sess); err != nil {
		return err
	}
	sess.refreshToken = token
	return nil
}
