package emulator

import (
	"maps"
	"slices"

	"github.com/cognitokit/cognito/emulator/store"
)

// The operations a user performs on themself with an access token.

type accessTokenInput struct {
	AccessToken      string          `json:"AccessToken"`
	UserAttributes   []attributeWire `json:"UserAttributes"`
	AttributeName    string          `json:"AttributeName"`
	Code             string          `json:"Code"`
	PreviousPassword string          `json:"PreviousPassword"`
	ProposedPassword string          `json:"ProposedPassword"`
}

// withToken decodes the input and runs fn on the token's subject inside a
// transaction (a write transaction when write is set).
func (s *Server) withToken(c *call, in *accessTokenInput, write bool, fn func(tx store.Tx, a *authorized) error) error {
	if err := c.decode(in); err != nil {
		return err
	}
	run := s.view
	if write {
		run = s.update
	}
	return run(c, func(tx store.Tx) error {
		a, err := s.authorize(tx, in.AccessToken)
		if err != nil {
			return err
		}
		return fn(tx, a)
	})
}

func (s *Server) getUser(c *call) (any, error) {
	var in accessTokenInput
	var u *user
	err := s.withToken(c, &in, false, func(_ store.Tx, a *authorized) error {
		u = a.user
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Username": u.Username, "UserAttributes": attributeList(u.Attributes)}, nil
}

func (s *Server) updateUserAttributes(c *call) (any, error) {
	var in accessTokenInput
	var deliveries []*codeDeliveryWire
	err := s.withToken(c, &in, true, func(tx store.Tx, a *authorized) (err error) {
		for _, attr := range in.UserAttributes {
			if attr.Name == "email_verified" || attr.Name == "phone_number_verified" {
				return notAuthorized("A client attempted to write unauthorized attribute")
			}
		}
		deliveries, err = s.changeAttributes(tx, a.pool, a.user, in.UserAttributes, byUser)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	if len(deliveries) > 0 {
		out["CodeDeliveryDetailsList"] = deliveries
	}
	return out, nil
}

// changeAttributes applies attribute writes to u and stores it. A changed
// email or phone number becomes unverified (unless the same write marks it
// verified, which only an administrator can) and, when the pool verifies it
// automatically, a code is sent to it.
func (s *Server) changeAttributes(tx store.Tx, p *pool, u *user, attrs []attributeWire, who attributeChange) ([]*codeDeliveryWire, error) {
	values, err := p.checkAttributes(attrs, who)
	if err != nil {
		return nil, err
	}
	before := maps.Clone(u.Attributes)
	for name, v := range values {
		if v == "" {
			delete(u.Attributes, name)
		} else {
			u.Attributes[name] = v
		}
	}
	if err := p.checkRequired(u.Attributes); err != nil {
		return nil, err
	}
	var deliveries []*codeDeliveryWire
	for _, attr := range []string{"email", "phone_number"} {
		_, verifiedNow := values[attr+"_verified"]
		if u.Attributes[attr] == before[attr] || verifiedNow {
			continue
		}
		delete(u.Attributes, attr+"_verified")
		if u.Attributes[attr] == "" {
			continue
		}
		u.Attributes[attr+"_verified"] = "false"
		if slices.Contains(p.AutoVerified, attr) {
			d, err := s.deliverCode(tx, p, u, PurposeVerifyAttribute, attr, attrCodeValidity)
			if err != nil {
				return nil, err
			}
			deliveries = append(deliveries, d)
		}
	}
	u.Modified = s.now()
	if err := syncAliases(tx, p, u, before); err != nil {
		return nil, err
	}
	return deliveries, saveUser(tx, p, u)
}

func (s *Server) verifyUserAttribute(c *call) (any, error) {
	var in accessTokenInput
	return nil, s.withToken(c, &in, true, func(tx store.Tx, a *authorized) error {
		if in.AttributeName != "email" && in.AttributeName != "phone_number" {
			return invalidParameter("Only email and phone_number can be verified.")
		}
		if _, err := s.useCode(tx, a.pool, a.user, PurposeVerifyAttribute, in.AttributeName, in.Code, errAttemptLimit); err != nil {
			return err
		}
		before := maps.Clone(a.user.Attributes)
		a.user.Attributes[in.AttributeName+"_verified"] = "true"
		a.user.Modified = s.now()
		if err := syncAliases(tx, a.pool, a.user, before); err != nil {
			return err
		}
		return saveUser(tx, a.pool, a.user)
	})
}

func (s *Server) deleteUser(c *call) (any, error) {
	var in accessTokenInput
	return nil, s.withToken(c, &in, true, func(tx store.Tx, a *authorized) error {
		s.log.Info("user deleted itself", "userPoolId", a.pool.ID, "sub", a.user.Attributes["sub"])
		return removeUser(tx, a.pool, a.user)
	})
}

func (s *Server) globalSignOut(c *call) (any, error) {
	var in accessTokenInput
	return nil, s.withToken(c, &in, true, func(tx store.Tx, a *authorized) error {
		return revokeSessions(tx, a.pool, a.user)
	})
}

func (s *Server) changePassword(c *call) (any, error) {
	var in accessTokenInput
	var a *authorized
	err := s.withToken(c, &in, false, func(_ store.Tx, auth *authorized) error {
		a = auth
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := checkPasswordSyntax("previousPassword", in.PreviousPassword); err != nil {
		return nil, err
	}
	if err := checkPasswordSyntax("proposedPassword", in.ProposedPassword); err != nil {
		return nil, err
	}
	p, u := a.pool, a.user
	if s.lockedOut(u) {
		return nil, errPasswordAttempts
	}
	if !passwordMatches(p.ID, u, in.PreviousPassword) {
		return nil, s.update(c, func(tx store.Tx) error {
			u, err := getRecord[user](tx, kindUser, userKey(p.ID, p.usernameKey(u.Username)))
			if err != nil {
				return err
			}
			s.recordFailedSignIn(u)
			if err := saveUser(tx, p, u); err != nil {
				return err
			}
			return &commitThen{errIncorrectCredentials}
		})
	}
	if err := p.Policy.check(in.ProposedPassword); err != nil {
		return nil, err
	}
	salt, verifier, err := newVerifier(p.ID, u.Username, in.ProposedPassword)
	if err != nil {
		return nil, err
	}
	return nil, s.update(c, func(tx store.Tx) error {
		a, err := s.authorize(tx, in.AccessToken)
		if err != nil {
			return err
		}
		setPassword(a.user, salt, verifier)
		a.user.Modified = s.now()
		return saveUser(tx, p, a.user)
	})
}
