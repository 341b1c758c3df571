package emulator

import (
	"maps"
	"net/mail"
	"slices"

	"github.com/google/uuid"

	"github.com/cognitokit/cognito/emulator/store"
)

type signUpInput struct {
	ClientId       string          `json:"ClientId"`
	SecretHash     string          `json:"SecretHash"`
	Username       string          `json:"Username"`
	Password       string          `json:"Password"`
	UserAttributes []attributeWire `json:"UserAttributes"`
}

func (s *Server) signUp(c *call) (any, error) {
	var in signUpInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkUsernameSyntax(in.Username); err != nil {
		return nil, err
	}
	if err := checkPasswordSyntax("password", in.Password); err != nil {
		return nil, err
	}
	var p *pool
	var cl *appClient
	err := s.view(c, func(tx store.Tx) (err error) {
		cl, p, err = loadClient(tx, in.ClientId)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := checkSecretHash(cl, in.SecretHash, in.Username); err != nil {
		return nil, err
	}
	if p.AdminCreateUserOnly {
		return nil, notAuthorized("SignUp is not permitted for this user pool")
	}
	u, err := s.newUser(p, in.Username, in.UserAttributes, atCreation)
	if err != nil {
		return nil, err
	}
	if err := p.Policy.check(in.Password); err != nil {
		return nil, err
	}
	if u.Salt, u.Verifier, err = newVerifier(p.ID, u.Username, in.Password); err != nil {
		return nil, err
	}
	var delivery *codeDeliveryWire
	err = s.update(c, func(tx store.Tx) error {
		if _, err := loadPool(tx, p.ID); err != nil {
			return err
		}
		if err := insertUser(tx, p, u); err != nil {
			return err
		}
		if attr := deliveryAttribute(p, u, false); attr != "" {
			delivery, err = s.deliverCode(tx, p, u, PurposeSignUp, attr, signUpCodeValidity)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user signed up", "userPoolId", p.ID, "sub", u.Attributes["sub"])
	out := map[string]any{"UserConfirmed": false, "UserSub": u.Attributes["sub"]}
	if delivery != nil {
		out["CodeDeliveryDetails"] = delivery
	}
	return out, nil
}

// newUser builds a user named as a caller asked (a username, or an email or
// phone number in pools whose UsernameAttributes say so), checking the name
// and attributes against the pool. It does not store it.
func (s *Server) newUser(p *pool, name string, attrs []attributeWire, who attributeChange) (*user, error) {
	values, err := p.checkAttributes(attrs, who)
	if err != nil {
		return nil, err
	}
	sub := uuid.NewString()
	username := name
	switch {
	case slices.Contains(p.UsernameAttributes, "email") && isEmail(name):
		values["email"], username = name, sub
	case slices.Contains(p.UsernameAttributes, "phone_number") && phonePattern.MatchString(name):
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

// insertUser stores a new user and its aliases; an existing username is
// UsernameExistsException.
func insertUser(tx store.Tx, p *pool, u *user) error {
	_, err := tx.Get(kindUser, userKey(p.ID, p.usernameKey(u.Username)))
	switch {
	case err == nil:
		return newError(excUsernameExists, "User already exists")
	case !isNotFound(err):
		return err
	}
	if err := syncAliases(tx, p, u, nil); err != nil {
		return err
	}
	return saveUser(tx, p, u)
}

type usernameInput struct {
	ClientId         string `json:"ClientId"`
	SecretHash       string `json:"SecretHash"`
	Username         string `json:"Username"`
	ConfirmationCode string `json:"ConfirmationCode"`
	Password         string `json:"Password"`
}

// clientUser is what the client-facing user operations start from: the
// client, its pool, and the user the caller named (nil when unknown, for
// callers that must hide that under PreventUserExistenceErrors).
type clientUser struct {
	client *appClient
	pool   *pool
	user   *user
}

// loadClientUser reads the client, checks the secret hash over the name the
// caller gave and resolves the user.
func loadClientUser(tx store.Tx, in *usernameInput) (*clientUser, error) {
	if err := checkUsernameSyntax(in.Username); err != nil {
		return nil, err
	}
	cl, p, err := loadClient(tx, in.ClientId)
	if err != nil {
		return nil, err
	}
	if err := checkSecretHash(cl, in.SecretHash, in.Username); err != nil {
		return nil, err
	}
	u, err := findUser(tx, p, in.Username)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	return &clientUser{client: cl, pool: p, user: u}, nil
}

func (s *Server) confirmSignUp(c *call) (any, error) {
	var in usernameInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.ConfirmationCode == "" {
		return nil, invalidParameter("1 validation error detected: Value at 'confirmationCode' failed to satisfy constraint: Member must not be null")
	}
	return nil, s.update(c, func(tx store.Tx) error {
		cu, err := loadClientUser(tx, &in)
		if err != nil {
			return err
		}
		u, p := cu.user, cu.pool
		if u == nil {
			if cu.client.preventsExistenceErrors() {
				return errCodeMismatch
			}
			return errUserNotFound
		}
		if u.Status != statusUnconfirmed {
			return notAuthorized("User cannot be confirmed. Current status is %s", u.Status)
		}
		rec, err := s.useCode(tx, p, u, PurposeSignUp, "", in.ConfirmationCode, errTooManyCodeFailures)
		if err != nil {
			return err
		}
		before := maps.Clone(u.Attributes)
		u.Status, u.Modified = statusConfirmed, s.now()
		if rec.Attribute != "" {
			u.Attributes[rec.Attribute+"_verified"] = "true"
		}
		if err := syncAliases(tx, p, u, before); err != nil {
			return err
		}
		return saveUser(tx, p, u)
	})
}

func (s *Server) resendConfirmationCode(c *call) (any, error) {
	return s.sendUserCode(c, func(tx store.Tx, p *pool, u *user) (*codeDeliveryWire, error) {
		if u.Status != statusUnconfirmed {
			return nil, invalidParameter("User is already confirmed.")
		}
		attr := deliveryAttribute(p, u, false)
		if attr == "" {
			return nil, invalidParameter("Auto verification not turned on.")
		}
		return s.deliverCode(tx, p, u, PurposeSignUp, attr, signUpCodeValidity)
	})
}

// sendUserCode serves the operations that send a code to the user a caller
// names (ResendConfirmationCode, ForgotPassword): send delivers it. An
// unknown user is UserNotFoundException, or, when the client hides user
// existence, a delivery that looks real.
func (s *Server) sendUserCode(c *call, send func(tx store.Tx, p *pool, u *user) (*codeDeliveryWire, error)) (any, error) {
	var in usernameInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var delivery *codeDeliveryWire
	err := s.update(c, func(tx store.Tx) error {
		cu, err := loadClientUser(tx, &in)
		if err != nil {
			return err
		}
		if cu.user == nil {
			if cu.client.preventsExistenceErrors() {
				delivery = fakeDelivery(cu.pool, in.Username)
				return nil
			}
			return errUserNotFound
		}
		delivery, err = send(tx, cu.pool, cu.user)
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"CodeDeliveryDetails": delivery}, nil
}

// fakeDelivery answers for an unknown user when the client hides user
// existence: it looks like a real delivery.
func fakeDelivery(p *pool, name string) *codeDeliveryWire {
	if isEmail(name) {
		return &codeDeliveryWire{Destination: mask(name), DeliveryMedium: "EMAIL", AttributeName: "email"}
	}
	if slices.Contains(p.AutoVerified, "phone_number") && !slices.Contains(p.AutoVerified, "email") {
		return &codeDeliveryWire{Destination: "+*******" + randomString("0123456789", 4), DeliveryMedium: "SMS", AttributeName: "phone_number"}
	}
	return &codeDeliveryWire{Destination: randomString("abcdefghijklmnopqrstuvwxyz", 1) + "***@e***.com", DeliveryMedium: "EMAIL", AttributeName: "email"}
}

func (s *Server) forgotPassword(c *call) (any, error) {
	return s.sendUserCode(c, func(tx store.Tx, p *pool, u *user) (*codeDeliveryWire, error) {
		if !u.Enabled {
			return nil, errUserDisabled
		}
		attr := deliveryAttribute(p, u, true)
		if attr == "" {
			return nil, invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
		}
		return s.deliverCode(tx, p, u, PurposeForgotPassword, attr, forgotCodeValidity)
	})
}

func (s *Server) confirmForgotPassword(c *call) (any, error) {
	var in usernameInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.ConfirmationCode == "" {
		return nil, invalidParameter("1 validation error detected: Value at 'confirmationCode' failed to satisfy constraint: Member must not be null")
	}
	if err := checkPasswordSyntax("password", in.Password); err != nil {
		return nil, err
	}
	var cu *clientUser
	err := s.view(c, func(tx store.Tx) (err error) {
		cu, err = loadClientUser(tx, &in)
		return err
	})
	if err != nil {
		return nil, err
	}
	if cu.user == nil {
		if cu.client.preventsExistenceErrors() {
			return nil, errCodeMismatch
		}
		return nil, errUserNotFound
	}
	p := cu.pool
	if err := p.Policy.check(in.Password); err != nil {
		return nil, err
	}
	salt, verifier, err := newVerifier(p.ID, cu.user.Username, in.Password)
	if err != nil {
		return nil, err
	}
	return nil, s.update(c, func(tx store.Tx) error {
		u, err := getRecord[user](tx, kindUser, userKey(p.ID, p.usernameKey(cu.user.Username)))
		if isNotFound(err) {
			return errUserNotFound
		}
		if err != nil {
			return err
		}
		if _, err := s.useCode(tx, p, u, PurposeForgotPassword, "", in.ConfirmationCode, errAttemptLimit); err != nil {
			return err
		}
		setPassword(u, salt, verifier)
		if u.Status == statusResetRequired || u.Status == statusForceChangePassword {
			u.Status = statusConfirmed
		}
		u.Modified = s.now()
		return saveUser(tx, p, u)
	})
}
