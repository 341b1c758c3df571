package emulator

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Input validation, in one place: the members an input shape requires
// (requiredMembers, generated from the SDK) and the constraints Cognito's
// API model puts on the members that decide where a request goes (the
// IDs, names and secrets below). Failures read as AWS writes them:
//
//	1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null
//
// several joined with "; " after "N validation errors detected: ".
// Values of sensitive members (usernames, passwords, codes, tokens, client
// IDs) are never echoed.

//go:generate go run ./internal/schemagen required_gen.go

// constraint is what Cognito's model says of a string member.
type constraint struct {
	min, max  int            // length bounds in characters (max 0: none)
	pattern   *regexp.Regexp // matched against the whole value
	source    string         // the pattern as AWS words it
	sensitive bool           // the value is never echoed
}

func newConstraint(min, max int, pattern string, sensitive bool) constraint {
	c := constraint{min: min, max: max, sensitive: sensitive}
	if pattern != "" {
		c.pattern = regexp.MustCompile(`^(?:` + pattern + `)$`)
		c.source = pattern
	}
	return c
}

const (
	namePattern     = `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`
	passwordPattern = `^[\S]+.*[\S]+$`
)

// memberConstraints are keyed by member name: Cognito's model gives a
// member of one name the same type in every shape.
var memberConstraints = map[string]constraint{
	"UserPoolId":       newConstraint(1, 55, `[\w-]+_[0-9a-zA-Z]+`, false),
	"ClientId":         newConstraint(1, 128, `[\w+]+`, true),
	"Username":         newConstraint(1, 128, namePattern, true),
	"GroupName":        newConstraint(1, 128, namePattern, false),
	"PoolName":         newConstraint(1, 128, `[\w\s+=,.@-]+`, false),
	"ClientName":       newConstraint(1, 128, `[\w\s+=,.@-]+`, false),
	"Password":         newConstraint(1, 256, passwordPattern, true),
	"PreviousPassword": newConstraint(1, 256, passwordPattern, true),
	"ProposedPassword": newConstraint(1, 256, passwordPattern, true),
	"ConfirmationCode": newConstraint(1, 2048, `[\S]+`, true),
	"Code":             newConstraint(1, 2048, `[\S]+`, true),
	"UserCode":         newConstraint(6, 6, `[0-9]+`, true),
	"SecretHash":       newConstraint(1, 128, `[\w+=/]+`, true),
	"Description":      newConstraint(0, 2048, "", false),
	"Domain":           domainConstraint,
	"ResourceArn":      newConstraint(20, 2048, `arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?`, false),
	"ClientSecretId":   newConstraint(1, 128, "", false), // "<client-id>--<epoch-create-time>"
	// OAuth 2.0 resource servers (ResourceServerIdentifierType and
	// ResourceServerScopeType's members; the server's Name, a member name
	// many shapes share, is checked by the actions).
	"Identifier":       newConstraint(1, 256, `[\x21\x23-\x5B\x5D-\x7E]+`, false),
	"ScopeName":        newConstraint(1, 256, `[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+`, false),
	"ScopeDescription": newConstraint(1, 256, "", false),

	// A pool's messages: verification (VerificationMessageTemplate and
	// the legacy members), invitation (InviteMessageTemplate) and MFA.
	"EmailMessage":             newConstraint(6, 20000, emailMessagePattern, false),
	"EmailVerificationMessage": newConstraint(6, 20000, emailMessagePattern, false),
	"EmailMessageByLink":       newConstraint(6, 20000, `[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{##[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*##\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`, false),
	"EmailSubject":             newConstraint(1, 140, emailSubjectPattern, false),
	"EmailSubjectByLink":       newConstraint(1, 140, emailSubjectPattern, false),
	"EmailVerificationSubject": newConstraint(1, 140, emailSubjectPattern, false),
	"SmsMessage":               newConstraint(6, 140, smsMessagePattern, false),
	"SMSMessage":               newConstraint(6, 140, smsMessagePattern, false),
	"SmsVerificationMessage":   newConstraint(6, 140, smsMessagePattern, false),
	"SmsAuthenticationMessage": newConstraint(6, 140, smsMessagePattern, false),
	// ARNs a pool's settings name (ArnType).
	"SourceArn":                   arnConstraint,
	"SnsCallerArn":                arnConstraint,
	"CertificateArn":              arnConstraint,
	"KMSKeyID":                    arnConstraint,
	"LambdaArn":                   arnConstraint,
	"PreSignUp":                   arnConstraint,
	"CustomMessage":               arnConstraint,
	"PostConfirmation":            arnConstraint,
	"PreAuthentication":           arnConstraint,
	"PostAuthentication":          arnConstraint,
	"DefineAuthChallenge":         arnConstraint,
	"CreateAuthChallenge":         arnConstraint,
	"VerifyAuthChallengeResponse": arnConstraint,
	"PreTokenGeneration":          arnConstraint,
	"UserMigration":               arnConstraint,
}

// Patterns and constraints Cognito's model gives several members.
const (
	emailMessagePattern = `[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`
	emailSubjectPattern = `[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+`
	smsMessagePattern   = `.*\{####\}.*`
)

var (
	arnConstraint = newConstraint(20, 2048, `arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?`, false)
	// domainConstraint is DomainType. Its model pattern, which messages
	// quote, is a prefix's; Cognito takes custom domains too (a prefix's
	// labels joined by dots), so the check allows them.
	domainConstraint = constraint{
		min: 1, max: 63,
		pattern: regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?)*)$`),
		source:  `[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?`,
	}
)

// validateInput checks a decoded input shape. It returns an
// InvalidParameterException listing every violation, or nil.
func validateInput(in any) error {
	var problems []string
	checkShape(reflect.ValueOf(in).Elem(), "", &problems)
	if len(problems) == 0 {
		return nil
	}
	if len(problems) == 1 {
		return invalidParameter("1 validation error detected: %s", problems[0])
	}
	return invalidParameter("%d validation errors detected: %s", len(problems), strings.Join(problems, "; "))
}

// checkShape checks the members of struct v, found at path.
func checkShape(v reflect.Value, path string, problems *[]string) {
	t := v.Type()
	for _, name := range requiredMembers[t.Name()] {
		f := v.FieldByName(name)
		if f.IsValid() && f.IsZero() {
			*problems = append(*problems, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null", memberPath(path, name)))
		}
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		f := v.Field(i)
		p := memberPath(path, sf.Name)
		if c, ok := memberConstraints[sf.Name]; ok {
			if s, present := stringValue(f); present {
				if why := c.check(s); why != "" {
					value := "Value"
					if !c.sensitive {
						value = "Value '" + truncate(s, 64) + "'"
					}
					*problems = append(*problems, fmt.Sprintf("%s at '%s' failed to satisfy constraint: %s", value, p, why))
				}
			}
			continue
		}
		checkNested(f, p, problems)
	}
}

// checkNested descends into nested shapes and lists of them.
func checkNested(f reflect.Value, path string, problems *[]string) {
	switch f.Kind() {
	case reflect.Pointer:
		if !f.IsNil() && f.Elem().Kind() == reflect.Struct {
			checkShape(f.Elem(), path, problems)
		}
	case reflect.Struct:
		if f.Type() != timeType {
			checkShape(f, path, problems)
		}
	case reflect.Slice:
		for i := range f.Len() {
			e := f.Index(i)
			if e.Kind() == reflect.Struct || (e.Kind() == reflect.Pointer && !e.IsNil() && e.Elem().Kind() == reflect.Struct) {
				checkNested(e, path+"."+strconv.Itoa(i+1)+".member", problems)
			}
		}
	}
}

// check returns why s breaks c, in AWS's words, or "".
func (c constraint) check(s string) string {
	n := utf8.RuneCountInString(s)
	switch {
	case n < c.min:
		return fmt.Sprintf("Member must have length greater than or equal to %d", c.min)
	case c.max > 0 && n > c.max:
		return fmt.Sprintf("Member must have length less than or equal to %d", c.max)
	case c.pattern != nil && n > 0 && !c.pattern.MatchString(s):
		return "Member must satisfy regular expression pattern: " + c.source
	}
	return ""
}

// stringValue reads a string or *string member; present is false for a
// nil pointer.
func stringValue(f reflect.Value) (s string, present bool) {
	switch f.Kind() {
	case reflect.String:
		return f.String(), f.Len() > 0
	case reflect.Pointer:
		if f.IsNil() || f.Elem().Kind() != reflect.String {
			return "", false
		}
		return f.Elem().String(), true
	}
	return "", false
}

// memberPath is how AWS names a member in a validation message: the
// member's name in lower camel case, after its parents'.
func memberPath(parent, name string) string {
	r, size := utf8.DecodeRuneInString(name)
	lower := string(unicode.ToLower(r)) + name[size:]
	if parent == "" {
		return lower
	}
	return parent + "." + lower
}
