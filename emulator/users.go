package emulator

import (
	"crypto/subtle"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/internal/secrethash"
	"github.com/cognitokit/cognito/internal/srp"
)

// checkSecretHash enforces SECRET_HASH for clients that have a secret: a
// hash made with any of the client's active secrets (two during a
// rotation) is accepted. username is the name the hash was computed over.
func checkSecretHash(cl *appClient, got, username string) error {
	if !cl.hasSecret() {
		return nil
	}
	if got == "" {
		return notAuthorized("Client %s is configured with secret but SECRET_HASH was not received", cl.ID)
	}
	for _, sec := range cl.Secrets {
		if secrethash.Valid(got, sec.Value, username, cl.ID) {
			return nil
		}
	}
	return notAuthorized("Unable to verify secret hash for client %s", cl.ID)
}

// aliasable lists the attributes a user can sign in with besides the
// username, with whether an alias needs the attribute verified first.
func (p *pool) aliasable() map[string]bool {
	out := make(map[string]bool)
	for _, a := range p.UsernameAttributes {
		out[a] = false
	}
	for _, a := range p.AliasAttributes {
		out[a] = a != "preferred_username"
	}
	return out
}

// aliasesOf returns the sign-in aliases attrs give: attribute → value.
func (p *pool) aliasesOf(attrs map[string]string) map[string]string {
	out := make(map[string]string)
	for a, needsVerified := range p.aliasable() {
		if v := attrs[a]; v != "" && (!needsVerified || attrs[a+"_verified"] == "true") {
			out[a] = v
		}
	}
	return out
}

func (p *pool) aliasKey(attr, value string) string {
	return p.ID + "/" + attr + "/" + url.PathEscape(p.usernameKey(value))
}

// hasUsernameAttribute reports whether users of p sign up with attr
// (email or phone_number) as their username.
func (p *pool) hasUsernameAttribute(attr string) bool {
	return slices.Contains(p.UsernameAttributes, attr)
}

// setPassword replaces u's verifier. The verifier is computed by the
// caller, outside any transaction (it costs a 3072-bit exponentiation).
func setPassword(u *user, salt, verifier []byte) {
	u.Salt, u.Verifier = salt, verifier
	u.FailedSignIns, u.LockedUntil = 0, time.Time{}
}

// newVerifier computes the stored form of a password for a user.
func newVerifier(poolID, username, password string) (salt, verifier []byte, err error) {
	return srp.NewVerifier(srp.PoolName(poolID), username, password)
}

// passwordMatches checks a password against u's verifier.
func passwordMatches(poolID string, u *user, password string) bool {
	return srp.Check(srp.PoolName(poolID), u.Username, password, u.Salt, u.Verifier)
}

// Codes: six random digits, single use.
const (
	signUpCodeValidity = 24 * time.Hour
	forgotCodeValidity = time.Hour
	attrCodeValidity   = 24 * time.Hour
	maxCodeFailures    = 5
)

// deliverCode makes a new code for u, replacing any earlier one for the same
// purpose, and "sends" it to attribute (email or phone_number): the message
// goes to the outbox.
func (s *Server) deliverCode(st *state, p *pool, u *user, purpose, attribute string, validity time.Duration, text *customText) (*types.CodeDeliveryDetailsType, error) {
	value, err := s.newCode(st, p, u, purpose, attribute, validity)
	if err != nil {
		return nil, err
	}
	return s.send(st, p, u, purpose, attribute, value, "", text)
}

// newCode stores a new code for u, replacing any earlier one for the same
// purpose, and returns it.
func (s *Server) newCode(st *state, p *pool, u *user, purpose, attribute string, validity time.Duration) (string, error) {
	value := randomString("0123456789", 6)
	rec := code{Value: value, Attribute: attribute, Expires: s.now().Add(validity)}
	return value, st.putCode(p, u, purpose, attributeOrEmpty(purpose, attribute), &rec)
}

// attributeOrEmpty keys attribute-verification codes by attribute; other
// purposes have one code per user.
func attributeOrEmpty(purpose, attribute string) string {
	if purpose == PurposeVerifyAttribute {
		return attribute
	}
	return ""
}

// send appends a message to the outbox — secret, and link when not empty,
// with the text of the pool's CustomMessage trigger when text is set —
// and returns its delivery details.
func (s *Server) send(st *state, p *pool, u *user, purpose, attribute, secret, link string, text *customText) (*types.CodeDeliveryDetailsType, error) {
	medium := "EMAIL"
	if attribute == "phone_number" {
		medium = "SMS"
	}
	subject, body, err := text.render(medium, secret, u.Username)
	if err != nil {
		return nil, err
	}
	m := &Message{
		UserPoolID: p.ID, Username: u.Username, Destination: u.Attributes[attribute],
		Medium: medium, Purpose: purpose, Code: secret, Link: link, Subject: subject, Text: body, SentAt: s.now(),
	}
	if err := st.appendMessage(m); err != nil {
		return nil, err
	}
	s.log.Info("message sent to outbox", "userPoolId", p.ID, "medium", medium, "purpose", purpose)
	return delivery(mask(m.Destination), medium, attribute), nil
}

// delivery is a CodeDeliveryDetails.
func delivery(destination, medium, attribute string) *types.CodeDeliveryDetailsType {
	return &types.CodeDeliveryDetailsType{
		Destination: aws.String(destination), DeliveryMedium: types.DeliveryMediumType(medium), AttributeName: aws.String(attribute),
	}
}

// useCode checks a code the caller typed against the one u was sent for
// purpose (and attribute) and returns it. A right code is consumed; a
// wrong one is counted (and kept, via commitThen); after maxCodeFailures
// wrong codes even the right one is refused with tooMany until a new code
// is sent.
func (s *Server) useCode(st *state, p *pool, u *user, purpose, attribute, given string, tooMany *apiError) (*code, error) {
	rec, err := st.code(p, u, purpose, attribute)
	if isNotFound(err) {
		return nil, errCodeExpired
	}
	if err != nil {
		return nil, err
	}
	if rec.Failures >= maxCodeFailures {
		return nil, tooMany
	}
	if s.now().After(rec.Expires) {
		return nil, errCodeExpired
	}
	if !constantTimeEqual(given, rec.Value) {
		rec.Failures++
		if err := st.putCode(p, u, purpose, attribute, rec); err != nil {
			return nil, err
		}
		return nil, &commitThen{errCodeMismatch}
	}
	return rec, st.deleteCode(p, u, purpose, attribute)
}

var errTooManyCodeFailures = newError(excTooManyFailedAttempts, "Too many failed attempts, please request a new code.")

// mask hides most of a destination as Cognito does: u***@e***.com for an
// email, +*******1234 for a phone number.
func mask(dest string) string {
	if local, domain, ok := strings.Cut(dest, "@"); ok && local != "" && domain != "" {
		tld := ""
		if i := strings.LastIndexByte(domain, '.'); i > 0 {
			tld = domain[i:]
		}
		return firstRune(local) + "***@" + firstRune(domain) + "***" + tld
	}
	if strings.HasPrefix(dest, "+") && len(dest) > 5 {
		return "+" + strings.Repeat("*", len(dest)-5) + dest[len(dest)-4:]
	}
	return "***"
}

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

// deliveryAttribute picks where a code for u goes. verified requires the
// attribute to be verified (password reset); otherwise it must be auto-
// verified by the pool (sign-up). A password-reset code follows the pool's
// AccountRecoverySetting: the first of its mechanisms, by priority, that u
// has verified. Without one (or with admin_only, which ForgotPassword
// refuses before asking; an administrator's reset still sends a code),
// Cognito's legacy choice: a phone number when it qualifies (Cognito
// prefers SMS), else an email.
func deliveryAttribute(p *pool, u *user, verified bool) string {
	if verified && len(p.AccountRecovery) > 0 && p.AccountRecovery[0].Name != types.RecoveryOptionNameTypeAdminOnly {
		for _, m := range p.AccountRecovery {
			attr := strings.TrimPrefix(string(m.Name), "verified_")
			if u.Attributes[attr] != "" && u.Attributes[attr+"_verified"] == "true" {
				return attr
			}
		}
		return ""
	}
	for _, attr := range []string{"phone_number", "email"} {
		if u.Attributes[attr] == "" {
			continue
		}
		if verified && u.Attributes[attr+"_verified"] == "true" {
			return attr
		}
		if !verified && slices.Contains(p.AutoVerified, attr) {
			return attr
		}
	}
	return ""
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
