package emulator

import (
	"context"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/uuid"
)

// Sign-in: InitiateAuth, the first factor, and what follows it up to the
// tokens. The lockout is in lockout.go, the challenges in challenges.go,
// refresh tokens in refresh.go, SRP in srp.go.

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
