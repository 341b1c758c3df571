package emulator

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The settings of a user pool: what CreateUserPool and UpdateUserPool
// share (poolSettings, applied by applyPoolSettings with AWS's validation
// and defaults) and how a pool is described (poolShape).

// poolSettings are the members CreateUserPool and UpdateUserPool share:
// the settings applyPoolSettings stores.
type poolSettings struct {
	PoolName                    *string
	Policies                    *types.UserPoolPolicyType
	AutoVerifiedAttributes      []types.VerifiedAttributeType
	MfaConfiguration            types.UserPoolMfaType
	DeletionProtection          types.DeletionProtectionType
	AdminCreateUserConfig       *types.AdminCreateUserConfigType
	AccountRecoverySetting      *types.AccountRecoverySettingType
	DeviceConfiguration         *types.DeviceConfigurationType
	EmailConfiguration          *types.EmailConfigurationType
	SmsConfiguration            *types.SmsConfigurationType
	EmailVerificationMessage    *string
	EmailVerificationSubject    *string
	SmsVerificationMessage      *string
	SmsAuthenticationMessage    *string
	VerificationMessageTemplate *types.VerificationMessageTemplateType
	UserAttributeUpdateSettings *types.UserAttributeUpdateSettingsType
	UserPoolAddOns              *types.UserPoolAddOnsType
	UserPoolTags                map[string]string
	UserPoolTier                types.UserPoolTierType
	LambdaConfig                *types.LambdaConfigType
}

// createSettings are the settings of a CreateUserPool request.
func createSettings(in *cip.CreateUserPoolInput) *poolSettings {
	return &poolSettings{
		PoolName: in.PoolName, Policies: in.Policies, AutoVerifiedAttributes: in.AutoVerifiedAttributes,
		MfaConfiguration: in.MfaConfiguration, DeletionProtection: in.DeletionProtection,
		AdminCreateUserConfig: in.AdminCreateUserConfig, AccountRecoverySetting: in.AccountRecoverySetting,
		DeviceConfiguration: in.DeviceConfiguration, EmailConfiguration: in.EmailConfiguration,
		SmsConfiguration: in.SmsConfiguration, EmailVerificationMessage: in.EmailVerificationMessage,
		EmailVerificationSubject: in.EmailVerificationSubject, SmsVerificationMessage: in.SmsVerificationMessage,
		SmsAuthenticationMessage: in.SmsAuthenticationMessage, VerificationMessageTemplate: in.VerificationMessageTemplate,
		UserAttributeUpdateSettings: in.UserAttributeUpdateSettings, UserPoolAddOns: in.UserPoolAddOns,
		UserPoolTags: in.UserPoolTags, UserPoolTier: in.UserPoolTier, LambdaConfig: in.LambdaConfig,
	}
}

// updateSettings are the settings of an UpdateUserPool request.
func updateSettings(in *cip.UpdateUserPoolInput) *poolSettings {
	return &poolSettings{
		PoolName: in.PoolName, Policies: in.Policies, AutoVerifiedAttributes: in.AutoVerifiedAttributes,
		MfaConfiguration: in.MfaConfiguration, DeletionProtection: in.DeletionProtection,
		AdminCreateUserConfig: in.AdminCreateUserConfig, AccountRecoverySetting: in.AccountRecoverySetting,
		DeviceConfiguration: in.DeviceConfiguration, EmailConfiguration: in.EmailConfiguration,
		SmsConfiguration: in.SmsConfiguration, EmailVerificationMessage: in.EmailVerificationMessage,
		EmailVerificationSubject: in.EmailVerificationSubject, SmsVerificationMessage: in.SmsVerificationMessage,
		SmsAuthenticationMessage: in.SmsAuthenticationMessage, VerificationMessageTemplate: in.VerificationMessageTemplate,
		UserAttributeUpdateSettings: in.UserAttributeUpdateSettings, UserPoolAddOns: in.UserPoolAddOns,
		UserPoolTags: in.UserPoolTags, UserPoolTier: in.UserPoolTier, LambdaConfig: in.LambdaConfig,
	}
}

// applyPoolSettings validates in and sets p's settings from it: each one
// given, or its default when left out. prev is the pool before an update
// (nil at creation): a pool that ever set TemporaryPasswordValidityDays
// keeps using it. The adapter has checked the members' own constraints
// (validate.go); the rules between members are checked here.
func applyPoolSettings(p *pool, in *poolSettings, prev *pool) error {
	if in.PoolName != nil {
		p.Name = *in.PoolName
	}
	switch in.UserPoolTier {
	case "":
		p.Tier = string(types.UserPoolTierTypeEssentials)
	case types.UserPoolTierTypeLite, types.UserPoolTierTypeEssentials, types.UserPoolTierTypePlus:
		p.Tier = string(in.UserPoolTier)
	default:
		return invalidParameter("Invalid UserPoolTier %q: use LITE, ESSENTIALS or PLUS.", truncate(string(in.UserPoolTier), 32))
	}
	if err := applyPolicies(p, in.Policies, prev); err != nil {
		return err
	}

	p.AutoVerified = enumStrings(in.AutoVerifiedAttributes)
	for _, a := range p.AutoVerified {
		if a != "email" && a != "phone_number" {
			return invalidParameter("Invalid AutoVerifiedAttributes value %q: only email and phone_number can be verified.", truncate(a, 64))
		}
	}
	switch in.MfaConfiguration {
	case "":
		p.MFAConfiguration = string(types.UserPoolMfaTypeOff)
	case types.UserPoolMfaTypeOff, types.UserPoolMfaTypeOn, types.UserPoolMfaTypeOptional:
		p.MFAConfiguration = string(in.MfaConfiguration)
	default:
		return invalidParameter("Invalid MfaConfiguration %q.", truncate(string(in.MfaConfiguration), 32))
	}
	switch in.DeletionProtection {
	case "":
		p.DeletionProtection = string(types.DeletionProtectionTypeInactive)
	case types.DeletionProtectionTypeActive, types.DeletionProtectionTypeInactive:
		p.DeletionProtection = string(in.DeletionProtection)
	default:
		return invalidParameter("Invalid DeletionProtection %q.", truncate(string(in.DeletionProtection), 32))
	}
	if err := applyAdminCreateUserConfig(p, in.AdminCreateUserConfig); err != nil {
		return err
	}
	if err := applyAccountRecovery(p, in.AccountRecoverySetting); err != nil {
		return err
	}
	if err := applyMessaging(p, in); err != nil {
		return err
	}
	if err := applyPoolMFA(p, prev); err != nil {
		return err
	}
	if err := checkSignInPolicy(p); err != nil {
		return err
	}
	p.DeviceConfiguration = in.DeviceConfiguration

	p.AttributesRequireVerificationBeforeUpdate = nil
	if u := in.UserAttributeUpdateSettings; u != nil {
		for _, a := range u.AttributesRequireVerificationBeforeUpdate {
			if a != types.VerifiedAttributeTypeEmail && a != types.VerifiedAttributeTypePhoneNumber {
				return invalidParameter("Invalid AttributesRequireVerificationBeforeUpdate value %q: use email or phone_number.", truncate(string(a), 64))
			}
			// Cognito verifies the new value with a code, which it sends
			// only for attributes it verifies automatically.
			if !slices.Contains(p.AutoVerified, string(a)) {
				return invalidParameter("Attributes in AttributesRequireVerificationBeforeUpdate must also be in AutoVerifiedAttributes.")
			}
			if !slices.Contains(p.AttributesRequireVerificationBeforeUpdate, string(a)) {
				p.AttributesRequireVerificationBeforeUpdate = append(p.AttributesRequireVerificationBeforeUpdate, string(a))
			}
		}
	}

	p.UserPoolAddOns = nil
	if a := in.UserPoolAddOns; a != nil {
		if !slices.Contains(types.AdvancedSecurityModeType("").Values(), a.AdvancedSecurityMode) {
			return invalidParameter("Invalid AdvancedSecurityMode %q: use OFF, AUDIT or ENFORCED.", truncate(string(a.AdvancedSecurityMode), 32))
		}
		custom := types.AdvancedSecurityEnabledModeType("")
		if a.AdvancedSecurityAdditionalFlows != nil {
			custom = a.AdvancedSecurityAdditionalFlows.CustomAuthMode
			if custom != "" && !slices.Contains(custom.Values(), custom) {
				return invalidParameter("Invalid CustomAuthMode %q: use AUDIT or ENFORCED.", truncate(string(custom), 32))
			}
		}
		if (a.AdvancedSecurityMode != types.AdvancedSecurityModeTypeOff || custom != "") && p.Tier != string(types.UserPoolTierTypePlus) {
			return newError(excFeatureUnavailableInTier, "Threat protection (UserPoolAddOns) requires the PLUS feature plan.")
		}
		p.UserPoolAddOns = a
	}

	if len(in.UserPoolTags) > maxPoolTags {
		return invalidParameter("A user pool can have at most %d tags.", maxPoolTags)
	}
	for k, v := range in.UserPoolTags {
		if err := checkTag(k, v); err != nil {
			return err
		}
	}
	p.Tags = in.UserPoolTags
	return applyLambdaConfig(p, in.LambdaConfig)
}

// applyPolicies sets the password and sign-in policies.
func applyPolicies(p *pool, in *types.UserPoolPolicyType, prev *pool) error {
	p.Policy = defaultPasswordPolicy
	p.PasswordHistorySize = 0
	p.AllowedFirstAuthFactors = nil
	p.TemporaryPasswordValiditySet = prev != nil && prev.TemporaryPasswordValiditySet
	if in == nil {
		return nil
	}
	if w := in.PasswordPolicy; w != nil {
		p.Policy = passwordPolicy{
			MinimumLength:                 8,
			RequireUppercase:              w.RequireUppercase,
			RequireLowercase:              w.RequireLowercase,
			RequireNumbers:                w.RequireNumbers,
			RequireSymbols:                w.RequireSymbols,
			TemporaryPasswordValidityDays: defaultPasswordPolicy.TemporaryPasswordValidityDays,
		}
		if w.MinimumLength != nil {
			if *w.MinimumLength < 6 || *w.MinimumLength > 99 {
				return invalidParameter("MinimumLength must be between 6 and 99.")
			}
			p.Policy.MinimumLength = *w.MinimumLength
		}
		// 0 is "not set" (AWS: treated as null, so the default).
		if w.TemporaryPasswordValidityDays != 0 {
			if w.TemporaryPasswordValidityDays < 0 || w.TemporaryPasswordValidityDays > maxValidityDays {
				return invalidParameter("TemporaryPasswordValidityDays must be between 0 and %d.", maxValidityDays)
			}
			p.Policy.TemporaryPasswordValidityDays = w.TemporaryPasswordValidityDays
			p.TemporaryPasswordValiditySet = true
		}
		if n := aws.ToInt32(w.PasswordHistorySize); n != 0 {
			if n < 0 || n > maxPasswordHistory {
				return invalidParameter("PasswordHistorySize must be between 0 and %d.", maxPasswordHistory)
			}
			if p.Tier == string(types.UserPoolTierTypeLite) {
				return newError(excFeatureUnavailableInTier, "Password history (PasswordHistorySize) requires the ESSENTIALS or PLUS feature plan.")
			}
			p.PasswordHistorySize = n
		}
	}
	if sp := in.SignInPolicy; sp != nil {
		for _, f := range sp.AllowedFirstAuthFactors {
			if !slices.Contains(f.Values(), f) {
				return invalidParameter("Invalid AllowedFirstAuthFactors value %q: use PASSWORD, EMAIL_OTP, SMS_OTP or WEB_AUTHN.", truncate(string(f), 32))
			}
			if f != types.AuthFactorTypePassword && p.Tier == string(types.UserPoolTierTypeLite) {
				return newError(excFeatureUnavailableInTier, "Passwordless sign-in (%s) requires the ESSENTIALS or PLUS feature plan.", f)
			}
			if !slices.Contains(p.AllowedFirstAuthFactors, string(f)) {
				p.AllowedFirstAuthFactors = append(p.AllowedFirstAuthFactors, string(f))
			}
		}
	}
	return nil
}

// checkSignInPolicy checks the first factors p allows (SignInPolicy)
// against the rest of its settings, as AWS documents them: PASSWORD is
// always among them (AWS CDK: "This must be true"); one-time passwords
// need the ESSENTIALS or PLUS plan (checked by applyPolicies), and their
// messages a way out — EMAIL_OTP email sent through Amazon SES
// (EmailSendingAccount DEVELOPER, as email MFA needs), SMS_OTP an
// SmsConfiguration; and passwordless sign-in does not go with MFA required
// (Amplify's documentation of Cognito: "Amazon Cognito does not support
// enabling both MFA and passwordless sign-in"; AWS documents passkeys
// alone as able to satisfy MFA, which the local Cognito does not
// support). It is checked on CreateUserPool, UpdateUserPool and
// SetUserPoolMfaConfig.
func checkSignInPolicy(p *pool) error {
	if len(p.AllowedFirstAuthFactors) == 0 {
		return nil
	}
	if !slices.Contains(p.AllowedFirstAuthFactors, string(types.AuthFactorTypePassword)) {
		return invalidParameter("AllowedFirstAuthFactors must include PASSWORD.")
	}
	if slices.Contains(p.AllowedFirstAuthFactors, string(types.AuthFactorTypeEmailOtp)) &&
		(p.EmailConfiguration == nil || p.EmailConfiguration.EmailSendingAccount != types.EmailSendingAccountTypeDeveloper) {
		return invalidParameter("EMAIL_OTP sign-in requires an EmailConfiguration with EmailSendingAccount DEVELOPER (Amazon SES).")
	}
	if slices.Contains(p.AllowedFirstAuthFactors, string(types.AuthFactorTypeSmsOtp)) && p.SmsConfiguration == nil {
		return invalidParameter("SMS_OTP sign-in requires an SmsConfiguration.")
	}
	if len(p.AllowedFirstAuthFactors) > 1 && p.MFAConfiguration == string(types.UserPoolMfaTypeOn) {
		return invalidParameter("Passwordless sign-in (AllowedFirstAuthFactors other than PASSWORD) cannot be allowed when MFA is required (MfaConfiguration ON).")
	}
	return nil
}

// applyAdminCreateUserConfig sets who may sign up, the invitation and the
// legacy UnusedAccountValidityDays. AWS: "For older user pools that have a
// UnusedAccountValidityDays configuration, that value is effective until
// you set a value for TemporaryPasswordValidityDays", after which the
// legacy member can no longer be set (to anything but the value in force,
// so that a DescribeUserPool output can be sent back).
func applyAdminCreateUserConfig(p *pool, in *types.AdminCreateUserConfigType) error {
	p.AdminCreateUserOnly, p.InviteMessageTemplate, p.UnusedAccountValidityDays = false, nil, 0
	if in == nil {
		return nil
	}
	p.AdminCreateUserOnly = in.AllowAdminCreateUserOnly
	p.InviteMessageTemplate = in.InviteMessageTemplate
	days := in.UnusedAccountValidityDays
	if days < 0 || days > maxValidityDays {
		return invalidParameter("UnusedAccountValidityDays must be between 0 and %d.", maxValidityDays)
	}
	if days == 0 {
		return nil
	}
	if p.TemporaryPasswordValiditySet {
		if days != p.Policy.TemporaryPasswordValidityDays {
			return invalidParameter("Please use TemporaryPasswordValidityDays instead of UnusedAccountValidityDays")
		}
		return nil
	}
	p.UnusedAccountValidityDays = days
	return nil
}

// temporaryPasswordDays is how many days the temporary password of an
// administrator-created user lasts: the legacy UnusedAccountValidityDays
// while the pool never set TemporaryPasswordValidityDays, else the password
// policy's TemporaryPasswordValidityDays (which AWS documents to supersede
// it).
func (p *pool) temporaryPasswordDays() int32 {
	if !p.TemporaryPasswordValiditySet && p.UnusedAccountValidityDays > 0 {
		return p.UnusedAccountValidityDays
	}
	return p.Policy.TemporaryPasswordValidityDays
}

// applyAccountRecovery sets where ForgotPassword sends its code. AWS: at
// most two mechanisms, priorities 1 and 2, and admin_only alone.
func applyAccountRecovery(p *pool, in *types.AccountRecoverySettingType) error {
	p.AccountRecovery = nil
	if in == nil {
		return nil
	}
	ms := in.RecoveryMechanisms
	if len(ms) < 1 || len(ms) > 2 {
		return invalidParameter("1 validation error detected: Value at 'accountRecoverySetting.recoveryMechanisms' failed to satisfy constraint: Member must have length between 1 and 2")
	}
	var seen []types.RecoveryOptionNameType
	var priorities []int32
	for _, m := range ms {
		if !slices.Contains(m.Name.Values(), m.Name) {
			return invalidParameter("Invalid RecoveryMechanisms name %q: use verified_email, verified_phone_number or admin_only.", truncate(string(m.Name), 32))
		}
		prio := aws.ToInt32(m.Priority)
		if prio < 1 || prio > 2 {
			return invalidParameter("RecoveryMechanisms priorities must be 1 or 2.")
		}
		if slices.Contains(seen, m.Name) || slices.Contains(priorities, prio) {
			return invalidParameter("RecoveryMechanisms must have distinct names and priorities.")
		}
		seen, priorities = append(seen, m.Name), append(priorities, prio)
	}
	if slices.Contains(seen, types.RecoveryOptionNameTypeAdminOnly) && len(ms) > 1 {
		return invalidParameter("admin_only cannot be combined with another recovery mechanism.")
	}
	p.AccountRecovery = slices.Clone(ms)
	slices.SortFunc(p.AccountRecovery, func(a, b types.RecoveryOptionType) int {
		return cmp.Compare(aws.ToInt32(a.Priority), aws.ToInt32(b.Priority))
	})
	return nil
}

// applyMessaging sets the email and SMS settings and the verification
// messages. The messages' own patterns (a {####} code placeholder, a
// {##link##}) are checked by the adapter.
func applyMessaging(p *pool, in *poolSettings) error {
	p.EmailConfiguration = nil
	if e := in.EmailConfiguration; e != nil {
		switch e.EmailSendingAccount {
		case "", types.EmailSendingAccountTypeCognitoDefault:
		case types.EmailSendingAccountTypeDeveloper:
			if aws.ToString(e.SourceArn) == "" {
				return invalidParameter("SourceArn is required in EmailConfiguration when EmailSendingAccount is DEVELOPER.")
			}
		default:
			return invalidParameter("Invalid EmailSendingAccount %q: use COGNITO_DEFAULT or DEVELOPER.", truncate(string(e.EmailSendingAccount), 32))
		}
		p.EmailConfiguration = e
	}
	p.SmsConfiguration = in.SmsConfiguration

	p.VerificationTemplate = nil
	if t := in.VerificationMessageTemplate; t != nil {
		cp := *t
		switch cp.DefaultEmailOption {
		case "":
			cp.DefaultEmailOption = types.DefaultEmailOptionTypeConfirmWithCode
		case types.DefaultEmailOptionTypeConfirmWithCode, types.DefaultEmailOptionTypeConfirmWithLink:
		default:
			return invalidParameter("Invalid DefaultEmailOption %q: use CONFIRM_WITH_CODE or CONFIRM_WITH_LINK.", truncate(string(cp.DefaultEmailOption), 32))
		}
		// AWS: "When you supply both parameters with either choice, Amazon
		// Cognito returns an error."
		if cp.EmailMessage != nil && cp.EmailMessageByLink != nil {
			return invalidParameter("VerificationMessageTemplate can have either EmailMessage or EmailMessageByLink, not both.")
		}
		p.VerificationTemplate = &cp
	}
	p.EmailVerificationMessage = aws.ToString(in.EmailVerificationMessage)
	p.EmailVerificationSubject = aws.ToString(in.EmailVerificationSubject)
	p.SmsVerificationMessage = aws.ToString(in.SmsVerificationMessage)
	p.SmsAuthenticationMessage = aws.ToString(in.SmsAuthenticationMessage)
	return nil
}

// applyLambdaConfig stores the pool's triggers, checking what AWS documents
// between them: PreTokenGeneration and PreTokenGenerationConfig name the
// same function, and custom sender triggers need the KMS key their codes
// are encrypted with. The ARNs' own form is checked by the adapter.
func applyLambdaConfig(p *pool, in *types.LambdaConfigType) error {
	p.LambdaConfig = nil
	if in == nil {
		return nil
	}
	if c := in.PreTokenGenerationConfig; c != nil {
		if !slices.Contains(c.LambdaVersion.Values(), c.LambdaVersion) {
			return invalidParameter("Invalid PreTokenGenerationConfig LambdaVersion %q: use V1_0, V2_0 or V3_0.", truncate(string(c.LambdaVersion), 16))
		}
		if in.PreTokenGeneration != nil && aws.ToString(in.PreTokenGeneration) != aws.ToString(c.LambdaArn) {
			return invalidParameter("PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same function.")
		}
	}
	if in.CustomEmailSender != nil && in.CustomEmailSender.LambdaVersion != types.CustomEmailSenderLambdaVersionTypeV10 {
		return invalidParameter("CustomEmailSender LambdaVersion must be V1_0.")
	}
	if in.CustomSMSSender != nil && in.CustomSMSSender.LambdaVersion != types.CustomSMSSenderLambdaVersionTypeV10 {
		return invalidParameter("CustomSMSSender LambdaVersion must be V1_0.")
	}
	if in.InboundFederation != nil && in.InboundFederation.LambdaVersion != types.InboundFederationLambdaVersionTypeV10 {
		return invalidParameter("InboundFederation LambdaVersion must be V1_0.")
	}
	if (in.CustomEmailSender != nil || in.CustomSMSSender != nil) && aws.ToString(in.KMSKeyID) == "" {
		return invalidParameter("KMSKeyID is required with a CustomEmailSender or CustomSMSSender trigger.")
	}
	p.LambdaConfig = in
	return nil
}

// lambdaTriggers names the triggers c sets.
func lambdaTriggers(c *types.LambdaConfigType) []string {
	if c == nil {
		return nil
	}
	var names []string
	add := func(name string, set bool) {
		if set {
			names = append(names, name)
		}
	}
	add("PreSignUp", c.PreSignUp != nil)
	add("CustomMessage", c.CustomMessage != nil)
	add("PostConfirmation", c.PostConfirmation != nil)
	add("PreAuthentication", c.PreAuthentication != nil)
	add("PostAuthentication", c.PostAuthentication != nil)
	add("DefineAuthChallenge", c.DefineAuthChallenge != nil)
	add("CreateAuthChallenge", c.CreateAuthChallenge != nil)
	add("VerifyAuthChallengeResponse", c.VerifyAuthChallengeResponse != nil)
	add("PreTokenGeneration", c.PreTokenGeneration != nil || c.PreTokenGenerationConfig != nil)
	add("UserMigration", c.UserMigration != nil)
	add("CustomSMSSender", c.CustomSMSSender != nil)
	add("CustomEmailSender", c.CustomEmailSender != nil)
	add("InboundFederation", c.InboundFederation != nil)
	return names
}

// inertTriggers are the triggers of LambdaConfig the local Cognito keeps
// but does not call yet.
var inertTriggers = []string{"CustomSMSSender", "CustomEmailSender", "InboundFederation"}

// warnInertSettings logs the settings p stores that the local Cognito does
// not act on, so that they are never silently dropped: every trigger on a
// server without a Lambda invoker (triggers.go), and those it does not
// call yet.
func (s *Server) warnInertSettings(p *pool) {
	names := lambdaTriggers(p.LambdaConfig)
	if len(names) > 0 && s.lambda == nil {
		s.log.Warn("Lambda triggers are stored but not invoked: this server has no Lambda invoker (cognito local --lambda-endpoint, cognitotest.WithTrigger)",
			"userPoolId", p.ID, "triggers", strings.Join(names, ","))
		return
	}
	if inert := slices.DeleteFunc(names, func(n string) bool { return !slices.Contains(inertTriggers, n) }); len(inert) > 0 {
		s.log.Warn("Lambda triggers are stored but not invoked by the local Cognito yet", "userPoolId", p.ID, "triggers", strings.Join(inert, ","))
	}
}

// tagPattern is what Cognito's model allows in tag keys and values.
var tagPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// checkTag checks one tag as Cognito's model constrains it.
func checkTag(key, value string) error {
	if n := utf8.RuneCountInString(key); n < 1 || n > 128 || !tagPattern.MatchString(key) {
		return invalidParameter("Invalid tag key %q: 1 to 128 letters, digits, spaces or _.:/=+-@.", truncate(key, 64))
	}
	if utf8.RuneCountInString(value) > 256 || !tagPattern.MatchString(value) {
		return invalidParameter("Invalid value for tag %q: up to 256 letters, digits, spaces or _.:/=+-@.", truncate(key, 64))
	}
	return nil
}

// poolShape is a pool as DescribeUserPool shows it, with users the
// estimated number of users and Cognito's defaults filled in.
func (s *Server) poolShape(p *pool, users int) *types.UserPoolType {
	policy := p.Policy.shape()
	policy.TemporaryPasswordValidityDays = p.temporaryPasswordDays()
	if p.PasswordHistorySize > 0 {
		policy.PasswordHistorySize = aws.Int32(p.PasswordHistorySize)
	}
	factors := enumsOf[types.AuthFactorType](p.AllowedFirstAuthFactors)
	if factors == nil {
		factors = []types.AuthFactorType{types.AuthFactorTypePassword}
	}
	template := p.verificationTemplate()
	out := &types.UserPoolType{
		Id:   aws.String(p.ID),
		Name: aws.String(p.Name),
		Arn:  aws.String(s.poolARN(p.ID)),
		Policies: &types.UserPoolPolicyType{
			PasswordPolicy: &policy,
			SignInPolicy:   &types.SignInPolicyType{AllowedFirstAuthFactors: factors},
		},
		LambdaConfig:                cmp.Or(p.LambdaConfig, &types.LambdaConfigType{}),
		LastModifiedDate:            aws.Time(p.Modified),
		CreationDate:                aws.Time(p.Created),
		AutoVerifiedAttributes:      enumsOf[types.VerifiedAttributeType](p.AutoVerified),
		AliasAttributes:             enumsOf[types.AliasAttributeType](p.AliasAttributes),
		UsernameAttributes:          enumsOf[types.UsernameAttributeType](p.UsernameAttributes),
		MfaConfiguration:            types.UserPoolMfaType(p.MFAConfiguration),
		EstimatedNumberOfUsers:      int32(users),
		DeletionProtection:          types.DeletionProtectionType(p.DeletionProtection),
		UserPoolTags:                p.Tags,
		UsernameConfiguration:       &types.UsernameConfigurationType{CaseSensitive: aws.Bool(p.CaseSensitive)},
		UserPoolTier:                types.UserPoolTierType(cmp.Or(p.Tier, string(types.UserPoolTierTypeEssentials))),
		VerificationMessageTemplate: &template,
		EmailVerificationMessage:    aws.String(cmp.Or(p.EmailVerificationMessage, aws.ToString(template.EmailMessage), defaultEmailMessage)),
		EmailVerificationSubject:    aws.String(cmp.Or(p.EmailVerificationSubject, aws.ToString(template.EmailSubject), defaultEmailSubject)),
		SmsVerificationMessage:      aws.String(cmp.Or(p.SmsVerificationMessage, aws.ToString(template.SmsMessage))),
		SmsAuthenticationMessage:    optional(p.SmsAuthenticationMessage),
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{
			AllowAdminCreateUserOnly:  p.AdminCreateUserOnly,
			UnusedAccountValidityDays: p.temporaryPasswordDays(),
			InviteMessageTemplate:     p.InviteMessageTemplate,
		},
		DeviceConfiguration: p.DeviceConfiguration,
		SmsConfiguration:    p.SmsConfiguration,
		UserAttributeUpdateSettings: &types.UserAttributeUpdateSettingsType{
			AttributesRequireVerificationBeforeUpdate: append([]types.VerifiedAttributeType{}, enumsOf[types.VerifiedAttributeType](p.AttributesRequireVerificationBeforeUpdate)...),
		},
		UserPoolAddOns: p.UserPoolAddOns,
	}
	email := types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeCognitoDefault}
	if p.EmailConfiguration != nil {
		email = *p.EmailConfiguration
		email.EmailSendingAccount = cmp.Or(email.EmailSendingAccount, types.EmailSendingAccountTypeCognitoDefault)
	}
	out.EmailConfiguration = &email
	if len(p.AccountRecovery) > 0 {
		out.AccountRecoverySetting = &types.AccountRecoverySettingType{RecoveryMechanisms: p.AccountRecovery}
	}
	if p.Domain != "" {
		out.Domain = aws.String(p.Domain)
		if p.DomainSettings != nil && p.DomainSettings.CertificateARN != "" {
			out.CustomDomain = aws.String(p.Domain)
		}
	}
	for _, a := range p.Schema {
		sa := a.shape()
		sa.Name = aws.String(a.describedName())
		out.SchemaAttributes = append(out.SchemaAttributes, sa)
	}
	return out
}

// verificationTemplate is the pool's VerificationMessageTemplate with
// Cognito's defaults filled in: the members of the email option in force
// (the code message and subject, or the link message and subject) and the
// SMS message; the other option's members only as set, so that the
// template can be sent back in an UpdateUserPool. The legacy members, when
// set, stand in for a template member left out, as AWS derives one from
// the other.
func (p *pool) verificationTemplate() types.VerificationMessageTemplateType {
	var t types.VerificationMessageTemplateType
	if p.VerificationTemplate != nil {
		t = *p.VerificationTemplate
	}
	t.DefaultEmailOption = cmp.Or(t.DefaultEmailOption, types.DefaultEmailOptionTypeConfirmWithCode)
	orDefault := func(v *string, legacy, def string) *string {
		if v != nil {
			return v
		}
		return aws.String(cmp.Or(legacy, def))
	}
	t.SmsMessage = orDefault(t.SmsMessage, p.SmsVerificationMessage, defaultSmsMessage)
	if t.DefaultEmailOption == types.DefaultEmailOptionTypeConfirmWithLink {
		t.EmailMessageByLink = orDefault(t.EmailMessageByLink, "", defaultEmailMessageByLink)
		t.EmailSubjectByLink = orDefault(t.EmailSubjectByLink, "", defaultEmailSubjectByLink)
		return t
	}
	if t.EmailMessageByLink == nil {
		t.EmailMessage = orDefault(t.EmailMessage, p.EmailVerificationMessage, defaultEmailMessage)
	}
	t.EmailSubject = orDefault(t.EmailSubject, p.EmailVerificationSubject, defaultEmailSubject)
	return t
}

// confirmsWithLink reports whether p's sign-up emails carry a confirmation
// link (DefaultEmailOption CONFIRM_WITH_LINK).
func (p *pool) confirmsWithLink() bool {
	return p.VerificationTemplate != nil && p.VerificationTemplate.DefaultEmailOption == types.DefaultEmailOptionTypeConfirmWithLink
}
