package emulator

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// Refresh tokens: REFRESH_TOKEN_AUTH and RevokeToken.

// refreshAuth is REFRESH_TOKEN_AUTH: new access and ID tokens for a live
// sign-in. The SECRET_HASH is computed over the user's username (for pools
// where users sign in with an email, that is the sub).
func (s *Server) refreshAuth(ctx context.Context, c *caller, params map[string]string) (*authStep, error) {
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
	step, err := s.authenticated(c, u, sess, g)
	if err != nil {
		return nil, err
	}
	step.result.RefreshToken = nil
	return step, nil
}

// revokeToken revokes one refresh token and the tokens issued from it. A
// confidential client authenticates with any of its active secrets. A
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
