package emulator

import (
	"bytes"
	"context"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/uuid"

	"github.com/cognitokit/cognito/internal/srp"
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
	s.log.Info("setup applied", "pools", len(plan), "created", done.created, "updated", done.updated)
	return nil
}

// setupCounts count what an Apply changed.
type setupCounts struct {
	created, updated int
	pools            []*pool // created or updated
}

// poolPlan is one declared pool, checked, with what must be computed
// outside the write transaction (its signing key, users' verifiers).
type poolPlan struct {
	path    string // where the pool is in the setup: Pools[0]
	at      string // and with its ID
	decl    *PoolSetup
	pool    *pool // as declared: new, or merged into the stored one
	stored  bool  // the pool was stored when planned
	key     *signingKey
	servers []*resourceServer
	clients []clientPlan
	groups  []*group
	users   []*userPlan
}

type clientPlan struct {
	at string
	id string
	in cip.CreateUserPoolClientInput
}

// userPlan is one declared user.
type userPlan struct {
	at    string
	decl  *UserSetup
	attrs []types.AttributeType // the declared attributes but sub
	sub   string                // the declared sub, if any
	fresh *user                 // the user to create when none is stored
	// found is the stored user the declaration names, as planned (nil:
	// none); replace says it is replaced, its sub being another.
	found   *user
	replace bool
	// salt and verifier, when set, are the password to give the user.
	salt, verifier []byte
	totp           []byte
	factors        []string // UserMFASettingList, or nil to keep
}

// errSetupRace answers a setup whose users changed between its planning
// and its transaction.
var errSetupRace = errors.New("the stored users changed while the setup was being applied; apply it again")

// poolIDPattern is the form of a pool ID: a region, an underscore, then
// letters and digits.
var poolIDPattern = regexp.MustCompile(`^([a-z]{2}(?:-[a-z]+)+-[0-9]+)_[0-9A-Za-z]+$`)

// place names an item of the setup by its path and its name, if it has
// one: Pools[0].Users[2] (ana).
func place(path, name string) string {
	if name == "" {
		return path
	}
	return path + " (" + truncate(name, 64) + ")"
}

// itemPath is the path of the i-th item of a list of the item at path.
func itemPath(path, list string, i int) string {
	if path != "" {
		list = path + "." + list
	}
	return fmt.Sprintf("%s[%d]", list, i)
}

// at prefixes err with the place it concerns.
func at(where string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", where, err)
}

// planSetup checks setup and computes, outside any write transaction,
// the signing keys of new pools and the verifiers of passwords to set.
func (s *Server) planSetup(ctx context.Context, setup *Setup) ([]*poolPlan, error) {
	var plan []*poolPlan
	poolAt, clientAt := map[string]string{}, map[string]string{}
	for i := range setup.Pools {
		pp, err := s.planPool(&setup.Pools[i], itemPath("", "Pools", i))
		if err != nil {
			return nil, err
		}
		if prev, dup := poolAt[pp.pool.ID]; dup {
			return nil, fmt.Errorf("%s: the pool ID is also %s's", pp.at, prev)
		}
		poolAt[pp.pool.ID] = pp.at
		for _, cp := range pp.clients {
			if prev, dup := clientAt[cp.id]; dup {
				return nil, fmt.Errorf("%s: the client ID is also %s's: client IDs are unique across pools", cp.at, prev)
			}
			clientAt[cp.id] = cp.at
		}
		plan = append(plan, pp)
	}
	err := s.view(ctx, func(st *state) error {
		for _, pp := range plan {
			stored, err := storedPool(st, pp.pool.ID)
			if err != nil || stored == nil {
				return err
			}
			pp.stored = true
			for _, up := range pp.users {
				if up.found, up.replace, err = findDeclaredUser(st, stored, up); err != nil {
					return at(up.at, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, pp := range plan {
		if !pp.stored {
			if pp.key, err = s.generateKey(); err != nil {
				return nil, err
			}
		}
		for _, up := range pp.users {
			if up.found == nil || up.replace {
				if err := s.planNewUser(pp.pool, up); err != nil {
					return nil, at(up.at, err)
				}
			}
			if err := up.planPassword(pp.pool); err != nil {
				return nil, at(up.at, err)
			}
		}
	}
	return plan, nil
}

// planPool checks one declared pool and what is in it.
func (s *Server) planPool(decl *PoolSetup, path string) (*poolPlan, error) {
	id := decl.ID
	where := place(path, id)
	if err := s.checkPoolID(id); err != nil {
		return nil, at(where, err)
	}
	in := decl.CreateUserPoolInput
	if m := in.MfaConfiguration; m == "true" || m == "false" {
		return nil, at(where, invalidParameter(`Invalid MfaConfiguration %q: quote "ON" and "OFF", which YAML reads unquoted as booleans.`, m))
	}
	if in.PoolName == nil {
		_, suffix, _ := strings.Cut(id, "_")
		in.PoolName = aws.String(suffix)
	}
	mfa := &cip.SetUserPoolMfaConfigInput{
		UserPoolId: aws.String(id), MfaConfiguration: in.MfaConfiguration,
		SoftwareTokenMfaConfiguration: decl.SoftwareTokenMfaConfiguration,
		SmsMfaConfiguration:           decl.SmsMfaConfiguration, EmailMfaConfiguration: decl.EmailMfaConfiguration,
	}
	factorsDeclared := mfa.SoftwareTokenMfaConfiguration != nil || mfa.SmsMfaConfiguration != nil || mfa.EmailMfaConfiguration != nil
	if !factorsDeclared && in.SmsConfiguration == nil && in.MfaConfiguration != "" && in.MfaConfiguration != types.UserPoolMfaTypeOff {
		return nil, at(where, invalidParameter("MfaConfiguration %s needs an MFA factor: SoftwareTokenMfaConfiguration {Enabled: true}, SmsMfaConfiguration (with an SmsConfiguration) or EmailMfaConfiguration.", in.MfaConfiguration))
	}
	if factorsDeclared {
		// The factors come with the MFA configuration, as after a
		// CreateUserPool with MFA off and a SetUserPoolMfaConfig.
		in.MfaConfiguration = types.UserPoolMfaTypeOff
	}
	if err := validateInput(&in); err != nil {
		return nil, at(where, err)
	}
	p, err := s.newPool(id, &in)
	if err != nil {
		return nil, at(where, err)
	}
	if factorsDeclared {
		if err := validateInput(mfa); err != nil {
			return nil, at(where, err)
		}
		if err := applyMfaConfig(p, mfa); err != nil {
			return nil, at(where, err)
		}
	}
	if err := checkDeclaredDomain(decl); err != nil {
		return nil, at(where, err)
	}
	pp := &poolPlan{path: path, at: where, decl: decl, pool: p}
	for i := range decl.ResourceServers {
		in := decl.ResourceServers[i]
		where := place(itemPath(path, "ResourceServers", i), aws.ToString(in.Identifier))
		rs, err := planResourceServer(id, &in)
		if err != nil {
			return nil, at(where, err)
		}
		if slices.ContainsFunc(pp.servers, func(have *resourceServer) bool { return have.Identifier == rs.Identifier }) {
			return nil, fmt.Errorf("%s: the identifier is declared twice", where)
		}
		pp.servers = append(pp.servers, rs)
	}
	for i := range decl.Groups {
		in := decl.Groups[i]
		where := place(itemPath(path, "Groups", i), aws.ToString(in.GroupName))
		g, err := s.planGroup(id, &in)
		if err != nil {
			return nil, at(where, err)
		}
		if slices.ContainsFunc(pp.groups, func(have *group) bool { return have.Name == g.Name }) {
			return nil, fmt.Errorf("%s: the group is declared twice", where)
		}
		pp.groups = append(pp.groups, g)
	}
	for i := range decl.Clients {
		cp, err := planClient(id, &decl.Clients[i], place(itemPath(path, "Clients", i), decl.Clients[i].ClientID))
		if err != nil {
			return nil, err
		}
		pp.clients = append(pp.clients, cp)
	}
	usernames, subs := map[string]string{}, map[string]string{}
	for i := range decl.Users {
		where := place(itemPath(path, "Users", i), decl.Users[i].Username)
		up, err := s.planUser(pp, &decl.Users[i], where)
		if err != nil {
			return nil, at(where, err)
		}
		key := p.usernameKey(up.decl.Username)
		if prev, dup := usernames[key]; dup {
			return nil, fmt.Errorf("%s: the user is also declared as %s", where, prev)
		}
		usernames[key] = where
		if up.sub != "" {
			if prev, dup := subs[up.sub]; dup {
				return nil, fmt.Errorf("%s: the sub is also %s's", where, prev)
			}
			subs[up.sub] = where
		}
		pp.users = append(pp.users, up)
	}
	return pp, nil
}

// checkPoolID checks a declared pool ID: Cognito's form, in the server's
// region (the region of the pool's ARNs and triggers' events).
func (s *Server) checkPoolID(id string) error {
	if id == "" {
		return invalidParameter("Id is required: the pool's ID, such as %s_Local123.", s.region)
	}
	m := poolIDPattern.FindStringSubmatch(id)
	if m == nil || memberConstraints["UserPoolId"].check(id) != "" {
		return invalidParameter("Invalid pool ID %q: a pool ID is a region, an underscore and letters or digits, up to 55 characters, such as %s_Local123.", truncate(id, 64), s.region)
	}
	if m[1] != s.region {
		return invalidParameter("The pool ID %s is not of this server's region %s.", id, s.region)
	}
	return nil
}

// checkDeclaredDomain checks a pool's domain as CreateUserPoolDomain
// does.
func checkDeclaredDomain(decl *PoolSetup) error {
	if decl.Domain == "" {
		if decl.CustomDomainConfig != nil || decl.ManagedLoginVersion != nil {
			return invalidParameter("CustomDomainConfig and ManagedLoginVersion need a Domain.")
		}
		return nil
	}
	in := &cip.CreateUserPoolDomainInput{
		Domain: aws.String(decl.Domain), UserPoolId: aws.String(decl.ID),
		CustomDomainConfig: decl.CustomDomainConfig, ManagedLoginVersion: decl.ManagedLoginVersion,
	}
	if err := validateInput(in); err != nil {
		return err
	}
	if err := checkDomainName(decl.Domain, in.CustomDomainConfig != nil); err != nil {
		return err
	}
	if c := in.CustomDomainConfig; c != nil {
		if err := checkCertificateARN(aws.ToString(c.CertificateArn)); err != nil {
			return err
		}
	}
	if v := in.ManagedLoginVersion; v != nil {
		return checkManagedLoginVersion(*v)
	}
	return nil
}

// ofPool sets the UserPoolId of a declaration that belongs to the pool
// poolID: a declaration may leave it out, or give that pool's.
func ofPool(member **string, poolID string) error {
	if *member != nil && **member != poolID {
		return invalidParameter("UserPoolId %q is not the ID of the pool it is declared in.", truncate(**member, 64))
	}
	*member = aws.String(poolID)
	return nil
}

func planResourceServer(poolID string, in *cip.CreateResourceServerInput) (*resourceServer, error) {
	if err := ofPool(&in.UserPoolId, poolID); err != nil {
		return nil, err
	}
	if err := validateInput(in); err != nil {
		return nil, err
	}
	return newResourceServer(poolID, aws.ToString(in.Identifier), aws.ToString(in.Name), in.Scopes)
}

func (s *Server) planGroup(poolID string, in *cip.CreateGroupInput) (*group, error) {
	if err := ofPool(&in.UserPoolId, poolID); err != nil {
		return nil, err
	}
	if err := validateInput(in); err != nil {
		return nil, err
	}
	if err := checkGroupInput(in.Precedence, in.RoleArn); err != nil {
		return nil, err
	}
	now := s.now()
	return &group{
		Name: aws.ToString(in.GroupName), Description: aws.ToString(in.Description), RoleArn: aws.ToString(in.RoleArn),
		Precedence: in.Precedence, Created: now, Modified: now,
	}, nil
}

func planClient(poolID string, decl *ClientSetup, where string) (clientPlan, error) {
	cp := clientPlan{at: where, id: decl.ClientID, in: decl.CreateUserPoolClientInput}
	if cp.id == "" {
		return cp, at(where, invalidParameter("ClientId is required: the client's fixed ID."))
	}
	if why := memberConstraints["ClientId"].check(cp.id); why != "" {
		return cp, at(where, invalidParameter("Invalid ClientId: %s", why))
	}
	if err := ofPool(&cp.in.UserPoolId, poolID); err != nil {
		return cp, at(where, err)
	}
	if err := validateInput(&cp.in); err != nil {
		return cp, at(where, err)
	}
	if cp.in.ClientSecret != nil {
		if cp.in.GenerateSecret {
			return cp, at(where, invalidParameter("You cannot specify both GenerateSecret and ClientSecret."))
		}
		if err := checkCustomSecret(*cp.in.ClientSecret); err != nil {
			return cp, at(where, err)
		}
	}
	return cp, nil
}

// declarableStatuses are the statuses a declared user may have.
var declarableStatuses = []types.UserStatusType{
	types.UserStatusTypeConfirmed, types.UserStatusTypeUnconfirmed,
	types.UserStatusTypeForceChangePassword, types.UserStatusTypeResetRequired,
}

// planUser checks one declared user of pp and makes the user to create
// when none is stored.
func (s *Server) planUser(pp *poolPlan, decl *UserSetup, where string) (*userPlan, error) {
	p := pp.pool
	up := &userPlan{at: where, decl: decl}
	for _, name := range sortedKeys(decl.UserAttributes) {
		if name == "sub" {
			up.sub = decl.UserAttributes[name]
			continue
		}
		up.attrs = append(up.attrs, types.AttributeType{Name: aws.String(name), Value: aws.String(decl.UserAttributes[name])})
	}
	if decl.Username == "" {
		return nil, invalidParameter("Username is required.")
	}
	err := validateInput(&cip.AdminCreateUserInput{UserPoolId: aws.String(p.ID), Username: aws.String(decl.Username), UserAttributes: up.attrs})
	if err != nil {
		return nil, err
	}
	if up.sub != "" {
		if parsed, err := uuid.Parse(up.sub); err != nil || parsed.String() != up.sub {
			return nil, invalidParameter("Invalid sub %q: a sub is a UUID in lower case.", truncate(up.sub, 64))
		}
	}
	if decl.UserStatus != "" && !slices.Contains(declarableStatuses, decl.UserStatus) {
		return nil, invalidParameter("Invalid UserStatus %q: use CONFIRMED, UNCONFIRMED, FORCE_CHANGE_PASSWORD or RESET_REQUIRED.", truncate(string(decl.UserStatus), 32))
	}
	switch pv := decl.PasswordVerifier; {
	case decl.Password != "" && pv != nil:
		return nil, invalidParameter("Give Password or PasswordVerifier, not both.")
	case decl.Password != "":
		if err := checkPasswordSyntax("Password", decl.Password); err != nil {
			return nil, err
		}
		if err := p.Policy.check(decl.Password); err != nil {
			return nil, err
		}
	case pv != nil && (len(pv.Salt) == 0 || !srp.VerifierInRange(pv.Verifier)):
		return nil, invalidParameter("PasswordVerifier needs its Salt and a Verifier of Cognito's SRP group.")
	}
	for _, g := range decl.Groups {
		if !slices.ContainsFunc(pp.groups, func(have *group) bool { return have.Name == g }) {
			return nil, invalidParameter("The group %q is not one of the pool's Groups.", truncate(g, 128))
		}
	}
	if decl.SoftwareTokenSecret != "" {
		secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(strings.ReplaceAll(decl.SoftwareTokenSecret, " ", "")))
		if err != nil || len(secret) < 10 {
			// Neither the secret nor the decoder's error (which quotes
			// it) is shown.
			return nil, invalidParameter("Invalid SoftwareTokenSecret: a software token's secret is base32, 16 characters (80 bits) or more.")
		}
		up.totp = secret
	}
	up.factors = decl.UserMFASettingList
	if decl.PreferredMfaSetting != "" && up.factors == nil {
		up.factors = []string{decl.PreferredMfaSetting} // added to the user's own, see declareUser
	}
	for _, f := range append(slices.Clone(up.factors), decl.PreferredMfaSetting) {
		if f != "" && !slices.Contains(factorOrder, f) {
			return nil, invalidParameter("Invalid MFA factor %q: use SMS_MFA, SOFTWARE_TOKEN_MFA or EMAIL_OTP.", truncate(f, 32))
		}
	}
	return up, nil
}

// planNewUser makes the user to create for up, in p: validated as
// AdminCreateUser validates a new user, with the declared sub.
func (s *Server) planNewUser(p *pool, up *userPlan) error {
	fresh, err := s.newUser(p, up.decl.Username, up.attrs, atCreation)
	if err != nil {
		return err
	}
	if up.sub != "" {
		if fresh.Username == fresh.Attributes["sub"] {
			fresh.Username = up.sub // a pool whose usernames are subs
		}
		fresh.Attributes["sub"] = up.sub
	}
	up.fresh = fresh
	return nil
}

// storedPool reads a pool, or nil when there is none.
func storedPool(st *state, id string) (*pool, error) {
	p, err := st.pool(id)
	if isResourceNotFound(err) {
		return nil, nil
	}
	return p, err
}

// isResourceNotFound reports whether err is ResourceNotFoundException.
func isResourceNotFound(err error) bool {
	var apiErr *apiError
	return errors.As(err, &apiErr) && apiErr.Type == excResourceNotFound
}

// findDeclaredUser finds the stored user a declaration names: by the name
// it signs in with or, in a pool whose usernames are subs, by its
// declared sub (its email or phone number changed). replace says the user
// found has another sub than the one declared. A declared sub another
// user has is refused.
func findDeclaredUser(st *state, p *pool, up *userPlan) (u *user, replace bool, err error) {
	u, err = st.user(p, up.decl.Username)
	switch {
	case err == nil:
		return u, up.sub != "" && u.Attributes["sub"] != up.sub, nil
	case !isNotFound(err):
		return nil, false, err
	case up.sub == "":
		return nil, false, nil
	}
	u, err = st.adminUser(p, up.sub)
	switch {
	case errors.Is(err, errUserNotFound):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	case len(p.UsernameAttributes) == 0:
		return nil, false, invalidParameter("The sub %s is the sub of another user, %s.", up.sub, truncate(u.Username, 128))
	}
	return u, false, nil
}

// planPassword computes, outside any transaction, the password to give
// the user: the declared one unless the stored user has it already, or
// for a new user without one a random password no one knows.
func (up *userPlan) planPassword(p *pool) error {
	d := up.decl
	if pv := d.PasswordVerifier; pv != nil {
		if up.found == nil || up.replace || !bytes.Equal(up.found.Salt, pv.Salt) || !bytes.Equal(up.found.Verifier, pv.Verifier) {
			up.salt, up.verifier = pv.Salt, pv.Verifier
		}
		return nil
	}
	password := d.Password
	var username string
	switch {
	case up.fresh == nil: // the stored user
		if password == "" || passwordMatches(p.ID, up.found, password) {
			return nil
		}
		username = up.found.Username
	case password == "":
		username, password = up.fresh.Username, temporaryPassword(p.Policy)
	default:
		username = up.fresh.Username
	}
	var err error
	up.salt, up.verifier, err = newVerifier(p.ID, username, password)
	return err
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
	if replace != up.replace || (u == nil) != (up.found == nil) || u != nil && u.Username != up.found.Username {
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
