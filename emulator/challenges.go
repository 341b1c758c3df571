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
