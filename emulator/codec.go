package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/smithy-go/middleware"
)

// The wire codec. Actions take and return the AWS SDK for Go's own input
// and output shapes (package cognitoidentityprovider and its types): their
// Go field names are the wire's member names, so they are the schema of the
// protocol. Inputs are decoded with encoding/json (unknown members are
// ignored, as AWS does for members a newer SDK sends). Outputs are encoded
// here, as AWS JSON 1.1 writes them: nil members are omitted, timestamps
// are epoch seconds (a number), blobs base64, map keys sorted, and the
// SDK's client-side fields (ResultMetadata) never appear.

// encodeShape writes v, an SDK output shape or a pointer to one, as JSON.
func encodeShape(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || (rv.Kind() == reflect.Pointer && rv.IsNil()) {
		return []byte("{}"), nil
	}
	return encoderFor(rv.Type())(nil, rv)
}

type encoderFunc func(buf []byte, v reflect.Value) ([]byte, error)

var encoders sync.Map // reflect.Type → encoderFunc

// encoderFor returns the encoder of t, building it once per type.
func encoderFor(t reflect.Type) encoderFunc {
	if e, ok := encoders.Load(t); ok {
		return e.(encoderFunc)
	}
	// A recursive shape refers to itself: the placeholder forwards to the
	// encoder once it is built.
	var (
		wg sync.WaitGroup
		f  encoderFunc
	)
	wg.Add(1)
	e, loaded := encoders.LoadOrStore(t, encoderFunc(func(buf []byte, v reflect.Value) ([]byte, error) {
		wg.Wait()
		return f(buf, v)
	}))
	if loaded {
		return e.(encoderFunc)
	}
	f = newEncoder(t)
	wg.Done()
	encoders.Store(t, f)
	return f
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	metadataType = reflect.TypeFor[middleware.Metadata]()
)

func newEncoder(t reflect.Type) encoderFunc {
	if t == timeType {
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			ms := v.Interface().(time.Time).UnixMilli()
			return strconv.AppendFloat(buf, float64(ms)/1000, 'f', -1, 64), nil
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem := encoderFor(t.Elem())
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			if v.IsNil() {
				return append(buf, "null"...), nil
			}
			return elem(buf, v.Elem())
		}
	case reflect.String:
		return func(buf []byte, v reflect.Value) ([]byte, error) { return appendString(buf, v.String()), nil }
	case reflect.Bool:
		return func(buf []byte, v reflect.Value) ([]byte, error) { return strconv.AppendBool(buf, v.Bool()), nil }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(buf []byte, v reflect.Value) ([]byte, error) { return strconv.AppendInt(buf, v.Int(), 10), nil }
	case reflect.Float32, reflect.Float64:
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			return strconv.AppendFloat(buf, v.Float(), 'g', -1, t.Bits()), nil
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return func(buf []byte, v reflect.Value) ([]byte, error) {
				return appendString(buf, base64.StdEncoding.EncodeToString(v.Bytes())), nil
			}
		}
		elem := encoderFor(t.Elem())
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			buf = append(buf, '[')
			for i := range v.Len() {
				if i > 0 {
					buf = append(buf, ',')
				}
				var err error
				if buf, err = elem(buf, v.Index(i)); err != nil {
					return nil, err
				}
			}
			return append(buf, ']'), nil
		}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			break
		}
		elem := encoderFor(t.Elem())
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			keys := v.MapKeys()
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
			buf = append(buf, '{')
			for i, k := range keys {
				if i > 0 {
					buf = append(buf, ',')
				}
				buf = append(appendString(buf, k.String()), ':')
				var err error
				if buf, err = elem(buf, v.MapIndex(k)); err != nil {
					return nil, err
				}
			}
			return append(buf, '}'), nil
		}
	case reflect.Struct:
		return structEncoder(t)
	case reflect.Interface:
		// Document members (free-form JSON): encoding/json writes them.
		return func(buf []byte, v reflect.Value) ([]byte, error) {
			if v.IsNil() {
				return append(buf, "null"...), nil
			}
			raw, err := json.Marshal(v.Interface())
			return append(buf, raw...), err
		}
	}
	return func([]byte, reflect.Value) ([]byte, error) {
		return nil, fmt.Errorf("emulator: no wire encoding for %s", t)
	}
}

// structEncoder writes a shape's members. A member that is a nil pointer,
// slice, map or interface, or an empty enum, is absent; other values
// (numbers and booleans the SDK does not make pointers) are always written,
// as AWS writes them.
func structEncoder(t reflect.Type) encoderFunc {
	type member struct {
		index  int
		name   []byte // `"Name":`
		encode encoderFunc
		omit   func(reflect.Value) bool
	}
	var members []member
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Type == metadataType {
			continue
		}
		m := member{index: i, name: append(appendString(nil, f.Name), ':'), encode: encoderFor(f.Type)}
		switch f.Type.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			m.omit = reflect.Value.IsNil
		case reflect.String:
			m.omit = func(v reflect.Value) bool { return v.Len() == 0 }
		default:
			m.omit = func(reflect.Value) bool { return false }
		}
		members = append(members, m)
	}
	return func(buf []byte, v reflect.Value) ([]byte, error) {
		buf = append(buf, '{')
		first := true
		for _, m := range members {
			fv := v.Field(m.index)
			if m.omit(fv) {
				continue
			}
			if !first {
				buf = append(buf, ',')
			}
			first = false
			buf = append(buf, m.name...)
			var err error
			if buf, err = m.encode(buf, fv); err != nil {
				return nil, err
			}
		}
		return append(buf, '}'), nil
	}
}

// appendString writes s as a JSON string. Invalid UTF-8 becomes U+FFFD.
func appendString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch b {
			case '"', '\\':
				buf = append(buf, '\\', b)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
