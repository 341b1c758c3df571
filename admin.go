package cognito

import (
	"context"
	"errors"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Admin is the administrator's side of the Client's user pool: Cognito's
// Admin* operations on users, and groups. Unlike the Client's own
// operations they need AWS credentials allowed to call them (IAM actions
// such as cognito-idp:AdminCreateUser) and Config.UserPoolID; they need no
// app client. Without credentials every call fails with ErrNoCredentials,
// without a pool ID with ErrInvalidParameter, before anything is sent.
//
// Users are named by their username (on pools where users sign in with
// their email, the email also works, as in Cognito's own calls). An
// unknown user is ErrUserNotFound, an unknown group ErrGroupNotFound.
//
// An Admin shares its Client's SDK client and is safe for concurrent use.
type Admin struct{ c *Client }

// Admin returns the administrator's operations on the Client's user pool,
// through the Client's SDK client. A back end with no app client of its own
// may build the Client with only Config.UserPoolID (and the region).
func (c *Client) Admin() *Admin { return &Admin{c: c} }

// adminReady checks what every administrator's call needs before it is
// sent: the user pool's ID, and AWS credentials to sign it with.
func (c *Client) adminReady(ctx context.Context, op string) error {
	if c.cfg.UserPoolID == "" {
		return &Error{Op: op, Kind: ErrInvalidParameter, lang: c.lang, Err: errors.New("cognito: Config.UserPoolID is empty")}
	}
	creds := c.awsConfig.Credentials
	if creds == nil {
		return &Error{Op: op, Kind: ErrNoCredentials, lang: c.lang, Err: errors.New("cognito: no AWS credentials provider")}
	}
	if v, err := creds.Retrieve(ctx); err != nil || v.AccessKeyID == "" {
		if err == nil {
			err = errors.New("cognito: anonymous credentials")
		}
		return &Error{Op: op, Kind: ErrNoCredentials, lang: c.lang, Err: err}
	}
	return nil
}

// pool is the user pool's ID, as the SDK's inputs take it.
func (a *Admin) pool() *string { return aws.String(a.c.cfg.UserPoolID) }

// call runs one administrator's call: the checks, then send, whose failure
// becomes an *Error of op.
func (a *Admin) call(ctx context.Context, op string, send func() error) error {
	if err := a.c.adminReady(ctx, op); err != nil {
		return err
	}
	if err := send(); err != nil {
		return a.c.fail(op, err)
	}
	return nil
}

// sendInput is call for the many operations whose input is all they need
// and whose output is empty: send(ctx, in).
func sendInput[In any, Out any](ctx context.Context, a *Admin, op string, in *In, send func(context.Context, *In, ...func(*cip.Options)) (Out, error)) error {
	return a.call(ctx, op, func() error {
		_, err := send(ctx, in)
		return err
	})
}

// CreateUserOption configures Admin.CreateUser.
type CreateUserOption func(*cip.AdminCreateUserInput)

// WithTemporaryPassword sets the password the new user signs in with the
// first time (it must meet the pool's policy); without it Cognito makes
// one. Either way the first sign-in asks for a new password
// (StepNewPassword), and the temporary one expires after the pool's
// TemporaryPasswordValidityDays.
func WithTemporaryPassword(password string) CreateUserOption {
	return func(in *cip.AdminCreateUserInput) { in.TemporaryPassword = aws.String(password) }
}

// WithoutInvitation creates the user without sending the invitation (the
// username and temporary password, by email or else SMS): MessageAction
// SUPPRESS. Use it when the user's password is set otherwise (SetPassword)
// or handed over another way.
func WithoutInvitation() CreateUserOption {
	return func(in *cip.AdminCreateUserInput) { in.MessageAction = types.MessageActionTypeSuppress }
}

// CreateUser creates a user as an administrator (AdminCreateUser), with
// the attributes attrs ("email", "email_verified", "name", ...). Cognito
// invites them: it sends the username and a temporary password to their
// email (or phone number), unless WithoutInvitation. The user's status is
// FORCE_CHANGE_PASSWORD until their first sign-in chooses a password. A
// taken username is ErrUserExists.
func (a *Admin) CreateUser(ctx context.Context, username string, attrs map[string]string, opts ...CreateUserOption) (*User, error) {
	in := &cip.AdminCreateUserInput{UserPoolId: a.pool(), Username: aws.String(username), UserAttributes: attributeTypes(attrs)}
	for _, opt := range opts {
		opt(in)
	}
	var out *cip.AdminCreateUserOutput
	err := a.call(ctx, "AdminCreateUser", func() (err error) {
		out, err = a.c.sdk.AdminCreateUser(ctx, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	u := userOfType(out.User)
	return &u, nil
}

// GetUser returns a user as the administrator sees them (AdminGetUser):
// status, enabled, dates, attributes and MFA settings.
func (a *Admin) GetUser(ctx context.Context, username string) (*User, error) {
	var out *cip.AdminGetUserOutput
	err := a.call(ctx, "AdminGetUser", func() (err error) {
		out, err = a.c.sdk.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: a.pool(), Username: aws.String(username)})
		return err
	})
	if err != nil {
		return nil, err
	}
	u := userOf(out.Username, out.UserAttributes, out.MFAOptions)
	u.Status, u.Enabled = string(out.UserStatus), out.Enabled
	u.CreationDate, u.LastModifiedDate = aws.ToTime(out.UserCreateDate), aws.ToTime(out.UserLastModifiedDate)
	u.PreferredMFA, u.UserMFASettings = aws.ToString(out.PreferredMfaSetting), out.UserMFASettingList
	return &u, nil
}

// ListUsers iterates over the pool's users, every page of ListUsers in
// turn, those that match filter: Cognito's filter syntax, an attribute,
// = (equals) or ^= (starts with) and a value in double quotes, such as
// `email ^= "ana"` or `cognito:user_status = "UNCONFIRMED"`; "" lists every
// user. A failure ends the iteration with (User{}, err); an invalid filter
// is ErrInvalidParameter.
//
//	for u, err := range admin.ListUsers(ctx, `email ^= "ana"`) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(u.Username, u.Status)
//	}
func (a *Admin) ListUsers(ctx context.Context, filter string) iter.Seq2[User, error] {
	in := &cip.ListUsersInput{UserPoolId: a.pool()}
	if filter != "" {
		in.Filter = aws.String(filter)
	}
	return allPages(ctx, a, "ListUsers",
		func() pager[*cip.ListUsersOutput] { return cip.NewListUsersPaginator(a.c.sdk, in) },
		func(out *cip.ListUsersOutput) []types.UserType { return out.Users }, userOfType)
}

// SetPassword sets a user's password for good (AdminSetUserPassword,
// Permanent): their status becomes CONFIRMED and they sign in with it. A
// password that breaks the pool's policy is ErrInvalidPassword.
func (a *Admin) SetPassword(ctx context.Context, username, password string) error {
	return a.setPassword(ctx, username, password, true)
}

// SetTemporaryPassword sets a password the user must change at their next
// sign-in (StepNewPassword): their status becomes FORCE_CHANGE_PASSWORD.
// Cognito sends no message; tell the user the password another way.
func (a *Admin) SetTemporaryPassword(ctx context.Context, username, password string) error {
	return a.setPassword(ctx, username, password, false)
}

func (a *Admin) setPassword(ctx context.Context, username, password string, permanent bool) error {
	return sendInput(ctx, a, "AdminSetUserPassword", &cip.AdminSetUserPasswordInput{
		UserPoolId: a.pool(), Username: aws.String(username), Password: aws.String(password), Permanent: permanent,
	}, a.c.sdk.AdminSetUserPassword)
}

// ResetPassword makes a user reset their password (AdminResetUserPassword):
// Cognito sends them a code to their verified email or phone number, their
// sign-ins fail with ErrPasswordResetRequired until they finish with
// ConfirmForgotPassword, and their status is RESET_REQUIRED. A user with no
// verified email or phone number is ErrInvalidParameter.
func (a *Admin) ResetPassword(ctx context.Context, username string) error {
	return sendInput(ctx, a, "AdminResetUserPassword", &cip.AdminResetUserPasswordInput{UserPoolId: a.pool(), Username: aws.String(username)},
		a.c.sdk.AdminResetUserPassword)
}

// EnableUser lets a disabled user sign in again (AdminEnableUser).
func (a *Admin) EnableUser(ctx context.Context, username string) error {
	return sendInput(ctx, a, "AdminEnableUser", &cip.AdminEnableUserInput{UserPoolId: a.pool(), Username: aws.String(username)},
		a.c.sdk.AdminEnableUser)
}

// DisableUser stops a user from signing in (AdminDisableUser): their
// sign-ins and refresh tokens are refused (ErrNotAuthorized) until
// EnableUser.
func (a *Admin) DisableUser(ctx context.Context, username string) error {
	return sendInput(ctx, a, "AdminDisableUser", &cip.AdminDisableUserInput{UserPoolId: a.pool(), Username: aws.String(username)},
		a.c.sdk.AdminDisableUser)
}

// UpdateUserAttributes sets a user's attributes as an administrator
// (AdminUpdateUserAttributes), who may also set "email_verified" and
// "phone_number_verified". A changed email or phone number is unverified
// (and a code sent) unless its _verified attribute is set "true" too.
func (a *Admin) UpdateUserAttributes(ctx context.Context, username string, attrs map[string]string) error {
	return sendInput(ctx, a, "AdminUpdateUserAttributes", &cip.AdminUpdateUserAttributesInput{
		UserPoolId: a.pool(), Username: aws.String(username), UserAttributes: attributeTypes(attrs),
	}, a.c.sdk.AdminUpdateUserAttributes)
}

// DeleteUserAttributes deletes some of a user's attributes, by name
// (AdminDeleteUserAttributes).
func (a *Admin) DeleteUserAttributes(ctx context.Context, username string, names ...string) error {
	return sendInput(ctx, a, "AdminDeleteUserAttributes", &cip.AdminDeleteUserAttributesInput{
		UserPoolId: a.pool(), Username: aws.String(username), UserAttributeNames: names,
	}, a.c.sdk.AdminDeleteUserAttributes)
}

// SignOut signs a user out everywhere (AdminUserGlobalSignOut): their
// refresh tokens stop working at once. Access and ID tokens already issued
// are refused by Cognito's own operations but still verify locally (in
// package jwtverify) until they expire.
func (a *Admin) SignOut(ctx context.Context, username string) error {
	return sendInput(ctx, a, "AdminUserGlobalSignOut", &cip.AdminUserGlobalSignOutInput{UserPoolId: a.pool(), Username: aws.String(username)},
		a.c.sdk.AdminUserGlobalSignOut)
}

// ConfirmSignUp confirms a user's sign-up without their code
// (AdminConfirmSignUp): an UNCONFIRMED user becomes CONFIRMED. Any other
// status is ErrNotAuthorized.
func (a *Admin) ConfirmSignUp(ctx context.Context, username string) error {
	return sendInput(ctx, a, "AdminConfirmSignUp", &cip.AdminConfirmSignUpInput{UserPoolId: a.pool(), Username: aws.String(username)},
		a.c.sdk.AdminConfirmSignUp)
}

// DeleteUser deletes a user (AdminDeleteUser), with their group
// memberships, devices and tokens.
func (a *Admin) DeleteUser(ctx context.Context, username string) error {
	return sendInput(ctx, a, "AdminDeleteUser", &cip.AdminDeleteUserInput{UserPoolId: a.pool(), Username: aws.String(username)},
		a.c.sdk.AdminDeleteUser)
}

// pager is one of the SDK's paginators, whose pages are P.
type pager[P any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*cip.Options)) (P, error)
}

// allPages iterates over the items of every page of a list operation op:
// newPager makes a paginator (one per iteration), items reads a page's
// items and convert turns each into what the iteration yields. A failure
// ends the iteration with (zero T, err).
func allPages[P, Item, T any](ctx context.Context, a *Admin, op string, newPager func() pager[P], items func(P) []Item, convert func(*Item) T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := a.c.adminReady(ctx, op); err != nil {
			yield(zero, err)
			return
		}
		p := newPager()
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				yield(zero, a.c.fail(op, err))
				return
			}
			list := items(page)
			for i := range list {
				if !yield(convert(&list[i]), nil) {
					return
				}
			}
		}
	}
}

// userOf is the User of a username, attributes and legacy MFA options, as
// Cognito's operations return them.
func userOf(username *string, attrs []types.AttributeType, mfa []types.MFAOptionType) User {
	u := User{Username: aws.ToString(username), Attributes: make(map[string]string, len(attrs))}
	for _, a := range attrs {
		u.Attributes[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	u.Sub = u.Attributes["sub"]
	for _, m := range mfa {
		u.MFAOptions = append(u.MFAOptions, MFAOption{DeliveryMedium: string(m.DeliveryMedium), AttributeName: aws.ToString(m.AttributeName)})
	}
	return u
}

// userOfType is the User of Cognito's UserType (ListUsers, AdminCreateUser,
// ListUsersInGroup).
func userOfType(t *types.UserType) User {
	if t == nil {
		return User{}
	}
	u := userOf(t.Username, t.Attributes, t.MFAOptions)
	u.Status, u.Enabled = string(t.UserStatus), t.Enabled
	u.CreationDate, u.LastModifiedDate = aws.ToTime(t.UserCreateDate), aws.ToTime(t.UserLastModifiedDate)
	return u
}
