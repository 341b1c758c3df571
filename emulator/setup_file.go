package emulator

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/yaml"
)

// A Setup as a document: YAML or JSON, with the members of the types
// (json tags; the SDK shapes' members by their Go names, which are the
// API's). Reading converts YAML to JSON (sigs.k8s.io/yaml), so one set of
// names serves both; writing leaves out members with their zero value,
// in the order of the types, so that a written setup reads as one a
// person wrote.

// ParseSetup reads a setup from YAML or JSON (JSON when it starts with
// '{'). Members are matched regardless of case, as encoding/json matches
// them; a member the setup has no place for is refused, named by its
// place (Pools[0].Users[1].Pasword). A number or a boolean where text is
// wanted is its text (MinLength: 1); as YAML 1.1 reads them, unquoted
// ON, OFF, yes and no are booleans (quote them: MfaConfiguration: "ON").
// An empty document is an empty setup.
func ParseSetup(data []byte) (*Setup, error) {
	raw := data
	if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
		var err error
		if raw, err = yaml.YAMLToJSONStrict(data); err != nil {
			return nil, fmt.Errorf("emulator: reading setup: %w", err)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return nil, fmt.Errorf("emulator: reading setup: line %d: %w", 1+bytes.Count(raw[:syntax.Offset], []byte("\n")), err)
		}
		return nil, fmt.Errorf("emulator: reading setup: %w", err)
	}
	doc, unknown := normalize(doc, reflect.TypeFor[Setup](), "")
	if unknown != "" {
		return nil, fmt.Errorf("emulator: reading setup: unknown member %s", unknown)
	}
	normalized, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("emulator: reading setup: %w", err)
	}
	setup := new(Setup)
	if err := json.Unmarshal(normalized, setup); err != nil {
		return nil, fmt.Errorf("emulator: reading setup: %w", err)
	}
	return setup, nil
}

// YAML writes the setup as YAML, leaving out members with their zero
// value.
func (s *Setup) YAML() ([]byte, error) {
	out, err := yamlv2.Marshal(yamlOf(plainOf(reflect.ValueOf(s).Elem())))
	if err != nil {
		return nil, fmt.Errorf("emulator: writing setup: %w", err)
	}
	return out, nil
}

// JSON writes the setup as indented JSON, leaving out members with their
// zero value.
func (s *Setup) JSON() ([]byte, error) {
	out, err := json.MarshalIndent(plainOf(reflect.ValueOf(s).Elem()), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("emulator: writing setup: %w", err)
	}
	return append(out, '\n'), nil
}

// jsonField is a member of a struct as encoding/json names it, with the
// index of its field (through embedded structs).
type jsonField struct {
	name  string
	index []int
}

// jsonFields are the members of struct type t as encoding/json sees them:
// exported fields by their tag's name or their own, those of embedded
// structs without a tag in their place, none tagged "-". (The setup's
// types have no two members of one name, so encoding/json's rules for
// them are left out.)
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for _, inner := range jsonFields(f.Type) {
				out = append(out, jsonField{inner.name, append([]int{i}, inner.index...)})
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name, []int{i}})
	}
	return out
}

// normalize is doc, a decoded JSON document (numbers as json.Number),
// ready to decode into type t: numbers and booleans where t wants text
// made text. It also returns the place of the first member (in key
// order) t has no field for, or "".
func normalize(doc any, t reflect.Type, where string) (any, string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return doc, "" // it reads itself
	}
	switch t.Kind() {
	case reflect.String:
		switch v := doc.(type) {
		case json.Number:
			return v.String(), ""
		case bool:
			return strconv.FormatBool(v), ""
		}
	case reflect.Struct:
		obj, ok := doc.(map[string]any)
		if !ok {
			break
		}
		fields := jsonFields(t)
		for _, key := range sortedKeys(obj) {
			i := slices.IndexFunc(fields, func(f jsonField) bool { return strings.EqualFold(f.name, key) })
			if i < 0 {
				return doc, memberPlace(where, key)
			}
			var unknown string
			if obj[key], unknown = normalize(obj[key], t.FieldByIndex(fields[i].index).Type, memberPlace(where, key)); unknown != "" {
				return doc, unknown
			}
		}
	case reflect.Slice:
		list, _ := doc.([]any)
		for i := range list {
			var unknown string
			if list[i], unknown = normalize(list[i], t.Elem(), fmt.Sprintf("%s[%d]", where, i)); unknown != "" {
				return doc, unknown
			}
		}
	case reflect.Map:
		obj, _ := doc.(map[string]any)
		for _, key := range sortedKeys(obj) {
			var unknown string
			if obj[key], unknown = normalize(obj[key], t.Elem(), memberPlace(where, key)); unknown != "" {
				return doc, unknown
			}
		}
	}
	return doc, ""
}

func memberPlace(where, member string) string {
	if where == "" {
		return member
	}
	return where + "." + member
}

// object is a JSON object whose members keep their order.
type object []objectMember

type objectMember struct {
	name  string
	value any
}

// MarshalJSON writes the object's members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		name, err := json.Marshal(m.name)
		if err != nil {
			return nil, err
		}
		value, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// plainOf is v as plain values — objects, lists, strings, numbers and
// booleans — as encoding/json would write it, but with the members of
// structs whose value is zero (see isZero) left out, and bytes in base64.
func plainOf(v reflect.Value) any {
	if k := v.Kind(); k != reflect.Pointer && k != reflect.Interface &&
		(v.Type().Implements(reflect.TypeFor[json.Marshaler]()) || v.Type().Implements(reflect.TypeFor[encoding.TextMarshaler]())) {
		// A value that writes itself (none of the setup's types do).
		var out any
		if raw, err := json.Marshal(v.Interface()); err == nil && json.Unmarshal(raw, &out) == nil {
			return out
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return plainOf(v.Elem())
	case reflect.Struct:
		out := object{}
		for _, f := range jsonFields(v.Type()) {
			if fv := v.FieldByIndex(f.index); !isZero(fv) {
				out = append(out, objectMember{f.name, plainOf(fv)})
			}
		}
		return out
	case reflect.Map:
		out := object{}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			out = append(out, objectMember{k.String(), plainOf(v.MapIndex(k))})
		}
		return out
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(v.Bytes())
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = plainOf(v.Index(i))
		}
		return out
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return nil
}

// isZero reports whether a member is left out of a written setup: nil,
// empty, zero or false — a pointer to a zero value is not (false and
// false by default are not the same), a struct is when all its members
// are.
func isZero(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Slice, reflect.Map, reflect.String:
		return v.Len() == 0
	case reflect.Struct:
		for _, f := range jsonFields(v.Type()) {
			if !isZero(v.FieldByIndex(f.index)) {
				return false
			}
		}
		return true
	}
	return v.IsZero()
}

// yamlOf is a plain value for the YAML encoder: objects as ordered maps.
func yamlOf(v any) any {
	switch v := v.(type) {
	case object:
		out := make(yamlv2.MapSlice, 0, len(v))
		for _, m := range v {
			out = append(out, yamlv2.MapItem{Key: m.name, Value: yamlOf(m.value)})
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = yamlOf(e)
		}
		return out
	case map[string]any:
		out := make(yamlv2.MapSlice, 0, len(v))
		for _, k := range sortedKeys(v) {
			out = append(out, yamlv2.MapItem{Key: k, Value: yamlOf(v[k])})
		}
		return out
	}
	return v
}
