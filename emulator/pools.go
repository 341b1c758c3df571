package emulator

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// User pools: creation, description, update, listing and deletion; custom
// attributes, the signing certificate, the CSV header of user import and
// tags. Their settings are in pool_settings.go.

// excFeatureUnavailableInTier is Cognito's answer to a setting the pool's
// feature plan (UserPoolTier) does not include.
const excFeatureUnavailableInTier = "FeatureUnavailableInTierException"

// Limits Cognito documents for a pool.
const (
	maxCustomAttributes = 50  // custom attributes in a pool
	maxPoolTags         = 50  // tags on a pool
	maxValidityDays     = 365 // TemporaryPasswordValidityDays, UnusedAccountValidityDays
	maxPasswordHistory  = 24  // PasswordHistorySize
)

// Cognito's verification messages for a pool that sets none.
const (
	defaultEmailMessage       = "Your verification code is {####}. "
	defaultEmailSubject       = "Your verification code"
	defaultSmsMessage         = "Your verification code is {####}. "
	defaultEmailMessageByLink = "Please click the link below to verify your email address. {##Verify Email##} "
	defaultEmailSubjectByLink = "Your verification link"
)

// createUserPool is CreateUserPool: the settings only a creation sets
// (username and alias attributes, case sensitivity, the schema) and the
// ones an update can change (applyPoolSettings), with a new signing key.
// It answers the pool with Cognito's defaults filled in.
func (s *Server) createUserPool(ctx context.Context, _ *caller, in *cip.CreateUserPoolInput) (*cip.CreateUserPoolOutput, error) {
	p, err := s.newPool(s.region+"_"+randomAlphanumeric(9), in)
	if err != nil {
		return nil, err
	}
	key, err := s.generateKey()
	if err != nil {
		return nil, err
	}
	if err := s.update(ctx, func(st *state) error { return st.createPool(p, key) }); err != nil {
		return nil, err
	}
	s.log.Info("user pool created", "userPoolId", p.ID, "name", p.Name)
	s.warnInertSettings(p)
	return &cip.CreateUserPoolOutput{UserPool: s.poolShape(p, 0)}, nil
}

// newPool is the pool a CreateUserPool request describes, with the ID id,
// validated and with Cognito's defaults; it is not stored. The declarative
// setup (setup.go) makes its pools, whose IDs are fixed, with it too.
func (s *Server) newPool(id string, in *cip.CreateUserPoolInput) (*pool, error) {
	now := s.now()
	p := &pool{
		ID:                 id,
		Created:            now,
		Modified:           now,
		UsernameAttributes: enumStrings(in.UsernameAttributes),
		AliasAttributes:    enumStrings(in.AliasAttributes),
		CaseSensitive:      true,
	}
	for _, a := range p.UsernameAttributes {
		if a != "email" && a != "phone_number" {
			return nil, invalidParameter("Invalid UsernameAttributes value %q: use email or phone_number.", truncate(a, 64))
		}
	}
	for _, a := range p.AliasAttributes {
		if a != "email" && a != "phone_number" && a != "preferred_username" {
			return nil, invalidParameter("Invalid AliasAttributes value %q: use email, phone_number or preferred_username.", truncate(a, 64))
		}
	}
	if len(p.UsernameAttributes) > 0 && len(p.AliasAttributes) > 0 {
		return nil, invalidParameter("Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
	}
	if in.UsernameConfiguration != nil && in.UsernameConfiguration.CaseSensitive != nil {
		p.CaseSensitive = *in.UsernameConfiguration.CaseSensitive
	}
	schema, err := buildSchema(in.Schema)
	if err != nil {
		return nil, err
	}
	p.Schema = schema
	if err := applyPoolSettings(p, createSettings(in), nil); err != nil {
		return nil, err
	}
	return p, nil
}

// updateUserPool is UpdateUserPool. As AWS documents, every setting the
// request leaves out goes back to its default; what cannot change after
// creation (the schema, username and alias attributes, case sensitivity)
// and what other actions own (the domain) are kept. A left-out PoolName
// keeps the name: a pool has no default name.
func (s *Server) updateUserPool(ctx context.Context, _ *caller, in *cip.UpdateUserPoolInput) (*cip.UpdateUserPoolOutput, error) {
	var updated *pool
	err := s.update(ctx, func(st *state) error {
		old, err := st.pool(aws.ToString(in.UserPoolId))
		if err != nil {
			return err
		}
		p := &pool{
			ID:                 old.ID,
			Name:               old.Name,
			Created:            old.Created,
			Modified:           s.now(),
			UsernameAttributes: old.UsernameAttributes,
			AliasAttributes:    old.AliasAttributes,
			CaseSensitive:      old.CaseSensitive,
			Schema:             old.Schema,
			Domain:             old.Domain,
			DomainSettings:     old.DomainSettings,
		}
		if err := applyPoolSettings(p, updateSettings(in), old); err != nil {
			return err
		}
		if p.Domain != "" {
			if err := checkTierAllows(p, p.domainSettings().ManagedLoginVersion); err != nil {
				return err
			}
		}
		updated = p
		return st.putPool(p)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user pool updated", "userPoolId", updated.ID)
	s.warnInertSettings(updated)
	return &cip.UpdateUserPoolOutput{}, nil
}

// poolARN is the ARN of a pool, in the local account.
func (s *Server) poolARN(poolID string) string {
	return fmt.Sprintf("arn:aws:cognito-idp:%s:%s:userpool/%s", s.region, localAccountID, poolID)
}

// localAccountID is the AWS account the local Cognito's resources are in.
const localAccountID = "000000000000"

func (s *Server) describeUserPool(ctx context.Context, _ *caller, in *cip.DescribeUserPoolInput) (*cip.DescribeUserPoolOutput, error) {
	var out *types.UserPoolType
	err := s.view(ctx, func(st *state) error {
		p, err := st.pool(aws.ToString(in.UserPoolId))
		if err != nil {
			return err
		}
		n, err := st.countUsers(p)
		out = s.poolShape(p, n)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cip.DescribeUserPoolOutput{UserPool: out}, nil
}

func (s *Server) listUserPools(ctx context.Context, _ *caller, in *cip.ListUserPoolsInput) (*cip.ListUserPoolsOutput, error) {
	pg, err := newPager[types.UserPoolDescriptionType](in.MaxResults, true, in.NextToken)
	if err != nil {
		return nil, err
	}
	err = s.view(ctx, func(st *state) error {
		return st.scanPools(pg.after, func(p *pool) error {
			return pg.add(p.ID, types.UserPoolDescriptionType{
				Id: aws.String(p.ID), Name: aws.String(p.Name),
				LambdaConfig:     cmp.Or(p.LambdaConfig, &types.LambdaConfigType{}),
				LastModifiedDate: aws.Time(p.Modified), CreationDate: aws.Time(p.Created),
			})
		})
	})
	if err != nil {
		return nil, err
	}
	return &cip.ListUserPoolsOutput{UserPools: pg.items, NextToken: pg.next}, nil
}

func (s *Server) deleteUserPool(ctx context.Context, _ *caller, in *cip.DeleteUserPoolInput) (*cip.DeleteUserPoolOutput, error) {
	poolID := aws.ToString(in.UserPoolId)
	err := s.update(ctx, func(st *state) error {
		p, err := st.pool(poolID)
		if err != nil {
			return err
		}
		if p.DeletionProtection == "ACTIVE" {
			return invalidParameter("The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
		}
		return st.deletePool(p)
	})
	if err != nil {
		return nil, err
	}
	s.forgetKey(poolID)
	return &cip.DeleteUserPoolOutput{}, nil
}

// changePool runs fn on a copy of the pool poolID in a write transaction
// and stores the copy unless fn fails.
func (s *Server) changePool(ctx context.Context, poolID string, fn func(st *state, p *pool) error) error {
	return s.update(ctx, func(st *state) error {
		shared, err := st.pool(poolID)
		if err != nil {
			return err
		}
		p, err := shared.clone()
		if err != nil {
			return err
		}
		if err := fn(st, p); err != nil {
			return err
		}
		return st.putPool(p)
	})
}

// addCustomAttributes is AddCustomAttributes: each attribute becomes
// custom:<name> (dev:custom:<name> for a developer-only one), as in a
// CreateUserPool schema, within Cognito's limit of custom attributes.
func (s *Server) addCustomAttributes(ctx context.Context, _ *caller, in *cip.AddCustomAttributesInput) (*cip.AddCustomAttributesOutput, error) {
	if len(in.CustomAttributes) > 25 {
		return nil, invalidParameter("1 validation error detected: Value at 'customAttributes' failed to satisfy constraint: Member must have length less than or equal to 25")
	}
	added := make([]schemaAttribute, 0, len(in.CustomAttributes))
	for _, w := range in.CustomAttributes {
		a, err := newCustomAttribute(w)
		if err != nil {
			return nil, err
		}
		added = append(added, a)
	}
	err := s.changePool(ctx, aws.ToString(in.UserPoolId), func(_ *state, p *pool) error {
		for _, a := range added {
			if hasCustomAttribute(p.Schema, a.Name) {
				return invalidParameter("Existing attribute already has name %s.", customName(a.Name))
			}
			p.Schema = append(p.Schema, a)
		}
		n := 0
		for _, a := range p.Schema {
			if strings.Contains(a.Name, "custom:") {
				n++
			}
		}
		if n > maxCustomAttributes {
			// AddCustomAttributes has no LimitExceededException in Cognito's
			// model: the limit is a parameter error.
			return invalidParameter("A user pool can have at most %d custom attributes.", maxCustomAttributes)
		}
		p.Modified = s.now()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.AddCustomAttributesOutput{}, nil
}

// getSigningCertificate is GetSigningCertificate: the pool's RSA signing
// key as a self-signed X.509 certificate, base64 DER as AWS returns it. It
// is made the same each time (its serial and validity come from the key
// and the pool), as a stored certificate would be.
func (s *Server) getSigningCertificate(ctx context.Context, _ *caller, in *cip.GetSigningCertificateInput) (*cip.GetSigningCertificateOutput, error) {
	var p *pool
	var key *signingKey
	err := s.view(ctx, func(st *state) (err error) {
		if p, err = st.pool(aws.ToString(in.UserPoolId)); err != nil {
			return err
		}
		key, err = s.poolKey(st, p.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(key.kid))
	notBefore := p.Created.UTC().Truncate(time.Second)
	template := &x509.Certificate{
		SerialNumber:          new(big.Int).SetBytes(sum[:16]),
		Subject:               pkix.Name{CommonName: p.ID, Organization: []string{"Local Cognito"}},
		NotBefore:             notBefore,
		NotAfter:              notBefore.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.key.PublicKey, key.key)
	if err != nil {
		return nil, fmt.Errorf("making the signing certificate of %s: %w", p.ID, err)
	}
	return &cip.GetSigningCertificateOutput{Certificate: aws.String(base64.StdEncoding.EncodeToString(der))}, nil
}

// getCSVHeader is GetCSVHeader: the columns of a user import file, as AWS
// lists them: the pool's attributes in schema order (all but sub), then
// cognito:mfa_enabled and cognito:username.
func (s *Server) getCSVHeader(ctx context.Context, _ *caller, in *cip.GetCSVHeaderInput) (*cip.GetCSVHeaderOutput, error) {
	var header []string
	err := s.view(ctx, func(st *state) error {
		p, err := st.pool(aws.ToString(in.UserPoolId))
		if err != nil {
			return err
		}
		for _, a := range p.Schema {
			if a.Name != "sub" {
				header = append(header, a.describedName())
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	header = append(header, "cognito:mfa_enabled", "cognito:username")
	return &cip.GetCSVHeaderOutput{UserPoolId: in.UserPoolId, CSVHeader: header}, nil
}

// poolOfARN is the ID of the pool a ResourceArn names, or
// ResourceNotFoundException when it names no pool of this server.
func (s *Server) poolOfARN(arn string) (string, error) {
	_, id, ok := strings.Cut(arn, ":userpool/")
	if !ok || id == "" || s.poolARN(id) != arn {
		return "", newError(excResourceNotFound, "Resource %s does not exist.", truncate(arn, 256))
	}
	return id, nil
}

// tagResource is TagResource: the tags are added to the pool's, replacing
// the values of keys it has.
func (s *Server) tagResource(ctx context.Context, _ *caller, in *cip.TagResourceInput) (*cip.TagResourceOutput, error) {
	poolID, err := s.poolOfARN(aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	for k, v := range in.Tags {
		if err := checkTag(k, v); err != nil {
			return nil, err
		}
	}
	err = s.changePool(ctx, poolID, func(_ *state, p *pool) error {
		if p.Tags == nil {
			p.Tags = make(map[string]string, len(in.Tags))
		}
		for k, v := range in.Tags {
			p.Tags[k] = v
		}
		if len(p.Tags) > maxPoolTags {
			return invalidParameter("A user pool can have at most %d tags.", maxPoolTags)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.TagResourceOutput{}, nil
}

// untagResource is UntagResource; keys the pool does not have are ignored.
func (s *Server) untagResource(ctx context.Context, _ *caller, in *cip.UntagResourceInput) (*cip.UntagResourceOutput, error) {
	poolID, err := s.poolOfARN(aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	err = s.changePool(ctx, poolID, func(_ *state, p *pool) error {
		for _, k := range in.TagKeys {
			delete(p.Tags, k)
		}
		if len(p.Tags) == 0 {
			p.Tags = nil
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.UntagResourceOutput{}, nil
}

// listTagsForResource is ListTagsForResource: the pool's tags (an empty
// map for none).
func (s *Server) listTagsForResource(ctx context.Context, _ *caller, in *cip.ListTagsForResourceInput) (*cip.ListTagsForResourceOutput, error) {
	poolID, err := s.poolOfARN(aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	tags := map[string]string{}
	err = s.view(ctx, func(st *state) error {
		p, err := st.pool(poolID)
		if err != nil {
			return err
		}
		for k, v := range p.Tags {
			tags[k] = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.ListTagsForResourceOutput{Tags: tags}, nil
}

// enumStrings is a list of SDK enum values as plain strings.
func enumStrings[E ~string](in []E) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

// enumsOf is a list of strings as SDK enum values (nil for none).
func enumsOf[E ~string](in []string) []E {
	if len(in) == 0 {
		return nil
	}
	out := make([]E, len(in))
	for i, v := range in {
		out[i] = E(v)
	}
	return out
}
