package emulator

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Groups: a pool's user groups, and membership, which the access and ID
// tokens of a member carry as cognito:groups (by precedence, then name).

// group is a user group of a pool.
type group struct {
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	RoleArn     string    `json:"roleArn,omitempty"`
	Precedence  *int32    `json:"precedence,omitempty"`
	Created     time.Time `json:"created"`
	Modified    time.Time `json:"modified"`
}

// shape is Cognito's GroupType.
func (g *group) shape(poolID string) types.GroupType {
	return types.GroupType{
		GroupName: aws.String(g.Name), UserPoolId: aws.String(poolID),
		Description: optional(g.Description), RoleArn: optional(g.RoleArn), Precedence: g.Precedence,
		LastModifiedDate: aws.Time(g.Modified), CreationDate: aws.Time(g.Created),
	}
}

// existingGroup reads a group of p, or answers ResourceNotFoundException.
func existingGroup(st *state, p *pool, name string) (*group, error) {
	g, err := st.group(p, name)
	if isNotFound(err) {
		return nil, newError(excResourceNotFound, "Group not found.")
	}
	return g, err
}

// withGroup runs fn on the pool and group an input names, in a
// transaction (a write transaction when write is set).
func (s *Server) withGroup(ctx context.Context, poolID, name *string, write bool, fn func(st *state, p *pool, g *group) error) error {
	run := s.view
	if write {
		run = s.update
	}
	return run(ctx, func(st *state) error {
		p, err := st.pool(aws.ToString(poolID))
		if err != nil {
			return err
		}
		g, err := existingGroup(st, p, aws.ToString(name))
		if err != nil {
			return err
		}
		return fn(st, p, g)
	})
}

// roleArnConstraint is what Cognito's model says of a group's RoleArn.
var roleArnConstraint = newConstraint(20, 2048, `arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?`, false)

// checkGroupInput checks the members CreateGroup and UpdateGroup share
// beyond what the adapter checks: the precedence and the role's ARN.
func checkGroupInput(precedence *int32, roleArn *string) error {
	if precedence != nil && *precedence < 0 {
		return invalidParameter("Precedence must be 0 or more.")
	}
	if roleArn != nil {
		if why := roleArnConstraint.check(*roleArn); why != "" {
			return invalidParameter("1 validation error detected: Value '%s' at 'roleArn' failed to satisfy constraint: %s", truncate(*roleArn, 64), why)
		}
	}
	return nil
}

func (s *Server) createGroup(ctx context.Context, _ *caller, in *cip.CreateGroupInput) (*cip.CreateGroupOutput, error) {
	if err := checkGroupInput(in.Precedence, in.RoleArn); err != nil {
		return nil, err
	}
	now := s.now()
	g := &group{
		Name: aws.ToString(in.GroupName), Description: aws.ToString(in.Description), RoleArn: aws.ToString(in.RoleArn),
		Precedence: in.Precedence, Created: now, Modified: now,
	}
	var poolID string
	err := s.update(ctx, func(st *state) error {
		p, err := st.pool(aws.ToString(in.UserPoolId))
		if err != nil {
			return err
		}
		poolID = p.ID
		_, err = st.group(p, g.Name)
		switch {
		case err == nil:
			return newError(excGroupExists, "A group with the name already exists.")
		case !isNotFound(err):
			return err
		}
		return st.putGroup(p, g)
	})
	if err != nil {
		return nil, err
	}
	shape := g.shape(poolID)
	return &cip.CreateGroupOutput{Group: &shape}, nil
}

func (s *Server) getGroup(ctx context.Context, _ *caller, in *cip.GetGroupInput) (*cip.GetGroupOutput, error) {
	var out types.GroupType
	err := s.withGroup(ctx, in.UserPoolId, in.GroupName, false, func(_ *state, p *pool, g *group) error {
		out = g.shape(p.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.GetGroupOutput{Group: &out}, nil
}

func (s *Server) listGroups(ctx context.Context, _ *caller, in *cip.ListGroupsInput) (*cip.ListGroupsOutput, error) {
	pg, err := newPager[types.GroupType](in.Limit, false, in.NextToken)
	if err != nil {
		return nil, err
	}
	err = s.view(ctx, func(st *state) error {
		p, err := st.pool(aws.ToString(in.UserPoolId))
		if err != nil {
			return err
		}
		return st.scanGroups(p, pg.after, func(g *group) error { return pg.add(g.Name, g.shape(p.ID)) })
	})
	if err != nil {
		return nil, err
	}
	return &cip.ListGroupsOutput{Groups: pg.items, NextToken: pg.next}, nil
}

// updateGroup changes a group's description, IAM role and precedence. AWS
// does not document what an absent member does; here it leaves that
// property as it is (the conservative reading: only what the request names
// changes). Members' tokens follow the new precedence from their next
// sign-in or refresh, since cognito:groups is ordered when tokens are
// issued.
func (s *Server) updateGroup(ctx context.Context, _ *caller, in *cip.UpdateGroupInput) (*cip.UpdateGroupOutput, error) {
	if err := checkGroupInput(in.Precedence, in.RoleArn); err != nil {
		return nil, err
	}
	var out types.GroupType
	err := s.withGroup(ctx, in.UserPoolId, in.GroupName, true, func(st *state, p *pool, g *group) error {
		if in.Description != nil {
			g.Description = *in.Description
		}
		if in.RoleArn != nil {
			g.RoleArn = *in.RoleArn
		}
		if in.Precedence != nil {
			g.Precedence = in.Precedence
		}
		g.Modified = s.now()
		if err := st.putGroup(p, g); err != nil {
			return err
		}
		out = g.shape(p.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.UpdateGroupOutput{Group: &out}, nil
}

func (s *Server) deleteGroup(ctx context.Context, _ *caller, in *cip.DeleteGroupInput) (*cip.DeleteGroupOutput, error) {
	err := s.withGroup(ctx, in.UserPoolId, in.GroupName, true, func(st *state, p *pool, g *group) error {
		return st.deleteGroup(p, g.Name)
	})
	if err != nil {
		return nil, err
	}
	return &cip.DeleteGroupOutput{}, nil
}

// withGroupMember runs fn on the user and group an input names, in a write
// transaction.
func (s *Server) withGroupMember(ctx context.Context, poolID, username, groupName *string, fn func(st *state, p *pool, u *user, g *group) error) error {
	return s.withGroup(ctx, poolID, groupName, true, func(st *state, p *pool, g *group) error {
		u, err := st.adminUser(p, aws.ToString(username))
		if err != nil {
			return err
		}
		return fn(st, p, u, g)
	})
}

func (s *Server) adminAddUserToGroup(ctx context.Context, _ *caller, in *cip.AdminAddUserToGroupInput) (*cip.AdminAddUserToGroupOutput, error) {
	err := s.withGroupMember(ctx, in.UserPoolId, in.Username, in.GroupName, func(st *state, p *pool, u *user, g *group) error {
		if u.inGroup(g.Name) {
			return nil
		}
		u.joinGroup(g.Name)
		return st.putUser(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminAddUserToGroupOutput{}, nil
}

func (s *Server) adminRemoveUserFromGroup(ctx context.Context, _ *caller, in *cip.AdminRemoveUserFromGroupInput) (*cip.AdminRemoveUserFromGroupOutput, error) {
	err := s.withGroupMember(ctx, in.UserPoolId, in.Username, in.GroupName, func(st *state, p *pool, u *user, g *group) error {
		u.leaveGroup(g.Name)
		return st.putUser(p, u)
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminRemoveUserFromGroupOutput{}, nil
}

func (s *Server) adminListGroupsForUser(ctx context.Context, _ *caller, in *cip.AdminListGroupsForUserInput) (*cip.AdminListGroupsForUserOutput, error) {
	pg, err := newPager[types.GroupType](in.Limit, false, in.NextToken)
	if err != nil {
		return nil, err
	}
	err = s.withAdminUser(ctx, in.UserPoolId, in.Username, false, func(st *state, p *pool, u *user) error {
		// Paged in name order, as ListGroups is.
		for _, name := range u.Groups {
			if pg.after != "" && name <= pg.after {
				continue
			}
			g, err := st.group(p, name)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			if err := pg.add(g.Name, g.shape(p.ID)); err != nil {
				return nil // the page is full
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminListGroupsForUserOutput{Groups: pg.items, NextToken: pg.next}, nil
}

func (s *Server) listUsersInGroup(ctx context.Context, _ *caller, in *cip.ListUsersInGroupInput) (*cip.ListUsersInGroupOutput, error) {
	pg, err := newPager[types.UserType](in.Limit, false, in.NextToken)
	if err != nil {
		return nil, err
	}
	err = s.withGroup(ctx, in.UserPoolId, in.GroupName, false, func(st *state, p *pool, g *group) error {
		return st.scanUsers(p, pg.after, func(key string, u *user) error {
			if !u.inGroup(g.Name) {
				return nil
			}
			return pg.add(key, userShape(u))
		})
	})
	if err != nil {
		return nil, err
	}
	return &cip.ListUsersInGroupOutput{Users: pg.items, NextToken: pg.next}, nil
}

// userGroups returns u's groups, by precedence (lowest first, groups
// without one last), then name: the order of cognito:groups.
func userGroups(st *state, p *pool, u *user) ([]*group, error) {
	var out []*group
	for _, name := range u.Groups {
		g, err := st.group(p, name)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	slices.SortStableFunc(out, func(a, b *group) int {
		switch {
		case a.Precedence == nil && b.Precedence == nil:
			return strings.Compare(a.Name, b.Name)
		case a.Precedence == nil:
			return 1
		case b.Precedence == nil:
			return -1
		case *a.Precedence != *b.Precedence:
			return int(*a.Precedence - *b.Precedence)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}
