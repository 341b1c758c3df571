package emulator_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator/store"
)

// Pool management: UpdateUserPool, the settings CreateUserPool and
// UpdateUserPool share, AddCustomAttributes, GetSigningCertificate,
// GetCSVHeader and tags.

// pmCreate creates a pool from in (named "managed" when in has no name)
// and returns its ID.
func pmCreate(t *testing.T, srv *cognitotest.Server, in *cip.CreateUserPoolInput) string {
	t.Helper()
	if in.PoolName == nil {
		in.PoolName = aws.String("managed")
	}
	out, err := sdk(srv).CreateUserPool(t.Context(), in)
	if err != nil {
		t.Fatalf("CreateUserPool: %v", err)
	}
	return aws.ToString(out.UserPool.Id)
}

// pmDescribe describes the pool id.
func pmDescribe(t *testing.T, srv *cognitotest.Server, id string) *types.UserPoolType {
	t.Helper()
	out, err := sdk(srv).DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeUserPool: %v", err)
	}
	return out.UserPool
}

// pmJSON is v as JSON, for comparing shapes.
func pmJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestPoolManageCreateDefaults(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	out, err := sdk(srv).CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("defaults")})
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*types.UserPoolType{"CreateUserPool": out.UserPool, "DescribeUserPool": pmDescribe(t, srv, aws.ToString(out.UserPool.Id))} {
		t.Run(name, func(t *testing.T) {
			if p.UserPoolTier != types.UserPoolTierTypeEssentials {
				t.Errorf("UserPoolTier = %q, want ESSENTIALS", p.UserPoolTier)
			}
			if p.MfaConfiguration != types.UserPoolMfaTypeOff || p.DeletionProtection != types.DeletionProtectionTypeInactive {
				t.Errorf("MfaConfiguration %q, DeletionProtection %q", p.MfaConfiguration, p.DeletionProtection)
			}
			if c := p.AdminCreateUserConfig; c == nil || c.UnusedAccountValidityDays != 7 || c.AllowAdminCreateUserOnly {
				t.Errorf("AdminCreateUserConfig = %+v, want UnusedAccountValidityDays 7", c)
			}
			if p.Policies.PasswordPolicy.TemporaryPasswordValidityDays != 7 || p.Policies.PasswordPolicy.PasswordHistorySize != nil {
				t.Errorf("PasswordPolicy = %+v", *p.Policies.PasswordPolicy)
			}
			if sp := p.Policies.SignInPolicy; sp == nil || !slices.Equal(sp.AllowedFirstAuthFactors, []types.AuthFactorType{types.AuthFactorTypePassword}) {
				t.Errorf("SignInPolicy = %+v, want PASSWORD", sp)
			}
			if e := p.EmailConfiguration; e == nil || e.EmailSendingAccount != types.EmailSendingAccountTypeCognitoDefault {
				t.Errorf("EmailConfiguration = %+v, want COGNITO_DEFAULT", e)
			}
			v := p.VerificationMessageTemplate
			if v == nil || v.DefaultEmailOption != types.DefaultEmailOptionTypeConfirmWithCode {
				t.Fatalf("VerificationMessageTemplate = %+v, want CONFIRM_WITH_CODE", v)
			}
			for what, msg := range map[string]*string{"EmailMessage": v.EmailMessage, "SmsMessage": v.SmsMessage} {
				if !strings.Contains(aws.ToString(msg), "{####}") {
					t.Errorf("%s = %q, want a {####} placeholder", what, aws.ToString(msg))
				}
			}
			if aws.ToString(v.EmailSubject) == "" {
				t.Error("no default EmailSubject")
			}
			if v.EmailMessageByLink != nil {
				t.Errorf("EmailMessageByLink = %q with CONFIRM_WITH_CODE (a template cannot have both)", aws.ToString(v.EmailMessageByLink))
			}
			if aws.ToString(p.EmailVerificationMessage) != aws.ToString(v.EmailMessage) ||
				aws.ToString(p.EmailVerificationSubject) != aws.ToString(v.EmailSubject) ||
				aws.ToString(p.SmsVerificationMessage) != aws.ToString(v.SmsMessage) {
				t.Errorf("legacy messages %q / %q / %q not derived from the template", aws.ToString(p.EmailVerificationMessage), aws.ToString(p.EmailVerificationSubject), aws.ToString(p.SmsVerificationMessage))
			}
			if p.LambdaConfig == nil || p.AccountRecoverySetting != nil || p.DeviceConfiguration != nil || p.UserPoolAddOns != nil {
				t.Errorf("LambdaConfig %+v, AccountRecoverySetting %+v, DeviceConfiguration %+v, UserPoolAddOns %+v", p.LambdaConfig, p.AccountRecoverySetting, p.DeviceConfiguration, p.UserPoolAddOns)
			}
			if u := p.UserAttributeUpdateSettings; u == nil || len(u.AttributesRequireVerificationBeforeUpdate) != 0 {
				t.Errorf("UserAttributeUpdateSettings = %+v, want an empty list", u)
			}
		})
	}
}

// pmFullSettings sets every setting CreateUserPool and UpdateUserPool share.
func pmFullSettings() *cip.CreateUserPoolInput {
	return &cip.CreateUserPoolInput{
		PoolName:               aws.String("full"),
		UserPoolTier:           types.UserPoolTierTypePlus,
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		MfaConfiguration:       types.UserPoolMfaTypeOptional,
		DeletionProtection:     types.DeletionProtectionTypeActive,
		Policies: &types.UserPoolPolicyType{
			PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(10), RequireNumbers: true, PasswordHistorySize: aws.Int32(5), TemporaryPasswordValidityDays: 3},
			SignInPolicy:   &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{types.AuthFactorTypePassword, types.AuthFactorTypeEmailOtp}},
		},
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{
			AllowAdminCreateUserOnly: true,
			InviteMessageTemplate: &types.MessageTemplateType{
				EmailMessage: aws.String("Hello {username}, your password is {####}"), EmailSubject: aws.String("Welcome"),
				SMSMessage: aws.String("Hi {username}: {####}"),
			},
		},
		AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeVerifiedPhoneNumber, Priority: aws.Int32(2)},
			{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)},
		}},
		DeviceConfiguration: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true},
		EmailConfiguration: &types.EmailConfigurationType{
			EmailSendingAccount: types.EmailSendingAccountTypeDeveloper,
			SourceArn:           aws.String("arn:aws:ses:eu-west-1:123456789012:identity/support@example.com"),
			From:                aws.String("Support <support@example.com>"),
		},
		SmsConfiguration:         &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms"), ExternalId: aws.String("ext"), SnsRegion: aws.String("eu-west-1")},
		SmsAuthenticationMessage: aws.String("Your sign-in code is {####}"),
		VerificationMessageTemplate: &types.VerificationMessageTemplateType{
			DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithCode,
			EmailMessage:       aws.String("Your code is {####}"), EmailSubject: aws.String("Your code"),
			SmsMessage: aws.String("Code: {####}"),
		},
		UserAttributeUpdateSettings: &types.UserAttributeUpdateSettingsType{AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}},
		UserPoolAddOns:              &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeAudit},
		UserPoolTags:                map[string]string{"team": "identity"},
		LambdaConfig: &types.LambdaConfigType{
			PreSignUp:        aws.String("arn:aws:lambda:eu-west-1:123456789012:function:pre-sign-up"),
			PostConfirmation: aws.String("arn:aws:lambda:eu-west-1:123456789012:function:post-confirmation"),
		},
	}
}

func TestPoolManageCreateStoresSettings(t *testing.T) {
	t.Parallel()
	srv, log := serverWithLog(t)
	id := pmCreate(t, srv, pmFullSettings())
	p := pmDescribe(t, srv, id)
	if p.UserPoolTier != types.UserPoolTierTypePlus || p.MfaConfiguration != types.UserPoolMfaTypeOptional || p.DeletionProtection != types.DeletionProtectionTypeActive {
		t.Errorf("tier %q, MFA %q, deletion protection %q", p.UserPoolTier, p.MfaConfiguration, p.DeletionProtection)
	}
	pp := p.Policies.PasswordPolicy
	if aws.ToInt32(pp.MinimumLength) != 10 || aws.ToInt32(pp.PasswordHistorySize) != 5 || pp.TemporaryPasswordValidityDays != 3 || p.AdminCreateUserConfig.UnusedAccountValidityDays != 3 {
		t.Errorf("PasswordPolicy = %+v, UnusedAccountValidityDays %d", *pp, p.AdminCreateUserConfig.UnusedAccountValidityDays)
	}
	if got := p.Policies.SignInPolicy.AllowedFirstAuthFactors; !slices.Equal(got, []types.AuthFactorType{"PASSWORD", "EMAIL_OTP"}) {
		t.Errorf("AllowedFirstAuthFactors = %v", got)
	}
	if c := p.AdminCreateUserConfig; !c.AllowAdminCreateUserOnly || c.InviteMessageTemplate == nil || aws.ToString(c.InviteMessageTemplate.EmailSubject) != "Welcome" {
		t.Errorf("AdminCreateUserConfig = %+v", c)
	}
	r := p.AccountRecoverySetting
	if r == nil || len(r.RecoveryMechanisms) != 2 || r.RecoveryMechanisms[0].Name != types.RecoveryOptionNameTypeVerifiedEmail || aws.ToInt32(r.RecoveryMechanisms[1].Priority) != 2 {
		t.Errorf("AccountRecoverySetting = %+v, want verified_email first", r)
	}
	if d := p.DeviceConfiguration; d == nil || !d.ChallengeRequiredOnNewDevice || !d.DeviceOnlyRememberedOnUserPrompt {
		t.Errorf("DeviceConfiguration = %+v", d)
	}
	if e := p.EmailConfiguration; e.EmailSendingAccount != types.EmailSendingAccountTypeDeveloper || aws.ToString(e.From) != "Support <support@example.com>" {
		t.Errorf("EmailConfiguration = %+v", e)
	}
	if s := p.SmsConfiguration; s == nil || aws.ToString(s.ExternalId) != "ext" || aws.ToString(p.SmsAuthenticationMessage) != "Your sign-in code is {####}" {
		t.Errorf("SmsConfiguration = %+v, SmsAuthenticationMessage %q", s, aws.ToString(p.SmsAuthenticationMessage))
	}
	if v := p.VerificationMessageTemplate; aws.ToString(v.EmailMessage) != "Your code is {####}" || aws.ToString(p.EmailVerificationMessage) != "Your code is {####}" ||
		aws.ToString(p.EmailVerificationSubject) != "Your code" || aws.ToString(p.SmsVerificationMessage) != "Code: {####}" {
		t.Errorf("template %+v, legacy %q / %q / %q", *v, aws.ToString(p.EmailVerificationMessage), aws.ToString(p.EmailVerificationSubject), aws.ToString(p.SmsVerificationMessage))
	}
	if got := p.UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate; !slices.Equal(got, []types.VerifiedAttributeType{"email"}) {
		t.Errorf("AttributesRequireVerificationBeforeUpdate = %v", got)
	}
	if p.UserPoolAddOns == nil || p.UserPoolAddOns.AdvancedSecurityMode != types.AdvancedSecurityModeTypeAudit {
		t.Errorf("UserPoolAddOns = %+v", p.UserPoolAddOns)
	}
	if p.UserPoolTags["team"] != "identity" {
		t.Errorf("UserPoolTags = %v", p.UserPoolTags)
	}
	if aws.ToString(p.LambdaConfig.PreSignUp) == "" || aws.ToString(p.LambdaConfig.PostConfirmation) == "" {
		t.Errorf("LambdaConfig = %+v", p.LambdaConfig)
	}
	// What is stored but not acted on yet is said, never dropped silently.
	logged := log.String()
	for _, want := range []string{"Lambda triggers are stored but not invoked", "PreSignUp,PostConfirmation"} {
		if !strings.Contains(logged, want) {
			t.Errorf("the log does not say %q:\n%s", want, logged)
		}
	}
	if !strings.Contains(logged, "level=WARN") {
		t.Error("the inert settings are not logged as warnings")
	}
}

// The legacy verification members alone make the template's, as AWS
// derives one from the other.
func TestPoolManageLegacyVerificationMessages(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	id := pmCreate(t, srv, &cip.CreateUserPoolInput{
		EmailVerificationMessage: aws.String("Legacy {####} message"),
		EmailVerificationSubject: aws.String("Legacy subject"),
		SmsVerificationMessage:   aws.String("Legacy SMS {####}"),
	})
	p := pmDescribe(t, srv, id)
	v := p.VerificationMessageTemplate
	if aws.ToString(v.EmailMessage) != "Legacy {####} message" || aws.ToString(v.EmailSubject) != "Legacy subject" || aws.ToString(v.SmsMessage) != "Legacy SMS {####}" {
		t.Errorf("template = %+v, want the legacy messages", *v)
	}
	if aws.ToString(p.EmailVerificationMessage) != "Legacy {####} message" {
		t.Errorf("EmailVerificationMessage = %q", aws.ToString(p.EmailVerificationMessage))
	}
}

func TestPoolManageCreateInvalidSettings(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	lambda := aws.String("arn:aws:lambda:eu-west-1:123456789012:function:f")
	invalid := func(in cip.CreateUserPoolInput) cip.CreateUserPoolInput { return in }
	for _, tc := range []struct {
		name string
		in   cip.CreateUserPoolInput
		tier bool // FeatureUnavailableInTierException rather than InvalidParameterException
	}{
		{"unknown tier", invalid(cip.CreateUserPoolInput{UserPoolTier: "GOLD"}), false},
		{"unknown MFA configuration", invalid(cip.CreateUserPoolInput{MfaConfiguration: "SOMETIMES"}), false},
		{"unknown default email option", invalid(cip.CreateUserPoolInput{VerificationMessageTemplate: &types.VerificationMessageTemplateType{DefaultEmailOption: "CONFIRM_WITH_PIGEON"}}), false},
		{"email message and link message", invalid(cip.CreateUserPoolInput{VerificationMessageTemplate: &types.VerificationMessageTemplateType{
			EmailMessage: aws.String("Code {####}"), EmailMessageByLink: aws.String("Click {##here##}"),
		}}), false},
		{"email message without code", invalid(cip.CreateUserPoolInput{VerificationMessageTemplate: &types.VerificationMessageTemplateType{EmailMessage: aws.String("No code here")}}), false},
		{"link message without link", invalid(cip.CreateUserPoolInput{VerificationMessageTemplate: &types.VerificationMessageTemplateType{
			DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithLink, EmailMessageByLink: aws.String("No link here"),
		}}), false},
		{"SMS message without code", invalid(cip.CreateUserPoolInput{SmsVerificationMessage: aws.String("No code here")}), false},
		{"invitation without password", invalid(cip.CreateUserPoolInput{AdminCreateUserConfig: &types.AdminCreateUserConfigType{
			InviteMessageTemplate: &types.MessageTemplateType{EmailMessage: aws.String("Welcome {username}")},
		}}), false},
		{"admin_only with another mechanism", invalid(cip.CreateUserPoolInput{AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeAdminOnly, Priority: aws.Int32(1)}, {Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(2)},
		}}}), false},
		{"recovery priority 3", invalid(cip.CreateUserPoolInput{AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(3)},
		}}}), false},
		{"recovery priority twice", invalid(cip.CreateUserPoolInput{AccountRecoverySetting: &types.AccountRecoverySettingType{RecoveryMechanisms: []types.RecoveryOptionType{
			{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)}, {Name: types.RecoveryOptionNameTypeVerifiedPhoneNumber, Priority: aws.Int32(1)},
		}}}), false},
		{"no recovery mechanism", invalid(cip.CreateUserPoolInput{AccountRecoverySetting: &types.AccountRecoverySettingType{}}), false},
		{"developer email without source", invalid(cip.CreateUserPoolInput{EmailConfiguration: &types.EmailConfigurationType{EmailSendingAccount: types.EmailSendingAccountTypeDeveloper}}), false},
		{"unknown email sending account", invalid(cip.CreateUserPoolInput{EmailConfiguration: &types.EmailConfigurationType{EmailSendingAccount: "POSTMAN"}}), false},
		{"password history of 25", invalid(cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{PasswordHistorySize: aws.Int32(25)}}}), false},
		{"password history in LITE", invalid(cip.CreateUserPoolInput{UserPoolTier: types.UserPoolTierTypeLite, Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{PasswordHistorySize: aws.Int32(3)}}}), true},
		{"passwordless sign-in in LITE", invalid(cip.CreateUserPoolInput{UserPoolTier: types.UserPoolTierTypeLite, Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{"PASSWORD", "EMAIL_OTP"}}}}), true},
		{"unknown first factor", invalid(cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{SignInPolicy: &types.SignInPolicyType{AllowedFirstAuthFactors: []types.AuthFactorType{"TELEPATHY"}}}}), false},
		{"threat protection in ESSENTIALS", invalid(cip.CreateUserPoolInput{UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: types.AdvancedSecurityModeTypeEnforced}}), true},
		{"unknown threat protection mode", invalid(cip.CreateUserPoolInput{UserPoolTier: types.UserPoolTierTypePlus, UserPoolAddOns: &types.UserPoolAddOnsType{AdvancedSecurityMode: "PARANOID"}}), false},
		{"unused account validity of 366 days", invalid(cip.CreateUserPoolInput{AdminCreateUserConfig: &types.AdminCreateUserConfigType{UnusedAccountValidityDays: 366}}), false},
		{"both validities, different", invalid(cip.CreateUserPoolInput{
			Policies:              &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{TemporaryPasswordValidityDays: 3}},
			AdminCreateUserConfig: &types.AdminCreateUserConfigType{UnusedAccountValidityDays: 5},
		}), false},
		{"verification before update of an attribute not auto-verified", invalid(cip.CreateUserPoolInput{UserAttributeUpdateSettings: &types.UserAttributeUpdateSettingsType{
			AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		}}), false},
		{"trigger that is no ARN", invalid(cip.CreateUserPoolInput{LambdaConfig: &types.LambdaConfigType{PreSignUp: aws.String("my-function")}}), false},
		{"two pre token generation functions", invalid(cip.CreateUserPoolInput{LambdaConfig: &types.LambdaConfigType{
			PreTokenGeneration:       lambda,
			PreTokenGenerationConfig: &types.PreTokenGenerationVersionConfigType{LambdaArn: aws.String("arn:aws:lambda:eu-west-1:123456789012:function:g"), LambdaVersion: types.PreTokenGenerationLambdaVersionTypeV20},
		}}), false},
		{"custom sender without KMS key", invalid(cip.CreateUserPoolInput{LambdaConfig: &types.LambdaConfigType{
			CustomEmailSender: &types.CustomEmailLambdaVersionConfigType{LambdaArn: lambda, LambdaVersion: types.CustomEmailSenderLambdaVersionTypeV10},
		}}), false},
		{"invalid tag key", invalid(cip.CreateUserPoolInput{UserPoolTags: map[string]string{"a#b": "x"}}), false},
		{"standard attribute of another type", invalid(cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeNumber},
		}}), false},
		{"custom attribute without type", invalid(cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{{Name: aws.String("plan")}}}), false},
		{"custom attribute name of 21 characters", invalid(cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String(strings.Repeat("a", 21)), AttributeDataType: types.AttributeDataTypeString},
		}}), false},
		{"string minimum above maximum", invalid(cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{{
			Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString,
			StringAttributeConstraints: &types.StringAttributeConstraintsType{MinLength: aws.String("10"), MaxLength: aws.String("5")},
		}}}), false},
		{"string length above 2048", invalid(cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{{
			Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString,
			StringAttributeConstraints: &types.StringAttributeConstraintsType{MaxLength: aws.String("2049")},
		}}}), false},
		{"number minimum above maximum", invalid(cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{{
			Name: aws.String("seats"), AttributeDataType: types.AttributeDataTypeNumber,
			NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("10"), MaxValue: aws.String("1")},
		}}}), false},
		{"number bound that is no number", invalid(cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{{
			Name: aws.String("seats"), AttributeDataType: types.AttributeDataTypeNumber,
			NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("one")},
		}}}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.PoolName = aws.String("invalid")
			_, err := sdk(srv).CreateUserPool(t.Context(), &in)
			if tc.tier {
				expectErr[*types.FeatureUnavailableInTierException](t, err, "")
			} else {
				expectErr[*types.InvalidParameterException](t, err, "")
			}
		})
	}
	t.Run("exact message for the validity conflict", func(t *testing.T) {
		_, err := sdk(srv).CreateUserPool(t.Context(), &cip.CreateUserPoolInput{
			PoolName:              aws.String("conflict"),
			Policies:              &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{TemporaryPasswordValidityDays: 3}},
			AdminCreateUserConfig: &types.AdminCreateUserConfigType{UnusedAccountValidityDays: 5},
		})
		expectErr[*types.InvalidParameterException](t, err, "Please use TemporaryPasswordValidityDays instead of UnusedAccountValidityDays")
	})
}

// MFA ON or OPTIONAL needs a factor: at creation, an SMS configuration
// (software tokens and email come with SetUserPoolMfaConfig, mfa_test.go).
// It is enforced, so no longer logged as inert.
func TestPoolManageMFAStored(t *testing.T) {
	t.Parallel()
	srv, log := serverWithLog(t)
	_, err := sdk(srv).CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("on"), MfaConfiguration: types.UserPoolMfaTypeOn})
	expectErr[*types.InvalidParameterException](t, err, "SMS configuration and Auto verification for phone_number are required when MFA is required/optional")
	id := pmCreate(t, srv, &cip.CreateUserPoolInput{
		MfaConfiguration: types.UserPoolMfaTypeOn,
		SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::123456789012:role/sms")},
	})
	if got := pmDescribe(t, srv, id).MfaConfiguration; got != types.UserPoolMfaTypeOn {
		t.Errorf("MfaConfiguration = %q, want ON", got)
	}
	if strings.Contains(log.String(), "MFA is configured but not enforced") {
		t.Error("MFA ON is logged as not enforced")
	}
}

func TestPoolManageDeveloperOnlyAttribute(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	id := pmCreate(t, srv, &cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
		{Name: aws.String("mydev"), AttributeDataType: types.AttributeDataTypeNumber, DeveloperOnlyAttribute: aws.Bool(true), Mutable: aws.Bool(true),
			NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("1"), MaxValue: aws.String("99")}},
	}})
	schema := pmDescribe(t, srv, id).SchemaAttributes
	a, ok := schemaAttribute(schema, "dev:custom:mydev")
	if !ok || !aws.ToBool(a.DeveloperOnlyAttribute) || a.AttributeDataType != types.AttributeDataTypeNumber ||
		aws.ToString(a.NumberAttributeConstraints.MaxValue) != "99" {
		t.Errorf("dev:custom:mydev = %+v, %v; want AWS's name for a developer-only attribute", a, ok)
	}
	if _, ok := schemaAttribute(schema, "custom:mydev"); ok {
		t.Error("the developer-only attribute is also listed as custom:mydev")
	}
}

// pmUpdateFromDescription is the UpdateUserPool request AWS documents for
// changing a pool: its current configuration, as DescribeUserPool gives
// it.
func pmUpdateFromDescription(p *types.UserPoolType) *cip.UpdateUserPoolInput {
	return &cip.UpdateUserPoolInput{
		UserPoolId: p.Id, PoolName: p.Name, Policies: p.Policies, AutoVerifiedAttributes: p.AutoVerifiedAttributes,
		MfaConfiguration: p.MfaConfiguration, DeletionProtection: p.DeletionProtection,
		AdminCreateUserConfig: p.AdminCreateUserConfig, AccountRecoverySetting: p.AccountRecoverySetting,
		DeviceConfiguration: p.DeviceConfiguration, EmailConfiguration: p.EmailConfiguration,
		SmsConfiguration: p.SmsConfiguration, EmailVerificationMessage: p.EmailVerificationMessage,
		EmailVerificationSubject: p.EmailVerificationSubject, SmsVerificationMessage: p.SmsVerificationMessage,
		SmsAuthenticationMessage: p.SmsAuthenticationMessage, VerificationMessageTemplate: p.VerificationMessageTemplate,
		UserAttributeUpdateSettings: p.UserAttributeUpdateSettings, UserPoolAddOns: p.UserPoolAddOns,
		UserPoolTags: p.UserPoolTags, UserPoolTier: p.UserPoolTier, LambdaConfig: p.LambdaConfig,
	}
}

func TestPoolManageUpdateResetsLeftOutSettings(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		in := pmFullSettings()
		in.UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}
		in.UsernameConfiguration = &types.UsernameConfigurationType{CaseSensitive: aws.Bool(false)}
		in.Schema = []types.SchemaAttributeType{{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString}}
		id := pmCreate(t, srv, in)
		before := pmDescribe(t, srv, id)

		_, err := c.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{
			UserPoolId:             aws.String(id),
			AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypePhoneNumber},
		})
		if err != nil {
			t.Fatal(err)
		}
		p := pmDescribe(t, srv, id)
		// Kept: what cannot change after creation, and the name.
		if aws.ToString(p.Name) != "full" || !slices.Equal(p.UsernameAttributes, before.UsernameAttributes) ||
			aws.ToBool(p.UsernameConfiguration.CaseSensitive) || len(p.SchemaAttributes) != len(before.SchemaAttributes) {
			t.Errorf("immutable settings changed: name %q, UsernameAttributes %v, CaseSensitive %v, %d schema attributes (was %d)",
				aws.ToString(p.Name), p.UsernameAttributes, aws.ToBool(p.UsernameConfiguration.CaseSensitive), len(p.SchemaAttributes), len(before.SchemaAttributes))
		}
		if _, ok := schemaAttribute(p.SchemaAttributes, "custom:plan"); !ok {
			t.Error("the update lost custom:plan")
		}
		if !p.CreationDate.Equal(*before.CreationDate) || p.LastModifiedDate.Before(*before.LastModifiedDate) {
			t.Errorf("CreationDate %v → %v, LastModifiedDate %v → %v", before.CreationDate, p.CreationDate, before.LastModifiedDate, p.LastModifiedDate)
		}
		// Set: what the update gives.
		if !slices.Equal(p.AutoVerifiedAttributes, []types.VerifiedAttributeType{"phone_number"}) {
			t.Errorf("AutoVerifiedAttributes = %v", p.AutoVerifiedAttributes)
		}
		// Reset: everything else.
		if p.UserPoolTier != types.UserPoolTierTypeEssentials || p.MfaConfiguration != types.UserPoolMfaTypeOff || p.DeletionProtection != types.DeletionProtectionTypeInactive {
			t.Errorf("tier %q, MFA %q, deletion protection %q; want the defaults", p.UserPoolTier, p.MfaConfiguration, p.DeletionProtection)
		}
		pp := p.Policies.PasswordPolicy
		if aws.ToInt32(pp.MinimumLength) != 8 || !pp.RequireUppercase || !pp.RequireSymbols || pp.PasswordHistorySize != nil {
			t.Errorf("PasswordPolicy = %+v, want Cognito's default", *pp)
		}
		if p.AdminCreateUserConfig.AllowAdminCreateUserOnly || p.AdminCreateUserConfig.InviteMessageTemplate != nil {
			t.Errorf("AdminCreateUserConfig = %+v", p.AdminCreateUserConfig)
		}
		if p.AccountRecoverySetting != nil || p.DeviceConfiguration != nil || p.SmsConfiguration != nil || p.UserPoolAddOns != nil || p.SmsAuthenticationMessage != nil {
			t.Errorf("AccountRecoverySetting %+v, DeviceConfiguration %+v, SmsConfiguration %+v, UserPoolAddOns %+v, SmsAuthenticationMessage %v",
				p.AccountRecoverySetting, p.DeviceConfiguration, p.SmsConfiguration, p.UserPoolAddOns, p.SmsAuthenticationMessage)
		}
		if p.EmailConfiguration.EmailSendingAccount != types.EmailSendingAccountTypeCognitoDefault || p.EmailConfiguration.SourceArn != nil {
			t.Errorf("EmailConfiguration = %+v", p.EmailConfiguration)
		}
		if v := p.VerificationMessageTemplate; aws.ToString(v.EmailMessage) == "Your code is {####}" || !strings.Contains(aws.ToString(v.EmailMessage), "{####}") {
			t.Errorf("EmailMessage = %q, want the default", aws.ToString(v.EmailMessage))
		}
		if len(p.UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate) != 0 || len(p.UserPoolTags) != 0 || p.LambdaConfig.PreSignUp != nil {
			t.Errorf("UserAttributeUpdateSettings %+v, tags %v, LambdaConfig %+v", p.UserAttributeUpdateSettings, p.UserPoolTags, p.LambdaConfig)
		}
	})
}

// DescribeUserPool's output sent back to UpdateUserPool, as AWS advises
// for changing one setting, is accepted and changes nothing else.
func TestPoolManageUpdateFromDescription(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		for _, in := range []*cip.CreateUserPoolInput{pmFullSettings(), {PoolName: aws.String("plain")}, {
			PoolName:              aws.String("legacy"),
			AdminCreateUserConfig: &types.AdminCreateUserConfigType{UnusedAccountValidityDays: 2},
			VerificationMessageTemplate: &types.VerificationMessageTemplateType{
				DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithLink,
			},
		}} {
			id := pmCreate(t, srv, in)
			before := pmDescribe(t, srv, id)
			up := pmUpdateFromDescription(before)
			up.PoolName = aws.String("renamed")
			if _, err := c.UpdateUserPool(t.Context(), up); err != nil {
				t.Fatalf("UpdateUserPool(%s) with its own description: %v", aws.ToString(in.PoolName), err)
			}
			after := pmDescribe(t, srv, id)
			if aws.ToString(after.Name) != "renamed" {
				t.Errorf("Name = %q", aws.ToString(after.Name))
			}
			want := pmUpdateFromDescription(before)
			got := pmUpdateFromDescription(after)
			want.PoolName, got.PoolName = nil, nil
			if w, g := pmJSON(t, want), pmJSON(t, got); w != g {
				t.Errorf("%s changed by its own description:\nbefore %s\nafter  %s", aws.ToString(in.PoolName), w, g)
			}
		}
	})
}

func TestPoolManageUpdateErrors(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		_, err := c.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: aws.String("eu-west-1_NoSuchPoo")})
		expectErr[*types.ResourceNotFoundException](t, err, "User pool eu-west-1_NoSuchPoo does not exist.")

		id := pmCreate(t, srv, &cip.CreateUserPoolInput{DeletionProtection: types.DeletionProtectionTypeActive})
		_, err = c.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: aws.String(id), MfaConfiguration: "SOMETIMES"})
		expectErr[*types.InvalidParameterException](t, err, "")
		// A refused update changes nothing.
		if got := pmDescribe(t, srv, id).DeletionProtection; got != types.DeletionProtectionTypeActive {
			t.Errorf("DeletionProtection after a refused update = %q", got)
		}
		_, err = c.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: aws.String(id), PoolName: aws.String("a/b")})
		expectErr[*types.InvalidParameterException](t, err, "")
		_, err = c.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: aws.String(id), UserPoolTier: types.UserPoolTierTypeLite,
			Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{PasswordHistorySize: aws.Int32(2)}}})
		expectErr[*types.FeatureUnavailableInTierException](t, err, "")
	})
}

// DeletionProtection and AllowAdminCreateUserOnly change behaviour after an
// update as after a creation.
func TestPoolManageUpdateChangesBehaviour(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		pool := aws.String(srv.UserPoolID)
		_, err := c.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{
			UserPoolId: pool, DeletionProtection: types.DeletionProtectionTypeActive,
			AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
			AdminCreateUserConfig:  &types.AdminCreateUserConfigType{AllowAdminCreateUserOnly: true},
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = trySignUp(t, srv, "ana", password, attrs("email", "ana@example.com"))
		expectErr[*types.NotAuthorizedException](t, err, "SignUp is not permitted for this user pool")
		_, err = c.DeleteUserPool(t.Context(), &cip.DeleteUserPoolInput{UserPoolId: pool})
		expectErr[*types.InvalidParameterException](t, err, "")

		if _, err := c.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: pool,
			AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}); err != nil {
			t.Fatal(err)
		}
		signUpConfirmed(t, srv, "ana", password)
		if _, err := c.DeleteUserPool(t.Context(), &cip.DeleteUserPoolInput{UserPoolId: pool}); err != nil {
			t.Errorf("DeleteUserPool after deletion protection was left out of an update: %v", err)
		}
	})
}

// The temporary password of an administrator-created user lasts the
// legacy UnusedAccountValidityDays until TemporaryPasswordValidityDays is
// set, which supersedes it.
func TestPoolManageTemporaryPasswordValidity(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now))
	legacy := withPool(t, srv, &cip.CreateUserPoolInput{
		PoolName:              aws.String("legacy"),
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{UnusedAccountValidityDays: 2},
	}, nil)
	current := withPool(t, srv, &cip.CreateUserPoolInput{
		PoolName:              aws.String("current"),
		Policies:              &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{TemporaryPasswordValidityDays: 4, MinimumLength: aws.Int32(8)}},
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{UnusedAccountValidityDays: 4},
	}, nil)
	for _, s := range []*cognitotest.Server{legacy, current} {
		_, err := adminCreate(t, s, &cip.AdminCreateUserInput{Username: aws.String("ana"), TemporaryPassword: aws.String(password), MessageAction: types.MessageActionTypeSuppress})
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := pmDescribe(t, legacy, legacy.UserPoolID); got.AdminCreateUserConfig.UnusedAccountValidityDays != 2 || got.Policies.PasswordPolicy.TemporaryPasswordValidityDays != 2 {
		t.Errorf("legacy pool: UnusedAccountValidityDays %d, TemporaryPasswordValidityDays %d; want 2 for both", got.AdminCreateUserConfig.UnusedAccountValidityDays, got.Policies.PasswordPolicy.TemporaryPasswordValidityDays)
	}
	clk.Advance(3 * 24 * time.Hour)
	_, err := trySignIn(t, legacy, "ana", password)
	expectErr[*types.NotAuthorizedException](t, err, "Temporary password has expired and must be reset by an administrator.")
	out, err := trySignIn(t, current, "ana", password)
	if err != nil || out.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
		t.Fatalf("sign-in with a 3-day-old temporary password valid 4 days: %v, %+v", err, out)
	}
	clk.Advance(2 * 24 * time.Hour)
	_, err = trySignIn(t, current, "ana", password)
	expectErr[*types.NotAuthorizedException](t, err, "")

	// Once TemporaryPasswordValidityDays is set, the legacy member can no
	// longer be given another value.
	_, err = sdk(srv).UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{
		UserPoolId:            aws.String(current.UserPoolID),
		AdminCreateUserConfig: &types.AdminCreateUserConfigType{UnusedAccountValidityDays: 9},
	})
	expectErr[*types.InvalidParameterException](t, err, "Please use TemporaryPasswordValidityDays instead of UnusedAccountValidityDays")
}

// pmRecoveryPool is a pool with the given recovery mechanisms and a user,
// ana, whose email and phone number are both verified.
func pmRecoveryPool(t *testing.T, srv *cognitotest.Server, mechanisms ...types.RecoveryOptionType) *cognitotest.Server {
	t.Helper()
	in := &cip.CreateUserPoolInput{PoolName: aws.String("recovery")}
	if mechanisms != nil {
		in.AccountRecoverySetting = &types.AccountRecoverySettingType{RecoveryMechanisms: mechanisms}
	}
	s := withPool(t, srv, in, nil)
	_, err := adminCreate(t, s, &cip.AdminCreateUserInput{
		Username: aws.String("ana"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: attrs("email", "ana@example.com", "email_verified", "true", "phone_number", "+15555550100", "phone_number_verified", "true"),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sdk(s).AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(s.UserPoolID), Username: aws.String("ana"), Password: aws.String(password), Permanent: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPoolManageAccountRecovery(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		forgot := func(s *cognitotest.Server) (*cip.ForgotPasswordOutput, error) {
			return sdk(s).ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(s.ClientID), Username: aws.String("ana")})
		}
		for _, tc := range []struct {
			name       string
			mechanisms []types.RecoveryOptionType
			want       types.DeliveryMediumType
		}{
			{"legacy: phone first", nil, types.DeliveryMediumTypeSms},
			{"email first", []types.RecoveryOptionType{
				{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)},
				{Name: types.RecoveryOptionNameTypeVerifiedPhoneNumber, Priority: aws.Int32(2)},
			}, types.DeliveryMediumTypeEmail},
			{"phone first", []types.RecoveryOptionType{
				{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(2)},
				{Name: types.RecoveryOptionNameTypeVerifiedPhoneNumber, Priority: aws.Int32(1)},
			}, types.DeliveryMediumTypeSms},
		} {
			s := pmRecoveryPool(t, srv, tc.mechanisms...)
			out, err := forgot(s)
			if err != nil {
				t.Fatalf("%s: ForgotPassword: %v", tc.name, err)
			}
			if out.CodeDeliveryDetails.DeliveryMedium != tc.want {
				t.Errorf("%s: code sent by %s, want %s", tc.name, out.CodeDeliveryDetails.DeliveryMedium, tc.want)
			}
		}

		// Only email, and the user's email is not verified: no way to
		// recover.
		s := pmRecoveryPool(t, srv, types.RecoveryOptionType{Name: types.RecoveryOptionNameTypeVerifiedEmail, Priority: aws.Int32(1)})
		if _, err := sdk(s).AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(s.UserPoolID), Username: aws.String("ana"), UserAttributes: attrs("email_verified", "false"),
		}); err != nil {
			t.Fatal(err)
		}
		_, err := forgot(s)
		expectErr[*types.InvalidParameterException](t, err, "")

		// admin_only: users cannot reset their own passwords.
		s = pmRecoveryPool(t, srv, types.RecoveryOptionType{Name: types.RecoveryOptionNameTypeAdminOnly, Priority: aws.Int32(1)})
		_, err = forgot(s)
		expectErr[*types.NotAuthorizedException](t, err, "Contact administrator to reset password.")
		_, err = sdk(s).ForgotPassword(t.Context(), &cip.ForgotPasswordInput{ClientId: aws.String(s.ClientID), Username: aws.String("ghost")})
		expectErr[*types.NotAuthorizedException](t, err, "Contact administrator to reset password.")
		for _, m := range s.Messages("") {
			if m.UserPoolID == s.UserPoolID {
				t.Errorf("admin_only pool sent %+v", m)
			}
		}
	})
}

// With CONFIRM_WITH_LINK the sign-up email carries a confirmation link with
// the client, the user and the code; the code still confirms.
func TestPoolManageConfirmWithLink(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		s := withPool(t, srv, &cip.CreateUserPoolInput{
			PoolName:               aws.String("links"),
			AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
			VerificationMessageTemplate: &types.VerificationMessageTemplateType{
				DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithLink,
				EmailMessageByLink: aws.String("Please {##confirm your account##}"),
			},
		}, nil)
		p := pmDescribe(t, s, s.UserPoolID)
		if v := p.VerificationMessageTemplate; v.DefaultEmailOption != types.DefaultEmailOptionTypeConfirmWithLink ||
			aws.ToString(v.EmailMessageByLink) != "Please {##confirm your account##}" || aws.ToString(v.EmailSubjectByLink) == "" {
			t.Errorf("template = %+v", *v)
		}
		signUp(t, s, "ana", password)
		msgs := s.Messages("ana")
		if len(msgs) != 1 {
			t.Fatalf("%d messages, want 1", len(msgs))
		}
		m := msgs[0]
		link, err := url.Parse(m.Link)
		if err != nil || m.Link == "" {
			t.Fatalf("Link = %q (%v)", m.Link, err)
		}
		q := link.Query()
		if link.Path != "/confirmUser" || q.Get("client_id") != s.ClientID || q.Get("user_name") != "ana" || q.Get("confirmation_code") != m.Code || m.Code == "" {
			t.Errorf("Link = %s, code %q", m.Link, m.Code)
		}
		if !strings.HasPrefix(m.Link, s.Endpoint+"/") {
			t.Errorf("Link %s does not point at the server %s", m.Link, s.Endpoint)
		}
		if _, err := sdk(s).ResendConfirmationCode(t.Context(), &cip.ResendConfirmationCodeInput{ClientId: aws.String(s.ClientID), Username: aws.String("ana")}); err != nil {
			t.Fatal(err)
		}
		msgs = s.Messages("ana")
		last := msgs[len(msgs)-1]
		if last.Link == "" || last.Link == m.Link {
			t.Errorf("resent message link %q (first %q), want a new link", last.Link, m.Link)
		}
		if err := tryConfirm(t, s, "ana", last.Code); err != nil {
			t.Errorf("ConfirmSignUp with the link's code: %v", err)
		}

		// Codes by default: no link.
		signUp(t, srv, "bob", password)
		if msgs := srv.Messages("bob"); len(msgs) != 1 || msgs[0].Link != "" {
			t.Errorf("CONFIRM_WITH_CODE message = %+v, want no link", msgs)
		}
	})
}

func TestPoolManageAddCustomAttributes(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		pool := aws.String(srv.UserPoolID)
		add := func(attrs ...types.SchemaAttributeType) error {
			_, err := c.AddCustomAttributes(t.Context(), &cip.AddCustomAttributesInput{UserPoolId: pool, CustomAttributes: attrs})
			return err
		}
		before := pmDescribe(t, srv, srv.UserPoolID)
		if err := add(
			types.SchemaAttributeType{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString,
				StringAttributeConstraints: &types.StringAttributeConstraintsType{MinLength: aws.String("1"), MaxLength: aws.String("16")}},
			types.SchemaAttributeType{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeBoolean},
			types.SchemaAttributeType{Name: aws.String("secret"), AttributeDataType: types.AttributeDataTypeString, DeveloperOnlyAttribute: aws.Bool(true)},
		); err != nil {
			t.Fatal(err)
		}
		p := pmDescribe(t, srv, srv.UserPoolID)
		plan, ok := schemaAttribute(p.SchemaAttributes, "custom:plan")
		if !ok || aws.ToString(plan.StringAttributeConstraints.MaxLength) != "16" || !aws.ToBool(plan.Mutable) {
			t.Errorf("custom:plan = %+v, %v", plan, ok)
		}
		if a, ok := schemaAttribute(p.SchemaAttributes, "custom:email"); !ok || a.AttributeDataType != types.AttributeDataTypeBoolean {
			t.Errorf("custom:email = %+v, %v (a standard name becomes a custom attribute)", a, ok)
		}
		if _, ok := schemaAttribute(p.SchemaAttributes, "dev:custom:secret"); !ok {
			t.Error("no dev:custom:secret")
		}
		if p.LastModifiedDate.Before(*before.LastModifiedDate) {
			t.Error("LastModifiedDate went back")
		}
		// The new attribute is in the schema users are checked against.
		signUpConfirmed(t, srv, "ana", password)
		if _, err := c.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
			UserPoolId: pool, Username: aws.String("ana"), UserAttributes: attrs("custom:plan", "pro"),
		}); err != nil {
			t.Errorf("setting custom:plan: %v", err)
		}

		expectErr[*types.InvalidParameterException](t, add(types.SchemaAttributeType{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeNumber}),
			"Existing attribute already has name custom:plan.")
		expectErr[*types.InvalidParameterException](t, add(types.SchemaAttributeType{Name: aws.String("secret"), AttributeDataType: types.AttributeDataTypeString}),
			"Existing attribute already has name custom:secret.")
		expectErr[*types.InvalidParameterException](t, add(types.SchemaAttributeType{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true)}),
			"Required custom attributes are not supported currently.")
		expectErr[*types.InvalidParameterException](t, add(types.SchemaAttributeType{Name: aws.String("tier")}), "")
		expectErr[*types.InvalidParameterException](t, add(types.SchemaAttributeType{Name: aws.String("tier"), AttributeDataType: "Blob"}), "")
		expectErr[*types.InvalidParameterException](t, add(
			types.SchemaAttributeType{Name: aws.String("twice"), AttributeDataType: types.AttributeDataTypeString},
			types.SchemaAttributeType{Name: aws.String("twice"), AttributeDataType: types.AttributeDataTypeString},
		), "")
		if _, ok := schemaAttribute(pmDescribe(t, srv, srv.UserPoolID).SchemaAttributes, "custom:twice"); ok {
			t.Error("a refused AddCustomAttributes added an attribute")
		}
		_, err := c.AddCustomAttributes(t.Context(), &cip.AddCustomAttributesInput{UserPoolId: aws.String("eu-west-1_NoSuchPoo"),
			CustomAttributes: []types.SchemaAttributeType{{Name: aws.String("x"), AttributeDataType: types.AttributeDataTypeString}}})
		expectErr[*types.ResourceNotFoundException](t, err, "")

		// At most 50 custom attributes (3 exist).
		var many []types.SchemaAttributeType
		for i := range 25 {
			many = append(many, types.SchemaAttributeType{Name: aws.String(fmt.Sprintf("a%02d", i)), AttributeDataType: types.AttributeDataTypeString})
		}
		if err := add(many...); err != nil {
			t.Fatal(err)
		}
		many = many[:0]
		for i := range 23 {
			many = append(many, types.SchemaAttributeType{Name: aws.String(fmt.Sprintf("b%02d", i)), AttributeDataType: types.AttributeDataTypeString})
		}
		expectErr[*types.InvalidParameterException](t, add(many...), "A user pool can have at most 50 custom attributes.")
		if err := add(many[:22]...); err != nil {
			t.Errorf("the 50th custom attribute: %v", err)
		}
	})
}

func TestPoolManageSigningCertificate(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		get := func() string {
			out, err := c.GetSigningCertificate(t.Context(), &cip.GetSigningCertificateInput{UserPoolId: aws.String(srv.UserPoolID)})
			if err != nil {
				t.Fatal(err)
			}
			return aws.ToString(out.Certificate)
		}
		first := get()
		der, err := base64.StdEncoding.DecodeString(first)
		if err != nil {
			t.Fatalf("certificate %q is not base64: %v", first, err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatalf("not an X.509 certificate: %v", err)
		}
		if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
			t.Errorf("not self-signed: %v", err)
		}
		if cert.Subject.CommonName != srv.UserPoolID {
			t.Errorf("subject %q", cert.Subject)
		}
		pub, ok := cert.PublicKey.(*rsa.PublicKey)
		set := jwks(t, srv)
		jwk, isRSA := set.Keys[0].Key.(*rsa.PublicKey)
		if !ok || !isRSA || !pub.Equal(jwk) {
			t.Error("the certificate's key is not the pool's signing key (as in its JWKS)")
		}
		if get() != first {
			t.Error("the certificate changes from one call to the next")
		}
		_, err = c.GetSigningCertificate(t.Context(), &cip.GetSigningCertificateInput{UserPoolId: aws.String("eu-west-1_NoSuchPoo")})
		expectErr[*types.ResourceNotFoundException](t, err, "")
	})
}

func TestPoolManageCSVHeader(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		out, err := c.GetCSVHeader(t.Context(), &cip.GetCSVHeaderInput{UserPoolId: aws.String(srv.UserPoolID)})
		if err != nil {
			t.Fatal(err)
		}
		// AWS's documented header of a pool with the standard attributes.
		want := []string{"name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
			"picture", "website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale", "phone_number",
			"phone_number_verified", "address", "updated_at", "cognito:mfa_enabled", "cognito:username"}
		if !slices.Equal(out.CSVHeader, want) || aws.ToString(out.UserPoolId) != srv.UserPoolID {
			t.Errorf("CSVHeader = %q (pool %q), want %q", out.CSVHeader, aws.ToString(out.UserPoolId), want)
		}
		id := pmCreate(t, srv, &cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString},
		}})
		out, err = c.GetCSVHeader(t.Context(), &cip.GetCSVHeaderInput{UserPoolId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(out.CSVHeader); n < 3 || out.CSVHeader[n-3] != "custom:plan" {
			t.Errorf("CSVHeader = %q, want custom:plan before the cognito: columns", out.CSVHeader)
		}
		_, err = c.GetCSVHeader(t.Context(), &cip.GetCSVHeaderInput{UserPoolId: aws.String("eu-west-1_NoSuchPoo")})
		expectErr[*types.ResourceNotFoundException](t, err, "")
	})
}

func TestPoolManageTags(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		arn := aws.ToString(pmDescribe(t, srv, srv.UserPoolID).Arn)
		list := func(arn string) (map[string]string, error) {
			out, err := c.ListTagsForResource(t.Context(), &cip.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
			if err != nil {
				return nil, err
			}
			return out.Tags, nil
		}
		if tags, err := list(arn); err != nil || len(tags) != 0 {
			t.Fatalf("tags of a new pool: %v, %v", tags, err)
		}
		if _, err := c.TagResource(t.Context(), &cip.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"team": "identity", "env": "dev"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.TagResource(t.Context(), &cip.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"env": "prod"}}); err != nil {
			t.Fatal(err)
		}
		if tags, err := list(arn); err != nil || len(tags) != 2 || tags["env"] != "prod" || tags["team"] != "identity" {
			t.Errorf("tags = %v, %v", tags, err)
		}
		if got := pmDescribe(t, srv, srv.UserPoolID).UserPoolTags; got["env"] != "prod" {
			t.Errorf("UserPoolTags = %v", got)
		}
		if _, err := c.UntagResource(t.Context(), &cip.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"env", "absent"}}); err != nil {
			t.Fatal(err)
		}
		if tags, err := list(arn); err != nil || len(tags) != 1 || tags["team"] != "identity" {
			t.Errorf("tags after untag = %v, %v", tags, err)
		}

		unknown := "arn:aws:cognito-idp:eu-west-1:000000000000:userpool/eu-west-1_NoSuchPoo"
		other := "arn:aws:cognito-idp:eu-west-1:111111111111:userpool/" + srv.UserPoolID
		for _, a := range []string{unknown, other, "arn:aws:s3:eu-west-1:000000000000:bucket/mine"} {
			_, err := list(a)
			expectErr[*types.ResourceNotFoundException](t, err, "")
			_, err = c.TagResource(t.Context(), &cip.TagResourceInput{ResourceArn: aws.String(a), Tags: map[string]string{"k": "v"}})
			expectErr[*types.ResourceNotFoundException](t, err, "")
			_, err = c.UntagResource(t.Context(), &cip.UntagResourceInput{ResourceArn: aws.String(a), TagKeys: []string{"k"}})
			expectErr[*types.ResourceNotFoundException](t, err, "")
		}
		_, err := list("not an arn at all, but long")
		expectErr[*types.InvalidParameterException](t, err, "")
		_, err = c.TagResource(t.Context(), &cip.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"bad#key": "v"}})
		expectErr[*types.InvalidParameterException](t, err, "")
		many := map[string]string{}
		for i := range 50 {
			many["k"+strings.Repeat("x", i)] = "v"
		}
		_, err = c.TagResource(t.Context(), &cip.TagResourceInput{ResourceArn: aws.String(arn), Tags: many})
		expectErr[*types.InvalidParameterException](t, err, "")
		if tags, _ := list(arn); len(tags) != 1 {
			t.Errorf("a refused TagResource left %d tags", len(tags))
		}
	})
}

// A pool record written before these settings existed reads as Cognito's
// defaults, and can be updated.
func TestPoolManageOldRecordReadable(t *testing.T) {
	t.Parallel()
	st := store.NewMemory()
	t.Cleanup(func() { st.Close() })
	const id = "eu-west-1_OldPool01"
	old := `{"id":"` + id + `","name":"old","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z",` +
		`"policy":{"MinimumLength":8,"RequireUppercase":true,"RequireLowercase":true,"RequireNumbers":true,"RequireSymbols":true,"TemporaryPasswordValidityDays":7},` +
		`"caseSensitive":true,"schema":[{"name":"sub","dataType":"String","mutable":false,"required":true,"minLength":"1","maxLength":"2048"},` +
		`{"name":"custom:secret","dataType":"String","mutable":true,"required":false,"developerOnly":true}],"mfa":"OFF","deletionProtection":"INACTIVE"}`
	if err := st.Update(t.Context(), func(tx store.Tx) error { return tx.Put("pool", id, []byte(old)) }); err != nil {
		t.Fatal(err)
	}
	srv := cognitotest.NewServer(t, cognitotest.WithStore(st))
	p := pmDescribe(t, srv, id)
	if p.UserPoolTier != types.UserPoolTierTypeEssentials || p.AdminCreateUserConfig.UnusedAccountValidityDays != 7 ||
		p.VerificationMessageTemplate.DefaultEmailOption != types.DefaultEmailOptionTypeConfirmWithCode ||
		p.EmailConfiguration.EmailSendingAccount != types.EmailSendingAccountTypeCognitoDefault || p.MfaConfiguration != types.UserPoolMfaTypeOff {
		t.Errorf("old pool described as %+v", p)
	}
	if _, ok := schemaAttribute(p.SchemaAttributes, "dev:custom:secret"); !ok {
		t.Error("an old developer-only attribute is not shown as dev:custom:secret")
	}
	if _, err := sdk(srv).UpdateUserPool(t.Context(), pmUpdateFromDescription(p)); err != nil {
		t.Errorf("UpdateUserPool of an old pool: %v", err)
	}
}
