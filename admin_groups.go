package cognito

import (
	"context"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The administrator's operations on groups. A group's members carry its
// name in their access and ID tokens (cognito:groups), which an API checks
// with jwtverify's or httpauth's RequireGroups; tokens issued before a
// change of membership keep the groups they were issued with.

// GroupOption configures Admin.CreateGroup.
type GroupOption func(*cip.CreateGroupInput)

// GroupDescription gives the new group a description.
func GroupDescription(text string) GroupOption {
	return func(in *cip.CreateGroupInput) { in.Description = aws.String(text) }
}

// GroupPrecedence gives the new group a precedence (0 or more): a member's
// groups are listed in their tokens lowest precedence first, and the
// lowest decides their IAM role.
func GroupPrecedence(n int32) GroupOption {
	return func(in *cip.CreateGroupInput) { in.Precedence = aws.Int32(n) }
}

// GroupRoleARN gives the new group an IAM role, for its members in an
// identity pool.
func GroupRoleARN(arn string) GroupOption {
	return func(in *cip.CreateGroupInput) { in.RoleArn = aws.String(arn) }
}

// CreateGroup creates a group (CreateGroup). A name the pool already has is
// ErrGroupExists.
func (a *Admin) CreateGroup(ctx context.Context, name string, opts ...GroupOption) (*Group, error) {
	in := &cip.CreateGroupInput{UserPoolId: a.pool(), GroupName: aws.String(name)}
	for _, opt := range opts {
		opt(in)
	}
	var out *cip.CreateGroupOutput
	err := a.call(ctx, "CreateGroup", func() (err error) {
		out, err = a.c.sdk.CreateGroup(ctx, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	g := groupOf(out.Group)
	return &g, nil
}

// GetGroup returns a group (GetGroup).
func (a *Admin) GetGroup(ctx context.Context, name string) (*Group, error) {
	var out *cip.GetGroupOutput
	err := a.call(ctx, "GetGroup", func() (err error) {
		out, err = a.c.sdk.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: a.pool(), GroupName: aws.String(name)})
		return err
	})
	if err != nil {
		return nil, err
	}
	g := groupOf(out.Group)
	return &g, nil
}

// ListGroups iterates over the pool's groups, in name order, every page of
// ListGroups in turn. A failure ends the iteration with (Group{}, err).
func (a *Admin) ListGroups(ctx context.Context) iter.Seq2[Group, error] {
	in := &cip.ListGroupsInput{UserPoolId: a.pool()}
	return allPages(ctx, a, "ListGroups",
		func() pager[*cip.ListGroupsOutput] { return cip.NewListGroupsPaginator(a.c.sdk, in) },
		func(out *cip.ListGroupsOutput) []types.GroupType { return out.Groups }, groupOf)
}

// DeleteGroup deletes a group (DeleteGroup); its members stay, without it.
func (a *Admin) DeleteGroup(ctx context.Context, name string) error {
	return sendInput(ctx, a, "DeleteGroup", &cip.DeleteGroupInput{UserPoolId: a.pool(), GroupName: aws.String(name)},
		a.c.sdk.DeleteGroup)
}

// AddUserToGroup makes a user a member of a group (AdminAddUserToGroup);
// adding a member again changes nothing.
func (a *Admin) AddUserToGroup(ctx context.Context, username, group string) error {
	return sendInput(ctx, a, "AdminAddUserToGroup", &cip.AdminAddUserToGroupInput{
		UserPoolId: a.pool(), Username: aws.String(username), GroupName: aws.String(group),
	}, a.c.sdk.AdminAddUserToGroup)
}

// RemoveUserFromGroup ends a user's membership of a group
// (AdminRemoveUserFromGroup).
func (a *Admin) RemoveUserFromGroup(ctx context.Context, username, group string) error {
	return sendInput(ctx, a, "AdminRemoveUserFromGroup", &cip.AdminRemoveUserFromGroupInput{
		UserPoolId: a.pool(), Username: aws.String(username), GroupName: aws.String(group),
	}, a.c.sdk.AdminRemoveUserFromGroup)
}

// ListGroupsForUser iterates over the groups a user is a member of
// (AdminListGroupsForUser, every page). A failure ends the iteration with
// (Group{}, err); an unknown user is ErrUserNotFound.
func (a *Admin) ListGroupsForUser(ctx context.Context, username string) iter.Seq2[Group, error] {
	in := &cip.AdminListGroupsForUserInput{UserPoolId: a.pool(), Username: aws.String(username)}
	return allPages(ctx, a, "AdminListGroupsForUser",
		func() pager[*cip.AdminListGroupsForUserOutput] {
			return cip.NewAdminListGroupsForUserPaginator(a.c.sdk, in)
		},
		func(out *cip.AdminListGroupsForUserOutput) []types.GroupType { return out.Groups }, groupOf)
}

// ListUsersInGroup iterates over a group's members (ListUsersInGroup,
// every page). A failure ends the iteration with (User{}, err); an unknown
// group is ErrGroupNotFound.
func (a *Admin) ListUsersInGroup(ctx context.Context, group string) iter.Seq2[User, error] {
	in := &cip.ListUsersInGroupInput{UserPoolId: a.pool(), GroupName: aws.String(group)}
	return allPages(ctx, a, "ListUsersInGroup",
		func() pager[*cip.ListUsersInGroupOutput] { return cip.NewListUsersInGroupPaginator(a.c.sdk, in) },
		func(out *cip.ListUsersInGroupOutput) []types.UserType { return out.Users }, userOfType)
}

// groupOf is the Group of Cognito's GroupType.
func groupOf(g *types.GroupType) Group {
	if g == nil {
		return Group{}
	}
	return Group{
		Name:             aws.ToString(g.GroupName),
		Description:      aws.ToString(g.Description),
		Precedence:       g.Precedence,
		RoleARN:          aws.ToString(g.RoleArn),
		CreationDate:     aws.ToTime(g.CreationDate),
		LastModifiedDate: aws.ToTime(g.LastModifiedDate),
	}
}
