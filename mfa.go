package cognito

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// MFA for a signed-in user: an authenticator app (TOTP) is set up with
// SetUpTOTP and VerifyTOTP; SetMFAPreference turns methods on or off and
// picks the one Cognito asks for. GetUser shows the user's settings
// (User.UserMFASettings, User.PreferredMFA).

// MFAMethod is an MFA method, named as Cognito names it in a user's
// settings.
type MFAMethod string

// The MFA methods.
const (
	MFATOTP  MFAMethod = "SOFTWARE_TOKEN_MFA" // an authenticator app
	MFASMS   MFAMethod = "SMS_MFA"            // a code by SMS
	MFAEmail MFAMethod = "EMAIL_OTP"          // a code by email
)

// SetUpTOTP starts setting up an authenticator app for the access token's
// user: Cognito draws a secret, returned with its otpauth:// URI (issuer
// names the service in the app; "" is "Cognito"). The app holds it once
// VerifyTOTP accepts one of its codes.
func (c *Client) SetUpTOTP(ctx context.Context, accessToken, issuer string) (*TOTPSecret, error) {
	out, err := c.sdk.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: aws.String(accessToken)})
	if err != nil {
		return nil, c.failToken("SetUpTOTP", accessToken, err)
	}
	if issuer == "" {
		issuer = "Cognito"
	}
	secret := aws.ToString(out.SecretCode)
	return &TOTPSecret{Secret: secret, URI: totpURI(issuer, UsernameFromTokens(&Tokens{AccessToken: accessToken}), secret)}, nil
}

// VerifyTOTP finishes setting up the authenticator app with a code it
// shows (deviceName, optional, names it). A wrong code is ErrCodeMismatch.
// Then SetMFAPreference turns TOTP on.
func (c *Client) VerifyTOTP(ctx context.Context, accessToken, code, deviceName string) error {
	in := &cip.VerifySoftwareTokenInput{AccessToken: aws.String(accessToken), UserCode: aws.String(code)}
	if deviceName != "" {
		in.FriendlyDeviceName = aws.String(deviceName)
	}
	out, err := c.sdk.VerifySoftwareToken(ctx, in)
	if err != nil {
		return c.failToken("VerifyTOTP", accessToken, err)
	}
	if out.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		return &Error{Op: "VerifyTOTP", Kind: ErrCodeMismatch, lang: c.lang, Err: errors.New("cognito: the authenticator code was not accepted")}
	}
	return nil
}

// SetMFAPreference turns one MFA method of the access token's user on or
// off; preferred (which implies on) makes it the one Cognito asks for when
// several are on. An unknown method is ErrInvalidParameter.
func (c *Client) SetMFAPreference(ctx context.Context, accessToken string, method MFAMethod, enabled, preferred bool) error {
	enabled = enabled || preferred
	in := &cip.SetUserMFAPreferenceInput{AccessToken: aws.String(accessToken)}
	switch method {
	case MFATOTP:
		in.SoftwareTokenMfaSettings = &types.SoftwareTokenMfaSettingsType{Enabled: enabled, PreferredMfa: preferred}
	case MFASMS:
		in.SMSMfaSettings = &types.SMSMfaSettingsType{Enabled: enabled, PreferredMfa: preferred}
	case MFAEmail:
		in.EmailMfaSettings = &types.EmailMfaSettingsType{Enabled: enabled, PreferredMfa: preferred}
	default:
		return &Error{Op: "SetMFAPreference", Kind: ErrInvalidParameter, lang: c.lang, Err: errors.New("cognito: unknown MFA method " + string(method))}
	}
	if _, err := c.sdk.SetUserMFAPreference(ctx, in); err != nil {
		return c.failToken("SetMFAPreference", accessToken, err)
	}
	return nil
}
