package emulator

import (
	"context"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Users acting on themselves with an access token. The adapter verified
// the token before the action runs (caller.subject); actions that write
// read the subject again inside their transaction (subjectIn), so that a
// sign-out or deletion that commits in between is seen.

// subjectIn re-reads the token's user inside st: a sign-in revoked since
// the adapter checked the token is NotAuthorizedException.
func (s *Server) subjectIn(st *state, c *caller) (*user, error) {
	a := c.subject
	ukey := a.pool.usernameKey(a.user.Username)
	if _, err := st.session(a.pool, ukey, a.session.OriginJTI); isNotFound(err) {
		return nil, errRevokedAccessToken
	} else if err != nil {
		return nil, err
	}
	u, err := st.userByKey(a.pool, ukey)
	if isNotFound(err) || (err == nil && u.Attributes["sub"] != a.user.Attributes["sub"]) {
		return nil, errRevokedAccessToken
	}
	if err != nil {
		return nil, err
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	return u, nil
}

// withSubject runs fn on the token's user in a write transaction.
func (s *Server) withSubject(ctx context.Context, c *caller, fn func(st *state, p *pool, u *user) error) error {
	return s.update(ctx, func(st *state) error {
		u, err := s.subjectIn(st, c)
		if err != nil {
			return err
		}
		return fn(st, c.pool, u)
	})
}

func (s *Server) getUser(_ context.Context, c *caller, _ *cip.GetUserInput) (*cip.GetUserOutput, error) {
	u := c.subject.user
	return &cip.GetUserOutput{Username: aws.String(u.Username), UserAttributes: attributeList(u.Attributes)}, nil
}

func (s *Server) updateUserAttributes(ctx context.Context, c *caller, in *cip.UpdateUserAttributesInput) (*cip.UpdateUserAttributesOutput, error) {
	for _, attr := range in.UserAttributes {
		if n := aws.ToString(attr.Name); n == "email_verified" || n == "phone_number_verified" {
			return nil, notAuthorized("A client attempted to write unauthorized attribute")
		}
	}
	var deliveries []types.CodeDeliveryDetailsType
	err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
		ds, err := s.changeAttributes(st, p, u, in.UserAttributes, byUser)
		for _, d := range ds {
			deliveries = append(deliveries, *d)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cip.UpdateUserAttributesOutput{CodeDeliveryDetailsList: deliveries}, nil
}

// changeAttributes applies attribute writes to u and stores it. A changed
// email or phone number becomes unverified (unless the same write marks it
// verified, which only an administrator can) and, when the pool verifies it
// automatically, a code is sent to it.
func (s *Server) changeAttributes(st *state, p *pool, u *user, attrs []types.AttributeType, who attributeChange) ([]*types.CodeDeliveryDetailsType, error) {
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
	var deliveries []*types.CodeDeliveryDetailsType
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
			d, err := s.deliverCode(st, p, u, PurposeVerifyAttribute, attr, attrCodeValidity)
			if err != nil {
				return nil, err
			}
			deliveries = append(deliveries, d)
		}
	}
	u.Modified = s.now()
	return deliveries, st.putUser(p, u)
}

func (s *Server) verifyUserAttribute(ctx context.Context, c *caller, in *cip.VerifyUserAttributeInput) (*cip.VerifyUserAttributeOutput, error) {
	name := aws.ToString(in.AttributeName)
	if name != "email" && name != "phone_number" {
		return nil, invalidParameter("Only email and phone_number can be verified.")
	}
	err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
		if _, err := s.useCode(st, p, u, PurposeVerifyAttribute, name, aws.ToString(in.Code), errAttemptLimit); err != nil {
			return err
		}
		u.Attributes[name+"_verified"] = "true"
		u.Modified = s.now()
		return st.putUser(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.VerifyUserAttributeOutput{}, nil
}

func (s *Server) deleteUser(ctx context.Context, c *caller, _ *cip.DeleteUserInput) (*cip.DeleteUserOutput, error) {
	err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
		s.log.Info("user deleted itself", "userPoolId", p.ID, "sub", u.Attributes["sub"])
		return st.deleteUser(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.DeleteUserOutput{}, nil
}

func (s *Server) globalSignOut(ctx context.Context, c *caller, _ *cip.GlobalSignOutInput) (*cip.GlobalSignOutOutput, error) {
	err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
		return st.revokeSessions(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.GlobalSignOutOutput{}, nil
}

// changePassword checks the previous password as a sign-in does (counted
// towards the lockout, attempts decided atomically) and sets the new one.
func (s *Server) changePassword(ctx context.Context, c *caller, in *cip.ChangePasswordInput) (*cip.ChangePasswordOutput, error) {
	p, u := c.pool, c.subject.user
	ok, err := s.checkPassword(ctx, p, u.Username, aws.ToString(in.PreviousPassword))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errIncorrectCredentials
	}
	proposed := aws.ToString(in.ProposedPassword)
	if err := p.Policy.check(proposed); err != nil {
		return nil, err
	}
	salt, verifier, err := newVerifier(p.ID, u.Username, proposed)
	if err != nil {
		return nil, err
	}
	err = s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
		setPassword(u, salt, verifier)
		u.Modified = s.now()
		return st.putUser(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.ChangePasswordOutput{}, nil
}
