package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Apply makes the server's state match setup: every pool, domain,
// resource server, app client, group and user it declares is created, or
// updated where it differs; nothing it does not declare is changed or
// removed. Applying the same setup again changes nothing.
//
// Each declaration is validated as the API's action for it validates a
// request (CreateUserPool, CreateUserPoolClient, AdminCreateUser, ...),
// and the whole setup is applied in one transaction: a setup refused —
// with an error naming the place in it, as in "Pools[0].Users[2] (ana):
// ..." — changes nothing. Errors never carry a password or a secret.
func (s *Server) Apply(ctx context.Context, setup *Setup) error {
	if setup == nil {
		setup = &Setup{}
	}
	plan, err := s.planSetup(ctx, setup)
	if err != nil {
		return fmt.Errorf("emulator: setup: %w", err)
	}
	var done setupCounts
	err = s.update(ctx, func(st *state) error {
		done = setupCounts{}
		for _, pp := range plan {
			if err := s.applyPoolPlan(st, pp, &done); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("emulator: setup: %w", err)
	}
	for _, p := range done.pools {
		s.warnInertSettings(p)
	}
	for _, cl := range done.clients {
		s.warnInertClientSettings(cl)
	}
	s.log.Info("setup applied", "pools", len(plan), "created", done.created, "updated", done.updated)
	return nil
}

// setupCounts count what an Apply changed.
type setupCounts struct {
	created, updated int
	pools            []*pool // created or updated
	clients          []*appClient
}

// applyPoolPlan applies one planned pool in the write transaction st.
func (s *Server) applyPoolPlan(st *state, pp *poolPlan, done *setupCounts) error {
	p, err := pp.pool.clone()
	if err != nil {
		return err
	}
	old, err := storedPool(st, p.ID)
	switch {
	case err != nil:
		return err
	case old == nil && pp.key == nil:
		return errSetupRace
	case old == nil:
		if err := s.applyDomain(st, p, pp.decl); err != nil {
			return at(pp.at, err)
		}
		if err := st.createPool(p, pp.key); err != nil {
			return err
		}
		done.created++
		done.pools = append(done.pools, p)
	default:
		if err := mergeStoredPool(old, p); err != nil {
			return at(pp.at, err)
		}
		if err := s.applyDomain(st, p, pp.decl); err != nil {
			return at(pp.at, err)
		}
		same, err := sameRecord(old, p)
		if err != nil {
			return err
		}
		if !same {
			p.Modified = s.now()
			if err := st.putPool(p); err != nil {
				return err
			}
			done.updated++
			done.pools = append(done.pools, p)
		}
	}
	if err := s.applyResourceServers(st, p, pp, done); err != nil {
		return err
	}
	for _, cp := range pp.clients {
		if err := s.applyClient(st, p, cp, done); err != nil {
			return at(cp.at, err)
		}
	}
	for i, g := range pp.groups {
		if err := s.applyGroup(st, p, g, done); err != nil {
			return at(place(itemPath(pp.path, "Groups", i), g.Name), err)
		}
	}
	for _, up := range pp.users {
		if err := s.applyUser(st, p, up, done); err != nil {
			return at(up.at, err)
		}
	}
	return nil
}

// sameRecord reports whether two records are stored the same.
func sameRecord(a, b any) (bool, error) {
	ra, err := json.Marshal(a)
	if err != nil {
		return false, fmt.Errorf("encoding a record: %w", err)
	}
	rb, err := json.Marshal(b)
	if err != nil {
		return false, fmt.Errorf("encoding a record: %w", err)
	}
	return bytes.Equal(ra, rb), nil
}

// mergeStoredPool makes p, a declared pool, the update of old, the
// stored one: what Cognito fixes at creation must be the same (custom
// attributes may be added to the schema, as AddCustomAttributes does),
// the domain (see applyDomain), the creation and modification times are
// old's.
func mergeStoredPool(old, p *pool) error {
	fixed := func(member string, was, now []string) error {
		if !sameSet(was, now) {
			return invalidParameter("%s cannot change once the pool exists (it is [%s]): delete the pool, or start on a new data directory.", member, strings.Join(was, " "))
		}
		return nil
	}
	if err := fixed("UsernameAttributes", old.UsernameAttributes, p.UsernameAttributes); err != nil {
		return err
	}
	if err := fixed("AliasAttributes", old.AliasAttributes, p.AliasAttributes); err != nil {
		return err
	}
	if old.CaseSensitive != p.CaseSensitive {
		return invalidParameter("UsernameConfiguration cannot change once the pool exists (CaseSensitive is %t).", old.CaseSensitive)
	}
	schema := slices.Clone(old.Schema)
	for _, a := range old.Schema {
		i := slices.IndexFunc(p.Schema, func(b schemaAttribute) bool { return b.Name == a.Name })
		switch {
		case i < 0:
			return invalidParameter("The attribute %s cannot be removed from the schema of an existing pool.", a.describedName())
		case p.Schema[i] != a:
			return invalidParameter("The attribute %s cannot change once the pool exists; custom attributes can only be added.", a.describedName())
		}
	}
	for _, a := range p.Schema {
		if !slices.ContainsFunc(old.Schema, func(b schemaAttribute) bool { return b.Name == a.Name }) {
			schema = append(schema, a)
		}
	}
	p.UsernameAttributes, p.AliasAttributes, p.Schema = old.UsernameAttributes, old.AliasAttributes, schema
	p.TemporaryPasswordValiditySet = p.TemporaryPasswordValiditySet || old.TemporaryPasswordValiditySet
	p.Domain, p.DomainSettings = old.Domain, old.DomainSettings
	p.Created, p.Modified = old.Created, old.Modified
	return nil
}

// sameSet reports whether a and b hold the same strings.
func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// applyDomain gives p the declared domain (or none), as
// CreateUserPoolDomain, UpdateUserPoolDomain and DeleteUserPoolDomain
// would; the caller stores p.
func (s *Server) applyDomain(st *state, p *pool, decl *PoolSetup) error {
	want := decl.Domain
	if want != p.Domain {
		if want != "" {
			owner, err := st.domainPool(want)
			switch {
			case err == nil && owner != p.ID:
				return invalidParameter("Domain %s already associated with another user pool.", want)
			case err != nil && !isNotFound(err):
				return err
			}
		}
		if err := st.setDomain(p, want); err != nil {
			return err
		}
		p.DomainSettings = nil
	}
	if want == "" {
		return nil
	}
	settings := domainSettings{ManagedLoginVersion: 1, Version: s.now().UTC().Format(domainVersionLayout)}
	if p.DomainSettings != nil {
		settings.Version = p.DomainSettings.Version
	}
	if c := decl.CustomDomainConfig; c != nil {
		settings.CertificateARN = aws.ToString(c.CertificateArn)
	}
	if v := decl.ManagedLoginVersion; v != nil {
		settings.ManagedLoginVersion = *v
	}
	p.DomainSettings = &settings
	return checkTierAllows(p, settings.ManagedLoginVersion)
}

// applyResourceServers creates or updates p's declared resource servers,
// within the number a pool may have.
func (s *Server) applyResourceServers(st *state, p *pool, pp *poolPlan, done *setupCounts) error {
	n, err := st.countResourceServers(p)
	if err != nil {
		return err
	}
	for i, rs := range pp.servers {
		old, err := st.resourceServer(p, rs.Identifier)
		switch {
		case isNotFound(err):
			if n++; n > maxResourceServers {
				return at(place(itemPath(pp.path, "ResourceServers", i), rs.Identifier), newError(excLimitExceeded, "User pool %s would have more than %d resource servers, the most it can have.", p.ID, maxResourceServers))
			}
			done.created++
		case err != nil:
			return err
		default:
			same, err := sameRecord(old, rs)
			if err != nil {
				return err
			}
			if same {
				continue
			}
			done.updated++
		}
		if err := st.putResourceServer(p, rs); err != nil {
			return err
		}
	}
	return nil
}

// applyClient creates or updates a declared client of p: with
// CreateUserPoolClient's validation and defaults, its secret kept when it
// is the declared one (or, with GenerateSecret, when it has one).
func (s *Server) applyClient(st *state, p *pool, cp clientPlan, done *setupCounts) error {
	old, owner, err := st.client(cp.id)
	switch {
	case isResourceNotFound(err):
		old = nil
	case err != nil:
		return err
	case owner.ID != p.ID:
		return invalidParameter("The client ID is taken by a client of user pool %s: client IDs are unique across pools.", owner.ID)
	}
	cl, err := s.newClient(st, p, cp.id, &cp.in)
	if err != nil {
		return err
	}
	if old == nil {
		done.created++
		done.clients = append(done.clients, cl)
		return st.putClient(cl)
	}
	if cp.in.ClientSecret != nil && old.secretMatches(*cp.in.ClientSecret) || cp.in.GenerateSecret && old.hasSecret() {
		cl.setSecrets(old.Secrets)
	}
	cl.Created, cl.Modified = old.Created, old.Modified
	if same, err := sameRecord(old, cl); err != nil || same {
		return err
	}
	cl.Modified = s.now()
	done.updated++
	done.clients = append(done.clients, cl)
	return st.putClient(cl)
}

// applyGroup creates or updates a declared group of p.
func (s *Server) applyGroup(st *state, p *pool, g *group, done *setupCounts) error {
	old, err := st.group(p, g.Name)
	switch {
	case isNotFound(err):
		done.created++
		return st.putGroup(p, g)
	case err != nil:
		return err
	}
	g.Created, g.Modified = old.Created, old.Modified
	if same, err := sameRecord(old, g); err != nil || same {
		return err
	}
	g.Modified = s.now()
	done.updated++
	return st.putGroup(p, g)
}

// applyUser creates or updates a declared user of p.
func (s *Server) applyUser(st *state, p *pool, up *userPlan, done *setupCounts) error {
	u, replace, err := findDeclaredUser(st, p, up)
	if err != nil {
		return err
	}
	// The plan decided from the user it found, its password too (a
	// declared password already set is not set again): any of it changed
	// since is a race.
	if replace != up.replace || (u == nil) != (up.found == nil) ||
		u != nil && (u.Username != up.found.Username || !bytes.Equal(u.Salt, up.found.Salt) || !bytes.Equal(u.Verifier, up.found.Verifier)) {
		return errSetupRace
	}
	if replace {
		if err := st.deleteUser(p, u); err != nil {
			return err
		}
		u = nil
	}
	if u == nil {
		u = up.fresh
		if err := s.declareUser(st, p, u, up, true); err != nil {
			return err
		}
		done.created++
		return st.insertUser(p, u, false)
	}
	was, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("encoding a user: %w", err)
	}
	if err := s.declareUser(st, p, u, up, false); err != nil {
		return err
	}
	if same, err := sameRecord(json.RawMessage(was), u); err != nil || same {
		return err
	}
	u.Modified = s.now()
	done.updated++
	return st.putUser(p, u)
}

// declareUser sets on u what the declaration up says, as the
// administrator's actions would. Members left out leave a stored user's
// values; a new user's status is CONFIRMED unless declared.
func (s *Server) declareUser(st *state, p *pool, u *user, up *userPlan, created bool) error {
	d := up.decl
	if !created {
		values, err := p.checkAttributes(up.attrs, atCreation)
		if err != nil {
			return err
		}
		for _, name := range sortedKeys(values) {
			if u.Attributes[name] == values[name] {
				continue
			}
			if def, _ := p.schemaAttribute(name); !def.Mutable {
				return invalidParameter("Cannot modify the non-mutable attribute %s", name)
			}
			u.Attributes[name] = values[name]
		}
	}
	switch {
	case d.UserStatus != "":
		u.Status = string(d.UserStatus)
	case created:
		u.Status = statusConfirmed
	}
	if d.Enabled != nil {
		if u.Enabled && !*d.Enabled && !created {
			if err := st.revokeSessions(p, u); err != nil {
				return err
			}
		}
		u.Enabled = *d.Enabled
	}
	passwordSet := up.verifier != nil
	if passwordSet {
		setPassword(u, up.salt, up.verifier)
	}
	expires := u.TemporaryPasswordExpires
	switch {
	case u.Status != statusForceChangePassword:
		u.TemporaryPasswordExpires = time.Time{}
	case passwordSet || expires.IsZero() || s.now().After(expires):
		// A declared temporary password is renewed when it expired: the
		// setup applies at every start.
		u.TemporaryPasswordExpires = s.temporaryPasswordExpiry(p)
	}
	if d.Groups != nil {
		u.Groups = nil
		for _, g := range d.Groups {
			u.joinGroup(g)
		}
	}
	if up.totp != nil && !bytes.Equal(u.MFA.TOTPSecret, up.totp) {
		u.MFA.TOTPSecret, u.MFA.TOTPLastStep = up.totp, 0
	}
	if up.factors != nil {
		enabled := up.factors
		if d.UserMFASettingList == nil {
			enabled = append(slices.Clone(u.MFA.Enabled), up.factors...) // PreferredMfaSetting alone
		}
		prefs := make([]factorPreference, 0, len(factorOrder))
		for _, f := range factorOrder {
			prefs = append(prefs, factorPreference{factor: f, given: true, enabled: slices.Contains(enabled, f), preferred: d.PreferredMfaSetting == f})
		}
		return setMFAPreference(p, u, prefs)
	}
	return nil
}

// sortedKeys are the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
