package emulator

import (
	"context"
	"maps"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// CUSTOM_AUTH: a sign-in whose steps the pool's functions decide.
// DefineAuthChallenge is called with the challenges answered so far and
// says what comes next: a CUSTOM_CHALLENGE (CreateAuthChallenge makes it,
// VerifyAuthChallengeResponse checks its ANSWER), the PASSWORD_VERIFIER
// of SRP (when the client started with SRP_A, "custom authentication with
// SRP first"), tokens, or failure. Each challenge's Session is single
// use; its private parameters never leave the server.

// Trigger sources of custom authentication.
const (
	sourceDefineAuth = "DefineAuthChallenge_Authentication"
	sourceCreateAuth = "CreateAuthChallenge_Authentication"
	sourceVerifyAuth = "VerifyAuthChallengeResponse_Authentication"
)

// maxCustomRounds bounds the challenges of one custom sign-in. AWS
// documents no bound; a function that never ends a sign-in would otherwise
// grow its session without end.
const maxCustomRounds = 20

// customAuthState is where a CUSTOM_AUTH sign-in stands: the challenges
// answered so far, as DefineAuthChallenge's session lists them, and the
// pending CUSTOM_CHALLENGE's private parameters and metadata.
type customAuthState struct {
	History  []*events.CognitoEventUserPoolsChallengeResult `json:"history"`
	Private  map[string]string                              `json:"private,omitempty"`
	Metadata string                                         `json:"metadata,omitempty"`
}

// errCustomAuthNotConfigured answers CUSTOM_AUTH in a pool without the
// custom authentication triggers, in AWS's words.
var errCustomAuthNotConfigured = invalidParameter("Custom auth lambda trigger is not configured for the user pool.")

// customAuth starts a CUSTOM_AUTH sign-in: USERNAME (and SECRET_HASH),
// and, for SRP first, CHALLENGE_NAME=SRP_A with SRP_A.
func (s *Server) customAuth(ctx context.Context, c *caller, params map[string]string) (*authStep, error) {
	p := c.pool
	if !p.hasTrigger(triggerDefineAuth) || !p.hasTrigger(triggerCreateAuth) || !p.hasTrigger(triggerVerifyAuth) {
		return nil, errCustomAuthNotConfigured
	}
	name := params["USERNAME"]
	if name == "" {
		return nil, invalidParameter("Missing required parameter USERNAME")
	}
	u, err := s.signingInUser(ctx, c, name, params["SECRET_HASH"], "")
	if err != nil {
		return nil, err
	}
	if err := signInStatus(u); err != nil {
		return nil, err
	}
	cs := &customAuthState{History: []*events.CognitoEventUserPoolsChallengeResult{}}
	if params["CHALLENGE_NAME"] == "SRP_A" {
		srpA, err := readSRPA(params)
		if err != nil {
			return nil, err
		}
		cs.History = append(cs.History, &events.CognitoEventUserPoolsChallengeResult{ChallengeName: "SRP_A", ChallengeResult: true})
		return s.nextCustomStep(ctx, c, u, cs, func() (*authStep, error) {
			return s.verifierChallenge(ctx, c, name, srpA, params["DEVICE_KEY"], u, cs)
		})
	}
	return s.nextCustomStep(ctx, c, u, cs, nil)
}

// nextCustomStep asks DefineAuthChallenge what follows the challenges of
// cs and takes the sign-in there. password asks the PASSWORD_VERIFIER
// challenge when the sign-in started with SRP_A (nil otherwise: then
// DefineAuthChallenge may not ask for it).
func (s *Server) nextCustomStep(ctx context.Context, c *caller, u *user, cs *customAuthState, password func() (*authStep, error)) (*authStep, error) {
	p := c.pool
	define := &events.CognitoEventUserPoolsDefineAuthChallenge{
		CognitoEventUserPoolsHeader: s.eventHeader(p, c.client, sourceDefineAuth, u.Username),
		Request: events.CognitoEventUserPoolsDefineAuthChallengeRequest{
			UserAttributes: eventAttributes(u), Session: cs.History, ClientMetadata: c.metadata,
		},
	}
	if _, err := s.callTrigger(ctx, p, triggerDefineAuth, sourceDefineAuth, define); err != nil {
		return nil, err
	}
	r := define.Response
	switch {
	case r.FailAuthentication:
		return nil, errIncorrectCredentials
	case r.IssueTokens:
		return s.customSignedIn(ctx, c, u)
	case len(cs.History) >= maxCustomRounds:
		return nil, notAuthorized("The custom authentication asked more than %d challenges.", maxCustomRounds)
	case r.ChallengeName == "PASSWORD_VERIFIER" && password != nil:
		return password()
	case r.ChallengeName != "CUSTOM_CHALLENGE":
		// The other challenges AWS lets DefineAuthChallenge name (SMS_MFA,
		// the device challenges) are not supported in a custom sign-in
		// here; an unknown one is an invalid response.
		return nil, newError(excInvalidLambdaResponse, "Unrecognizable lambda output")
	}
	create := &events.CognitoEventUserPoolsCreateAuthChallenge{
		CognitoEventUserPoolsHeader: s.eventHeader(p, c.client, sourceCreateAuth, u.Username),
		Request: events.CognitoEventUserPoolsCreateAuthChallengeRequest{
			UserAttributes: eventAttributes(u), ChallengeName: "CUSTOM_CHALLENGE", Session: cs.History, ClientMetadata: c.metadata,
		},
	}
	if _, err := s.callTrigger(ctx, p, triggerCreateAuth, sourceCreateAuth, create); err != nil {
		return nil, err
	}
	next := &customAuthState{History: cs.History, Private: create.Response.PrivateChallengeParameters, Metadata: create.Response.ChallengeMetadata}
	rec := &challengeRecord{Name: "CUSTOM_CHALLENGE", UsernameKey: p.usernameKey(u.Username), Progress: progress{Admin: c.admin}, Custom: next}
	var session string
	err := s.update(ctx, func(st *state) (err error) {
		session, err = s.newChallenge(st, c.client, p, rec)
		return err
	})
	if err != nil {
		return nil, err
	}
	params := maps.Clone(create.Response.PublicChallengeParameters)
	if params == nil {
		params = map[string]string{}
	}
	params["USERNAME"] = u.Username
	return &authStep{challenge: types.ChallengeNameTypeCustomChallenge, params: params, session: session}, nil
}

// customChallenge answers CUSTOM_CHALLENGE: USERNAME, ANSWER (and
// SECRET_HASH). The challenge is taken before VerifyAuthChallengeResponse
// runs, so of concurrent answers to one Session exactly one is checked.
func (s *Server) customChallenge(ctx context.Context, c *caller, a *challengeAnswer) (*authStep, error) {
	name, answer := a.responses["USERNAME"], a.responses["ANSWER"]
	if name == "" || answer == "" {
		return nil, invalidParameter("Missing required parameter USERNAME or ANSWER")
	}
	if err := checkSecretHash(c.client, a.responses["SECRET_HASH"], name); err != nil {
		return nil, err
	}
	p := c.pool
	var u *user
	var rec *challengeRecord
	err := s.update(ctx, func(st *state) (err error) {
		if u, err = st.user(p, name); isNotFound(err) {
			return errInvalidSession
		} else if err != nil {
			return err
		}
		rec, err = s.takeChallenge(st, c, "CUSTOM_CHALLENGE", a.session, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	cs := rec.Custom
	if cs == nil {
		return nil, errInvalidSession
	}
	verify := &events.CognitoEventUserPoolsVerifyAuthChallenge{
		CognitoEventUserPoolsHeader: s.eventHeader(p, c.client, sourceVerifyAuth, u.Username),
		Request: events.CognitoEventUserPoolsVerifyAuthChallengeRequest{
			UserAttributes: eventAttributes(u), PrivateChallengeParameters: cs.Private, ChallengeAnswer: answer, ClientMetadata: c.metadata,
		},
	}
	if _, err := s.callTrigger(ctx, p, triggerVerifyAuth, sourceVerifyAuth, verify); err != nil {
		return nil, err
	}
	cs.History = append(cs.History, &events.CognitoEventUserPoolsChallengeResult{
		ChallengeName: "CUSTOM_CHALLENGE", ChallengeResult: verify.Response.AnswerCorrect, ChallengeMetadata: cs.Metadata,
	})
	cs.Private, cs.Metadata = nil, ""
	return s.nextCustomStep(ctx, c, u, cs, nil)
}

// customAfterPassword goes on from the PASSWORD_VERIFIER of a custom
// sign-in with SRP first, whose attempt a is: a wrong password is counted
// and fails, as in USER_SRP_AUTH; a right one clears the count and is
// reported to DefineAuthChallenge. take runs first in the transaction, as
// in signIn. The caller releases a afterwards.
func (s *Server) customAfterPassword(ctx context.Context, c *caller, a *attempt, right bool, cs *customAuthState, take func(*state) error) (*authStep, error) {
	var u *user
	err := a.end(func() error {
		return s.update(ctx, func(st *state) (err error) {
			if err := take(st); err != nil {
				return err
			}
			if u, err = a.settle(st, right); err == nil && !right {
				err = &commitThen{errIncorrectCredentials}
			}
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	cs.History = append(cs.History, &events.CognitoEventUserPoolsChallengeResult{ChallengeName: "PASSWORD_VERIFIER", ChallengeResult: true})
	return s.nextCustomStep(ctx, c, u, cs, nil)
}

// customSignedIn ends a custom sign-in that DefineAuthChallenge let
// through: its functions were its factors, so no MFA follows (AWS asks MFA
// in a custom sign-in only when DefineAuthChallenge names it).
func (s *Server) customSignedIn(ctx context.Context, c *caller, u *user) (*authStep, error) {
	p := c.pool
	var next *outcome
	err := s.update(ctx, func(st *state) (err error) {
		current, err := st.userByKey(p, p.usernameKey(u.Username))
		if err != nil {
			return err
		}
		if err := signInStatus(current); err != nil {
			return err
		}
		next, err = s.proceed(st, c, current, progress{Admin: c.admin, ManagedLogin: c.managedLogin, MFADone: true})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.finish(ctx, c, next)
}
