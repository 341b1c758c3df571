package emulator

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/internal/totp"
)

// The software token (TOTP) of a user: AssociateSoftwareToken draws its
// secret, VerifySoftwareToken enables it with a code, with an access token
// or the Session of an MFA_SETUP challenge.

// newTOTPSecret draws a software token's secret: 160 bits, RFC 4226's
// recommended length, shown base32-encoded (32 characters) as AWS shows
// SecretCode.
func newTOTPSecret() []byte {
	secret := make([]byte, 20)
	rand.Read(secret)
	return secret
}

// encodeTOTPSecret is a secret as SecretCode carries it.
func encodeTOTPSecret(secret []byte) string {
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)
}

// associateSoftwareToken is AssociateSoftwareToken: a new TOTP secret for
// the user of an access token, or of the MFA_SETUP challenge a Session
// names (which answers a new Session for VerifySoftwareToken). The secret
// waits for VerifySoftwareToken; a software token the user already has
// stays in use until then, as AWS documents.
func (s *Server) associateSoftwareToken(ctx context.Context, c *caller, in *cip.AssociateSoftwareTokenInput) (*cip.AssociateSoftwareTokenOutput, error) {
	secret := newTOTPSecret()
	associate := func(p *pool, u *user) error {
		if !p.MFAFactors.SoftwareToken {
			return errSoftwareTokenNotEnabled
		}
		u.MFA.PendingSecret, u.MFA.PendingFailures = secret, 0
		u.Modified = s.now()
		return nil
	}
	if c.subject != nil {
		if in.Session != nil {
			return nil, errTokenOrSession
		}
		err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
			if err := associate(p, u); err != nil {
				return err
			}
			return st.putUser(p, u)
		})
		if err != nil {
			return nil, err
		}
		return &cip.AssociateSoftwareTokenOutput{SecretCode: aws.String(encodeTOTPSecret(secret))}, nil
	}
	var session string
	err := s.withSetupSession(ctx, c, aws.ToString(in.Session), func(st *state, u *user, rec *challengeRecord, _ string) (err error) {
		if err := associate(c.pool, u); err != nil {
			return err
		}
		if err := st.putUser(c.pool, u); err != nil {
			return err
		}
		prog := rec.Progress
		prog.MFADone = false // set up again: the new secret must be verified
		session, err = s.newSetupSession(st, c, u, prog)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cip.AssociateSoftwareTokenOutput{SecretCode: aws.String(encodeTOTPSecret(secret)), Session: aws.String(session)}, nil
}

// verifySoftwareToken is VerifySoftwareToken: a code of the secret
// AssociateSoftwareToken gave makes it the user's software token. With an
// access token that registers it (SetUserMFAPreference then enables it, as
// AWS's reference describes); with the Session of an MFA_SETUP challenge
// it also enables it and answers the Session that completes the sign-in
// (RespondToAuthChallenge MFA_SETUP). A wrong code is
// EnableSoftwareTokenMFAException and counted: after five, the secret (with
// an access token) or the Session is no longer good and setup starts
// again — AWS does not document the limit; five is the one of the other
// codes.
func (s *Server) verifySoftwareToken(ctx context.Context, c *caller, in *cip.VerifySoftwareTokenInput) (*cip.VerifySoftwareTokenOutput, error) {
	code, name := aws.ToString(in.UserCode), aws.ToString(in.FriendlyDeviceName)
	if c.subject != nil {
		if in.Session != nil {
			return nil, errTokenOrSession
		}
		err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
			err := s.verifyPending(p, u, code, name)
			if err == errSoftwareTokenMismatch {
				if u.MFA.PendingFailures++; u.MFA.PendingFailures >= maxCodeFailures {
					u.MFA.PendingSecret, u.MFA.PendingFailures = nil, 0
				}
				if err := st.putUser(p, u); err != nil {
					return err
				}
				return &commitThen{errSoftwareTokenMismatch}
			}
			if err != nil {
				return err
			}
			u.Modified = s.now()
			return st.putUser(p, u)
		})
		if err != nil {
			return nil, err
		}
		return &cip.VerifySoftwareTokenOutput{Status: types.VerifySoftwareTokenResponseTypeSuccess}, nil
	}
	var session string
	err := s.withSetupSession(ctx, c, aws.ToString(in.Session), func(st *state, u *user, rec *challengeRecord, token string) (err error) {
		err = s.verifyPending(c.pool, u, code, name)
		if err == errSoftwareTokenMismatch {
			return s.countWrongAnswer(st, c.pool, token, rec, errSoftwareTokenMismatch)
		}
		if err != nil {
			return err
		}
		enableFactor(u, factorTOTP)
		u.Modified = s.now()
		if err := st.putUser(c.pool, u); err != nil {
			return err
		}
		prog := rec.Progress
		prog.MFADone = true
		session, err = s.newSetupSession(st, c, u, prog)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cip.VerifySoftwareTokenOutput{Status: types.VerifySoftwareTokenResponseTypeSuccess, Session: aws.String(session)}, nil
}

// verifyPending checks code against u's pending secret and, if right,
// makes that secret u's software token (named name). The caller stores u.
func (s *Server) verifyPending(p *pool, u *user, code, name string) error {
	if !p.MFAFactors.SoftwareToken {
		return errSoftwareTokenNotEnabled
	}
	if len(u.MFA.PendingSecret) == 0 {
		return errSoftwareTokenNotAssociated
	}
	step, err := s.checkTOTP(u.MFA.PendingSecret, 0, code)
	if err != nil {
		return errSoftwareTokenMismatch
	}
	u.MFA.TOTPSecret, u.MFA.TOTPLastStep, u.MFA.TOTPDeviceName = u.MFA.PendingSecret, step, name
	u.MFA.PendingSecret, u.MFA.PendingFailures = nil, 0
	return nil
}

// checkTOTP checks a code of secret at the current time step or one step
// either side, later than last (the step of the last code accepted): it
// returns the step the code is of, or CodeMismatchException, or
// ExpiredCodeException for a code already used.
func (s *Server) checkTOTP(secret []byte, last int64, given string) (int64, error) {
	if len(secret) == 0 || len(given) != totp.Digits {
		return 0, errTOTPCodeMismatch
	}
	now, reused := totp.Step(s.now()), false
	for step := now - 1; step <= now+1; step++ {
		if !constantTimeEqual(given, totp.Code(secret, step, totp.Digits)) {
			continue
		}
		if step <= last {
			reused = true
			continue
		}
		return step, nil
	}
	if reused {
		return 0, errTOTPCodeReused
	}
	return 0, errTOTPCodeMismatch
}

// MFA_SETUP sessions are "<poolID>.<token>": AssociateSoftwareToken and
// VerifySoftwareToken take one alone, without a client or pool ID, so the
// Session names its pool. The challenge record is kept, as every
// challenge's, by the hash of the token.

// newSetupSession stores a pending MFA_SETUP challenge of u's sign-in and
// returns its Session.
func (s *Server) newSetupSession(st *state, c *caller, u *user, prog progress) (string, error) {
	rec := &challengeRecord{Name: string(types.ChallengeNameTypeMfaSetup), UsernameKey: c.pool.usernameKey(u.Username), Progress: prog}
	token, err := s.newChallenge(st, c.client, c.pool, rec)
	return c.pool.ID + "." + token, err
}

// splitSetupSession splits an MFA_SETUP Session into its pool and token.
func splitSetupSession(session string) (poolID, token string, ok bool) {
	poolID, token, ok = strings.Cut(session, ".")
	return poolID, token, ok && poolID != "" && token != ""
}

// withSetupSession takes, in a write transaction, the MFA_SETUP challenge
// a Session names, making c its sign-in's caller (the client, pool and
// kind of call it was started with), and runs fn on it: fn continues the
// setup, usually with a new session. A plain error from fn leaves the
// challenge as it was (the transaction is discarded).
func (s *Server) withSetupSession(ctx context.Context, c *caller, session string, fn func(st *state, u *user, rec *challengeRecord, token string) error) error {
	if session == "" {
		return errNoTokenOrSession
	}
	poolID, token, ok := splitSetupSession(session)
	if !ok {
		return errInvalidSession
	}
	return s.update(ctx, func(st *state) error {
		p, err := st.pool(poolID)
		if err != nil {
			return errInvalidSession
		}
		pending, err := st.challenge(p, hashToken(token))
		if isNotFound(err) {
			return errInvalidSession
		}
		if err != nil {
			return err
		}
		cl, _, err := st.poolClient(p.ID, pending.ClientID)
		if err != nil {
			return errInvalidSession
		}
		c.client, c.pool, c.admin = cl, p, pending.Progress.Admin
		u, err := st.userByKey(p, pending.UsernameKey)
		if isNotFound(err) {
			return errInvalidSession
		}
		if err != nil {
			return err
		}
		rec, err := s.takeChallenge(st, c, string(types.ChallengeNameTypeMfaSetup), token, u)
		if err != nil {
			return err
		}
		return fn(st, u, rec, token)
	})
}
