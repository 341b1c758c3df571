package emulator

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cognitokit/cognito/emulator/store"
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

// groupWire is Cognito's GroupType.
type groupWire struct {
	GroupName        string       `json:"GroupName"`
	UserPoolId       string       `json:"UserPoolId"`
	Description      string       `json:"Description,omitempty"`
	RoleArn          string       `json:"RoleArn,omitempty"`
	Precedence       *int32       `json:"Precedence,omitempty"`
	LastModifiedDate epochSeconds `json:"LastModifiedDate"`
	CreationDate     epochSeconds `json:"CreationDate"`
}

func (g *group) wire(poolID string) groupWire {
	return groupWire{
		GroupName: g.Name, UserPoolId: poolID, Description: g.Description, RoleArn: g.RoleArn,
		Precedence: g.Precedence, LastModifiedDate: epochSeconds(g.Modified), CreationDate: epochSeconds(g.Created),
	}
}

type groupInput struct {
	UserPoolId  string `json:"UserPoolId"`
	GroupName   string `json:"GroupName"`
	Username    string `json:"Username"`
	Description string `json:"Description"`
	RoleArn     string `json:"RoleArn"`
	Precedence  *int32 `json:"Precedence"`
	Limit       *int32 `json:"Limit"`
	NextToken   string `json:"NextToken"`
}

var groupNamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$`)

func groupKey(poolID, name string) string { return poolID + "/" + name }

// loadGroup reads a group of p, or answers ResourceNotFoundException.
func loadGroup(tx store.Tx, p *pool, name string) (*group, error) {
	if !groupNamePattern.MatchString(name) {
		return nil, invalidParameter("1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+")
	}
	g, err := getRecord[group](tx, kindGroup, groupKey(p.ID, name))
	if isNotFound(err) {
		return nil, newError(excResourceNotFound, "Group not found.")
	}
	return g, err
}

func (s *Server) createGroup(c *call) (any, error) {
	var in groupInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if !groupNamePattern.MatchString(in.GroupName) {
		return nil, invalidParameter("1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must have length between 1 and 128")
	}
	if in.Precedence != nil && *in.Precedence < 0 {
		return nil, invalidParameter("Precedence must be 0 or more.")
	}
	now := s.now()
	g := &group{Name: in.GroupName, Description: in.Description, RoleArn: in.RoleArn, Precedence: in.Precedence, Created: now, Modified: now}
	var poolID string
	err := s.update(c, func(tx store.Tx) error {
		p, err := loadPool(tx, in.UserPoolId)
		if err != nil {
			return err
		}
		poolID = p.ID
		_, err = tx.Get(kindGroup, groupKey(p.ID, g.Name))
		switch {
		case err == nil:
			return newError(excGroupExists, "A group with the name already exists.")
		case !isNotFound(err):
			return err
		}
		return putRecord(tx, kindGroup, groupKey(p.ID, g.Name), g)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Group": g.wire(poolID)}, nil
}

func (s *Server) getGroup(c *call) (any, error) {
	var in groupInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	var out groupWire
	err := s.view(c, func(tx store.Tx) error {
		p, err := loadPool(tx, in.UserPoolId)
		if err != nil {
			return err
		}
		g, err := loadGroup(tx, p, in.GroupName)
		if err != nil {
			return err
		}
		out = g.wire(p.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"Group": out}, nil
}

func (s *Server) listGroups(c *call) (any, error) {
	var in groupInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	limit, after, err := page(in.Limit, false, in.NextToken)
	if err != nil {
		return nil, err
	}
	groups := []groupWire{}
	var next string
	err = s.view(c, func(tx store.Tx) error {
		p, err := loadPool(tx, in.UserPoolId)
		if err != nil {
			return err
		}
		return scanRecords(tx, kindGroup, p.ID+"/", func(_ string, g *group) error {
			if after != "" && g.Name <= after {
				return nil
			}
			if len(groups) == limit {
				next = encodePageToken(groups[len(groups)-1].GroupName)
				return store.ErrStopScan
			}
			groups = append(groups, g.wire(p.ID))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{"Groups": groups}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

func (s *Server) deleteGroup(c *call) (any, error) {
	var in groupInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, s.update(c, func(tx store.Tx) error {
		p, err := loadPool(tx, in.UserPoolId)
		if err != nil {
			return err
		}
		if _, err := loadGroup(tx, p, in.GroupName); err != nil {
			return err
		}
		var members []*user
		err = scanRecords(tx, kindUser, p.ID+"/", func(_ string, u *user) error {
			if slices.Contains(u.Groups, in.GroupName) {
				members = append(members, u)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, u := range members {
			u.Groups = slices.DeleteFunc(u.Groups, func(g string) bool { return g == in.GroupName })
			if err := saveUser(tx, p, u); err != nil {
				return err
			}
		}
		return tx.Delete(kindGroup, groupKey(p.ID, in.GroupName))
	})
}

// withGroupMember runs fn on the user and group in.Username and
// in.GroupName name, in a write transaction.
func (s *Server) withGroupMember(c *call, in *groupInput, fn func(tx store.Tx, p *pool, u *user) error) error {
	if err := c.decode(in); err != nil {
		return err
	}
	return s.update(c, func(tx store.Tx) error {
		p, u, err := adminUser(tx, in.UserPoolId, in.Username)
		if err != nil {
			return err
		}
		if _, err := loadGroup(tx, p, in.GroupName); err != nil {
			return err
		}
		return fn(tx, p, u)
	})
}

func (s *Server) adminAddUserToGroup(c *call) (any, error) {
	var in groupInput
	return nil, s.withGroupMember(c, &in, func(tx store.Tx, p *pool, u *user) error {
		if slices.Contains(u.Groups, in.GroupName) {
			return nil
		}
		u.Groups = append(u.Groups, in.GroupName)
		slices.Sort(u.Groups)
		return saveUser(tx, p, u)
	})
}

func (s *Server) adminRemoveUserFromGroup(c *call) (any, error) {
	var in groupInput
	return nil, s.withGroupMember(c, &in, func(tx store.Tx, p *pool, u *user) error {
		u.Groups = slices.DeleteFunc(u.Groups, func(g string) bool { return g == in.GroupName })
		return saveUser(tx, p, u)
	})
}

func (s *Server) adminListGroupsForUser(c *call) (any, error) {
	var in adminInput
	var groups []groupWire
	err := s.withAdminUser(c, &in, false, func(tx store.Tx, p *pool, u *user) error {
		gs, err := userGroups(tx, p, u)
		for _, g := range gs {
			groups = append(groups, g.wire(p.ID))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if groups == nil {
		groups = []groupWire{}
	}
	return map[string]any{"Groups": groups}, nil
}

func (s *Server) listUsersInGroup(c *call) (any, error) {
	var in groupInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	limit, after, err := page(in.Limit, false, in.NextToken)
	if err != nil {
		return nil, err
	}
	users := []userWire{}
	var next string
	err = s.view(c, func(tx store.Tx) error {
		p, err := loadPool(tx, in.UserPoolId)
		if err != nil {
			return err
		}
		if _, err := loadGroup(tx, p, in.GroupName); err != nil {
			return err
		}
		prefix, last := p.ID+"/", ""
		return scanRecords(tx, kindUser, prefix, func(key string, u *user) error {
			k := strings.TrimPrefix(key, prefix)
			if (after != "" && k <= after) || !slices.Contains(u.Groups, in.GroupName) {
				return nil
			}
			if len(users) == limit {
				next = encodePageToken(last)
				return store.ErrStopScan
			}
			users, last = append(users, u.wire()), k
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{"Users": users}
	if next != "" {
		out["NextToken"] = next
	}
	return out, nil
}

// userGroups returns u's groups, by precedence (lowest first, groups
// without one last), then name: the order of cognito:groups.
func userGroups(tx store.Tx, p *pool, u *user) ([]*group, error) {
	var out []*group
	for _, name := range u.Groups {
		g, err := getRecord[group](tx, kindGroup, groupKey(p.ID, name))
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
