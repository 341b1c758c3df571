package emulator

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// ExportOptions say what Export writes besides the configuration.
type ExportOptions struct {
	// PasswordHashes writes the users' passwords in their stored form
	// (PasswordVerifier: the salt and the SRP verifier, which Apply takes
	// instead of a password) and their software tokens' secrets. Without
	// it, users are written without them: applied to a new server, they
	// get a password no one knows and no software token.
	PasswordHashes bool
}

// Export writes the server's state as a Setup: every pool with its
// settings, domain, resource servers, app clients (with their secrets:
// the setup is as secret as the data it comes from), groups and users
// (their attributes, sub included, status, groups and MFA). Applied to a
// new server, it makes the same pools, clients and users, which Export
// writes the same. What comes and goes as the server is used — sign-ins,
// codes, remembered devices, the outbox — is not part of it.
func (s *Server) Export(ctx context.Context, opts ExportOptions) (*Setup, error) {
	out := &Setup{}
	err := s.view(ctx, func(st *state) error {
		var pools []*pool
		if err := st.scanPools("", func(p *pool) error { pools = append(pools, p); return nil }); err != nil {
			return err
		}
		for _, p := range pools {
			ps, err := exportPool(st, p, opts)
			if err != nil {
				return err
			}
			out.Pools = append(out.Pools, *ps)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("emulator: export: %w", err)
	}
	return out, nil
}

// exportPool is p and what is in it as a PoolSetup.
func exportPool(st *state, p *pool, opts ExportOptions) (*PoolSetup, error) {
	ps := &PoolSetup{ID: p.ID, CreateUserPoolInput: poolInput(p)}
	if len(p.MFAFactors.list()) > 0 {
		// Declared, the factors come with MfaConfiguration; SMS's message
		// and configuration are the pool's own, in poolInput.
		if p.MFAFactors.SoftwareToken {
			ps.SoftwareTokenMfaConfiguration = &types.SoftwareTokenMfaConfigType{Enabled: true}
		}
		if p.MFAFactors.SMS {
			ps.SmsMfaConfiguration = &types.SmsMfaConfigType{}
		}
		ps.EmailMfaConfiguration = poolMFAConfig(p).EmailMfaConfiguration
	}
	if p.Domain != "" {
		settings := p.domainSettings()
		ps.Domain, ps.ManagedLoginVersion = p.Domain, aws.Int32(settings.ManagedLoginVersion)
		if settings.CertificateARN != "" {
			ps.CustomDomainConfig = &types.CustomDomainConfigType{CertificateArn: aws.String(settings.CertificateARN)}
		}
	}
	err := st.scanResourceServers(p, "", func(rs *resourceServer) error {
		sh := rs.shape()
		ps.ResourceServers = append(ps.ResourceServers, cip.CreateResourceServerInput{Identifier: sh.Identifier, Name: sh.Name, Scopes: sh.Scopes})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = st.scanClients(p, "", func(cl *appClient) error {
		ps.Clients = append(ps.Clients, ClientSetup{ClientID: cl.ID, CreateUserPoolClientInput: clientInput(cl)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = st.scanGroups(p, "", func(g *group) error {
		ps.Groups = append(ps.Groups, cip.CreateGroupInput{
			GroupName: aws.String(g.Name), Description: optional(g.Description), RoleArn: optional(g.RoleArn), Precedence: g.Precedence,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = st.scanUsers(p, "", func(_ string, u *user) error {
		ps.Users = append(ps.Users, exportUser(p, u, opts))
		return nil
	})
	return ps, err
}

// poolInput is the CreateUserPool request that makes a pool like p: its
// settings as they were given (not with the defaults DescribeUserPool
// fills in).
func poolInput(p *pool) cip.CreateUserPoolInput {
	policy := p.Policy.shape()
	if !p.TemporaryPasswordValiditySet {
		policy.TemporaryPasswordValidityDays = 0
	}
	if p.PasswordHistorySize > 0 {
		policy.PasswordHistorySize = aws.Int32(p.PasswordHistorySize)
	}
	in := cip.CreateUserPoolInput{
		PoolName:               aws.String(p.Name),
		Policies:               &types.UserPoolPolicyType{PasswordPolicy: &policy},
		AutoVerifiedAttributes: enumsOf[types.VerifiedAttributeType](p.AutoVerified),
		UsernameAttributes:     enumsOf[types.UsernameAttributeType](p.UsernameAttributes),
		AliasAttributes:        enumsOf[types.AliasAttributeType](p.AliasAttributes),
		UsernameConfiguration:  &types.UsernameConfigurationType{CaseSensitive: aws.Bool(p.CaseSensitive)},
		Schema:                 declaredSchema(p.Schema),
		MfaConfiguration:       types.UserPoolMfaType(p.MFAConfiguration),
		DeletionProtection:     types.DeletionProtectionType(p.DeletionProtection),
		UserPoolTags:           p.Tags,
		UserPoolTier:           types.UserPoolTierType(p.Tier),

		VerificationMessageTemplate: p.VerificationTemplate,
		EmailVerificationMessage:    optional(p.EmailVerificationMessage),
		EmailVerificationSubject:    optional(p.EmailVerificationSubject),
		SmsVerificationMessage:      optional(p.SmsVerificationMessage),
		SmsAuthenticationMessage:    optional(p.SmsAuthenticationMessage),
		DeviceConfiguration:         p.DeviceConfiguration,
		EmailConfiguration:          p.EmailConfiguration,
		SmsConfiguration:            p.SmsConfiguration,
		UserPoolAddOns:              p.UserPoolAddOns,
		LambdaConfig:                p.LambdaConfig,
	}
	if len(p.AllowedFirstAuthFactors) > 0 {
		in.Policies.SignInPolicy = &types.SignInPolicyType{AllowedFirstAuthFactors: enumsOf[types.AuthFactorType](p.AllowedFirstAuthFactors)}
	}
	if p.AdminCreateUserOnly || p.InviteMessageTemplate != nil || p.UnusedAccountValidityDays > 0 {
		in.AdminCreateUserConfig = &types.AdminCreateUserConfigType{
			AllowAdminCreateUserOnly: p.AdminCreateUserOnly, InviteMessageTemplate: p.InviteMessageTemplate, UnusedAccountValidityDays: p.UnusedAccountValidityDays,
		}
	}
	if len(p.AccountRecovery) > 0 {
		in.AccountRecoverySetting = &types.AccountRecoverySettingType{RecoveryMechanisms: p.AccountRecovery}
	}
	if len(p.AttributesRequireVerificationBeforeUpdate) > 0 {
		in.UserAttributeUpdateSettings = &types.UserAttributeUpdateSettingsType{
			AttributesRequireVerificationBeforeUpdate: enumsOf[types.VerifiedAttributeType](p.AttributesRequireVerificationBeforeUpdate),
		}
	}
	return in
}

// declaredSchema is the Schema of a CreateUserPool request that makes
// schema: the standard attributes whose settings differ from the
// standard ones, and the custom attributes.
func declaredSchema(schema []schemaAttribute) []types.SchemaAttributeType {
	standard := standardSchema()
	var out []types.SchemaAttributeType
	for _, a := range schema {
		i := slices.IndexFunc(standard, func(b schemaAttribute) bool { return b.Name == a.Name })
		switch {
		case i >= 0 && standard[i] == a:
		case i >= 0:
			out = append(out, types.SchemaAttributeType{Name: aws.String(a.Name), Required: aws.Bool(a.Required), Mutable: aws.Bool(a.Mutable)})
		default:
			w := types.SchemaAttributeType{Name: aws.String(a.Name), AttributeDataType: types.AttributeDataType(a.DataType), Mutable: aws.Bool(a.Mutable)}
			if a.DeveloperOnly {
				w.DeveloperOnlyAttribute = aws.Bool(true)
			}
			if a.StringMinLength != "" || a.StringMaxLength != "" {
				w.StringAttributeConstraints = &types.StringAttributeConstraintsType{MinLength: optional(a.StringMinLength), MaxLength: optional(a.StringMaxLength)}
			}
			if a.NumberMinValue != "" || a.NumberMaxValue != "" {
				w.NumberAttributeConstraints = &types.NumberAttributeConstraintsType{MinValue: optional(a.NumberMinValue), MaxValue: optional(a.NumberMaxValue)}
			}
			out = append(out, w)
		}
	}
	return out
}

// clientInput is the CreateUserPoolClient request that makes a client
// like cl, with its (primary) secret.
func clientInput(cl *appClient) cip.CreateUserPoolClientInput {
	sh := cl.shape()
	in := cip.CreateUserPoolClientInput{
		ClientName: sh.ClientName, ClientSecret: sh.ClientSecret,
		AccessTokenValidity: sh.AccessTokenValidity, IdTokenValidity: sh.IdTokenValidity, RefreshTokenValidity: sh.RefreshTokenValidity,
		TokenValidityUnits: sh.TokenValidityUnits, ReadAttributes: sh.ReadAttributes, WriteAttributes: sh.WriteAttributes,
		ExplicitAuthFlows: sh.ExplicitAuthFlows, PreventUserExistenceErrors: sh.PreventUserExistenceErrors,
		EnableTokenRevocation: sh.EnableTokenRevocation, AuthSessionValidity: sh.AuthSessionValidity,
		RefreshTokenRotation: sh.RefreshTokenRotation, AnalyticsConfiguration: sh.AnalyticsConfiguration,
		AllowedOAuthFlows: sh.AllowedOAuthFlows, AllowedOAuthScopes: sh.AllowedOAuthScopes,
		CallbackURLs: sh.CallbackURLs, LogoutURLs: sh.LogoutURLs, DefaultRedirectURI: sh.DefaultRedirectURI,
		SupportedIdentityProviders: sh.SupportedIdentityProviders,
	}
	if aws.ToBool(sh.AllowedOAuthFlowsUserPoolClient) {
		in.AllowedOAuthFlowsUserPoolClient = true
	}
	if aws.ToBool(sh.EnablePropagateAdditionalUserContextData) {
		in.EnablePropagateAdditionalUserContextData = aws.Bool(true)
	}
	return in
}

// exportUser is u as a UserSetup: named as it signs in (its email or
// phone number in a pool whose usernames are subs).
func exportUser(p *pool, u *user, opts ExportOptions) UserSetup {
	out := UserSetup{Username: u.Username, UserAttributes: UserAttributes(u.Attributes), UserStatus: types.UserStatusType(u.Status)}
	if u.Username == u.Attributes["sub"] {
		for _, a := range p.UsernameAttributes {
			if v := u.Attributes[a]; v != "" {
				out.Username = v
				break
			}
		}
	}
	if !u.Enabled {
		out.Enabled = aws.Bool(false)
	}
	out.Groups = u.Groups
	enabled, preferred := u.MFA.Enabled, u.MFA.Preferred
	if opts.PasswordHashes {
		out.PasswordVerifier = &PasswordVerifier{Salt: u.Salt, Verifier: u.Verifier}
		if len(u.MFA.TOTPSecret) > 0 {
			out.SoftwareTokenSecret = encodeTOTPSecret(u.MFA.TOTPSecret)
		}
	} else {
		// Without its secret, the software token is not the user's.
		enabled = slices.DeleteFunc(slices.Clone(enabled), func(f string) bool { return f == factorTOTP })
		if preferred == factorTOTP {
			preferred = ""
		}
	}
	if len(enabled) > 0 { // none is left out: applied, it keeps the user's
		out.UserMFASettingList = enabled
	}
	out.PreferredMfaSetting = preferred
	return out
}
