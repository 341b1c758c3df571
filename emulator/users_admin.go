package emulator

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Users as the administrator sees them (IAM-authorized on AWS).

// userShape is Cognito's UserType, as ListUsers and AdminCreateUser return
// a user.
func userShape(u *user) types.UserType {
	return types.UserType{
		Username:             aws.String(u.Username),
		Attributes:           attributeList(u.Attributes),
		UserCreateDate:       aws.Time(u.Created),
		UserLastModifiedDate: aws.Time(u.Modified),
		Enabled:              u.Enabled,
		UserStatus:           types.UserStatusType(u.Status),
	}
}

// withAdminUser runs fn on the user an administrator's call names, inside
// a transaction (a write transaction when write is set).
func (s *Server) withAdminUser(ctx context.Context, poolID, username *string, write bool, fn func(st *state, p *pool, u *user) error) error {
	run := s.view
	if write {
		run = s.update
	}
	return run(ctx, func(st *state) error {
		p, err := st.pool(aws.ToString(poolID))
		if err != nil {
			return err
		}
		u, err := st.adminUser(p, aws.ToString(username))
		if err != nil {
			return err
		}
		return fn(st, p, u)
	})
}

// adminMessage asks the CustomMessage trigger of the pool poolID names for
// the text of a message to the user username names, sent for source by an
// administrator's action (nil when the pool has no such trigger). The user
// is read before the action's write; an unknown one is left for the
// action to report.
func (s *Server) adminMessage(ctx context.Context, poolID, username *string, source string, metadata map[string]string) (*customText, error) {
	var (
		p *pool
		u *user
	)
	err := s.view(ctx, func(st *state) (err error) {
		if p, err = st.pool(aws.ToString(poolID)); err != nil || !p.hasTrigger(triggerCustomMessage) {
			return err // without the trigger, the user need not be read
		}
		u, err = st.adminUser(p, aws.ToString(username))
		return err
	})
	var apiErr *apiError
	switch {
	case errors.As(err, &apiErr) || isNotFound(err):
		return nil, nil
	case err != nil:
		return nil, err
	case u == nil:
		return nil, nil
	}
	return s.customMessage(ctx, p, nil, u, source, metadata)
}

func (s *Server) adminCreateUser(ctx context.Context, _ *caller, in *cip.AdminCreateUserInput) (*cip.AdminCreateUserOutput, error) {
	if !slices.Contains([]types.MessageActionType{"", "RESEND", "SUPPRESS"}, in.MessageAction) {
		return nil, invalidParameter("Invalid MessageAction %q.", truncate(string(in.MessageAction), 32))
	}
	for _, m := range in.DesiredDeliveryMediums {
		if m != "EMAIL" && m != "SMS" {
			return nil, invalidParameter("Invalid DesiredDeliveryMediums value %q.", truncate(string(m), 32))
		}
	}
	if in.TemporaryPassword != nil {
		if err := checkPasswordSyntax("temporaryPassword", *in.TemporaryPassword); err != nil {
			return nil, err
		}
	}
	username := aws.ToString(in.Username)
	mediums := enumStrings(in.DesiredDeliveryMediums)
	var p *pool
	if err := s.view(ctx, func(st *state) (err error) { p, err = st.pool(aws.ToString(in.UserPoolId)); return err }); err != nil {
		return nil, err
	}
	password := aws.ToString(in.TemporaryPassword)
	if password == "" {
		password = temporaryPassword(p.Policy)
	} else if err := p.Policy.check(password); err != nil {
		return nil, err
	}

	if in.MessageAction == "RESEND" {
		text, err := s.adminMessage(ctx, in.UserPoolId, in.Username, sourceMessageAdminCreateUser, in.ClientMetadata)
		if err != nil {
			return nil, err
		}
		var out *user
		err = s.update(ctx, func(st *state) error {
			u, err := st.adminUser(p, username)
			if err != nil {
				return err
			}
			if u.Status != statusForceChangePassword {
				return newError(excUnsupportedUserState, "Resend not possible. %s status is not FORCE_CHANGE_PASSWORD", u.Username)
			}
			if err := s.setTemporaryPassword(p, u, password); err != nil {
				return err
			}
			if err := s.invite(st, p, u, mediums, password, text); err != nil {
				return err
			}
			out = u
			return st.putUser(p, u)
		})
		if err != nil {
			return nil, err
		}
		shape := userShape(out)
		return &cip.AdminCreateUserOutput{User: &shape}, nil
	}

	u, err := s.newUser(p, username, in.UserAttributes, atCreation)
	if err != nil {
		return nil, err
	}
	u.Status = statusForceChangePassword
	if err := s.setTemporaryPassword(p, u, password); err != nil {
		return nil, err
	}
	if err := s.preSignUp(ctx, p, nil, sourcePreSignUpAdmin, u, in.ValidationData, in.ClientMetadata); err != nil {
		return nil, err
	}
	var text *customText
	if in.MessageAction != "SUPPRESS" {
		if text, err = s.customMessage(ctx, p, nil, u, sourceMessageAdminCreateUser, in.ClientMetadata); err != nil {
			return nil, err
		}
	}
	err = s.update(ctx, func(st *state) error {
		if _, err := st.pool(p.ID); err != nil {
			return err
		}
		if err := st.insertUser(p, u, in.ForceAliasCreation); err != nil {
			if e, ok := err.(*apiError); ok && e.Type == excUsernameExists {
				return newError(excUsernameExists, "User account already exists")
			}
			return err
		}
		if in.MessageAction == "SUPPRESS" {
			return nil
		}
		return s.invite(st, p, u, mediums, password, text)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user created by administrator", "userPoolId", p.ID, "sub", u.Attributes["sub"])
	shape := userShape(u)
	return &cip.AdminCreateUserOutput{User: &shape}, nil
}

// setTemporaryPassword gives u a password it must change at first sign-in,
// valid for the pool's TemporaryPasswordValidityDays (whether or not an
// invitation is sent). The caller saves u.
func (s *Server) setTemporaryPassword(p *pool, u *user, password string) error {
	salt, verifier, err := newVerifier(u.PoolID, u.Username, password)
	if err != nil {
		return err
	}
	setPassword(u, salt, verifier)
	u.TemporaryPasswordExpires = s.temporaryPasswordExpiry(p)
	return nil
}

// temporaryPasswordExpiry is when a temporary password set now expires:
// after the pool's temporaryPasswordDays (its legacy
// UnusedAccountValidityDays until TemporaryPasswordValidityDays is set), or
// never for 0.
func (s *Server) temporaryPasswordExpiry(p *pool) time.Time {
	days := p.temporaryPasswordDays()
	if days <= 0 {
		return time.Time{}
	}
	return s.now().Add(time.Duration(days) * 24 * time.Hour)
}

// invite sends the temporary password to the user, by the mediums asked
// for (by default the email, or else the phone number).
func (s *Server) invite(st *state, p *pool, u *user, mediums []string, password string, text *customText) error {
	if len(mediums) == 0 {
		mediums = []string{"EMAIL"}
		if u.Attributes["email"] == "" {
			mediums = []string{"SMS"}
		}
	}
	for _, m := range mediums {
		attr := map[string]string{"EMAIL": "email", "SMS": "phone_number"}[m]
		if u.Attributes[attr] == "" {
			continue
		}
		if _, err := s.send(st, p, u, PurposeInvitation, attr, password, "", text); err != nil {
			return err
		}
	}
	return nil
}

// temporaryPassword draws a password that satisfies policy.
func temporaryPassword(policy passwordPolicy) string {
	n := max(int(policy.MinimumLength), 12)
	return randomString("ABCDEFGHJKLMNPQRSTUVWXYZ", 2) + randomString("abcdefghijkmnopqrstuvwxyz", 2) +
		randomString("23456789", 2) + randomString("!#%&*+-=?@^_", 2) + randomString(alphanumeric, n-8)
}

func (s *Server) adminGetUser(ctx context.Context, _ *caller, in *cip.AdminGetUserInput) (*cip.AdminGetUserOutput, error) {
	var out *cip.AdminGetUserOutput
	err := s.withAdminUser(ctx, in.UserPoolId, in.Username, false, func(_ *state, _ *pool, u *user) error {
		out = &cip.AdminGetUserOutput{
			Username: aws.String(u.Username), UserAttributes: attributeList(u.Attributes),
			UserCreateDate: aws.Time(u.Created), UserLastModifiedDate: aws.Time(u.Modified),
			Enabled: u.Enabled, UserStatus: types.UserStatusType(u.Status),
			UserMFASettingList: u.mfaSettingList(), PreferredMfaSetting: optional(u.MFA.Preferred), MFAOptions: u.mfaOptions(),
		}
		return nil
	})
	return out, err
}

func (s *Server) adminConfirmSignUp(ctx context.Context, _ *caller, in *cip.AdminConfirmSignUpInput) (*cip.AdminConfirmSignUpOutput, error) {
	var (
		p         *pool
		confirmed *user
	)
	err := s.withAdminUser(ctx, in.UserPoolId, in.Username, true, func(st *state, pl *pool, u *user) error {
		if u.Status != statusUnconfirmed {
			return notAuthorized("User cannot be confirmed. Current status is %s", u.Status)
		}
		u.Status, u.Modified = statusConfirmed, s.now()
		if err := st.deleteCode(pl, u, PurposeSignUp, ""); err != nil {
			return err
		}
		p, confirmed = pl, u
		return st.putUser(pl, u)
	})
	if err != nil {
		return nil, err
	}
	// AdminConfirmSignUp names no client: the event's callerContext has
	// none.
	if err := s.postConfirmation(ctx, p, nil, sourceConfirmSignUp, confirmed, in.ClientMetadata); err != nil {
		return nil, err
	}
	return &cip.AdminConfirmSignUpOutput{}, nil
}

func (s *Server) adminDeleteUser(ctx context.Context, _ *caller, in *cip.AdminDeleteUserInput) (*cip.AdminDeleteUserOutput, error) {
	err := s.withAdminUser(ctx, in.UserPoolId, in.Username, true, func(st *state, p *pool, u *user) error {
		return st.deleteUser(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminDeleteUserOutput{}, nil
}

func (s *Server) adminSetUserPassword(ctx context.Context, _ *caller, in *cip.AdminSetUserPasswordInput) (*cip.AdminSetUserPasswordOutput, error) {
	var p *pool
	var u *user
	err := s.withAdminUser(ctx, in.UserPoolId, in.Username, false, func(_ *state, pl *pool, us *user) error {
		p, u = pl, us
		return nil
	})
	if err != nil {
		return nil, err
	}
	password := aws.ToString(in.Password)
	if err := p.Policy.check(password); err != nil {
		return nil, err
	}
	// The verifier is computed outside the transaction: it is the costly part.
	salt, verifier, err := newVerifier(p.ID, u.Username, password)
	if err != nil {
		return nil, err
	}
	err = s.withAdminUser(ctx, in.UserPoolId, in.Username, true, func(st *state, p *pool, u *user) error {
		setPassword(u, salt, verifier)
		u.Modified = s.now()
		if in.Permanent {
			u.Status, u.TemporaryPasswordExpires = statusConfirmed, time.Time{}
		} else {
			u.Status, u.TemporaryPasswordExpires = statusForceChangePassword, s.temporaryPasswordExpiry(p)
		}
		return st.putUser(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminSetUserPasswordOutput{}, nil
}

// adminResetUserPassword makes the user reset their password: sign-in
// answers PasswordResetRequiredException until ConfirmForgotPassword, with
// the code sent here. A disabled user is NotAuthorizedException, as on
// AWS.
func (s *Server) adminResetUserPassword(ctx context.Context, _ *caller, in *cip.AdminResetUserPasswordInput) (*cip.AdminResetUserPasswordOutput, error) {
	text, err := s.adminMessage(ctx, in.UserPoolId, in.Username, sourceMessageForgotPassword, in.ClientMetadata)
	if err != nil {
		return nil, err
	}
	err = s.withAdminUser(ctx, in.UserPoolId, in.Username, true, func(st *state, p *pool, u *user) error {
		if !u.Enabled {
			return errUserDisabled
		}
		attr := deliveryAttribute(p, u, true)
		if attr == "" {
			return invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
		}
		if _, err := s.deliverCode(st, p, u, PurposeForgotPassword, attr, forgotCodeValidity, text); err != nil {
			return err
		}
		u.Status, u.Modified = statusResetRequired, s.now()
		return st.putUser(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminResetUserPasswordOutput{}, nil
}

func (s *Server) adminUpdateUserAttributes(ctx context.Context, _ *caller, in *cip.AdminUpdateUserAttributesInput) (*cip.AdminUpdateUserAttributesOutput, error) {
	var text *customText
	var err error
	if changesContact(in.UserAttributes) {
		if text, err = s.adminMessage(ctx, in.UserPoolId, in.Username, sourceMessageUpdateAttribute, in.ClientMetadata); err != nil {
			return nil, err
		}
	}
	err = s.withAdminUser(ctx, in.UserPoolId, in.Username, true, func(st *state, p *pool, u *user) error {
		_, err := s.changeAttributes(st, p, u, in.UserAttributes, byAdmin, text)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminUpdateUserAttributesOutput{}, nil
}

// adminDeleteUserAttributes is AdminDeleteUserAttributes: an administrator
// deletes some of a user's attributes (see deleteAttributes; an
// administrator may also delete developer-only attributes and the
// _verified flags).
func (s *Server) adminDeleteUserAttributes(ctx context.Context, _ *caller, in *cip.AdminDeleteUserAttributesInput) (*cip.AdminDeleteUserAttributesOutput, error) {
	err := s.withAdminUser(ctx, in.UserPoolId, in.Username, true, func(st *state, p *pool, u *user) error {
		return s.deleteAttributes(st, p, u, in.UserAttributeNames, byAdmin)
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminDeleteUserAttributesOutput{}, nil
}

func (s *Server) adminDisableUser(ctx context.Context, _ *caller, in *cip.AdminDisableUserInput) (*cip.AdminDisableUserOutput, error) {
	err := s.withAdminUser(ctx, in.UserPoolId, in.Username, true, func(st *state, p *pool, u *user) error {
		u.Enabled, u.Modified = false, s.now()
		if err := st.revokeSessions(p, u); err != nil {
			return err
		}
		return st.putUser(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminDisableUserOutput{}, nil
}

func (s *Server) adminEnableUser(ctx context.Context, _ *caller, in *cip.AdminEnableUserInput) (*cip.AdminEnableUserOutput, error) {
	err := s.withAdminUser(ctx, in.UserPoolId, in.Username, true, func(st *state, p *pool, u *user) error {
		u.Enabled, u.Modified = true, s.now()
		return st.putUser(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminEnableUserOutput{}, nil
}

func (s *Server) adminUserGlobalSignOut(ctx context.Context, _ *caller, in *cip.AdminUserGlobalSignOutInput) (*cip.AdminUserGlobalSignOutOutput, error) {
	err := s.withAdminUser(ctx, in.UserPoolId, in.Username, true, func(st *state, p *pool, u *user) error {
		return st.revokeSessions(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminUserGlobalSignOutOutput{}, nil
}

func (s *Server) listUsers(ctx context.Context, _ *caller, in *cip.ListUsersInput) (*cip.ListUsersOutput, error) {
	pg, err := newPager[types.UserType](in.Limit, false, in.PaginationToken)
	if err != nil {
		return nil, err
	}
	filter, err := parseFilter(aws.ToString(in.Filter))
	if err != nil {
		return nil, err
	}
	err = s.view(ctx, func(st *state) error {
		p, err := st.pool(aws.ToString(in.UserPoolId))
		if err != nil {
			return err
		}
		for _, a := range in.AttributesToGet {
			if _, ok := p.schemaAttribute(a); !ok {
				return invalidParameter("One or more requested attributes do not exist.")
			}
		}
		add := func(key string, u *user) error {
			shape := userShape(u)
			if in.AttributesToGet != nil {
				shape.Attributes = slices.DeleteFunc(shape.Attributes, func(a types.AttributeType) bool {
					return !slices.Contains(in.AttributesToGet, aws.ToString(a.Name))
				})
			}
			return pg.add(key, shape)
		}
		if filter == nil {
			return st.scanUsers(p, pg.after, add)
		}
		// A filter is answered from the search index, in the index's
		// order: by value, then username. Its page tokens are index keys.
		return st.searchUsers(p, filter, pg.after, add)
	})
	if err != nil {
		return nil, err
	}
	return &cip.ListUsersOutput{Users: pg.items, PaginationToken: pg.next}, nil
}
