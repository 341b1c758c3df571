package emulator

import (
	"strings"
)

// filterAttributes are the attributes ListUsers can search, as on AWS.
var filterAttributes = map[string]func(u *user) string{
	"username":            func(u *user) string { return u.Username },
	"email":               func(u *user) string { return u.Attributes["email"] },
	"phone_number":        func(u *user) string { return u.Attributes["phone_number"] },
	"name":                func(u *user) string { return u.Attributes["name"] },
	"given_name":          func(u *user) string { return u.Attributes["given_name"] },
	"family_name":         func(u *user) string { return u.Attributes["family_name"] },
	"preferred_username":  func(u *user) string { return u.Attributes["preferred_username"] },
	"sub":                 func(u *user) string { return u.Attributes["sub"] },
	"cognito:user_status": func(u *user) string { return u.Status },
	"status": func(u *user) string {
		if u.Enabled {
			return "Enabled"
		}
		return "Disabled"
	},
}

// userFilter is a parsed ListUsers filter: users whose attribute equals
// value, or starts with it.
type userFilter struct {
	attr, value string
	prefix      bool
}

// match reports whether u passes the filter. A user without the attribute
// matches no filter on it, so an exact filter on the empty string (email =
// "") matches no one, as on AWS. A prefix filter on the empty string
// matches every user who has the attribute (AWS does not document it; this
// is the narrower reading).
func (f *userFilter) match(u *user) bool {
	v := filterAttributes[f.attr](u)
	if f.prefix {
		return v != "" && strings.HasPrefix(v, f.value)
	}
	return v != "" && v == f.value
}

// searchValues are the values of u that filters search: the search
// index's entries for it.
func searchValues(u *user) map[string]string {
	values := make(map[string]string, len(filterAttributes))
	for name, get := range filterAttributes {
		if v := get(u); v != "" {
			values[name] = v
		}
	}
	return values
}

// parseFilter parses a ListUsers filter — `attribute = "value"` (exact) or
// `attribute ^= "value"` (prefix), with \" and \\ escapes in the value. The
// empty filter is nil: every user.
func parseFilter(filter string) (*userFilter, error) {
	if strings.TrimSpace(filter) == "" {
		return nil, nil
	}
	bad := func(why string) error {
		return invalidParameter("Error while parsing filter: %s", why)
	}
	rest := strings.TrimLeft(filter, " ")
	end := strings.IndexAny(rest, " =^")
	if end <= 0 {
		return nil, bad("expected an attribute name followed by = or ^=.")
	}
	name := rest[:end]
	_, ok := filterAttributes[name]
	if !ok {
		return nil, bad("the attribute cannot be searched; use username, email, phone_number, name, given_name, family_name, preferred_username, sub, cognito:user_status or status.")
	}
	rest = strings.TrimLeft(rest[end:], " ")
	prefix := false
	switch {
	case strings.HasPrefix(rest, "^="):
		prefix, rest = true, rest[2:]
	case strings.HasPrefix(rest, "="):
		rest = rest[1:]
	default:
		return nil, bad("expected = or ^= after the attribute name.")
	}
	rest = strings.TrimLeft(rest, " ")
	if !strings.HasPrefix(rest, `"`) {
		return nil, bad("the value must be in double quotes.")
	}
	var value strings.Builder
	closed := false
	i := 1
	for ; i < len(rest); i++ {
		ch := rest[i]
		if ch == '\\' && i+1 < len(rest) {
			i++
			value.WriteByte(rest[i])
			continue
		}
		if ch == '"' {
			closed = true
			break
		}
		value.WriteByte(ch)
	}
	if !closed || strings.TrimSpace(rest[i+1:]) != "" {
		return nil, bad("unterminated value or text after the value.")
	}
	return &userFilter{attr: name, value: value.String(), prefix: prefix}, nil
}
