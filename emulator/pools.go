package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/cognitokit/cognito/emulator/store"
)

// Wire shapes of the pool and client operations (Cognito's member names).
type (
	createUserPoolInput struct {
		PoolName string `json:"PoolName"`
		Policies *struct {
			PasswordPolicy *passwordPolicyWire `json:"PasswordPolicy"`
		} `json:"Policies"`
		AutoVerifiedAttributes []string              `json:"AutoVerifiedAttributes"`
		AliasAttributes        []string              `json:"AliasAttributes"`
		UsernameAttributes     []string              `json:"UsernameAttributes"`
		Schema                 []schemaAttributeWire `json:"Schema"`
		MfaConfiguration       string                `json:"MfaConfiguration"`
		DeletionProtection     string                `json:"DeletionProtection"`
		UserPoolTags           map[string]string     `json:"UserPoolTags"`
		UsernameConfiguration  *struct {
			CaseSensitive *bool `json:"CaseSensitive"`
		} `json:"UsernameConfiguration"`
		AdminCreateUserConfig *struct {
			AllowAdminCreateUserOnly bool `json:"AllowAdminCreateUserOnly"`
		} `json:"AdminCreateUserConfig"`
	}

	passwordPolicyWire struct {
		MinimumLength                 *int32 `json:"MinimumLength"`
		RequireUppercase              bool   `json:"RequireUppercase"`
		RequireLowercase              bool   `json:"RequireLowercase"`
		RequireNumbers                bool   `json:"RequireNumbers"`
		RequireSymbols                bool   `json:"RequireSymbols"`
		TemporaryPasswordValidityDays *int32 `json:"TemporaryPasswordValidityDays"`
	}

	userPoolWire struct {
		Id       string `json:"Id"`
		Name     string `json:"Name"`
		Arn      string `json:"Arn"`
		Policies struct {
			PasswordPolicy passwordPolicy `json:"PasswordPolicy"`
		} `json:"Policies"`
		LambdaConfig           struct{}              `json:"LambdaConfig"`
		Status                 string                `json:"Status"`
		LastModifiedDate       epochSeconds          `json:"LastModifiedDate"`
		CreationDate           epochSeconds          `json:"CreationDate"`
		SchemaAttributes       []schemaAttributeWire `json:"SchemaAttributes"`
		AutoVerifiedAttributes []string              `json:"AutoVerifiedAttributes,omitempty"`
		AliasAttributes        []string              `json:"AliasAttributes,omitempty"`
		UsernameAttributes     []string              `json:"UsernameAttributes,omitempty"`
		MfaConfiguration       string                `json:"MfaConfiguration"`
		EstimatedNumberOfUsers int32                 `json:"EstimatedNumberOfUsers"`
		DeletionProtection     string                `json:"DeletionProtection"`
		UserPoolTags           map[string]string     `json:"UserPoolTags,omitempty"`
		UsernameConfiguration  struct {
			CaseSensitive bool `json:"CaseSensitive"`
		} `json:"UsernameConfiguration"`
		AdminCreateUserConfig struct {
			AllowAdminCreateUserOnly bool `json:"AllowAdminCreateUserOnly"`
		} `json:"AdminCreateUserConfig"`
	}

	poolIDInput struct {
		UserPoolId string `json:"UserPoolId"`
	}

	listInput struct {
		UserPoolId string `json:"UserPoolId"`
		MaxResults *int32 `json:"MaxResults"`
		NextToken  string `json:"NextToken"`
	}

	poolDescriptionWire struct {
		Id               string       `json:"Id"`
		Name             string       `json:"Name"`
		LambdaConfig     struct{}     `json:"LambdaConfig"`
		Status           string       `json:"Status"`
		LastModifiedDate epochSeconds `json:"LastModifiedDate"`
		CreationDate     epochSeconds `json:"CreationDate"`
	}

	createUserPoolClientInput struct {
		UserPoolId                 string          `json:"UserPoolId"`
		ClientName                 string          `json:"ClientName"`
		GenerateSecret             bool            `json:"GenerateSecret"`
		RefreshTokenValidity       *int32          `json:"RefreshTokenValidity"`
		AccessTokenValidity        *int32          `json:"AccessTokenValidity"`
		IdTokenValidity            *int32          `json:"IdTokenValidity"`
		TokenValidityUnits         *tokenUnitsWire `json:"TokenValidityUnits"`
		ReadAttributes             []string        `json:"ReadAttributes"`
		WriteAttributes            []string        `json:"WriteAttributes"`
		ExplicitAuthFlows          []string        `json:"ExplicitAuthFlows"`
		PreventUserExistenceErrors string          `json:"PreventUserExistenceErrors"`
		EnableTokenRevocation      *bool           `json:"EnableTokenRevocation"`
		AuthSessionValidity        *int32          `json:"AuthSessionValidity"`
	}

	tokenUnitsWire struct {
		AccessToken  string `json:"AccessToken,omitempty"`
		IdToken      string `json:"IdToken,omitempty"`
		RefreshToken string `json:"RefreshToken,omitempty"`
	}

	userPoolClientWire struct {
		UserPoolId                      string         `json:"UserPoolId"`
		ClientName                      string         `json:"ClientName"`
		ClientId                        string         `json:"ClientId"`
		ClientSecret                    string         `json:"ClientSecret,omitempty"`
		LastModifiedDate                epochSeconds   `json:"LastModifiedDate"`
		CreationDate                    epochSeconds   `json:"CreationDate"`
		RefreshTokenValidity            int32          `json:"RefreshTokenValidity"`
		AccessTokenValidity             int32          `json:"AccessTokenValidity"`
		IdTokenValidity                 int32          `json:"IdTokenValidity"`
		TokenValidityUnits              tokenUnitsWire `json:"TokenValidityUnits"`
		ReadAttributes                  []string       `json:"ReadAttributes,omitempty"`
		WriteAttributes                 []string       `json:"WriteAttributes,omitempty"`
		ExplicitAuthFlows               []string       `json:"ExplicitAuthFlows"`
		PreventUserExistenceErrors      string         `json:"PreventUserExistenceErrors"`
		EnableTokenRevocation           bool           `json:"EnableTokenRevocation"`
		AuthSessionValidity             int32          `json:"AuthSessionValidity"`
		AllowedOAuthFlowsUserPoolClient bool           `json:"AllowedOAuthFlowsUserPoolClient"`
	}

	clientIDInput struct {
		UserPoolId string `json:"UserPoolId"`
		ClientId   string `json:"ClientId"`
	}
)

var poolNamePattern = regexp.MustCompile(`^[\w\s+=,.@-]{1,128}$`)

func (s *Server) createUserPool(c *call) (any, error) {
	var in createUserPoolInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if !poolNamePattern.MatchString(in.PoolName) {
		return nil, invalidParameter("1 validation error detected: Value at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+ and have length between 1 and 128")
	}
	now := s.now()
	p := &pool{
		ID:                 s.region + "_" + randomAlphanumeric(9),
		Name:               in.PoolName,
		Created:            now,
		Modified:           now,
		Policy:             defaultPasswordPolicy,
		AutoVerified:       in.AutoVerifiedAttributes,
		UsernameAttributes: in.UsernameAttributes,
		AliasAttributes:    in.AliasAttributes,
		CaseSensitive:      true,
		MFAConfiguration:   "OFF",
		DeletionProtection: "INACTIVE",
		Tags:               in.UserPoolTags,
	}
	if in.Policies != nil && in.Policies.PasswordPolicy != nil {
		w := in.Policies.PasswordPolicy
		p.Policy = passwordPolicy{
			MinimumLength:                 8,
			RequireUppercase:              w.RequireUppercase,
			RequireLowercase:              w.RequireLowercase,
			RequireNumbers:                w.RequireNumbers,
			RequireSymbols:                w.RequireSymbols,
			TemporaryPasswordValidityDays: 7,
		}
		if w.MinimumLength != nil {
			if *w.MinimumLength < 6 || *w.MinimumLength > 99 {
				return nil, invalidParameter("MinimumLength must be between 6 and 99.")
			}
			p.Policy.MinimumLength = *w.MinimumLength
		}
		if w.TemporaryPasswordValidityDays != nil {
			if *w.TemporaryPasswordValidityDays < 0 || *w.TemporaryPasswordValidityDays > 365 {
				return nil, invalidParameter("TemporaryPasswordValidityDays must be between 0 and 365.")
			}
			p.Policy.TemporaryPasswordValidityDays = *w.TemporaryPasswordValidityDays
		}
	}
	for _, a := range in.AutoVerifiedAttributes {
		if a != "email" && a != "phone_number" {
			return nil, invalidParameter("Invalid AutoVerifiedAttributes value %q: only email and phone_number can be verified.", truncate(a, 64))
		}
	}
	for _, a := range in.UsernameAttributes {
		if a != "email" && a != "phone_number" {
			return nil, invalidParameter("Invalid UsernameAttributes value %q: use email or phone_number.", truncate(a, 64))
		}
	}
	for _, a := range in.AliasAttributes {
		if a != "email" && a != "phone_number" && a != "preferred_username" {
			return nil, invalidParameter("Invalid AliasAttributes value %q: use email, phone_number or preferred_username.", truncate(a, 64))
		}
	}
	if len(in.UsernameAttributes) > 0 && len(in.AliasAttributes) > 0 {
		return nil, invalidParameter("Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
	}
	if in.UsernameConfiguration != nil && in.UsernameConfiguration.CaseSensitive != nil {
		p.CaseSensitive = *in.UsernameConfiguration.CaseSensitive
	}
	switch in.MfaConfiguration {
	case "", "OFF":
	case "ON", "OPTIONAL":
		return nil, invalidParameter("MFA is not supported by the local Cognito; use MfaConfiguration OFF.")
	default:
		return nil, invalidParameter("Invalid MfaConfiguration %q.", truncate(in.MfaConfiguration, 32))
	}
	switch in.DeletionProtection {
	case "":
	case "ACTIVE", "INACTIVE":
		p.DeletionProtection = in.DeletionProtection
	default:
		return nil, invalidParameter("Invalid DeletionProtection %q.", truncate(in.DeletionProtection, 32))
	}
	if in.AdminCreateUserConfig != nil {
		p.AdminCreateUserOnly = in.AdminCreateUserConfig.AllowAdminCreateUserOnly
	}
	schema, err := buildSchema(in.Schema)
	if err != nil {
		return nil, err
	}
	p.Schema = schema

	key, err := s.generateKey()
	if err != nil {
		return nil, err
	}
	err = s.store.Update(c.ctx, func(tx store.Tx) error {
		if err := putRecord(tx, kindPool, p.ID, p); err != nil {
			return err
		}
		return putRecord(tx, kindKey, p.ID, key.record())
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user pool created", "userPoolId", p.ID, "name", p.Name)
	return map[string]any{"UserPool": s.poolWire(p, 0)}, nil
}

func (s *Server) poolWire(p *pool, users int32) userPoolWire {
	w := userPoolWire{
		Id:                     p.ID,
		Name:                   p.Name,
		Arn:                    fmt.Sprintf("arn:aws:cognito-idp:%s:000000000000:userpool/%s", s.region, p.ID),
		Status:                 "Enabled",
		LastModifiedDate:       epochSeconds(p.Modified),
		CreationDate:           epochSeconds(p.Created),
		AutoVerifiedAttributes: p.AutoVerified,
		AliasAttributes:        p.AliasAttributes,
		UsernameAttributes:     p.UsernameAttributes,
		MfaConfiguration:       p.MFAConfiguration,
		EstimatedNumberOfUsers: users,
		DeletionProtection:     p.DeletionProtection,
		UserPoolTags:           p.Tags,
	}
	w.Policies.PasswordPolicy = p.Policy
	w.UsernameConfiguration.CaseSensitive = p.CaseSensitive
	w.AdminCreateUserConfig.AllowAdminCreateUserOnly = p.AdminCreateUserOnly
	for _, a := range p.Schema {
		w.SchemaAttributes = append(w.SchemaAttributes, a.wire())
	}
	return w
}

// loadPool reads a pool, or answers ResourceNotFoundException.
func loadPool(tx store.Tx, poolID string) (*pool, error) {
	if poolID == "" {
		return nil, invalidParameter("1 validation error detected: Value at 'userPoolId' failed to satisfy constraint: Member must not be null")
	}
	raw, err := tx.Get(kindPool, poolID)
	if isNotFound(err) {
		return nil, poolNotFound(truncate(poolID, 64))
	}
	if err != nil {
		return nil, err
	}
	return decodePool(raw)
}

// decodedPools caches decoded pool records by their encoded form: a pool is
// read on every call (its schema makes it the costliest record to decode)
// and rarely changes. Keyed by content, the cache can never serve a stale
// pool; it is emptied when it grows past a bound.
var decodedPools = struct {
	sync.Mutex
	m map[string]*pool
}{m: make(map[string]*pool)}

// decodePool decodes a pool record. Callers must not modify the result.
func decodePool(raw []byte) (*pool, error) {
	decodedPools.Lock()
	p, ok := decodedPools.m[string(raw)]
	decodedPools.Unlock()
	if ok {
		return p, nil
	}
	p = new(pool)
	if err := json.Unmarshal(raw, p); err != nil {
		return nil, fmt.Errorf("decoding pool record: %w", err)
	}
	decodedPools.Lock()
	if len(decodedPools.m) >= 256 {
		clear(decodedPools.m)
	}
	decodedPools.m[string(raw)] = p
	decodedPools.Unlock()
	return p, nil
}

func (s *Server) describeUserPool(c *call) (any, error) {
	var in poolIDInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var out userPoolWire
	err := s.store.View(c.ctx, func(tx store.Tx) error {
		p, err := loadPool(tx, in.UserPoolId)
		if err != nil {
			return err
		}
		var n int32
		err = tx.Scan(kindUser, p.ID+"/", func(string, []byte) error { n++; return nil })
		out = s.poolWire(p, n)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"UserPool": out}, nil
}

func (s *Server) listUserPools(c *call) (any, error) {
	var in listInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	limit, after, err := page(in.MaxResults, true, in.NextToken)
	if err != nil {
		return nil, err
	}
	pools := []poolDescriptionWire{}
	var next string
	err = s.store.View(c.ctx, func(tx store.Tx) error {
		return scanRecords(tx, kindPool, "", func(key string, p *pool) error {
			if key <= after && after != "" {
				return nil
			}
			if len(pools) == limit {
				next = encodePageToken(pools[len(pools)-1].Id)
				return store.ErrStopScan
			}
			pools = append(pools, poolDescriptionWire{Id: p.ID, Name: p.Name, Status: "Enabled", LastModifiedDate: epochSeconds(p.Modified), CreationDate: epochSeconds(p.Created)})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{"UserPools": pools}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (s *Server) deleteUserPool(c *call) (any, error) {
	var in poolIDInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	err := s.store.Update(c.ctx, func(tx store.Tx) error {
		p, err := loadPool(tx, in.UserPoolId)
		if err != nil {
			return err
		}
		if p.DeletionProtection == "ACTIVE" {
			return invalidParameter("The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
		}
		prefix := p.ID + "/"
		var refreshHashes []string
		err = scanRecords(tx, kindSession, prefix, func(_ string, sess *session) error {
			refreshHashes = append(refreshHashes, sess.RefreshHash)
			return nil
		})
		if err != nil {
			return err
		}
		for _, h := range refreshHashes {
			if err := tx.Delete(kindRefresh, h); err != nil {
				return err
			}
		}
		for _, kind := range []string{kindUser, kindAlias, kindCode, kindSession, kindChallenge, kindGroup} {
			if err := deletePrefix(tx, kind, prefix); err != nil {
				return err
			}
		}
		var clients []string
		err = scanRecords(tx, kindClient, "", func(key string, cl *appClient) error {
			if cl.PoolID == p.ID {
				clients = append(clients, key)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range clients {
			if err := tx.Delete(kindClient, id); err != nil {
				return err
			}
		}
		if err := tx.Delete(kindKey, p.ID); err != nil {
			return err
		}
		return tx.Delete(kindPool, p.ID)
	})
	if err != nil {
		return nil, err
	}
	s.forgetKey(in.UserPoolId)
	return nil, nil
}

// deletePrefix removes every record of kind under prefix.
func deletePrefix(tx store.Tx, kind, prefix string) error {
	var keys []string
	err := tx.Scan(kind, prefix, func(key string, _ []byte) error {
		keys = append(keys, key)
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := tx.Delete(kind, k); err != nil {
			return err
		}
	}
	return nil
}

var validAuthFlows = []string{
	"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH",
	"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH",
	"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH",
}

var tokenUnitDurations = map[string]time.Duration{
	"seconds": time.Second, "minutes": time.Minute, "hours": time.Hour, "days": 24 * time.Hour,
}

// validity turns a (value, unit) pair into a duration, applying Cognito's
// default unit and value and its allowed range.
func validity(name string, value *int32, unit, defaultUnit string, def, lo, hi time.Duration) (time.Duration, string, error) {
	if unit == "" {
		unit = defaultUnit
	}
	per, ok := tokenUnitDurations[unit]
	if !ok {
		return 0, "", invalidParameter("Invalid TokenValidityUnits value %q for %s.", truncate(unit, 16), name)
	}
	if value == nil {
		return def, unit, nil
	}
	// Bound the value before multiplying: 213505 days would overflow
	// time.Duration and wrap around into the allowed range.
	if *value <= 0 || time.Duration(*value) > hi/per {
		return 0, "", invalidParameter("Invalid %s: must be between %s and %s.", name, lo, hi)
	}
	d := time.Duration(*value) * per
	if d < lo {
		return 0, "", invalidParameter("Invalid %s: must be between %s and %s.", name, lo, hi)
	}
	return d, unit, nil
}

func (s *Server) createUserPoolClient(c *call) (any, error) {
	var in createUserPoolClientInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.ClientName == "" || len(in.ClientName) > 128 {
		return nil, invalidParameter("1 validation error detected: Value at 'clientName' failed to satisfy constraint: Member must have length between 1 and 128")
	}
	var units tokenUnitsWire
	if in.TokenValidityUnits != nil {
		units = *in.TokenValidityUnits
	}
	now := s.now()
	cl := &appClient{
		ID:                         randomLowerAlphanumeric(26),
		PoolID:                     in.UserPoolId,
		Name:                       in.ClientName,
		Created:                    now,
		Modified:                   now,
		ExplicitAuthFlows:          in.ExplicitAuthFlows,
		PreventUserExistenceErrors: "LEGACY",
		ReadAttributes:             in.ReadAttributes,
		WriteAttributes:            in.WriteAttributes,
		EnableTokenRevocation:      true,
		AuthSessionValidity:        3,
	}
	var err error
	if cl.AccessTokenValidity, cl.Units.AccessToken, err = validity("AccessTokenValidity", in.AccessTokenValidity, units.AccessToken, "hours", time.Hour, 5*time.Minute, 24*time.Hour); err != nil {
		return nil, err
	}
	if cl.IDTokenValidity, cl.Units.IDToken, err = validity("IdTokenValidity", in.IdTokenValidity, units.IdToken, "hours", time.Hour, 5*time.Minute, 24*time.Hour); err != nil {
		return nil, err
	}
	if cl.RefreshTokenValidity, cl.Units.RefreshToken, err = validity("RefreshTokenValidity", in.RefreshTokenValidity, units.RefreshToken, "days", 30*24*time.Hour, time.Hour, 3650*24*time.Hour); err != nil {
		return nil, err
	}
	if cl.RefreshTokenValidity < cl.AccessTokenValidity || cl.RefreshTokenValidity < cl.IDTokenValidity {
		return nil, invalidParameter("The refresh token validity must be longer than the access and ID token validities.")
	}
	legacy, modern := false, false
	for _, f := range in.ExplicitAuthFlows {
		if !slices.Contains(validAuthFlows, f) {
			return nil, invalidParameter("Invalid ExplicitAuthFlows value %q.", truncate(f, 64))
		}
		if len(f) > 6 && f[:6] == "ALLOW_" {
			modern = true
		} else {
			legacy = true
		}
	}
	switch {
	case legacy && modern:
		return nil, invalidParameter("ExplicitAuthFlows cannot have both ALLOW_ and legacy values.")
	case len(in.ExplicitAuthFlows) == 0:
		cl.ExplicitAuthFlows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}
	case legacy:
		cl.ExplicitAuthFlows = append(cl.ExplicitAuthFlows, "ALLOW_REFRESH_TOKEN_AUTH")
	}
	switch in.PreventUserExistenceErrors {
	case "":
	case "ENABLED", "LEGACY":
		cl.PreventUserExistenceErrors = in.PreventUserExistenceErrors
	default:
		return nil, invalidParameter("Invalid PreventUserExistenceErrors value %q.", truncate(in.PreventUserExistenceErrors, 32))
	}
	if in.EnableTokenRevocation != nil {
		cl.EnableTokenRevocation = *in.EnableTokenRevocation
	}
	if in.AuthSessionValidity != nil {
		if *in.AuthSessionValidity < 3 || *in.AuthSessionValidity > 15 {
			return nil, invalidParameter("AuthSessionValidity must be between 3 and 15 minutes.")
		}
		cl.AuthSessionValidity = *in.AuthSessionValidity
	}
	if in.GenerateSecret {
		cl.Secret = randomLowerAlphanumeric(52)
	}
	err = s.store.Update(c.ctx, func(tx store.Tx) error {
		p, err := loadPool(tx, in.UserPoolId)
		if err != nil {
			return err
		}
		for _, names := range [][]string{cl.ReadAttributes, cl.WriteAttributes} {
			for _, n := range names {
				if _, ok := p.schemaAttribute(n); !ok {
					return invalidParameter("Invalid read or write attribute %q: it is not in the schema.", truncate(n, 64))
				}
			}
		}
		return putRecord(tx, kindClient, cl.ID, cl)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user pool client created", "userPoolId", cl.PoolID, "clientId", cl.ID, "withSecret", cl.Secret != "")
	return map[string]any{"UserPoolClient": cl.wire()}, nil
}

func (cl *appClient) wire() userPoolClientWire {
	in := func(d time.Duration, unit string) int32 { return int32(d / tokenUnitDurations[unit]) }
	return userPoolClientWire{
		UserPoolId:                 cl.PoolID,
		ClientName:                 cl.Name,
		ClientId:                   cl.ID,
		ClientSecret:               cl.Secret,
		LastModifiedDate:           epochSeconds(cl.Modified),
		CreationDate:               epochSeconds(cl.Created),
		RefreshTokenValidity:       in(cl.RefreshTokenValidity, cl.Units.RefreshToken),
		AccessTokenValidity:        in(cl.AccessTokenValidity, cl.Units.AccessToken),
		IdTokenValidity:            in(cl.IDTokenValidity, cl.Units.IDToken),
		TokenValidityUnits:         tokenUnitsWire{AccessToken: cl.Units.AccessToken, IdToken: cl.Units.IDToken, RefreshToken: cl.Units.RefreshToken},
		ReadAttributes:             cl.ReadAttributes,
		WriteAttributes:            cl.WriteAttributes,
		ExplicitAuthFlows:          cl.ExplicitAuthFlows,
		PreventUserExistenceErrors: cl.PreventUserExistenceErrors,
		EnableTokenRevocation:      cl.EnableTokenRevocation,
		AuthSessionValidity:        cl.AuthSessionValidity,
	}
}

// loadClient reads an app client (and its pool), or answers
// ResourceNotFoundException.
func loadClient(tx store.Tx, clientID string) (*appClient, *pool, error) {
	if clientID == "" {
		return nil, nil, invalidParameter("1 validation error detected: Value at 'clientId' failed to satisfy constraint: Member must not be null")
	}
	cl, err := getRecord[appClient](tx, kindClient, clientID)
	if isNotFound(err) {
		return nil, nil, clientNotFound(truncate(clientID, 64))
	}
	if err != nil {
		return nil, nil, err
	}
	p, err := loadPool(tx, cl.PoolID)
	if err != nil {
		return nil, nil, err
	}
	return cl, p, nil
}

// loadPoolClient reads a client that must belong to poolID.
func loadPoolClient(tx store.Tx, poolID, clientID string) (*appClient, error) {
	if _, err := loadPool(tx, poolID); err != nil {
		return nil, err
	}
	cl, _, err := loadClient(tx, clientID)
	if err != nil {
		return nil, err
	}
	if cl.PoolID != poolID {
		return nil, clientNotFound(truncate(clientID, 64))
	}
	return cl, nil
}

func (s *Server) describeUserPoolClient(c *call) (any, error) {
	var in clientIDInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var cl *appClient
	err := s.store.View(c.ctx, func(tx store.Tx) (err error) {
		cl, err = loadPoolClient(tx, in.UserPoolId, in.ClientId)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"UserPoolClient": cl.wire()}, nil
}

func (s *Server) listUserPoolClients(c *call) (any, error) {
	var in listInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	limit, after, err := page(in.MaxResults, false, in.NextToken)
	if err != nil {
		return nil, err
	}
	type description struct {
		ClientId   string `json:"ClientId"`
		UserPoolId string `json:"UserPoolId"`
		ClientName string `json:"ClientName"`
	}
	clients := []description{}
	var next string
	err = s.store.View(c.ctx, func(tx store.Tx) error {
		if _, err := loadPool(tx, in.UserPoolId); err != nil {
			return err
		}
		return scanRecords(tx, kindClient, "", func(key string, cl *appClient) error {
			if cl.PoolID != in.UserPoolId || (after != "" && key <= after) {
				return nil
			}
			if len(clients) == limit {
				next = encodePageToken(clients[len(clients)-1].ClientId)
				return store.ErrStopScan
			}
			clients = append(clients, description{cl.ID, cl.PoolID, cl.Name})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{"UserPoolClients": clients}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (s *Server) deleteUserPoolClient(c *call) (any, error) {
	var in clientIDInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, s.store.Update(c.ctx, func(tx store.Tx) error {
		cl, err := loadPoolClient(tx, in.UserPoolId, in.ClientId)
		if err != nil {
			return err
		}
		return tx.Delete(kindClient, cl.ID)
	})
}

// page reads a list call's paging members: the page size (MaxResults or
// Limit, 1 to 60; required says whether it must be present, as for
// ListUserPools, or defaults to 60) and the key after which the page starts
// (from NextToken or PaginationToken).
func page(size *int32, required bool, token string) (limit int, after string, err error) {
	if limit, err = pageSize(size, required); err != nil {
		return 0, "", err
	}
	after, err = decodePageToken(token)
	return limit, after, err
}

// pageSize validates a MaxResults/Limit member (1 to 60).
func pageSize(n *int32, required bool) (int, error) {
	if n == nil {
		if required {
			return 0, invalidParameter("1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not be null")
		}
		return 60, nil
	}
	if *n < 1 || *n > 60 {
		return 0, invalidParameter("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 60", *n)
	}
	return int(*n), nil
}

// Page tokens are the last key of the previous page, base64url-encoded.
func encodePageToken(lastKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(lastKey))
}

func decodePageToken(tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(raw) == 0 {
		return "", invalidParameter("Invalid pagination token.")
	}
	return string(raw), nil
}

const (
	alphanumeric      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lowerAlphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789"
)

func randomAlphanumeric(n int) string      { return randomString(alphanumeric, n) }
func randomLowerAlphanumeric(n int) string { return randomString(lowerAlphanumeric, n) }

// randomString draws n characters uniformly from alphabet with crypto/rand.
func randomString(alphabet string, n int) string {
	out := make([]byte, n)
	buf := make([]byte, 1)
	limit := 256 - 256%len(alphabet)
	for i := 0; i < n; {
		rand.Read(buf)
		if int(buf[0]) >= limit {
			continue
		}
		out[i] = alphabet[int(buf[0])%len(alphabet)]
		i++
	}
	return string(out)
}
