package emulator

import (
	"context"
	"errors"
	"net/mail"
	"net/url"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/uuid"
)

// Sign-up and account recovery: the public actions that name a user, for
// an app client (whose SECRET_HASH the adapter has checked).

func (s *Server) signUp(ctx context.Context, c *caller, in *cip.SignUpInput) (*cip.SignUpOutput, error) {
	p := c.pool
	if p.AdminCreateUserOnly {
		return nil, notAuthorized("SignUp is not permitted for this user pool")
	}
	// The attributes a user signs up with are written through the client:
	// its WriteAttributes bound them, as for UpdateUserAttributes.
	if err := c.client.checkWritable(in.UserAttributes); err != nil {
		return nil, err
	}
	u, err := s.newUser(p, aws.ToString(in.Username), in.UserAttributes, atCreation)
	if err != nil {
		return nil, err
	}
	// The API lets SignUp omit the password for passwordless sign-in,
	// which the local Cognito does not support yet: without one, it
	// answers as it did when the member was required.
	if in.Password == nil {
		return nil, invalidParameter("1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null")
	}
	password := aws.ToString(in.Password)
	if err := p.Policy.check(password); err != nil {
		return nil, err
	}
	if u.Salt, u.Verifier, err = newVerifier(p.ID, u.Username, password); err != nil {
		return nil, err
	}
	if err := s.preSignUp(ctx, p, c.client, sourcePreSignUp, u, in.ValidationData, in.ClientMetadata); err != nil {
		return nil, err
	}
	var text *customText
	if u.Status != statusConfirmed {
		if text, err = s.customMessage(ctx, p, c.client, u, sourceMessageSignUp, in.ClientMetadata); err != nil {
			return nil, err
		}
	}
	var sent *types.CodeDeliveryDetailsType
	var session string
	err = s.update(ctx, func(st *state) error {
		if _, err := st.pool(p.ID); err != nil {
			return err
		}
		if err := st.insertUser(p, u, false); err != nil {
			return err
		}
		if u.Status == statusConfirmed {
			return nil // confirmed by the PreSignUp trigger: no code to send
		}
		if attr := deliveryAttribute(p, u, false); attr != "" {
			if sent, err = s.deliverSignUpCode(st, c, p, u, attr, text); err != nil {
				return err
			}
		}
		session, err = s.signUpSession(st, c, u) // for USER_AUTH after ConfirmSignUp (userauth.go)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user signed up", "userPoolId", p.ID, "sub", u.Attributes["sub"])
	return &cip.SignUpOutput{UserConfirmed: u.Status == statusConfirmed, UserSub: aws.String(u.Attributes["sub"]), CodeDeliveryDetails: sent, Session: optional(session)}, nil
}

// newUser builds a user named as a caller asked (a username, or an email or
// phone number in pools whose UsernameAttributes say so), checking the name
// and attributes against the pool. It does not store it.
func (s *Server) newUser(p *pool, name string, attrs []types.AttributeType, who attributeChange) (*user, error) {
	values, err := p.checkAttributes(attrs, who)
	if err != nil {
		return nil, err
	}
	sub := uuid.NewString()
	username := name
	switch {
	case p.hasUsernameAttribute("email") && isEmail(name):
		values["email"], username = name, sub
	case p.hasUsernameAttribute("phone_number") && phonePattern.MatchString(name):
		values["phone_number"], username = name, sub
	case len(p.UsernameAttributes) > 0:
		return nil, invalidParameter("Username should be either an email or a phone number.")
	case slices.Contains(p.AliasAttributes, "email") && isEmail(name):
		return nil, invalidParameter("Username cannot be of email format, since user pool is configured for email alias.")
	case slices.Contains(p.AliasAttributes, "phone_number") && phonePattern.MatchString(name):
		return nil, invalidParameter("Username cannot be of phone number format, since user pool is configured for phone_number alias.")
	}
	values["sub"] = sub
	if err := p.checkRequired(values); err != nil {
		return nil, err
	}
	now := s.now()
	return &user{
		PoolID: p.ID, Username: username, Attributes: values,
		Status: statusUnconfirmed, Enabled: true, Created: now, Modified: now,
	}, nil
}

func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

// withNamedUser runs fn on the user a public action names, inside a write
// transaction; an unknown user is UserNotFoundException, or unknown (the
// error the action gives) when the client hides user existence.
func (s *Server) withNamedUser(ctx context.Context, c *caller, name string, unknown error, fn func(st *state, u *user) error) error {
	return s.update(ctx, func(st *state) error {
		u, err := st.user(c.pool, name)
		if isNotFound(err) {
			if c.client.preventsExistenceErrors() {
				return unknown
			}
			return errUserNotFound
		}
		if err != nil {
			return err
		}
		return fn(st, u)
	})
}

// confirmSignUp is ConfirmSignUp. Given the Session SignUp returned, it
// returns one that signs the user in with USER_AUTH (userauth.go).
func (s *Server) confirmSignUp(ctx context.Context, c *caller, in *cip.ConfirmSignUpInput) (*cip.ConfirmSignUpOutput, error) {
	p := c.pool
	var session string
	var confirmed *user
	err := s.withNamedUser(ctx, c, aws.ToString(in.Username), errCodeMismatch, func(st *state, u *user) error {
		confirmed = u
		if u.Status != statusUnconfirmed {
			return notAuthorized("User cannot be confirmed. Current status is %s", u.Status)
		}
		rec, err := s.useCode(st, p, u, PurposeSignUp, "", aws.ToString(in.ConfirmationCode), errTooManyCodeFailures)
		if err != nil {
			return err
		}
		u.Status, u.Modified = statusConfirmed, s.now()
		if rec.Attribute != "" {
			u.Attributes[rec.Attribute+"_verified"] = "true"
		}
		if err := st.putUser(p, u); err != nil {
			return err
		}
		session, err = s.confirmedSession(st, c, u, aws.ToString(in.Session))
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := s.postConfirmation(ctx, p, c.client, sourceConfirmSignUp, confirmed, in.ClientMetadata); err != nil {
		return nil, err
	}
	return &cip.ConfirmSignUpOutput{Session: optional(session)}, nil
}

func (s *Server) resendConfirmationCode(ctx context.Context, c *caller, in *cip.ResendConfirmationCodeInput) (*cip.ResendConfirmationCodeOutput, error) {
	c.metadata = in.ClientMetadata
	sent, err := s.sendUserCode(ctx, c, aws.ToString(in.Username), sourceMessageResendCode, func(st *state, p *pool, u *user, text *customText) (*types.CodeDeliveryDetailsType, error) {
		if u.Status != statusUnconfirmed {
			return nil, invalidParameter("User is already confirmed.")
		}
		attr := deliveryAttribute(p, u, false)
		if attr == "" {
			return nil, invalidParameter("Auto verification not turned on.")
		}
		return s.deliverSignUpCode(st, c, p, u, attr, text)
	})
	if err != nil {
		return nil, err
	}
	return &cip.ResendConfirmationCodeOutput{CodeDeliveryDetails: sent}, nil
}

// sendUserCode serves the actions that send a code to the user a caller
// names (ResendConfirmationCode, ForgotPassword): send delivers it, with
// the text the pool's CustomMessage trigger gives for source (asked
// before the write, from the user as read then). An unknown user is
// UserNotFoundException, or, when the client hides user existence, a
// delivery that looks real.
func (s *Server) sendUserCode(ctx context.Context, c *caller, name, source string, send func(st *state, p *pool, u *user, text *customText) (*types.CodeDeliveryDetailsType, error)) (*types.CodeDeliveryDetailsType, error) {
	var text *customText
	if c.pool.hasTrigger(triggerCustomMessage) {
		var u *user
		err := s.view(ctx, func(st *state) (err error) {
			u, err = st.user(c.pool, name)
			return err
		})
		if err == nil {
			text, err = s.customMessage(ctx, c.pool, c.client, u, source, c.metadata)
		}
		if err != nil && !isNotFound(err) {
			return nil, err
		}
	}
	var sent *types.CodeDeliveryDetailsType
	err := s.withNamedUser(ctx, c, name, errHiddenUser, func(st *state, u *user) (err error) {
		sent, err = send(st, c.pool, u, text)
		return err
	})
	if errors.Is(err, errHiddenUser) {
		return fakeDelivery(c.pool, name), nil
	}
	return sent, err
}

// errHiddenUser marks an unknown user whose absence the client hides.
var errHiddenUser = errors.New("emulator: unknown user, hidden")

// fakeDelivery answers for an unknown user when the client hides user
// existence: it looks like a real delivery.
func fakeDelivery(p *pool, name string) *types.CodeDeliveryDetailsType {
	if isEmail(name) {
		return delivery(mask(name), "EMAIL", "email")
	}
	if slices.Contains(p.AutoVerified, "phone_number") && !slices.Contains(p.AutoVerified, "email") {
		return delivery("+*******"+randomString("0123456789", 4), "SMS", "phone_number")
	}
	return delivery(randomString("abcdefghijklmnopqrstuvwxyz", 1)+"***@e***.com", "EMAIL", "email")
}

// deliverSignUpCode sends u the code that confirms its sign-up, to attr.
// In a pool whose DefaultEmailOption is CONFIRM_WITH_LINK an email carries
// a confirmation link as Cognito's does (its confirmUser endpoint with the
// client, the user and the code), which the outbox keeps in Message.Link;
// the code works with ConfirmSignUp either way.
func (s *Server) deliverSignUpCode(st *state, c *caller, p *pool, u *user, attr string, text *customText) (*types.CodeDeliveryDetailsType, error) {
	if attr != "email" || !p.confirmsWithLink() {
		return s.deliverCode(st, p, u, PurposeSignUp, attr, signUpCodeValidity, text)
	}
	value, err := s.newCode(st, p, u, PurposeSignUp, attr, signUpCodeValidity)
	if err != nil {
		return nil, err
	}
	link := c.baseURL + "/confirmUser?" + url.Values{
		"client_id": {c.client.ID}, "user_name": {u.Username}, "confirmation_code": {value},
	}.Encode()
	return s.send(st, p, u, PurposeSignUp, attr, value, link, text)
}

func (s *Server) forgotPassword(ctx context.Context, c *caller, in *cip.ForgotPasswordInput) (*cip.ForgotPasswordOutput, error) {
	// admin_only: only an administrator resets passwords, so AWS refuses
	// ForgotPassword (NotAuthorizedException); refused before the user is
	// looked up, it reveals nothing about users.
	if r := c.pool.AccountRecovery; len(r) == 1 && r[0].Name == types.RecoveryOptionNameTypeAdminOnly {
		return nil, notAuthorized("Contact administrator to reset password.")
	}
	c.metadata = in.ClientMetadata
	if err := s.migrateToReset(ctx, c, aws.ToString(in.Username)); err != nil {
		return nil, err
	}
	sent, err := s.sendUserCode(ctx, c, aws.ToString(in.Username), sourceMessageForgotPassword, func(st *state, p *pool, u *user, text *customText) (*types.CodeDeliveryDetailsType, error) {
		if !u.Enabled {
			return nil, errUserDisabled
		}
		attr := deliveryAttribute(p, u, true)
		if attr == "" {
			return nil, invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
		}
		return s.deliverCode(st, p, u, PurposeForgotPassword, attr, forgotCodeValidity, text)
	})
	if err != nil {
		return nil, err
	}
	return &cip.ForgotPasswordOutput{CodeDeliveryDetails: sent}, nil
}

// migrateToReset gives the pool's UserMigration trigger the chance to
// migrate an unknown user who asks to reset their password
// (UserMigration_ForgotPassword).
func (s *Server) migrateToReset(ctx context.Context, c *caller, name string) error {
	if !c.pool.hasTrigger(triggerUserMigration) {
		return nil
	}
	err := s.view(ctx, func(st *state) error {
		_, err := st.user(c.pool, name)
		return err
	})
	if !isNotFound(err) {
		return err
	}
	_, err = s.migrateUser(ctx, c, name, "", sourceMigrateForgotPassword)
	return err
}

func (s *Server) confirmForgotPassword(ctx context.Context, c *caller, in *cip.ConfirmForgotPasswordInput) (*cip.ConfirmForgotPasswordOutput, error) {
	p := c.pool
	var named *user
	err := s.view(ctx, func(st *state) (err error) {
		named, err = st.user(p, aws.ToString(in.Username))
		return err
	})
	if isNotFound(err) {
		if c.client.preventsExistenceErrors() {
			return nil, errCodeMismatch
		}
		return nil, errUserNotFound
	}
	if err != nil {
		return nil, err
	}
	password := aws.ToString(in.Password)
	if err := p.Policy.check(password); err != nil {
		return nil, err
	}
	salt, verifier, err := newVerifier(p.ID, named.Username, password)
	if err != nil {
		return nil, err
	}
	var reset *user
	err = s.update(ctx, func(st *state) error {
		u, err := st.userByKey(p, p.usernameKey(named.Username))
		if isNotFound(err) {
			return errUserNotFound
		}
		if err != nil {
			return err
		}
		if _, err := s.useCode(st, p, u, PurposeForgotPassword, "", aws.ToString(in.ConfirmationCode), errAttemptLimit); err != nil {
			return err
		}
		setPassword(u, salt, verifier)
		if u.Status == statusResetRequired || u.Status == statusForceChangePassword {
			u.Status = statusConfirmed
		}
		u.Modified = s.now()
		reset = u
		return st.putUser(p, u)
	})
	if err != nil {
		return nil, err
	}
	if err := s.postConfirmation(ctx, p, c.client, sourceConfirmForgotPassord, reset, in.ClientMetadata); err != nil {
		return nil, err
	}
	return &cip.ConfirmForgotPasswordOutput{}, nil
}
