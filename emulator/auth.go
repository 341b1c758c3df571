package emulator

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cognitokit/cognito/emulator/store"
)

type initiateAuthInput struct {
	AuthFlow       string            `json:"AuthFlow"`
	AuthParameters map[string]string `json:"AuthParameters"`
	ClientId       string            `json:"ClientId"`
}

// authResult is InitiateAuth's and RespondToAuthChallenge's output.
type authResult struct {
	AuthenticationResult *tokenSet         `json:"AuthenticationResult,omitempty"`
	ChallengeName        string            `json:"ChallengeName,omitempty"`
	Session              string            `json:"Session,omitempty"`
	ChallengeParameters  map[string]string `json:"ChallengeParameters"`
}

func (s *Server) initiateAuth(c *call) (any, error) {
	var in initiateAuthInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var cl *appClient
	var p *pool
	err := s.view(c, func(tx store.Tx) (err error) {
		cl, p, err = loadClient(tx, in.ClientId)
		return err
	})
	if err != nil {
		return nil, err
	}
	switch in.AuthFlow {
	case "USER_PASSWORD_AUTH":
		if !cl.allowsFlow("ALLOW_USER_PASSWORD_AUTH") {
			return nil, invalidParameter("USER_PASSWORD_AUTH flow not enabled for this client")
		}
		return s.passwordAuth(c, cl, p, in.AuthParameters)
	case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
		if !cl.allowsFlow("ALLOW_REFRESH_TOKEN_AUTH") {
			return nil, invalidParameter("REFRESH_TOKEN_AUTH flow not enabled for this client")
		}
		return s.refreshAuth(c, cl, p, in.AuthParameters)
	case "":
		return nil, invalidParameter("1 validation error detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null")
	case "USER_SRP_AUTH":
		if !cl.allowsFlow("ALLOW_USER_SRP_AUTH") {
			return nil, invalidParameter("USER_SRP_AUTH is not enabled for the client.")
		}
		return s.srpAuth(c, cl, p, in.AuthParameters)
	case "CUSTOM_AUTH", "USER_AUTH":
		return nil, invalidParameter("The local Cognito does not support the %s flow yet; use USER_PASSWORD_AUTH.", in.AuthFlow)
	default:
		return nil, invalidParameter("Initiate Auth method not supported.")
	}
}

// passwordAuth is USER_PASSWORD_AUTH: check the password (outside any
// transaction, it is the costly part), then record the outcome.
func (s *Server) passwordAuth(c *call, cl *appClient, p *pool, params map[string]string) (any, error) {
	name, password := params["USERNAME"], params["PASSWORD"]
	if name == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	if password == "" {
		return nil, invalidParameter("Missing required parameter PASSWORD")
	}
	u, err := s.signingInUser(c, cl, p, name, params["SECRET_HASH"])
	if err != nil {
		return nil, err
	}
	ok := passwordMatches(p.ID, u, password)
	return s.signIn(c, cl, p, u.Username, ok, nil)
}

// signingInUser finds the user a sign-in names, after checking the
// SECRET_HASH: an unknown user is UserNotFoundException (a wrong password,
// when the client hides user existence), a locked-out one is refused
// before any password check.
func (s *Server) signingInUser(c *call, cl *appClient, p *pool, name, secretHash string) (*user, error) {
	if err := checkSecretHash(cl, secretHash, name); err != nil {
		return nil, err
	}
	var u *user
	err := s.view(c, func(tx store.Tx) (err error) {
		u, err = findUser(tx, p, name)
		return err
	})
	switch {
	case isNotFound(err) && cl.preventsExistenceErrors():
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

// signIn records the outcome of a password check (USER_PASSWORD_AUTH or
// SRP's PASSWORD_VERIFIER) for the user named username and answers it: a
// wrong password is counted towards the lockout; a right one gives tokens,
// or the NEW_PASSWORD_REQUIRED challenge, or the error the user's state
// calls for. before, if set, runs first in the same transaction.
func (s *Server) signIn(c *call, cl *appClient, p *pool, username string, ok bool, before func(tx store.Tx) error) (any, error) {
	var sess *session
	var challenge *authResult
	var u *user
	var g *grant
	err := s.update(c, func(tx store.Tx) (err error) {
		if before != nil {
			if err := before(tx); err != nil {
				return err
			}
		}
		u, err = getRecord[user](tx, kindUser, userKey(p.ID, p.usernameKey(username)))
		if isNotFound(err) {
			return errIncorrectCredentials
		}
		if err != nil {
			return err
		}
		if !ok {
			s.recordFailedSignIn(u)
			if err := saveUser(tx, p, u); err != nil {
				return err
			}
			return &commitThen{errIncorrectCredentials}
		}
		if u.FailedSignIns > 0 || !u.LockedUntil.IsZero() {
			u.FailedSignIns, u.LockedUntil = 0, time.Time{}
			if err := saveUser(tx, p, u); err != nil {
				return err
			}
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
			challenge, err = s.newPasswordChallenge(tx, cl, p, u)
			return err
		}
		if sess, err = startSession(tx, s.now(), cl, p, u); err != nil {
			return err
		}
		g, err = s.grantFor(tx, p, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	if challenge != nil {
		return challenge, nil
	}
	return s.authenticated(c, cl, p, u, sess, g)
}

// startSession records a new sign-in of u through cl.
func startSession(tx store.Tx, now time.Time, cl *appClient, p *pool, u *user) (*session, error) {
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
	key := userKey(p.ID, sess.UsernameKey) + "/" + sess.OriginJTI
	if err := putRecord(tx, kindSession, key, sess); err != nil {
		return nil, err
	}
	if err := tx.Put(kindRefresh, hash, []byte(key)); err != nil {
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

func (s *Server) grantFor(tx store.Tx, p *pool, u *user) (*grant, error) {
	key, err := s.poolKey(tx, p.ID)
	if err != nil {
		return nil, err
	}
	gs, err := userGroups(tx, p, u)
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
func (s *Server) authenticated(c *call, cl *appClient, p *pool, u *user, sess *session, g *grant) (*authResult, error) {
	tokens, err := s.issueTokens(g.key, c.baseURL+"/"+p.ID, cl, u, sess, g.groups)
	if err != nil {
		return nil, err
	}
	tokens.RefreshToken = sess.refreshToken
	s.log.Info("user authenticated", "userPoolId", p.ID, "clientId", cl.ID, "sub", u.Attributes["sub"])
	return &authResult{AuthenticationResult: tokens, ChallengeParameters: map[string]string{}}, nil
}

// refreshAuth is REFRESH_TOKEN_AUTH: new access and ID tokens for a live
// sign-in. The SECRET_HASH is computed over the user's username (for pools
// where users sign in with an email, that is the sub).
func (s *Server) refreshAuth(c *call, cl *appClient, p *pool, params map[string]string) (any, error) {
	token := params["REFRESH_TOKEN"]
	if token == "" {
		return nil, invalidParameter("Missing required parameter REFRESH_TOKEN")
	}
	var sess *session
	var u *user
	var g *grant
	err := s.view(c, func(tx store.Tx) error {
		key, err := tx.Get(kindRefresh, hashToken(token))
		if isNotFound(err) {
			return errInvalidRefreshToken
		}
		if err != nil {
			return err
		}
		sess, err = getRecord[session](tx, kindSession, string(key))
		if isNotFound(err) {
			return errRevokedRefreshToken
		}
		if err != nil {
			return err
		}
		if sess.ClientID != cl.ID || sess.PoolID != p.ID {
			return errInvalidRefreshToken
		}
		u, err = getRecord[user](tx, kindUser, userKey(p.ID, sess.UsernameKey))
		if isNotFound(err) {
			return errRevokedRefreshToken
		}
		if err != nil {
			return err
		}
		g, err = s.grantFor(tx, p, u)
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
	res, err := s.authenticated(c, cl, p, u, sess, g)
	if err != nil {
		return nil, err
	}
	res.AuthenticationResult.RefreshToken = ""
	return res, nil
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
}

// newPasswordChallenge answers a sign-in with a temporary password: the
// user must choose a new one (NEW_PASSWORD_REQUIRED).
func (s *Server) newPasswordChallenge(tx store.Tx, cl *appClient, p *pool, u *user) (*authResult, error) {
	token, hash := newRefreshToken()
	rec := challengeRecord{
		Name: "NEW_PASSWORD_REQUIRED", ClientID: cl.ID, UsernameKey: p.usernameKey(u.Username),
		Expires: s.now().Add(time.Duration(cl.AuthSessionValidity) * time.Minute),
	}
	if err := putRecord(tx, kindChallenge, p.ID+"/"+hash, rec); err != nil {
		return nil, err
	}
	attrs := make(map[string]string)
	for k, v := range u.Attributes {
		if k != "sub" && !strings.HasSuffix(k, "_verified") {
			attrs[k] = v
		}
	}
	attrJSON, _ := json.Marshal(attrs)
	return &authResult{
		ChallengeName: rec.Name,
		Session:       token,
		ChallengeParameters: map[string]string{
			"USER_ID_FOR_SRP":    u.Username,
			"requiredAttributes": "[]",
			"userAttributes":     string(attrJSON),
		},
	}, nil
}

type respondToAuthChallengeInput struct {
	ClientId           string            `json:"ClientId"`
	ChallengeName      string            `json:"ChallengeName"`
	Session            string            `json:"Session"`
	ChallengeResponses map[string]string `json:"ChallengeResponses"`
}

func (s *Server) respondToAuthChallenge(c *call) (any, error) {
	var in respondToAuthChallengeInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	switch in.ChallengeName {
	case "NEW_PASSWORD_REQUIRED":
	case "PASSWORD_VERIFIER":
		return s.passwordVerifier(c, &in)
	default:
		return nil, invalidParameter("The local Cognito does not support the %s challenge.", truncate(in.ChallengeName, 64))
	}
	name, password := in.ChallengeResponses["USERNAME"], in.ChallengeResponses["NEW_PASSWORD"]
	if name == "" || password == "" {
		return nil, invalidParameter("Missing required parameter USERNAME or NEW_PASSWORD")
	}
	if err := checkPasswordSyntax("NEW_PASSWORD", password); err != nil {
		return nil, err
	}
	var cl *appClient
	var p *pool
	var u *user
	challengeKey := ""
	err := s.view(c, func(tx store.Tx) (err error) {
		if cl, p, err = loadClient(tx, in.ClientId); err != nil {
			return err
		}
		if err := checkSecretHash(cl, in.ChallengeResponses["SECRET_HASH"], name); err != nil {
			return err
		}
		challengeKey = p.ID + "/" + hashToken(in.Session)
		rec, err := getRecord[challengeRecord](tx, kindChallenge, challengeKey)
		if isNotFound(err) {
			return notAuthorized("Invalid session for the user.")
		}
		if err != nil {
			return err
		}
		if rec.ClientID != cl.ID || s.now().After(rec.Expires) {
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
	if err := p.Policy.check(password); err != nil {
		return nil, err
	}
	salt, verifier, err := newVerifier(p.ID, u.Username, password)
	if err != nil {
		return nil, err
	}
	var sess *session
	var g *grant
	err = s.update(c, func(tx store.Tx) error {
		u, err = getRecord[user](tx, kindUser, userKey(p.ID, p.usernameKey(u.Username)))
		if err != nil {
			return err
		}
		if _, err := tx.Get(kindChallenge, challengeKey); err != nil {
			return notAuthorized("Invalid session for the user.")
		}
		if err := tx.Delete(kindChallenge, challengeKey); err != nil {
			return err
		}
		setPassword(u, salt, verifier)
		u.Status, u.Modified, u.TemporaryPasswordExpires = statusConfirmed, s.now(), time.Time{}
		if err := saveUser(tx, p, u); err != nil {
			return err
		}
		if sess, err = startSession(tx, s.now(), cl, p, u); err != nil {
			return err
		}
		g, err = s.grantFor(tx, p, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.authenticated(c, cl, p, u, sess, g)
}

type revokeTokenInput struct {
	Token        string `json:"Token"`
	ClientId     string `json:"ClientId"`
	ClientSecret string `json:"ClientSecret"`
}

// revokeToken revokes one refresh token and the tokens issued from it.
func (s *Server) revokeToken(c *call) (any, error) {
	var in revokeTokenInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.Token == "" {
		return nil, invalidParameter("1 validation error detected: Value at 'token' failed to satisfy constraint: Member must not be null")
	}
	return nil, s.update(c, func(tx store.Tx) error {
		cl, _, err := loadClient(tx, in.ClientId)
		if err != nil {
			return err
		}
		if cl.Secret != "" && !constantTimeEqual(in.ClientSecret, cl.Secret) {
			return newError(excUnauthorized, "The client secret is missing or wrong.")
		}
		hash := hashToken(in.Token)
		key, err := tx.Get(kindRefresh, hash)
		if isNotFound(err) {
			return nil // revoking an unknown or revoked token succeeds, as on AWS
		}
		if err != nil {
			return err
		}
		sess, err := getRecord[session](tx, kindSession, string(key))
		if err == nil && sess.ClientID != cl.ID {
			return newError(excUnauthorized, "The refresh token was issued to another client.")
		}
		if err := tx.Delete(kindSession, string(key)); err != nil {
			return err
		}
		return tx.Delete(kindRefresh, hash)
	})
}
