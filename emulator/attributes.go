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
// standard names adjust the standard attribute, other names add
// custom:<name> attributes.
func buildSchema(in []types.SchemaAttributeType) ([]schemaAttribute, error) {
	schema := standardSchema()
	for _, w := range in {
		wname := aws.ToString(w.Name)
		name := strings.TrimPrefix(wname, "custom:")
		if i := slices.IndexFunc(schema, func(a schemaAttribute) bool { return a.Name == name }); i >= 0 && !strings.HasPrefix(wname, "custom:") {
			if name == "sub" {
				return nil, invalidParameter("The sub attribute cannot be modified.")
			}
			if w.Required != nil {
				schema[i].Required = *w.Required
			}
			if w.Mutable != nil {
				schema[i].Mutable = *w.Mutable
			}
			continue
		}
		if !customNamePattern.MatchString(name) {
			return nil, invalidParameter("Invalid custom attribute name %q.", truncate(wname, 64))
		}
		if slices.ContainsFunc(schema, func(a schemaAttribute) bool { return a.Name == "custom:"+name }) {
			return nil, invalidParameter("Existing attribute already has name custom:%s.", name)
		}
		a := schemaAttribute{Name: "custom:" + name, DataType: string(w.AttributeDataType), Mutable: true}
		if a.DataType == "" {
			a.DataType = "String"
		}
		if !slices.Contains([]string{"String", "Number", "DateTime", "Boolean"}, a.DataType) {
			return nil, invalidParameter("Invalid AttributeDataType %q for custom:%s.", truncate(a.DataType, 32), name)
		}
		if w.Required != nil && *w.Required {
			return nil, invalidParameter("Required custom attributes are not supported currently.")
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
		schema = append(schema, a)
	}
	return schema, nil
}

func (p *pool) schemaAttribute(name string) (schemaAttribute, bool) {
	i := slices.IndexFunc(p.Schema, func(a schemaAttribute) bool { return a.Name == name })
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
			return nil, invalidParameter("Attribute does not exist in the schema.")
		}
		if a.Name == "sub" {
			return nil, invalidParameter("Cannot modify the non-mutable attribute sub")
		}
		if !def.Mutable && who != atCreation {
			return nil, invalidParameter("Cannot modify the non-mutable attribute %s", a.Name)
		}
		if def.DeveloperOnly && who == byUser {
			return nil, notAuthorized("A client attempted to write unauthorized attribute")
		}
		if err := checkAttributeValue(def, a.Value); err != nil {
			return nil, err
		}
		out[a.Name] = a.Value
	}
	return out, nil
}

var phonePattern = regexp.MustCompile(`^\+[0-9]{4,15}$`)

func checkAttributeValue(def schemaAttribute, value string) error {
	bad := func(why string) error {
		return invalidParameter("Invalid %s: %s", def.Name, why)
	}
	if len(value) > 2048 || !utf8.ValidString(value) {
		return bad("the value is too long or not valid UTF-8.")
	}
	switch {
	case def.Name == "email" && value != "":
		if _, err := mail.ParseAddress(value); err != nil || !strings.Contains(value, "@") || strings.ContainsAny(value, " <>") {
			return invalidParameter("Invalid email address format.")
		}
	case def.Name == "phone_number" && value != "":
		if !phonePattern.MatchString(value) {
			return invalidParameter("Invalid phone number format.")
		}
	case def.DataType == "Boolean":
		if value != "true" && value != "false" {
			return bad("the value must be true or false.")
		}
	case def.DataType == "Number":
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return bad("the value must be a number.")
		}
		if lo, err := strconv.ParseFloat(def.NumberMinValue, 64); err == nil && n < lo {
			return bad("the value is below the minimum.")
		}
		if hi, err := strconv.ParseFloat(def.NumberMaxValue, 64); err == nil && n > hi {
			return bad("the value is above the maximum.")
		}
	case def.DataType == "String":
		if lo, err := strconv.Atoi(def.StringMinLength); err == nil && utf8.RuneCountInString(value) < lo {
			return bad("the value is too short.")
		}
		if hi, err := strconv.Atoi(def.StringMaxLength); err == nil && utf8.RuneCountInString(value) > hi {
			return bad("the value is too long.")
		}
	}
	return nil
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
