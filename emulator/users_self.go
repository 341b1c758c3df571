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

// getUser shows the token's user with the attributes the client the user
// signed in through may read (its ReadAttributes), and its MFA settings.
func (s *Server) getUser(_ context.Context, c *caller, _ *cip.GetUserInput) (*cip.GetUserOutput, error) {
	u := c.subject.user
	return &cip.GetUserOutput{
		Username: aws.String(u.Username), UserAttributes: attributeList(c.client.readable(u.Attributes)),
		UserMFASettingList: u.mfaSettingList(), PreferredMfaSetting: optional(u.MFA.Preferred), MFAOptions: u.mfaOptions(),
	}, nil
}

// updateUserAttributes changes the token's user's attributes: only those
// the client the user signed in through may write (its WriteAttributes),
// and never the *_verified flags, which only a code or an administrator
// sets.
func (s *Server) updateUserAttributes(ctx context.Context, c *caller, in *cip.UpdateUserAttributesInput) (*cip.UpdateUserAttributesOutput, error) {
	for _, attr := range in.UserAttributes {
		if n := aws.ToString(attr.Name); n == "email_verified" || n == "phone_number_verified" {
			return nil, errUnauthorizedAttribute
		}
	}
	var text *customText
	var err error
	if changesContact(in.UserAttributes) {
		if text, err = s.customMessage(ctx, c.pool, c.client, c.subject.user, sourceMessageUpdateAttribute, in.ClientMetadata); err != nil {
			return nil, err
		}
	}
	var deliveries []types.CodeDeliveryDetailsType
	err = s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
		cl, err := subjectClient(st, c.subject)
		if err != nil {
			return err
		}
		if err := cl.checkWritable(in.UserAttributes); err != nil {
			return err
		}
		ds, err := s.changeAttributes(st, p, u, in.UserAttributes, byUser, text)
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
//
// In a pool whose AttributesRequireVerificationBeforeUpdate names the
// attribute, a new email or phone number is held back instead (see
// holdsChange): the old value stays, verified and a sign-in alias; the new
// one is kept in u.Pending and the code goes to it; VerifyUserAttribute
// (or an administrator's <attribute>_verified=true) makes it the value.
// changesContact reports whether attrs change an email or phone number,
// which may send a verification code.
func changesContact(attrs []types.AttributeType) bool {
	return slices.ContainsFunc(attrs, func(a types.AttributeType) bool {
		n := aws.ToString(a.Name)
		return n == "email" || n == "phone_number"
	})
}

func (s *Server) changeAttributes(st *state, p *pool, u *user, attrs []types.AttributeType, who attributeChange, text *customText) ([]*types.CodeDeliveryDetailsType, error) {
	values, err := p.checkAttributes(attrs, who)
	if err != nil {
		return nil, err
	}
	before := maps.Clone(u.Attributes)
	held := make(map[string]string)
	cancelled := make(map[string]bool)
	for _, attr := range []string{"email", "phone_number"} {
		v, written := values[attr]
		verified := values[attr+"_verified"]
		switch {
		case !written && who == byAdmin && verified == "true" && u.Pending[attr] != "":
			// AWS: an administrator verifies a pending change by setting
			// <attribute>_verified to true.
			values[attr] = u.Pending[attr]
			delete(u.Pending, attr)
			cancelled[attr] = true
		case !written:
		case holdsChange(p, u, attr, v, verified):
			held[attr] = v
			delete(values, attr)
			delete(values, attr+"_verified") // it would speak of the new value
		default:
			// Written at once (a new value, a deletion, or the current
			// value again): any change that was waiting is dropped.
			if _, ok := u.Pending[attr]; ok {
				delete(u.Pending, attr)
				cancelled[attr] = true
			}
		}
	}
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
		if v, ok := held[attr]; ok {
			if u.Pending == nil {
				u.Pending = make(map[string]string)
			}
			u.Pending[attr] = v
			d, err := s.deliverCode(st, p, withAttribute(u, attr, v), PurposeVerifyAttribute, attr, attrCodeValidity, text)
			if err != nil {
				return nil, err
			}
			deliveries = append(deliveries, d)
			continue
		}
		if cancelled[attr] {
			// The code sent for the dropped value must not verify another.
			if err := st.deleteCode(p, u, PurposeVerifyAttribute, attr); err != nil {
				return nil, err
			}
		}
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
			d, err := s.deliverCode(st, p, u, PurposeVerifyAttribute, attr, attrCodeValidity, text)
			if err != nil {
				return nil, err
			}
			deliveries = append(deliveries, d)
		}
	}
	if len(u.Pending) == 0 {
		u.Pending = nil
	}
	u.Modified = s.now()
	return deliveries, st.putUser(p, u)
}

// verifyUserAttribute checks the code sent to the user's email or phone
// number and marks it verified; a change waiting for verification (see
// changeAttributes) becomes the value. A value another user signs in with
// is refused (AliasExistsException, or UsernameExistsException where it is
// a username attribute), and the code stays usable.
func (s *Server) verifyUserAttribute(ctx context.Context, c *caller, in *cip.VerifyUserAttributeInput) (*cip.VerifyUserAttributeOutput, error) {
	name := aws.ToString(in.AttributeName)
	if name != "email" && name != "phone_number" {
		return nil, invalidParameter("Only email and phone_number can be verified.")
	}
	err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
		if _, err := s.useCode(st, p, u, PurposeVerifyAttribute, name, aws.ToString(in.Code), errAttemptLimit); err != nil {
			return err
		}
		if v, ok := u.Pending[name]; ok {
			u.Attributes[name] = v
			delete(u.Pending, name)
			if len(u.Pending) == 0 {
				u.Pending = nil
			}
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
	// The API lets PreviousPassword be omitted by users who have no
	// password (passwordless sign-in); every user of the local Cognito has
	// one, so it is required, as it was before passwordless sign-in.
	if in.PreviousPassword == nil {
		return nil, invalidParameter("1 validation error detected: Value null at 'previousPassword' failed to satisfy constraint: Member must not be null")
	}
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

// holdsChange reports whether writing v to attr (email or phone_number)
// waits for verification instead of taking effect: the pool's
// AttributesRequireVerificationBeforeUpdate names attr, v is a new value
// (not a deletion, not the current one), the same write does not mark it
// verified (an administrator's <attribute>_verified=true applies it at
// once, as AWS documents), and the user has a verified value to keep. AWS
// does not document a user whose current value is absent or unverified:
// there is then nothing to keep, so the change takes effect at once.
func holdsChange(p *pool, u *user, attr, v, verified string) bool {
	return verifiesBeforeUpdate(p, attr) && v != "" && v != u.Attributes[attr] && verified != "true" &&
		u.Attributes[attr] != "" && u.Attributes[attr+"_verified"] == "true"
}

// verifiesBeforeUpdate reports whether p keeps the old value of attr until
// a new one is verified.
func verifiesBeforeUpdate(p *pool, attr string) bool {
	return slices.Contains(p.AttributesRequireVerificationBeforeUpdate, attr)
}

// withAttribute returns a copy of u whose attr is v, for sending a code to
// a value u does not have yet (a change waiting for verification). The
// copy shares everything else, and is never stored.
func withAttribute(u *user, attr, v string) *user {
	cp := *u
	cp.Attributes = maps.Clone(u.Attributes)
	cp.Attributes[attr] = v
	return &cp
}

// deleteAttributes removes the named attributes from u and stores it. The
// names are checked against the schema as writes are: unknown, immutable
// and (for the user) developer-only attributes are refused, and so is
// deleting a required attribute. Deleting an email or phone number also
// drops its _verified flag, a change of it waiting for verification, its
// verification code and (through putUser) its sign-in alias. An attribute
// the user does not have is no error.
func (s *Server) deleteAttributes(st *state, p *pool, u *user, names []string, who attributeChange) error {
	for _, name := range names {
		def, ok := p.schemaAttribute(name)
		switch {
		case !ok:
			return invalidParameter("Attribute does not exist in the schema.")
		case name == "sub" || !def.Mutable:
			return invalidParameter("Cannot modify the non-mutable attribute %s", name)
		case who == byUser && (def.DeveloperOnly || name == "email_verified" || name == "phone_number_verified"):
			return errUnauthorizedAttribute
		case p.hasUsernameAttribute(name) && u.Attributes[name] != "":
			// AWS does not document this case; refused, since the user signs
			// in with it.
			return invalidParameter("Cannot delete the %s attribute: users of this pool sign in with it.", name)
		}
	}
	for _, name := range names {
		delete(u.Attributes, name)
		if name != "email" && name != "phone_number" {
			continue
		}
		delete(u.Attributes, name+"_verified")
		delete(u.Pending, name)
		if err := st.deleteCode(p, u, PurposeVerifyAttribute, name); err != nil {
			return err
		}
	}
	if err := p.checkRequired(u.Attributes); err != nil {
		return err
	}
	if len(u.Pending) == 0 {
		u.Pending = nil
	}
	u.Modified = s.now()
	return st.putUser(p, u)
}

// deleteUserAttributes is DeleteUserAttributes: the user deletes some of
// their own attributes (see deleteAttributes), only those the client the
// user signed in through may write (a deletion is a write).
func (s *Server) deleteUserAttributes(ctx context.Context, c *caller, in *cip.DeleteUserAttributesInput) (*cip.DeleteUserAttributesOutput, error) {
	err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
		cl, err := subjectClient(st, c.subject)
		if err != nil {
			return err
		}
		for _, name := range in.UserAttributeNames {
			if !cl.canWrite(name) {
				return errUnauthorizedAttribute
			}
		}
		return s.deleteAttributes(st, p, u, in.UserAttributeNames, byUser)
	})
	if err != nil {
		return nil, err
	}
	return &cip.DeleteUserAttributesOutput{}, nil
}

// getUserAttributeVerificationCode is GetUserAttributeVerificationCode: a
// new code for the user's email or phone number goes to the outbox (to the
// new value when a change of it waits for verification), replacing any
// earlier one. AWS documents InvalidParameterException among its errors
// without its wording: it answers here for an attribute that cannot be
// verified and for one the user does not have.
func (s *Server) getUserAttributeVerificationCode(ctx context.Context, c *caller, in *cip.GetUserAttributeVerificationCodeInput) (*cip.GetUserAttributeVerificationCodeOutput, error) {
	name := aws.ToString(in.AttributeName)
	if name != "email" && name != "phone_number" {
		return nil, invalidParameter("Only email and phone_number can be verified.")
	}
	text, err := s.customMessage(ctx, c.pool, c.client, c.subject.user, sourceMessageVerifyAttribute, in.ClientMetadata)
	if err != nil {
		return nil, err
	}
	var sent *types.CodeDeliveryDetailsType
	err = s.withSubject(ctx, c, func(st *state, p *pool, u *user) (err error) {
		to := u
		if v, ok := u.Pending[name]; ok {
			to = withAttribute(u, name, v)
		} else if u.Attributes[name] == "" {
			return invalidParameter("The user has no %s to verify.", name)
		}
		sent, err = s.deliverCode(st, p, to, PurposeVerifyAttribute, name, attrCodeValidity, text)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cip.GetUserAttributeVerificationCodeOutput{CodeDeliveryDetails: sent}, nil
}
