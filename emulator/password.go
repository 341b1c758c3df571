package emulator

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// passwordPolicy is a pool's Policies.PasswordPolicy.
type passwordPolicy struct {
	MinimumLength                 int32 `json:"MinimumLength"`
	RequireUppercase              bool  `json:"RequireUppercase"`
	RequireLowercase              bool  `json:"RequireLowercase"`
	RequireNumbers                bool  `json:"RequireNumbers"`
	RequireSymbols                bool  `json:"RequireSymbols"`
	TemporaryPasswordValidityDays int32 `json:"TemporaryPasswordValidityDays"`
}

// defaultPasswordPolicy is Cognito's policy for a pool created without one.
var defaultPasswordPolicy = passwordPolicy{
	MinimumLength:                 8,
	RequireUppercase:              true,
	RequireLowercase:              true,
	RequireNumbers:                true,
	RequireSymbols:                true,
	TemporaryPasswordValidityDays: 7,
}

// cognitoSymbols are the characters Cognito counts as symbols.
const cognitoSymbols = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "

// check returns an InvalidPasswordException naming the first rule password
// breaks, in Cognito's words, or nil.
func (p passwordPolicy) check(password string) error {
	fail := func(reason string) error {
		return newError(excInvalidPassword, "Password did not conform with policy: %s", reason)
	}
	if utf8.RuneCountInString(password) < int(p.MinimumLength) {
		return fail("Password not long enough")
	}
	if p.RequireNumbers && !strings.ContainsFunc(password, unicode.IsDigit) {
		return fail("Password must have numeric characters")
	}
	if p.RequireLowercase && !strings.ContainsFunc(password, unicode.IsLower) {
		return fail("Password must have lowercase characters")
	}
	if p.RequireUppercase && !strings.ContainsFunc(password, unicode.IsUpper) {
		return fail("Password must have uppercase characters")
	}
	if p.RequireSymbols && !strings.ContainsAny(password, cognitoSymbols) {
		return fail("Password must have symbol characters")
	}
	return nil
}

// checkPasswordSyntax applies the API's own constraint on a password
// member (1 to 256 characters, no leading or trailing white space), before
// any policy. member is the API's name for the field.
func checkPasswordSyntax(member, password string) error {
	if password == "" {
		return invalidParameter("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must not be null", member)
	}
	if len(password) > 256 || strings.TrimSpace(password) != password || !utf8.ValidString(password) {
		return invalidParameter("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$", member)
	}
	return nil
}

// shape is the policy as the API shows it.
func (p passwordPolicy) shape() types.PasswordPolicyType {
	return types.PasswordPolicyType{
		MinimumLength:                 aws.Int32(p.MinimumLength),
		RequireUppercase:              p.RequireUppercase,
		RequireLowercase:              p.RequireLowercase,
		RequireNumbers:                p.RequireNumbers,
		RequireSymbols:                p.RequireSymbols,
		TemporaryPasswordValidityDays: p.TemporaryPasswordValidityDays,
	}
}
