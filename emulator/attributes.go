package emulator

import (
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// standardSchema is the schema every pool starts with, in Cognito's order.
func standardSchema() []schemaAttribute {
	str := func(name string, mutable, required bool) schemaAttribute {
		return schemaAttribute{Name: name, DataType: "String", Mutable: mutable, Required: required, StringMinLength: "0", StringMaxLength: "2048"}
	}
	boolean := func(name string) schemaAttribute {
		return schemaAttribute{Name: name, DataType: "Boolean", Mutable: true}
	}
	sub := str("sub", false, true)
	sub.StringMinLength, sub.StringMaxLength = "1", "2048"
	birthdate := str("birthdate", true, false)
	birthdate.StringMinLength, birthdate.StringMaxLength = "10", "10"
	return []schemaAttribute{
		sub,
		str("name", true, false),
		str("given_name", true, false),
		str("family_name", true, false),
		str("middle_name", true, false),
		str("nickname", true, false),
		str("preferred_username", true, false),
		str("profile", true, false),
		str("picture", true, false),
		str("website", true, false),
		str("email", true, false),
		boolean("email_verified"),
		str("gender", true, false),
		birthdate,
		str("zoneinfo", true, false),
		str("locale", true, false),
		str("phone_number", true, false),
		boolean("phone_number_verified"),
		str("address", true, false),
		{Name: "updated_at", DataType: "Number", Mutable: true, NumberMinValue: "0"},
	}
}

// shape is the attribute as the API describes it.
func (a schemaAttribute) shape() types.SchemaAttributeType {
	out := types.SchemaAttributeType{
		Name:                   aws.String(a.Name),
		AttributeDataType:      types.AttributeDataType(a.DataType),
		DeveloperOnlyAttribute: aws.Bool(a.DeveloperOnly),
		Mutable:                aws.Bool(a.Mutable),
		Required:               aws.Bool(a.Required),
	}
	switch a.DataType {
	case "String":
		out.StringAttributeConstraints = &types.StringAttributeConstraintsType{MinLength: optional(a.StringMinLength), MaxLength: optional(a.StringMaxLength)}
	case "Number":
		out.NumberAttributeConstraints = &types.NumberAttributeConstraintsType{MinValue: optional(a.NumberMinValue), MaxValue: optional(a.NumberMaxValue)}
	}
	return out
}

// optional is s, or nil for "".
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

var customNamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,20}$`)

// buildSchema merges a CreateUserPool Schema into the standard one:
// standard names adjust the standard attribute (whose type cannot change),
// other names add custom attributes (see newCustomAttribute).
func buildSchema(in []types.SchemaAttributeType) ([]schemaAttribute, error) {
	schema := standardSchema()
	for _, w := range in {
		wname := aws.ToString(w.Name)
		if err := checkSchemaConstraints(w); err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(schema, func(a schemaAttribute) bool { return a.Name == wname }); i >= 0 && !schema[i].custom() {
			if wname == "sub" {
				return nil, invalidParameter("The sub attribute cannot be modified.")
			}
			if w.AttributeDataType != "" && string(w.AttributeDataType) != schema[i].DataType {
				return nil, invalidParameter("The data type of the standard attribute %s is %s; it cannot be changed to %s.", wname, schema[i].DataType, truncate(string(w.AttributeDataType), 32))
			}
			if w.Required != nil {
				schema[i].Required = *w.Required
			}
			if w.Mutable != nil {
				schema[i].Mutable = *w.Mutable
			}
			continue
		}
		a, err := newCustomAttribute(w)
		if err != nil {
			return nil, err
		}
		if hasCustomAttribute(schema, a.Name) {
			return nil, invalidParameter("Existing attribute already has name %s.", customName(a.Name))
		}
		schema = append(schema, a)
	}
	if n := len(schema) - len(standardSchema()); n > maxCustomAttributes {
		return nil, invalidParameter("A user pool can have at most %d custom attributes.", maxCustomAttributes)
	}
	return schema, nil
}

// newCustomAttribute is the custom attribute a schema entry of
// CreateUserPool or AddCustomAttributes describes: custom:<name>. AWS
// shows a developer-only one as dev:custom:<name> (see
// schemaAttribute.describedName); users' attributes name it custom:<name>
// here. Its AttributeDataType is required; custom attributes cannot be
// required.
func newCustomAttribute(w types.SchemaAttributeType) (schemaAttribute, error) {
	wname := aws.ToString(w.Name)
	name := strings.TrimPrefix(strings.TrimPrefix(wname, "dev:"), "custom:")
	if !customNamePattern.MatchString(name) {
		return schemaAttribute{}, invalidParameter("Invalid custom attribute name %q.", truncate(wname, 64))
	}
	if err := checkSchemaConstraints(w); err != nil {
		return schemaAttribute{}, err
	}
	a := schemaAttribute{Name: "custom:" + name, DataType: string(w.AttributeDataType), Mutable: true}
	switch a.DataType {
	case "":
		return schemaAttribute{}, invalidParameter("The AttributeDataType of custom:%s is required: String, Number, DateTime or Boolean.", name)
	case "String", "Number", "DateTime", "Boolean":
	default:
		return schemaAttribute{}, invalidParameter("Invalid AttributeDataType %q for custom:%s.", truncate(a.DataType, 32), name)
	}
	if w.Required != nil && *w.Required {
		return schemaAttribute{}, invalidParameter("Required custom attributes are not supported currently.")
	}
	if w.Mutable != nil {
		a.Mutable = *w.Mutable
	}
	if w.DeveloperOnlyAttribute != nil {
		a.DeveloperOnly = *w.DeveloperOnlyAttribute
	}
	if c := w.StringAttributeConstraints; c != nil && a.DataType == "String" {
		a.StringMinLength, a.StringMaxLength = aws.ToString(c.MinLength), aws.ToString(c.MaxLength)
	}
	if c := w.NumberAttributeConstraints; c != nil && a.DataType == "Number" {
		a.NumberMinValue, a.NumberMaxValue = aws.ToString(c.MinValue), aws.ToString(c.MaxValue)
	}
	return a, nil
}

// checkSchemaConstraints checks the constraints a schema entry gives:
// numbers for NumberAttributeConstraints, lengths of 0 to 2048 for
// StringAttributeConstraints, and minimums no greater than maximums.
func checkSchemaConstraints(w types.SchemaAttributeType) error {
	name := truncate(aws.ToString(w.Name), 64)
	if c := w.StringAttributeConstraints; c != nil {
		lo, hi := 0, 2048
		for _, b := range []struct {
			v   *string
			out *int
		}{{c.MinLength, &lo}, {c.MaxLength, &hi}} {
			if b.v == nil {
				continue
			}
			n, err := strconv.Atoi(*b.v)
			if err != nil || n < 0 || n > 2048 {
				return invalidParameter("StringAttributeConstraints of %s must be lengths from 0 to 2048.", name)
			}
			*b.out = n
		}
		if lo > hi {
			return invalidParameter("StringAttributeConstraints of %s: MinLength is greater than MaxLength.", name)
		}
	}
	if c := w.NumberAttributeConstraints; c != nil {
		var lo, hi *float64
		for _, b := range []struct {
			v   *string
			out **float64
		}{{c.MinValue, &lo}, {c.MaxValue, &hi}} {
			if b.v == nil {
				continue
			}
			n, err := strconv.ParseFloat(*b.v, 64)
			if err != nil {
				return invalidParameter("NumberAttributeConstraints of %s must be numbers.", name)
			}
			*b.out = &n
		}
		if lo != nil && hi != nil && *lo > *hi {
			return invalidParameter("NumberAttributeConstraints of %s: MinValue is greater than MaxValue.", name)
		}
	}
	return nil
}

// custom reports whether a is a custom (or developer-only) attribute.
func (a schemaAttribute) custom() bool { return strings.Contains(a.Name, "custom:") }

// customName is a custom attribute's name without dev: (custom:plan for
// dev:custom:plan).
func customName(name string) string { return strings.TrimPrefix(name, "dev:") }

// describedName is the name DescribeUserPool and GetCSVHeader show for a:
// dev:custom:<name> for a developer-only attribute, as AWS shows it.
func (a schemaAttribute) describedName() string {
	if a.DeveloperOnly && !strings.HasPrefix(a.Name, "dev:") {
		return "dev:" + a.Name
	}
	return a.Name
}

// hasCustomAttribute reports whether schema has a custom attribute of the
// same name as name, developer-only or not.
func hasCustomAttribute(schema []schemaAttribute, name string) bool {
	return slices.ContainsFunc(schema, func(a schemaAttribute) bool { return customName(a.Name) == customName(name) })
}

// schemaAttribute finds an attribute of p's schema by name. A
// developer-only attribute is found by the name DescribeUserPool shows
// (dev:custom:<name>) as well as by its custom:<name>.
func (p *pool) schemaAttribute(name string) (schemaAttribute, bool) {
	i := slices.IndexFunc(p.Schema, func(a schemaAttribute) bool {
		return a.Name == name || a.describedName() == name
	})
	if i < 0 {
		return schemaAttribute{}, false
	}
	return p.Schema[i], true
}

// attributeChange says who is writing attributes: the user (with an access
// token, who cannot touch immutable or developer-only attributes once set)
// or an administrator.
type attributeChange int

const (
	byUser attributeChange = iota
	byAdmin
	atCreation
)

// checkAttributes validates attribute writes against the pool's schema and
// returns them as a map. It changes nothing.
func (p *pool) checkAttributes(attrs []types.AttributeType, who attributeChange) (map[string]string, error) {
	out := make(map[string]string, len(attrs))
	for _, attr := range attrs {
		a := struct{ Name, Value string }{aws.ToString(attr.Name), aws.ToString(attr.Value)}
		def, ok := p.schemaAttribute(a.Name)
		if !ok {
			return nil, invalidParameter("Attributes did not conform to the schema: %s: Attribute does not exist in the schema.", truncate(a.Name, 64))
		}
		a.Name = def.Name // dev:custom:x is kept as custom:x
		if a.Name == "sub" {
			return nil, invalidParameter("Cannot modify the non-mutable attribute sub")
		}
		if !def.Mutable && who != atCreation {
			return nil, invalidParameter("Cannot modify the non-mutable attribute %s", a.Name)
		}
		if def.DeveloperOnly && who == byUser {
			return nil, notAuthorized("A client attempted to write unauthorized attribute")
		}
		v, err := checkAttributeValue(def, a.Value)
		if err != nil {
			return nil, err
		}
		out[a.Name] = v
	}
	return out, nil
}

var phonePattern = regexp.MustCompile(`^\+[0-9]{4,15}$`)

// checkAttributeValue checks one attribute value against its schema
// definition and returns it in the form it is stored in: booleans, which
// AWS accepts in any letter case ("True", "FALSE"), as "true" or "false";
// other values as given.
func checkAttributeValue(def schemaAttribute, value string) (string, error) {
	bad := func(why string) error {
		return invalidParameter("Invalid %s: %s", def.Name, why)
	}
	if len(value) > 2048 || !utf8.ValidString(value) {
		return "", bad("the value is too long or not valid UTF-8.")
	}
	switch {
	case def.Name == "email" && value != "":
		if _, err := mail.ParseAddress(value); err != nil || !strings.Contains(value, "@") || strings.ContainsAny(value, " <>") {
			return "", invalidParameter("Invalid email address format.")
		}
	case def.Name == "phone_number" && value != "":
		if !phonePattern.MatchString(value) {
			return "", invalidParameter("Invalid phone number format.")
		}
	case def.DataType == "Boolean":
		lower := strings.ToLower(value)
		if lower != "true" && lower != "false" {
			return "", bad("the value must be true or false.")
		}
		return lower, nil
	case def.DataType == "Number":
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return "", bad("the value must be a number.")
		}
		if lo, err := strconv.ParseFloat(def.NumberMinValue, 64); err == nil && n < lo {
			return "", bad("the value is below the minimum.")
		}
		if hi, err := strconv.ParseFloat(def.NumberMaxValue, 64); err == nil && n > hi {
			return "", bad("the value is above the maximum.")
		}
	case def.DataType == "String":
		if lo, err := strconv.Atoi(def.StringMinLength); err == nil && utf8.RuneCountInString(value) < lo {
			return "", bad("the value is too short.")
		}
		if hi, err := strconv.Atoi(def.StringMaxLength); err == nil && utf8.RuneCountInString(value) > hi {
			return "", bad("the value is too long.")
		}
	}
	return value, nil
}

// checkRequired returns an error naming the first required attribute attrs
// lacks.
func (p *pool) checkRequired(attrs map[string]string) error {
	for _, a := range p.Schema {
		if a.Required && a.Name != "sub" && attrs[a.Name] == "" {
			return invalidParameter("Attributes did not conform to the schema: %s: The attribute is required", a.Name)
		}
	}
	return nil
}

// attributeList renders a user's attributes as Cognito lists them: sub
// first, then by name.
func attributeList(attrs map[string]string) []types.AttributeType {
	names := slices.Sorted(maps.Keys(attrs))
	if i := slices.Index(names, "sub"); i > 0 {
		names = append([]string{"sub"}, slices.Delete(names, i, i+1)...)
	}
	out := make([]types.AttributeType, len(names))
	for i, n := range names {
		out[i] = types.AttributeType{Name: aws.String(n), Value: aws.String(attrs[n])}
	}
	return out
}
