package emulator

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Challenges: the steps of a sign-in after InitiateAuth, answered by
// RespondToAuthChallenge; each pending one is a record found by the hash of
// its Session, single use.

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
	// Progress is how far the sign-in has come.
	Progress progress `json:"progress,omitzero"`
	// For MFA challenges (mfa.go): the code sent (SMS_MFA, EMAIL_OTP) and
	// the wrong answers given so far.
	Code     string `json:"code,omitempty"`
	Failures int    `json:"failures,omitempty"`
	// FirstFactor marks an EMAIL_OTP or SMS_OTP challenge asked as the
	// first factor of a USER_AUTH sign-in (userauth.go), not as MFA.
	FirstFactor bool `json:"firstFactor,omitempty"`
	// Custom is the state of a CUSTOM_AUTH sign-in (custom_auth.go), for
	// its CUSTOM_CHALLENGE and for the PASSWORD_VERIFIER it may ask first.
	Custom *customAuthState `json:"custom,omitempty"`
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
func (s *Server) newPasswordChallenge(st *state, c *caller, u *user, prog progress) (*authStep, error) {
	rec := &challengeRecord{Name: "NEW_PASSWORD_REQUIRED", UsernameKey: c.pool.usernameKey(u.Username), Progress: prog}
	session, err := s.newChallenge(st, c.client, c.pool, rec)
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
	switch err := s.checkChallenge(c, name, rec, u); {
	case err == errExpiredSession:
		return nil, &commitThen{err} // an expired challenge goes
	case err != nil:
		return nil, err
	}
	return rec, nil
}

// peekChallenge is takeChallenge without taking the challenge, for a read
// transaction: an expired one is errExpiredSession, which only
// takeChallenge removes.
func (s *Server) peekChallenge(st *state, c *caller, name, session string, u *user) (*challengeRecord, error) {
	rec, err := st.challenge(c.pool, hashToken(session))
	if isNotFound(err) {
		return nil, errInvalidSession
	}
	if err != nil {
		return nil, err
	}
	return rec, s.checkChallenge(c, name, rec, u)
}

// checkChallenge refuses rec as the challenge named of c's sign-in of u
// if it is another client's or another challenge's, expired or u's no
// longer.
func (s *Server) checkChallenge(c *caller, name string, rec *challengeRecord, u *user) error {
	if rec.Name != name || rec.ClientID != c.client.ID || rec.Progress.Admin != c.admin || rec.Progress.ManagedLogin != c.managedLogin {
		return errInvalidSession
	}
	if s.now().After(rec.Expires) {
		return errExpiredSession
	}
	if !rec.NoSuchUser && (u == nil || c.pool.usernameKey(u.Username) != rec.UsernameKey) {
		return errInvalidSession
	}
	return nil
}

// challengeAnswer is an answer to a challenge, from
// RespondToAuthChallenge or AdminRespondToAuthChallenge.
type challengeAnswer struct {
	name      types.ChallengeNameType
	session   string
	responses map[string]string
}

// challengeHandler checks the answer to one kind of challenge and takes
// the sign-in to its next step.
type challengeHandler func(s *Server, ctx context.Context, c *caller, a *challengeAnswer) (*authStep, error)

// challengeHandlers is the registry of the challenges the local Cognito
// asks, one handler each.
var challengeHandlers = map[types.ChallengeNameType]challengeHandler{
	"NEW_PASSWORD_REQUIRED": (*Server).newPasswordRequired,
	"PASSWORD_VERIFIER":     (*Server).passwordVerifier,
	"SOFTWARE_TOKEN_MFA":    (*Server).softwareTokenMFA,
	"SMS_MFA":               (*Server).smsMFA,
	"EMAIL_OTP":             (*Server).emailMFA,
	"SELECT_MFA_TYPE":       (*Server).selectMFAType,
	"MFA_SETUP":             (*Server).mfaSetup,
	// Choice-based sign-in, USER_AUTH (userauth.go); its EMAIL_OTP is
	// answered by the handler above.
	"SELECT_CHALLENGE": (*Server).selectChallenge,
	"PASSWORD":         (*Server).passwordChallenge,
	"PASSWORD_SRP":     (*Server).passwordSRPChallenge,
	"SMS_OTP":          (*Server).smsOTP,
	// Custom authentication (custom_auth.go).
	"CUSTOM_CHALLENGE": (*Server).customChallenge,
	// Remembered devices (devices.go).
	"DEVICE_SRP_AUTH":          (*Server).deviceSRPAuth,
	"DEVICE_PASSWORD_VERIFIER": (*Server).devicePasswordVerifier,
}

// answer runs the handler of the challenge a is an answer to.
func (s *Server) answer(ctx context.Context, c *caller, a *challengeAnswer) (*authStep, error) {
	handler, ok := challengeHandlers[a.name]
	if !ok {
		return nil, invalidParameter("The local Cognito does not support the %s challenge.", truncate(string(a.name), 64))
	}
	return handler(s, ctx, c, a)
}

func (s *Server) respondToAuthChallenge(ctx context.Context, c *caller, in *cip.RespondToAuthChallengeInput) (*cip.RespondToAuthChallengeOutput, error) {
	c.metadata = in.ClientMetadata
	step, err := s.answer(ctx, c, &challengeAnswer{in.ChallengeName, aws.ToString(in.Session), in.ChallengeResponses})
	if err != nil {
		return nil, err
	}
	return step.respondOutput(), nil
}

// adminRespondToAuthChallenge answers a challenge of a sign-in that
// AdminInitiateAuth started.
func (s *Server) adminRespondToAuthChallenge(ctx context.Context, c *caller, in *cip.AdminRespondToAuthChallengeInput) (*cip.AdminRespondToAuthChallengeOutput, error) {
	if err := s.adminSignInCaller(ctx, c, in.UserPoolId, in.ClientId); err != nil {
		return nil, err
	}
	c.metadata = in.ClientMetadata
	step, err := s.answer(ctx, c, &challengeAnswer{in.ChallengeName, aws.ToString(in.Session), in.ChallengeResponses})
	if err != nil {
		return nil, err
	}
	return step.adminRespondOutput(), nil
}

// newPasswordRequired answers NEW_PASSWORD_REQUIRED: the user's new
// password replaces the temporary one and the user is signed in.
func (s *Server) newPasswordRequired(ctx context.Context, c *caller, in *challengeAnswer) (*authStep, error) {
	name, password := in.responses["USERNAME"], in.responses["NEW_PASSWORD"]
	if name == "" || password == "" {
		return nil, invalidParameter("Missing required parameter USERNAME or NEW_PASSWORD")
	}
	if err := checkPasswordSyntax("NEW_PASSWORD", password); err != nil {
		return nil, err
	}
	if err := checkSecretHash(c.client, in.responses["SECRET_HASH"], name); err != nil {
		return nil, err
	}
	p := c.pool
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
	var next *outcome
	err = s.update(ctx, func(st *state) error {
		if u, err = st.userByKey(p, p.usernameKey(u.Username)); err != nil {
			return err
		}
		rec, err := s.takeChallenge(st, c, "NEW_PASSWORD_REQUIRED", in.session, u)
		if err != nil {
			return err
		}
		setPassword(u, salt, verifier)
		u.Status, u.Modified, u.TemporaryPasswordExpires = statusConfirmed, s.now(), time.Time{}
		if err := st.putUser(p, u); err != nil {
			return err
		}
		prog := rec.Progress
		prog.PasswordSet = true
		next, err = s.proceed(st, c, u, prog)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.finish(ctx, c, next)
}
