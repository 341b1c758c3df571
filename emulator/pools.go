package emulator

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// User pools: creation, description, listing and deletion.

func (s *Server) createUserPool(ctx context.Context, _ *caller, in *cip.CreateUserPoolInput) (*cip.CreateUserPoolOutput, error) {
	now := s.now()
	p := &pool{
		ID:                 s.region + "_" + randomAlphanumeric(9),
		Name:               aws.ToString(in.PoolName),
		Created:            now,
		Modified:           now,
		Policy:             defaultPasswordPolicy,
		UsernameAttributes: enumStrings(in.UsernameAttributes),
		AliasAttributes:    enumStrings(in.AliasAttributes),
		AutoVerified:       enumStrings(in.AutoVerifiedAttributes),
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
		if w.TemporaryPasswordValidityDays != 0 {
			if w.TemporaryPasswordValidityDays < 0 || w.TemporaryPasswordValidityDays > 365 {
				return nil, invalidParameter("TemporaryPasswordValidityDays must be between 0 and 365.")
			}
			p.Policy.TemporaryPasswordValidityDays = w.TemporaryPasswordValidityDays
		}
	}
	for _, a := range p.AutoVerified {
		if a != "email" && a != "phone_number" {
			return nil, invalidParameter("Invalid AutoVerifiedAttributes value %q: only email and phone_number can be verified.", truncate(a, 64))
		}
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
	switch in.MfaConfiguration {
	case "", "OFF":
	case "ON", "OPTIONAL":
		return nil, invalidParameter("MFA is not supported by the local Cognito; use MfaConfiguration OFF.")
	default:
		return nil, invalidParameter("Invalid MfaConfiguration %q.", truncate(string(in.MfaConfiguration), 32))
	}
	switch in.DeletionProtection {
	case "":
	case "ACTIVE", "INACTIVE":
		p.DeletionProtection = string(in.DeletionProtection)
	default:
		return nil, invalidParameter("Invalid DeletionProtection %q.", truncate(string(in.DeletionProtection), 32))
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
	if err := s.update(ctx, func(st *state) error { return st.createPool(p, key) }); err != nil {
		return nil, err
	}
	s.log.Info("user pool created", "userPoolId", p.ID, "name", p.Name)
	return &cip.CreateUserPoolOutput{UserPool: s.poolShape(p, 0)}, nil
}

// poolShape is a pool as DescribeUserPool shows it, with users the
// estimated number of users.
func (s *Server) poolShape(p *pool, users int) *types.UserPoolType {
	policy := p.Policy.shape()
	out := &types.UserPoolType{
		Id:                     aws.String(p.ID),
		Name:                   aws.String(p.Name),
		Arn:                    aws.String(s.poolARN(p.ID)),
		Policies:               &types.UserPoolPolicyType{PasswordPolicy: &policy},
		LambdaConfig:           &types.LambdaConfigType{},
		LastModifiedDate:       aws.Time(p.Modified),
		CreationDate:           aws.Time(p.Created),
		AutoVerifiedAttributes: enumsOf[types.VerifiedAttributeType](p.AutoVerified),
		AliasAttributes:        enumsOf[types.AliasAttributeType](p.AliasAttributes),
		UsernameAttributes:     enumsOf[types.UsernameAttributeType](p.UsernameAttributes),
		MfaConfiguration:       types.UserPoolMfaType(p.MFAConfiguration),
		EstimatedNumberOfUsers: int32(users),
		DeletionProtection:     types.DeletionProtectionType(p.DeletionProtection),
		UserPoolTags:           p.Tags,
		UsernameConfiguration:  &types.UsernameConfigurationType{CaseSensitive: aws.Bool(p.CaseSensitive)},
		AdminCreateUserConfig:  &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: p.AdminCreateUserOnly},
	}
	if p.Domain != "" {
		out.Domain = aws.String(p.Domain)
	}
	for _, a := range p.Schema {
		out.SchemaAttributes = append(out.SchemaAttributes, a.shape())
	}
	return out
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
	limit, after, err := page(in.MaxResults, true, aws.ToString(in.NextToken))
	if err != nil {
		return nil, err
	}
	out := &cip.ListUserPoolsOutput{UserPools: []types.UserPoolDescriptionType{}}
	err = s.view(ctx, func(st *state) error {
		return st.scanPools(after, func(p *pool) error {
			if len(out.UserPools) == limit {
				out.NextToken = aws.String(encodePageToken(aws.ToString(out.UserPools[limit-1].Id)))
				return errStopScan
			}
			out.UserPools = append(out.UserPools, types.UserPoolDescriptionType{
				Id: aws.String(p.ID), Name: aws.String(p.Name),
				LambdaConfig:     &types.LambdaConfigType{},
				LastModifiedDate: aws.Time(p.Modified), CreationDate: aws.Time(p.Created),
			})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
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
