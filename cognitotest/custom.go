package cognitotest

import (
	"context"
	"strconv"
	"sync"

	"github.com/aws/aws-lambda-go/events"
)

// CustomChallenge is a pool's custom authentication (CUSTOM_AUTH) for a
// test, the one AWS's guide describes: DefineAuthChallenge asks a
// CUSTOM_CHALLENGE — after the password's PASSWORD_VERIFIER when the
// sign-in starts with SRP_A — until one is answered right, and fails the
// sign-in after MaxWrong wrong answers; CreateAuthChallenge asks New's
// challenge; VerifyAuthChallengeResponse compares the answer. It is safe
// for concurrent use, by several servers at once.
type CustomChallenge struct {
	// New makes a challenge: the public parameters the client is shown
	// and the answer it must give (kept in the private parameters).
	New func() (public map[string]string, answer string)
	// MaxWrong is the number of wrong answers that fails a sign-in
	// (0: 3).
	MaxWrong int

	mu      sync.Mutex
	answers map[string]string // pool ID → the last challenge's answer
}

// Options register the three triggers for NewServer.
func (cc *CustomChallenge) Options() []Option {
	return []Option{
		WithTrigger(DefineAuthChallenge, cc.DefineAuthChallenge()),
		WithTrigger(CreateAuthChallenge, cc.CreateAuthChallenge()),
		WithTrigger(VerifyAuthChallengeResponse, cc.VerifyAuthChallengeResponse()),
	}
}

// LastAnswer is the answer of the last challenge made for a user of the
// pool poolID ("" before any).
func (cc *CustomChallenge) LastAnswer(poolID string) string {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.answers[poolID]
}

// DefineAuthChallenge is the function that decides each step.
func (cc *CustomChallenge) DefineAuthChallenge() TriggerFunc {
	return Handler(func(_ context.Context, ev *events.CognitoEventUserPoolsDefineAuthChallenge) error {
		maxWrong := cc.MaxWrong
		if maxWrong == 0 {
			maxWrong = 3
		}
		session, wrong := ev.Request.Session, 0
		for _, r := range session {
			if r.ChallengeName == "CUSTOM_CHALLENGE" && !r.ChallengeResult {
				wrong++
			}
		}
		last := &events.CognitoEventUserPoolsChallengeResult{}
		if len(session) > 0 {
			last = session[len(session)-1]
		}
		switch {
		case last.ChallengeName == "SRP_A":
			ev.Response.ChallengeName = "PASSWORD_VERIFIER"
		case last.ChallengeName == "CUSTOM_CHALLENGE" && last.ChallengeResult:
			ev.Response.IssueTokens = true
		case wrong >= maxWrong:
			ev.Response.FailAuthentication = true
		default:
			ev.Response.ChallengeName = "CUSTOM_CHALLENGE"
		}
		return nil
	})
}

// CreateAuthChallenge is the function that makes each challenge with New.
func (cc *CustomChallenge) CreateAuthChallenge() TriggerFunc {
	return Handler(func(_ context.Context, ev *events.CognitoEventUserPoolsCreateAuthChallenge) error {
		public, answer := cc.New()
		cc.mu.Lock()
		if cc.answers == nil {
			cc.answers = make(map[string]string)
		}
		cc.answers[ev.UserPoolID] = answer
		cc.mu.Unlock()
		ev.Response.PublicChallengeParameters = public
		ev.Response.PrivateChallengeParameters = map[string]string{"answer": answer}
		ev.Response.ChallengeMetadata = "CHALLENGE-" + strconv.Itoa(len(ev.Request.Session)+1)
		return nil
	})
}

// VerifyAuthChallengeResponse is the function that checks an answer.
func (cc *CustomChallenge) VerifyAuthChallengeResponse() TriggerFunc {
	return Handler(func(_ context.Context, ev *events.CognitoEventUserPoolsVerifyAuthChallenge) error {
		ev.Response.AnswerCorrect = ev.Request.ChallengeAnswer == ev.Request.PrivateChallengeParameters["answer"]
		return nil
	})
}
