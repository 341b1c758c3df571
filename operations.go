package cognito

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/golang-jwt/jwt/v5"
)

// Register signs a user up with their email as the username (on pools
// where users sign in with their email, Cognito makes the username the
// sub). attrs are further attributes ("name", "custom:plan", ...); the
// email attribute is set from email.
func (c *Client) Register(ctx context.Context, email, password string, attrs map[string]string) (*SignUpResult, error) {
	all := map[string]string{"email": email}
	maps.Copy(all, attrs)
	out, err := c.sdk.SignUp(ctx, &cip.SignUpInput{
		ClientId:       aws.String(c.cfg.ClientID),
		SecretHash:     c.secretHash(email),
		Username:       aws.String(email),
		Password:       aws.String(password),
		UserAttributes: attributeTypes(all),
	})
	if err != nil {
		return nil, c.fail("Register", err)
	}
	res := &SignUpResult{UserSub: aws.ToString(out.UserSub), ConfirmationRequired: !out.UserConfirmed}
	if d := out.CodeDeliveryDetails; d != nil {
		res.CodeDeliveryDestination = aws.ToString(d.Destination)
	}
	return res, nil
}

// Confirm confirms a registration with the code the user received.
func (c *Client) Confirm(ctx context.Context, email, code string) error {
	_, err := c.sdk.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
		ClientId:         aws.String(c.cfg.ClientID),
		SecretHash:       c.secretHash(email),
		Username:         aws.String(email),
		ConfirmationCode: aws.String(code),
	})
	if err != nil {
		return c.fail("Confirm", err)
	}
	return nil
}

// ResendCode sends the registration code again.
func (c *Client) ResendCode(ctx context.Context, email string) (*CodeDelivery, error) {
	out, err := c.sdk.ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{
		ClientId:   aws.String(c.cfg.ClientID),
		SecretHash: c.secretHash(email),
		Username:   aws.String(email),
	})
	if err != nil {
		return nil, c.fail("ResendCode", err)
	}
	return codeDelivery(out.CodeDeliveryDetails), nil
}

// Authenticate signs a user in with USER_PASSWORD_AUTH (the app client must
// allow it). If Cognito answers with a challenge instead of tokens, the
// error's Kind is ErrChallengeRequired and Error.Challenge says which.
func (c *Client) Authenticate(ctx context.Context, email, password string) (*Tokens, error) {
	params := map[string]string{"USERNAME": email, "PASSWORD": password}
	if h := c.secretHash(email); h != nil {
		params["SECRET_HASH"] = *h
	}
	out, err := c.sdk.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId:       aws.String(c.cfg.ClientID),
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: params,
	})
	if err != nil {
		return nil, c.fail("Authenticate", err)
	}
	return c.tokens("Authenticate", out.AuthenticationResult, out.ChallengeName, out.Session, out.ChallengeParameters)
}

// Refresh gets new access and ID tokens with a refresh token.
//
// When the app client has a secret, Cognito checks a SECRET_HASH computed
// over the user's internal username — on pools where users sign in with
// their email that is the sub, not the email — so username is then
// required. RefreshTokens finds it in the tokens themselves; prefer it.
// Without a secret, username may be empty.
func (c *Client) Refresh(ctx context.Context, refreshToken, username string) (*Tokens, error) {
	if c.cfg.ClientSecret != "" && username == "" {
		return nil, &Error{Op: "Refresh", Kind: ErrSecretHashRequired, lang: c.lang,
			Err: errors.New("cognito: the client has a secret, so Refresh needs the username (or use RefreshTokens)")}
	}
	params := map[string]string{"REFRESH_TOKEN": refreshToken}
	if h := c.secretHash(username); h != nil {
		params["SECRET_HASH"] = *h
	}
	out, err := c.sdk.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId:       aws.String(c.cfg.ClientID),
		AuthFlow:       types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: params,
	})
	if err != nil {
		return nil, c.fail("Refresh", err)
	}
	t, err := c.tokens("Refresh", out.AuthenticationResult, out.ChallengeName, out.Session, out.ChallengeParameters)
	if err != nil {
		return nil, err
	}
	if t.RefreshToken == "" {
		t.RefreshToken = refreshToken
	}
	return t, nil
}

// RefreshTokens gets new tokens for a user whose tokens the caller holds,
// with GetTokensFromRefreshToken: when the app client rotates refresh
// tokens, the result carries the new one (save it: the old one soon stops
// working); otherwise it keeps the old one. Against a server that does not
// know GetTokensFromRefreshToken it falls back to REFRESH_TOKEN_AUTH
// (Refresh), with the internal username taken from the ID token
// ("cognito:username") or the access token ("username"), so it works with
// client secrets on every kind of pool.
func (c *Client) RefreshTokens(ctx context.Context, t *Tokens) (*Tokens, error) {
	if t == nil || t.RefreshToken == "" {
		return nil, &Error{Op: "Refresh", Kind: ErrInvalidParameter, lang: c.lang, Err: errors.New("cognito: no refresh token")}
	}
	if !c.legacyRefresh.Load() {
		in := &cip.GetTokensFromRefreshTokenInput{ClientId: aws.String(c.cfg.ClientID), RefreshToken: aws.String(t.RefreshToken)}
		if c.cfg.ClientSecret != "" {
			in.ClientSecret = aws.String(c.cfg.ClientSecret)
		}
		if t.DeviceKey != "" {
			in.DeviceKey = aws.String(t.DeviceKey)
		}
		out, err := c.sdk.GetTokensFromRefreshToken(ctx, in)
		if err == nil {
			fresh, err := c.tokens("Refresh", out.AuthenticationResult, "", nil, nil)
			if err != nil {
				return nil, err
			}
			if fresh.RefreshToken == "" {
				fresh.RefreshToken = t.RefreshToken
			}
			fresh.DeviceKey = t.DeviceKey
			return fresh, nil
		}
		if !unknownOperation(err) {
			return nil, c.failToken("Refresh", t.AccessToken, err)
		}
		c.legacyRefresh.Store(true) // remembered: the server will not learn it
	}
	return c.Refresh(ctx, t.RefreshToken, UsernameFromTokens(t))
}

// unknownOperation reports whether err says the server does not implement
// the operation called (an older local server, another emulator).
func unknownOperation(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	switch api.ErrorCode() {
	case "UnknownOperationException", "UnsupportedOperationException":
		return true
	}
	return false
}

// UsernameFromTokens returns the user's internal username as the tokens
// state it ("cognito:username" in the ID token, "username" in the access
// token), or "" if neither can be read. The tokens' signatures are not
// checked: use it to address the user, never to authenticate them.
func UsernameFromTokens(t *Tokens) string {
	for _, raw := range []struct{ token, claim string }{{t.IDToken, "cognito:username"}, {t.AccessToken, "username"}} {
		if raw.token == "" {
			continue
		}
		claims := jwt.MapClaims{}
		if _, _, err := jwt.NewParser().ParseUnverified(raw.token, claims); err != nil {
			continue
		}
		if name, ok := claims[raw.claim].(string); ok && name != "" {
			return name
		}
	}
	return ""
}

// ForgotPassword starts a password reset: Cognito sends the user a code.
func (c *Client) ForgotPassword(ctx context.Context, email string) (*CodeDelivery, error) {
	out, err := c.sdk.ForgotPassword(ctx, &cip.ForgotPasswordInput{
		ClientId:   aws.String(c.cfg.ClientID),
		SecretHash: c.secretHash(email),
		Username:   aws.String(email),
	})
	if err != nil {
		return nil, c.fail("ForgotPassword", err)
	}
	return codeDelivery(out.CodeDeliveryDetails), nil
}

// ConfirmForgotPassword finishes a password reset with the code and the
// new password.
func (c *Client) ConfirmForgotPassword(ctx context.Context, email, code, newPassword string) error {
	_, err := c.sdk.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{
		ClientId:         aws.String(c.cfg.ClientID),
		SecretHash:       c.secretHash(email),
		Username:         aws.String(email),
		ConfirmationCode: aws.String(code),
		Password:         aws.String(newPassword),
	})
	if err != nil {
		return c.fail("ConfirmForgotPassword", err)
	}
	return nil
}

// GetUser returns the profile of the access token's user.
func (c *Client) GetUser(ctx context.Context, accessToken string) (*User, error) {
	out, err := c.sdk.GetUser(ctx, &cip.GetUserInput{AccessToken: aws.String(accessToken)})
	if err != nil {
		return nil, c.failToken("GetUser", accessToken, err)
	}
	u := userOf(out.Username, out.UserAttributes, out.MFAOptions)
	u.Enabled = true // its token was accepted
	u.PreferredMFA, u.UserMFASettings = aws.ToString(out.PreferredMfaSetting), out.UserMFASettingList
	return &u, nil
}

// UpdateUserAttributes changes the access token's user's attributes. It
// returns where codes were sent for attributes that now need verification
// (a changed email, for instance), or nothing.
func (c *Client) UpdateUserAttributes(ctx context.Context, accessToken string, attrs map[string]string) ([]CodeDelivery, error) {
	out, err := c.sdk.UpdateUserAttributes(ctx, &cip.UpdateUserAttributesInput{
		AccessToken:    aws.String(accessToken),
		UserAttributes: attributeTypes(attrs),
	})
	if err != nil {
		return nil, c.failToken("UpdateUserAttributes", accessToken, err)
	}
	var pending []CodeDelivery
	for i := range out.CodeDeliveryDetailsList {
		pending = append(pending, *codeDelivery(&out.CodeDeliveryDetailsList[i]))
	}
	return pending, nil
}

// VerifyUserAttribute verifies an attribute of the access token's user —
// "email" or "phone_number", after UpdateUserAttributes changed it — with
// the code Cognito sent to it; the attribute's _verified flag is then true
// (and a changed email replaces the old one, on pools that keep the
// original until it is verified). A wrong code is ErrCodeMismatch, an old
// one ErrCodeExpired: SendAttributeCode sends another.
func (c *Client) VerifyUserAttribute(ctx context.Context, accessToken, attribute, code string) error {
	_, err := c.sdk.VerifyUserAttribute(ctx, &cip.VerifyUserAttributeInput{
		AccessToken: aws.String(accessToken), AttributeName: aws.String(attribute), Code: aws.String(code),
	})
	if err != nil {
		return c.failToken("VerifyUserAttribute", accessToken, err)
	}
	return nil
}

// SendAttributeCode sends the access token's user a new code to verify
// attribute ("email" or "phone_number";
// GetUserAttributeVerificationCode), for VerifyUserAttribute, and says
// where it went.
func (c *Client) SendAttributeCode(ctx context.Context, accessToken, attribute string) (*CodeDelivery, error) {
	out, err := c.sdk.GetUserAttributeVerificationCode(ctx, &cip.GetUserAttributeVerificationCodeInput{
		AccessToken: aws.String(accessToken), AttributeName: aws.String(attribute),
	})
	if err != nil {
		return nil, c.failToken("SendAttributeCode", accessToken, err)
	}
	return codeDelivery(out.CodeDeliveryDetails), nil
}

// DeleteUser deletes the access token's user.
func (c *Client) DeleteUser(ctx context.Context, accessToken string) error {
	if _, err := c.sdk.DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: aws.String(accessToken)}); err != nil {
		return c.failToken("DeleteUser", accessToken, err)
	}
	return nil
}

// ChangePassword changes the access token's user's password.
func (c *Client) ChangePassword(ctx context.Context, accessToken, oldPassword, newPassword string) error {
	_, err := c.sdk.ChangePassword(ctx, &cip.ChangePasswordInput{
		AccessToken:      aws.String(accessToken),
		PreviousPassword: aws.String(oldPassword),
		ProposedPassword: aws.String(newPassword),
	})
	if err != nil {
		return c.failToken("ChangePassword", accessToken, err)
	}
	return nil
}

// SignOut signs the access token's user out everywhere (GlobalSignOut):
// their refresh tokens, and the access tokens issued from them, stop
// working.
func (c *Client) SignOut(ctx context.Context, accessToken string) error {
	if _, err := c.sdk.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: aws.String(accessToken)}); err != nil {
		return c.failToken("SignOut", accessToken, err)
	}
	return nil
}

// RevokeToken revokes a refresh token (RevokeToken), as signing out of one
// device does: it can no longer refresh, and Cognito refuses the access
// tokens issued from it. An API that verifies tokens locally (jwtverify)
// cannot see the revocation: to it the access and ID tokens already
// issued stay valid until they expire (Tokens.Expiry). Revoking a token
// that is already revoked or unknown succeeds. The app client must allow
// token revocation (the default for new clients); SignOut signs the user
// out of every device instead.
func (c *Client) RevokeToken(ctx context.Context, refreshToken string) error {
	in := &cip.RevokeTokenInput{ClientId: aws.String(c.cfg.ClientID), Token: aws.String(refreshToken)}
	if c.cfg.ClientSecret != "" {
		in.ClientSecret = aws.String(c.cfg.ClientSecret)
	}
	if _, err := c.sdk.RevokeToken(ctx, in); err != nil {
		return c.fail("RevokeToken", err)
	}
	return nil
}

// TestConnection describes the configured user pool (DescribeUserPool).
// Unlike the other operations it is an administrative call and needs AWS
// credentials; without them it fails with ErrNoCredentials.
func (c *Client) TestConnection(ctx context.Context) (*PoolInfo, error) {
	const op = "TestConnection"
	if err := c.adminReady(ctx, op); err != nil {
		return nil, err
	}
	out, err := c.sdk.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(c.cfg.UserPoolID)})
	if err != nil {
		return nil, c.fail(op, err)
	}
	p := out.UserPool
	return &PoolInfo{
		UserPoolID:     aws.ToString(p.Id),
		UserPoolName:   aws.ToString(p.Name),
		Deletion:       string(p.DeletionProtection),
		EstimatedUsers: p.EstimatedNumberOfUsers,
		MFA:            string(p.MfaConfiguration),
		CreationDate:   aws.ToTime(p.CreationDate),
		Region:         c.awsConfig.Region,
	}, nil
}

// tokens turns an authentication result into Tokens, or a challenge into
// an ErrChallengeRequired error.
func (c *Client) tokens(op string, r *types.AuthenticationResultType, challenge types.ChallengeNameType, session *string, params map[string]string) (*Tokens, error) {
	if r == nil {
		return nil, &Error{Op: op, Kind: ErrChallengeRequired, lang: c.lang,
			Err:       errors.New("cognito: Cognito answered with the " + string(challenge) + " challenge"),
			Challenge: &Challenge{Name: string(challenge), Session: aws.ToString(session), Parameters: params}}
	}
	t := &Tokens{
		AccessToken:  aws.ToString(r.AccessToken),
		IDToken:      aws.ToString(r.IdToken),
		RefreshToken: aws.ToString(r.RefreshToken),
		ExpiresIn:    r.ExpiresIn,
		TokenType:    aws.ToString(r.TokenType),
		Expiry:       time.Now().Add(time.Duration(r.ExpiresIn) * time.Second),
	}
	if r.ExpiresIn == 0 {
		// Servers other than Cognito may leave ExpiresIn out: the
		// token's own exp says it.
		t.Expiry = expiryOf(t.AccessToken)
	}
	if d := r.NewDeviceMetadata; d != nil && aws.ToString(d.DeviceKey) != "" {
		t.NewDevice = &NewDevice{Key: aws.ToString(d.DeviceKey), GroupKey: aws.ToString(d.DeviceGroupKey)}
	}
	return t, nil
}

func attributeTypes(attrs map[string]string) []types.AttributeType {
	out := make([]types.AttributeType, 0, len(attrs))
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		out = append(out, types.AttributeType{Name: aws.String(name), Value: aws.String(attrs[name])})
	}
	return out
}

func codeDelivery(d *types.CodeDeliveryDetailsType) *CodeDelivery {
	if d == nil {
		return &CodeDelivery{}
	}
	return &CodeDelivery{
		Destination: aws.ToString(d.Destination),
		Medium:      string(d.DeliveryMedium),
		Attribute:   aws.ToString(d.AttributeName),
	}
}
