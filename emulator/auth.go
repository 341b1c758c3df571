package emulator

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/uuid"

	"github.com/cognitokit/cognito/emulator/store"
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
	// available are the first factors of a SELECT_CHALLENGE (USER_AUTH,
	// userauth.go): InitiateAuth's AvailableChallenges.
	available []types.ChallengeNameType
	// signedIn is the user of a managed-login sign-in who proved every
	// factor (instead of tokens: the login pages grant the authorization).
	signedIn *user
	// pending is the sign-in code the step's challenge asks for, to be
	// delivered once the step is committed, when the pool's CustomMessage
	// trigger writes its text (see deliverSignInCode).
	pending *pendingCode
}

func (a *authStep) initiateOutput() *cip.InitiateAuthOutput {
	return &cip.InitiateAuthOutput{
		AuthenticationResult: a.result, ChallengeName: a.challenge,
		ChallengeParameters: a.parameters(), Session: optional(a.session),
		AvailableChallenges: a.available,
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

func (a *authStep) adminInitiateOutput() *cip.AdminInitiateAuthOutput {
	return &cip.AdminInitiateAuthOutput{
		AuthenticationResult: a.result, ChallengeName: a.challenge,
		ChallengeParameters: a.parameters(), Session: optional(a.session),
		AvailableChallenges: a.available,
	}
}

func (a *authStep) adminRespondOutput() *cip.AdminRespondToAuthChallengeOutput {
	return &cip.AdminRespondToAuthChallengeOutput{
		AuthenticationResult: a.result, ChallengeName: a.challenge,
		ChallengeParameters: a.parameters(), Session: optional(a.session),
	}
}

// flow is an AuthFlow a sign-in starts with.
type flow struct {
	allow    string // the ExplicitAuthFlows value the client needs
	disabled string // Cognito's answer when the client lacks it
	public   bool   // InitiateAuth starts it
	admin    bool   // AdminInitiateAuth starts it
	start    func(s *Server, ctx context.Context, c *caller, params map[string]string) (*authStep, error)
}

// flows are the AuthFlow values of InitiateAuth and AdminInitiateAuth.
var flows = map[types.AuthFlowType]flow{
	"USER_PASSWORD_AUTH":       {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH flow not enabled for this client", true, false, (*Server).passwordAuth},
	"ADMIN_USER_PASSWORD_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "Auth flow not enabled for this client", false, true, (*Server).passwordAuth},
	"ADMIN_NO_SRP_AUTH":        {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "Auth flow not enabled for this client", false, true, (*Server).passwordAuth},
	"USER_SRP_AUTH":            {"ALLOW_USER_SRP_AUTH", "USER_SRP_AUTH is not enabled for the client.", true, true, (*Server).srpAuth},
	"REFRESH_TOKEN_AUTH":       {"ALLOW_REFRESH_TOKEN_AUTH", "REFRESH_TOKEN_AUTH flow not enabled for this client", true, true, (*Server).refreshAuth},
	"REFRESH_TOKEN":            {"ALLOW_REFRESH_TOKEN_AUTH", "REFRESH_TOKEN_AUTH flow not enabled for this client", true, true, (*Server).refreshAuth},
	"USER_AUTH":                {"ALLOW_USER_AUTH", "USER_AUTH flow not enabled for this client", true, true, (*Server).userAuth},
	"CUSTOM_AUTH":              {"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH flow not enabled for this client", true, true, (*Server).customAuth},
}

func (s *Server) initiateAuth(ctx context.Context, c *caller, in *cip.InitiateAuthInput) (*cip.InitiateAuthOutput, error) {
	c.metadata = in.ClientMetadata
	step, err := s.startSignIn(ctx, c, in.AuthFlow, in.AuthParameters, aws.ToString(in.Session))
	if err != nil {
		return nil, err
	}
	return step.initiateOutput(), nil
}

// adminInitiateAuth is a back end's sign-in of a user (IAM-authorized):
// the same flows, with the administrator's password flow instead of
// USER_PASSWORD_AUTH, and the challenges answered by
// AdminRespondToAuthChallenge.
func (s *Server) adminInitiateAuth(ctx context.Context, c *caller, in *cip.AdminInitiateAuthInput) (*cip.AdminInitiateAuthOutput, error) {
	if err := s.adminSignInCaller(ctx, c, in.UserPoolId, in.ClientId); err != nil {
		return nil, err
	}
	c.metadata = in.ClientMetadata
	step, err := s.startSignIn(ctx, c, in.AuthFlow, in.AuthParameters, aws.ToString(in.Session))
	if err != nil {
		return nil, err
	}
	return step.adminInitiateOutput(), nil
}

// adminSignInCaller makes c the caller of an administrator's sign-in:
// the client an Admin*Auth* call names, which must be of the pool it names.
func (s *Server) adminSignInCaller(ctx context.Context, c *caller, poolID, clientID *string) error {
	c.admin = true
	return s.view(ctx, func(st *state) (err error) {
		c.client, c.pool, err = st.poolClient(aws.ToString(poolID), aws.ToString(clientID))
		return err
	})
}

// startSignIn starts the flow a sign-in names, if the call may start it
// and the client allows it. session is the call's Session member: with
// USER_AUTH, the Session of a ConfirmSignUp that signs the new user in
// (userauth.go); the other flows do not use it.
func (s *Server) startSignIn(ctx context.Context, c *caller, name types.AuthFlowType, params map[string]string, session string) (*authStep, error) {
	f, ok := flows[name]
	switch {
	case !ok || (c.admin && !f.admin) || (!c.admin && !f.public):
		return nil, invalidParameter("Initiate Auth method not supported.")
	case !c.client.allowsFlow(f.allow):
		return nil, invalidParameter("%s", f.disabled)
	case name == "USER_AUTH" && session != "":
		return s.signUpSessionAuth(ctx, c, params, session)
	}
	return f.start(s, ctx, c, params)
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
	u, err := s.signingInUser(ctx, c, name, params["SECRET_HASH"], password)
	if err != nil {
		return nil, err
	}
	a, err := s.reserveAttempt(ctx, c.pool, u.Username)
	if err != nil {
		return nil, err
	}
	defer a.release()
	return s.signIn(ctx, c, a, passwordMatches(c.pool.ID, a.user, password), params["DEVICE_KEY"], nil)
}

// signingInUser finds the user a sign-in names, after checking the
// SECRET_HASH: an unknown user is UserNotFoundException (a wrong password,
// when the client hides user existence), a locked-out one is refused
// before any password check. password is the one a USER_PASSWORD_AUTH
// sign-in gives ("" for the other flows): with it, an unknown user may be
// migrated by the pool's UserMigration trigger. The PreAuthentication
// trigger is called before the user is returned.
func (s *Server) signingInUser(ctx context.Context, c *caller, name, secretHash, password string) (*user, error) {
	if err := checkSecretHash(c.client, secretHash, name); err != nil {
		return nil, err
	}
	var u *user
	err := s.view(ctx, func(st *state) (err error) {
		u, err = st.user(c.pool, name)
		return err
	})
	if isNotFound(err) && password != "" {
		var migrated *user
		if migrated, err = s.migrateUser(ctx, c, name, password, sourceMigrateAuthentication); err == nil && migrated == nil {
			err = store.ErrNotFound
		}
		u = migrated
	}
	switch {
	case isNotFound(err) && c.client.preventsExistenceErrors():
		if err := s.preAuthentication(ctx, c, &user{Username: name}, true); err != nil {
			return nil, err
		}
		return nil, errIncorrectCredentials
	case isNotFound(err):
		return nil, errUserNotFound
	case err != nil:
		return nil, err
	}
	if s.lockedOut(u) {
		return nil, errPasswordAttempts
	}
	if err := s.preAuthentication(ctx, c, u, false); err != nil {
		return nil, err
	}
	return u, nil
}

// signIn finishes a password check (USER_PASSWORD_AUTH or SRP's
// PASSWORD_VERIFIER) whose attempt a is, in one write transaction: a wrong
// password is counted and fails; a right one clears the count and gives
// tokens, or the NEW_PASSWORD_REQUIRED challenge, or the error the user's
// state calls for. deviceKey is the remembered device the client named
// (DEVICE_KEY), if any. take, if set, runs first in the transaction: it
// takes the challenge answered (srp.go); if it fails, nothing is settled.
// The caller releases a afterwards.
func (s *Server) signIn(ctx context.Context, c *caller, a *attempt, right bool, deviceKey string, take func(*state) error) (*authStep, error) {
	var next *outcome
	err := a.end(func() error {
		return s.update(ctx, func(st *state) error {
			if take != nil {
				if err := take(st); err != nil {
					return err
				}
			}
			u, err := a.settle(st, right)
			if err != nil {
				return err
			}
			if !right {
				return &commitThen{errIncorrectCredentials}
			}
			if err := signInStatus(u); err != nil {
				return &commitThen{err}
			}
			next, err = s.proceed(st, c, u, progress{Admin: c.admin, ManagedLogin: c.managedLogin, DeviceKey: deviceKey})
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return s.finish(ctx, c, next)
}

// signInStatus is the error u's state calls for once a first factor is
// proven (a disabled user, an unconfirmed one, one whose password must be
// reset), or nil.
func signInStatus(u *user) error {
	switch {
	case !u.Enabled:
		return errUserDisabled
	case u.Status == statusUnconfirmed:
		return errUserNotConfirmed
	case u.Status == statusResetRequired:
		return newError(excPasswordResetRequired, "Password reset required for the user")
	}
	return nil
}

// progress is how far a sign-in has come past its first factor, kept in
// its challenge records from one step to the next.
type progress struct {
	Admin bool `json:"admin,omitempty"` // started by AdminInitiateAuth: answered by AdminRespondToAuthChallenge
	// ManagedLogin: started by the managed login's pages, which alone
	// answer its steps.
	ManagedLogin bool `json:"managedLogin,omitempty"`
	PasswordSet  bool `json:"passwordSet,omitempty"` // NEW_PASSWORD_REQUIRED answered
	// DeviceKey is the remembered device the client named (DEVICE_KEY);
	// DeviceProven, that it proved it is that device (DEVICE_SRP_AUTH).
	DeviceKey    string `json:"deviceKey,omitempty"`
	DeviceProven bool   `json:"deviceProven,omitempty"`
	// MFADone: the user answered the MFA challenge (or set MFA up).
	MFADone bool `json:"mfaDone,omitempty"`
}

// outcome is what a step of a sign-in leads to, decided in the write
// transaction that took the step: the next challenge, or the new sign-in
// and what its tokens need (signed afterwards, by finish).
type outcome struct {
	step   *authStep
	u      *user
	sess   *session
	g      *grant
	device *types.NewDeviceMetadataType // a device to remember, with the tokens
	source string                       // the sign-in's TokenGeneration_* trigger source
	// signed, if set, brings the tokens signed while the transaction that
	// decided them commits (signEarly).
	signed <-chan signedTokens
}

// signedTokens are a sign-in's tokens, or why they could not be signed.
type signedTokens struct {
	tokens *types.AuthenticationResultType
	err    error
}

// tokenSource is the PreTokenGeneration triggerSource of a sign-in that
// has come this far: AWS names the last step that led to the tokens.
func (prog *progress) tokenSource() string {
	switch {
	case prog.PasswordSet:
		return "TokenGeneration_NewPasswordChallenge"
	case prog.DeviceProven:
		return "TokenGeneration_AuthenticateDevice"
	}
	return "TokenGeneration_Authentication"
}

// signInStage is a stage a sign-in goes through after its first factor, in
// order: it returns the challenge it asks, or nil when it has nothing to
// ask (or was answered, as prog says).
type signInStage func(s *Server, st *state, c *caller, u *user, prog *progress) (*authStep, error)

// signInStages are the stages after the first factor and a new password:
// a remembered device proves itself (devices.go), then the user answers
// MFA unless that device spares it (mfa.go).
var signInStages = []signInStage{(*Server).deviceStage, (*Server).mfaStage}

// proceed decides, in st, what follows a proven factor of u's sign-in: a
// new password when u has a temporary one, then each later stage, then a
// new sign-in (a session) for the tokens.
func (s *Server) proceed(st *state, c *caller, u *user, prog progress) (*outcome, error) {
	if u.Status == statusForceChangePassword && !prog.PasswordSet {
		if s.now().After(u.TemporaryPasswordExpires) && !u.TemporaryPasswordExpires.IsZero() {
			return nil, &commitThen{notAuthorized("Temporary password has expired and must be reset by an administrator.")}
		}
		step, err := s.newPasswordChallenge(st, c, u, prog)
		return &outcome{step: step}, err
	}
	for _, stage := range signInStages {
		if step, err := stage(s, st, c, u, &prog); err != nil || step != nil {
			return &outcome{step: step}, err
		}
	}
	if c.managedLogin {
		return &outcome{step: &authStep{signedIn: u}}, nil
	}
	now := s.now()
	sess, err := startSession(st, now, now, c.client, c.pool, u, nil)
	if err != nil {
		return nil, err
	}
	g, err := s.grantFor(st, c.pool, u)
	if err != nil {
		return nil, err
	}
	device, err := s.newDeviceMetadata(st, c, u, &prog)
	if err != nil {
		return nil, err
	}
	o := &outcome{u: u, sess: sess, g: g, device: device, source: prog.tokenSource()}
	s.signEarly(c, o)
	return o, nil
}

// signEarly starts signing o's tokens while the transaction that decided
// them is still to commit: the two RSA signatures, most of a sign-in's
// time, then overlap the commit's sync to disk. The tokens are handed out
// only once the commit has succeeded (finish runs after it); if it fails,
// they are dropped. It does so only when nothing that must follow the
// commit changes them: without a PostAuthentication trigger (called once
// the sign-in is recorded, and able to refuse it) and a PreTokenGeneration
// one (which changes the claims). o's user, session and grant are not
// changed once proceed has returned them.
func (s *Server) signEarly(c *caller, o *outcome) {
	if c.pool.hasTrigger(triggerPostAuthentication) || c.pool.hasTrigger(triggerPreTokenGeneration) {
		return
	}
	signed := make(chan signedTokens, 1)
	t := s.tokenIssue(c, o.u, o.sess, o.g, o.source)
	go func() {
		// Without a trigger, signing needs no context: nothing to cancel.
		tokens, err := s.issueTokens(context.Background(), t)
		signed <- signedTokens{tokens, err}
	}()
	o.signed = signed
}

// finish answers a step of a sign-in: its challenge, or its tokens, signed
// here, outside any transaction, or while the transaction that decided
// them committed (signEarly).
func (s *Server) finish(ctx context.Context, c *caller, o *outcome) (*authStep, error) {
	if o.step != nil {
		if err := s.deliverPending(ctx, c, o.step); err != nil {
			return nil, err
		}
		return o.step, nil
	}
	if err := s.postAuthentication(ctx, c, o.u, o.device != nil); err != nil {
		return nil, s.endSignIn(ctx, o.sess, err)
	}
	var tokens *types.AuthenticationResultType
	var err error
	if o.signed != nil {
		r := <-o.signed
		tokens, err = r.tokens, r.err
	} else {
		tokens, err = s.issueTokens(ctx, s.tokenIssue(c, o.u, o.sess, o.g, o.source))
	}
	if err != nil {
		return nil, s.endSignIn(ctx, o.sess, err)
	}
	step, err := s.authenticatedWith(c, o.u, o.sess, tokens, nil)
	if err == nil {
		step.result.NewDeviceMetadata = o.device
	}
	return step, err
}

// endSignIn ends the sign-in sess, just started, that gives no tokens
// after all (a trigger refused it, cause): nobody would ever hold its
// refresh token. It returns cause, or the failure to end it.
func (s *Server) endSignIn(ctx context.Context, sess *session, cause error) error {
	if err := s.update(ctx, func(st *state) error { return st.deleteSession(sess) }); err != nil {
		return err
	}
	return cause
}

// startSession records a new sign-in of u through cl, authenticated at
// authTime: through the API (scopes nil) or the authorization endpoint,
// with the scopes it granted.
func startSession(st *state, now, authTime time.Time, cl *appClient, p *pool, u *user, scopes []string) (*session, error) {
	refresh, hash := newRefreshToken()
	sess := &session{
		PoolID:      p.ID,
		UsernameKey: p.usernameKey(u.Username),
		ClientID:    cl.ID,
		OriginJTI:   uuid.NewString(),
		RefreshHash: hash,
		AuthTime:    authTime,
		Expires:     now.Add(cl.RefreshTokenValidity),
		Scopes:      scopes,
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

// authenticated signs the tokens of a sign-in (outside any transaction);
// source is the PreTokenGeneration trigger's triggerSource.
func (s *Server) authenticated(ctx context.Context, c *caller, u *user, sess *session, g *grant, source string) (*authStep, error) {
	tokens, err := s.issueTokens(ctx, s.tokenIssue(c, u, sess, g, source))
	return s.authenticatedWith(c, u, sess, tokens, err)
}

// tokenIssue is what the tokens of c's sign-in sess of u are signed from.
func (s *Server) tokenIssue(c *caller, u *user, sess *session, g *grant, source string) *tokenIssue {
	return &tokenIssue{
		pool: c.pool, client: c.client, user: u, session: sess, grant: g, issuer: s.Issuer(c.baseURL, c.pool.ID),
		source: source, metadata: c.metadata,
	}
}

// authenticatedWith answers the sign-in sess of u with tokens, the
// outcome of signing them (err).
func (s *Server) authenticatedWith(c *caller, u *user, sess *session, tokens *types.AuthenticationResultType, err error) (*authStep, error) {
	if err != nil {
		return nil, err
	}
	tokens.RefreshToken = optional(sess.refreshToken)
	s.log.Info("user authenticated", "userPoolId", c.pool.ID, "clientId", c.client.ID, "sub", u.Attributes["sub"])
	return &authStep{result: tokens}, nil
}
