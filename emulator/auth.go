package emulator

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/uuid"
)

// Sign-in: InitiateAuth, the challenges of RespondToAuthChallenge, the
// lockout, and RevokeToken.

// authStep is where a sign-in stands after a call: tokens, or the next
// challenge with its parameters and session.
type authStep struct {
	result    *types.AuthenticationResultType
	challenge types.ChallengeNameType
	params    map[string]string
	session   string
}

func (a *authStep) initiateOutput() *cip.InitiateAuthOutput {
	return &cip.InitiateAuthOutput{
		AuthenticationResult: a.result, ChallengeName: a.challenge,
		ChallengeParameters: a.parameters(), Session: optional(a.session),
	}
}

func (a *authStep) respondOutput() *cip.RespondToAuthChallengeOutput {
	return &cip.RespondToAuthChallengeOutput{
		AuthenticationResult: a.result, ChallengeName: a.challenge,
		ChallengeParameters: a.parameters(), Session: optional(a.session),
	}
}

// parameters are never absent: Cognito sends {} with tokens.
func (a *authStep) parameters() map[string]string {
	if a.params == nil {
		return map[string]string{}
	}
	return a.params
}

func (s *Server) initiateAuth(ctx context.Context, c *caller, in *cip.InitiateAuthInput) (*cip.InitiateAuthOutput, error) {
	cl, p := c.client, c.pool
	var step *authStep
	var err error
	switch in.AuthFlow {
	case "USER_PASSWORD_AUTH":
		if !cl.allowsFlow("ALLOW_USER_PASSWORD_AUTH") {
			return nil, invalidParameter("USER_PASSWORD_AUTH flow not enabled for this client")
		}
		step, err = s.passwordAuth(ctx, c, in.AuthParameters)
	case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
		if !cl.allowsFlow("ALLOW_REFRESH_TOKEN_AUTH") {
			return nil, invalidParameter("REFRESH_TOKEN_AUTH flow not enabled for this client")
		}
		step, err = s.refreshAuth(ctx, c, in.AuthParameters)
	case "USER_SRP_AUTH":
		if !cl.allowsFlow("ALLOW_USER_SRP_AUTH") {
			return nil, invalidParameter("USER_SRP_AUTH is not enabled for the client.")
		}
		step, err = s.srpAuth(ctx, c, in.AuthParameters)
	case "CUSTOM_AUTH", "USER_AUTH":
		return nil, invalidParameter("The local Cognito does not support the %s flow yet; use USER_PASSWORD_AUTH.", in.AuthFlow)
	default:
		return nil, invalidParameter("Initiate Auth method not supported.")
	}
	_ = p
	if err != nil {
		return nil, err
	}
	return step.initiateOutput(), nil
}

// passwordAuth is USER_PASSWORD_AUTH.
func (s *Server) passwordAuth(ctx context.Context, c *caller, params map[string]string) (*authStep, error) {
	name, password := params["USERNAME"], params["PASSWORD"]
	if name == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	if password == "" {
		return nil, invalidParameter("Missing required parameter PASSWORD")
	}
	u, err := s.signingInUser(ctx, c, name, params["SECRET_HASH"])
	if err != nil {
		return nil, err
	}
	u, err = s.reserveAttempt(ctx, c.pool, u.Username, nil)
	if err != nil {
		return nil, err
	}
	return s.signIn(ctx, c, u.Username, passwordMatches(c.pool.ID, u, password))
}

// signingInUser finds the user a sign-in names, after checking the
// SECRET_HASH: an unknown user is UserNotFoundException (a wrong password,
// when the client hides user existence), a locked-out one is refused
// before any password check.
func (s *Server) signingInUser(ctx context.Context, c *caller, name, secretHash string) (*user, error) {
	if err := checkSecretHash(c.client, secretHash, name); err != nil {
		return nil, err
	}
	var u *user
	err := s.view(ctx, func(st *state) (err error) {
		u, err = st.user(c.pool, name)
		return err
	})
	switch {
	case isNotFound(err) && c.client.preventsExistenceErrors():
		return nil, errIncorrectCredentials
	case isNotFound(err):
		return nil, errUserNotFound
	case err != nil:
		return nil, err
	}
	if s.lockedOut(u) {
		return nil, errPasswordAttempts
	}
	return u, nil
}

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

// signIn finishes a password check (USER_PASSWORD_AUTH or SRP's
// PASSWORD_VERIFIER) whose attempt was reserved: a wrong password stays
// counted; a right one clears the count and gives tokens, or the
// NEW_PASSWORD_REQUIRED challenge, or the error the user's state calls for.
func (s *Server) signIn(ctx context.Context, c *caller, username string, ok bool) (*authStep, error) {
	if !ok {
		return nil, errIncorrectCredentials
	}
	cl, p := c.client, c.pool
	var sess *session
	var step *authStep
	var u *user
	var g *grant
	err := s.update(ctx, func(st *state) (err error) {
		u, err = st.userByKey(p, p.usernameKey(username))
		if isNotFound(err) {
			return errIncorrectCredentials
		}
		if err != nil {
			return err
		}
		clearFailures(u)
		if err := st.putUser(p, u); err != nil {
			return err
		}
		switch {
		case !u.Enabled:
			return &commitThen{errUserDisabled}
		case u.Status == statusUnconfirmed:
			return &commitThen{errUserNotConfirmed}
		case u.Status == statusResetRequired:
			return &commitThen{newError(excPasswordResetRequired, "Password reset required for the user")}
		case u.Status == statusForceChangePassword:
			if s.now().After(u.TemporaryPasswordExpires) && !u.TemporaryPasswordExpires.IsZero() {
				return &commitThen{notAuthorized("Temporary password has expired and must be reset by an administrator.")}
			}
			step, err = s.newPasswordChallenge(st, cl, p, u)
			return err
		}
		if sess, err = startSession(st, s.now(), cl, p, u); err != nil {
			return err
		}
		g, err = s.grantFor(st, p, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	if step != nil {
		return step, nil
	}
	return s.authenticated(c, u, sess, g)
}

// startSession records a new sign-in of u through cl.
func startSession(st *state, now time.Time, cl *appClient, p *pool, u *user) (*session, error) {
	refresh, hash := newRefreshToken()
	sess := &session{
		PoolID:      p.ID,
		UsernameKey: p.usernameKey(u.Username),
		ClientID:    cl.ID,
		OriginJTI:   uuid.NewString(),
		RefreshHash: hash,
		AuthTime:    now,
		Expires:     now.Add(cl.RefreshTokenValidity),
	}
	if err := st.putSession(sess); err != nil {
		return nil, err
	}
	sess.refreshToken = refresh
	return sess, nil
}

// grant is what signing a user's tokens needs, read in the transaction
// that authenticated the user: the pool's key and the user's groups.
type grant struct {
	key    *signingKey
	groups []string
}

func (s *Server) grantFor(st *state, p *pool, u *user) (*grant, error) {
	key, err := s.poolKey(st, p.ID)
	if err != nil {
		return nil, err
	}
	gs, err := userGroups(st, p, u)
	if err != nil {
		return nil, err
	}
	g := &grant{key: key}
	for _, group := range gs {
		g.groups = append(g.groups, group.Name)
	}
	return g, nil
}

// authenticated signs the tokens of a sign-in (outside any transaction).
func (s *Server) authenticated(c *caller, u *user, sess *session, g *grant) (*authStep, error) {
	tokens, err := s.issueTokens(g.key, c.baseURL+"/"+c.pool.ID, c.client, u, sess, g.groups)
	if err != nil {
		return nil, err
	}
	tokens.RefreshToken = optional(sess.refreshToken)
	s.log.Info("user authenticated", "userPoolId", c.pool.ID, "clientId", c.client.ID, "sub", u.Attributes["sub"])
	return &authStep{result: tokens}, nil
}

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

// challengeRecord is a pending auth challenge, found by its Session.
type challengeRecord struct {
	Name        string    `json:"name"`
	ClientID    string    `json:"clientId"`
	UsernameKey string    `json:"usernameKey"`
	Expires     time.Time `json:"expires"`
	// For PASSWORD_VERIFIER: the client's A and the server's b and B.
	SRPA []byte `json:"srpA,omitempty"`
	SRPb []byte `json:"srpb,omitempty"`
	SRPB []byte `json:"srpB,omitempty"`
	// NoSuchUser marks the challenge given for an unknown user when the
	// client hides user existence: its answer fails as a wrong password.
	NoSuchUser bool `json:"noSuchUser,omitempty"`
}

// newChallenge stores a pending challenge of cl and returns its Session.
func (s *Server) newChallenge(st *state, cl *appClient, p *pool, rec *challengeRecord) (string, error) {
	token, hash := newRefreshToken() // an opaque random token, kept as a hash
	rec.ClientID = cl.ID
	rec.Expires = s.now().Add(time.Duration(cl.AuthSessionValidity) * time.Minute)
	return token, st.putChallenge(p, hash, rec)
}

// newPasswordChallenge answers a sign-in with a temporary password: the
// user must choose a new one (NEW_PASSWORD_REQUIRED).
func (s *Server) newPasswordChallenge(st *state, cl *appClient, p *pool, u *user) (*authStep, error) {
	rec := &challengeRecord{Name: "NEW_PASSWORD_REQUIRED", UsernameKey: p.usernameKey(u.Username)}
	session, err := s.newChallenge(st, cl, p, rec)
	if err != nil {
		return nil, err
	}
	attrs := make(map[string]string)
	for k, v := range u.Attributes {
		if k != "sub" && !strings.HasSuffix(k, "_verified") {
			attrs[k] = v
		}
	}
	attrJSON, _ := json.Marshal(attrs)
	return &authStep{
		challenge: types.ChallengeNameType(rec.Name),
		session:   session,
		params: map[string]string{
			"USER_ID_FOR_SRP":    u.Username,
			"requiredAttributes": "[]",
			"userAttributes":     string(attrJSON),
		},
	}, nil
}

// Invalid or replayed challenge sessions, as Cognito words them.
var (
	errInvalidSession = notAuthorized("Invalid session for the user.")
	errExpiredSession = notAuthorized("Invalid session for the user, session is expired.")
)

// takeChallenge consumes the challenge session names for the named user
// and challenge, in st: a session that is unknown, already answered,
// another client's, another challenge's or expired is refused. Only one of
// any number of concurrent answers takes it.
func (s *Server) takeChallenge(st *state, c *caller, name, session string, u *user) (*challengeRecord, error) {
	rec, err := st.takeChallenge(c.pool, hashToken(session))
	if isNotFound(err) {
		return nil, errInvalidSession
	}
	if err != nil {
		return nil, err
	}
	if rec.Name != name || rec.ClientID != c.client.ID {
		return nil, errInvalidSession
	}
	if s.now().After(rec.Expires) {
		return nil, &commitThen{errExpiredSession}
	}
	if !rec.NoSuchUser && (u == nil || c.pool.usernameKey(u.Username) != rec.UsernameKey) {
		return nil, errInvalidSession
	}
	return rec, nil
}

func (s *Server) respondToAuthChallenge(ctx context.Context, c *caller, in *cip.RespondToAuthChallengeInput) (*cip.RespondToAuthChallengeOutput, error) {
	var step *authStep
	var err error
	switch in.ChallengeName {
	case "NEW_PASSWORD_REQUIRED":
		step, err = s.newPasswordRequired(ctx, c, in)
	case "PASSWORD_VERIFIER":
		step, err = s.passwordVerifier(ctx, c, in)
	default:
		return nil, invalidParameter("The local Cognito does not support the %s challenge.", truncate(string(in.ChallengeName), 64))
	}
	if err != nil {
		return nil, err
	}
	return step.respondOutput(), nil
}

// newPasswordRequired answers NEW_PASSWORD_REQUIRED: the user's new
// password replaces the temporary one and the user is signed in.
func (s *Server) newPasswordRequired(ctx context.Context, c *caller, in *cip.RespondToAuthChallengeInput) (*authStep, error) {
	name, password := in.ChallengeResponses["USERNAME"], in.ChallengeResponses["NEW_PASSWORD"]
	if name == "" || password == "" {
		return nil, invalidParameter("Missing required parameter USERNAME or NEW_PASSWORD")
	}
	if err := checkPasswordSyntax("NEW_PASSWORD", password); err != nil {
		return nil, err
	}
	if err := checkSecretHash(c.client, in.ChallengeResponses["SECRET_HASH"], name); err != nil {
		return nil, err
	}
	cl, p := c.client, c.pool
	var u *user
	err := s.view(ctx, func(st *state) (err error) {
		if u, err = st.user(p, name); isNotFound(err) {
			return errInvalidSession
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := p.Policy.check(password); err != nil {
		return nil, err
	}
	salt, verifier, err := newVerifier(p.ID, u.Username, password)
	if err != nil {
		return nil, err
	}
	var sess *session
	var g *grant
	err = s.update(ctx, func(st *state) error {
		if u, err = st.userByKey(p, p.usernameKey(u.Username)); err != nil {
			return err
		}
		if _, err := s.takeChallenge(st, c, "NEW_PASSWORD_REQUIRED", aws.ToString(in.Session), u); err != nil {
			return err
		}
		setPassword(u, salt, verifier)
		u.Status, u.Modified, u.TemporaryPasswordExpires = statusConfirmed, s.now(), time.Time{}
		if err := st.putUser(p, u); err != nil {
			return err
		}
		if sess, err = startSession(st, s.now(), cl, p, u); err != nil {
			return err
		}
		g, err = s.grantFor(st, p, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.authenticated(c, u, sess, g)
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
