package emulator

import (
	"bytes"
	"context"
	"encoding/base32"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/uuid"

	"github.com/cognitokit/cognito/internal/srp"
)

// Planning a setup's Apply: each declaration checked as the API's action
// for it checks a request, and what must be computed outside the write
// transaction — new pools' signing keys, passwords' verifiers.

// poolPlan is one declared pool, checked, with what must be computed
// outside the write transaction (its signing key, users' verifiers).
type poolPlan struct {
	path    string // where the pool is in the setup: Pools[0]
	at      string // and with its ID
	decl    *PoolSetup
	pool    *pool // as declared (a stored pool is updated with it)
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

// errSetupRace answers a setup whose pools or users changed between its
// planning and its transaction.
var errSetupRace = errors.New("the stored pools or users changed while the setup was being applied; apply it again")

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
			if err != nil {
				return err
			}
			if pp.stored = stored != nil; !pp.stored {
				continue
			}
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
	pp.servers, err = planList(path, "ResourceServers", decl.ResourceServers,
		func(in *cip.CreateResourceServerInput) string { return aws.ToString(in.Identifier) },
		func(in *cip.CreateResourceServerInput, _ string) (*resourceServer, error) {
			return planResourceServer(id, in)
		})
	if err != nil {
		return nil, err
	}
	pp.groups, err = planList(path, "Groups", decl.Groups,
		func(in *cip.CreateGroupInput) string { return aws.ToString(in.GroupName) },
		func(in *cip.CreateGroupInput, _ string) (*group, error) { return s.planGroup(id, in) })
	if err != nil {
		return nil, err
	}
	pp.clients, err = planList(path, "Clients", decl.Clients,
		func(cl *ClientSetup) string { return cl.ClientID },
		func(cl *ClientSetup, where string) (clientPlan, error) { return planClient(id, cl, where) })
	if err != nil {
		return nil, err
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
		return invalidParameter("The pool ID %s is not of this server's region %s (WithRegion, cognito local --region).", id, s.region)
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
		return cp, invalidParameter("ClientId is required: the client's fixed ID.")
	}
	if why := memberConstraints["ClientId"].check(cp.id); why != "" {
		return cp, invalidParameter("Invalid ClientId: %s", why)
	}
	if err := ofPool(&cp.in.UserPoolId, poolID); err != nil {
		return cp, err
	}
	if err := validateInput(&cp.in); err != nil {
		return cp, err
	}
	if cp.in.ClientSecret == nil {
		return cp, nil
	}
	if cp.in.GenerateSecret {
		return cp, invalidParameter("You cannot specify both GenerateSecret and ClientSecret.")
	}
	return cp, checkCustomSecret(*cp.in.ClientSecret)
}

// planList plans each declaration of a list of the pool at path with plan,
// given a copy of it (planning fills in its UserPoolId) and its place; two
// of one name are refused.
func planList[D, P any](path, list string, decls []D, name func(*D) string, plan func(d *D, where string) (P, error)) ([]P, error) {
	var out []P
	seen := make(map[string]string, len(decls))
	for i := range decls {
		d := decls[i]
		where := place(itemPath(path, list, i), name(&d))
		if prev, dup := seen[name(&d)]; dup {
			return nil, fmt.Errorf("%s: declared twice, also as %s", where, prev)
		}
		seen[name(&d)] = where
		planned, err := plan(&d, where)
		if err != nil {
			return nil, at(where, err)
		}
		out = append(out, planned)
	}
	return out, nil
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
