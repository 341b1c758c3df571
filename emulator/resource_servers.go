package emulator

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// OAuth 2.0 resource servers: a pool's APIs and the custom scopes they
// define, <identifier>/<scope name>, which app clients may allow
// (AllowedOAuthScopes, client_oauth.go) and access tokens will carry.

// resourceServer is one resource server of a pool.
type resourceServer struct {
	PoolID     string          `json:"poolId"`
	Identifier string          `json:"identifier"`
	Name       string          `json:"name"`
	Scopes     []resourceScope `json:"scopes,omitempty"`
}

// resourceScope is one custom scope of a resource server.
type resourceScope struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

const (
	// maxResourceServers is AWS's quota of resource servers per user pool
	// (25, a quota AWS can raise; the local Cognito keeps the default).
	maxResourceServers = 25
	// maxResourceScopes is how many scopes a resource server has at most
	// (ResourceServerScopeListType: 100).
	maxResourceScopes = 100
	// maxResourceServerPage is the largest page of ListResourceServers
	// (ListResourceServersLimitType: 1 to 50).
	maxResourceServerPage = 50
)

// resourceServerName is ResourceServerNameType. Name is a member of many
// shapes with different constraints, so the actions check it themselves.
var resourceServerName = newConstraint(1, 256, `[\w\s+=,.@-]+`, false)

// scopeName is the full name of a custom scope, as clients list it and
// tokens carry it.
func scopeName(identifier, name string) string { return identifier + "/" + name }

// scopeNames are the full names of rs's scopes.
func (rs *resourceServer) scopeNames() []string {
	names := make([]string, 0, len(rs.Scopes))
	for _, sc := range rs.Scopes {
		names = append(names, scopeName(rs.Identifier, sc.Name))
	}
	return names
}

// shape is the resource server as the API shows it.
func (rs *resourceServer) shape() *types.ResourceServerType {
	out := &types.ResourceServerType{
		UserPoolId: aws.String(rs.PoolID),
		Identifier: aws.String(rs.Identifier),
		Name:       aws.String(rs.Name),
		Scopes:     []types.ResourceServerScopeType{},
	}
	for _, sc := range rs.Scopes {
		out.Scopes = append(out.Scopes, types.ResourceServerScopeType{ScopeName: aws.String(sc.Name), ScopeDescription: aws.String(sc.Description)})
	}
	return out
}

// newResourceServer validates what CreateResourceServer and
// UpdateResourceServer give beyond the adapter's checks (the name, the
// number of scopes, their uniqueness) and makes the record.
func newResourceServer(poolID, identifier, name string, scopes []types.ResourceServerScopeType) (*resourceServer, error) {
	if why := resourceServerName.check(name); why != "" {
		return nil, invalidParameter("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: %s", truncate(name, 64), why)
	}
	if len(scopes) > maxResourceScopes {
		return nil, invalidParameter("1 validation error detected: Value at 'scopes' failed to satisfy constraint: Member must have length less than or equal to %d", maxResourceScopes)
	}
	rs := &resourceServer{PoolID: poolID, Identifier: identifier, Name: name}
	for _, sc := range scopes {
		n := aws.ToString(sc.ScopeName)
		// AWS documents no answer for a scope listed twice; refusing it
		// is the conservative choice (a scope is known by its name).
		if slices.ContainsFunc(rs.Scopes, func(have resourceScope) bool { return have.Name == n }) {
			return nil, invalidParameter("The scope %s is listed more than once.", truncate(n, 64))
		}
		rs.Scopes = append(rs.Scopes, resourceScope{Name: n, Description: aws.ToString(sc.ScopeDescription)})
	}
	return rs, nil
}

// resourceServerNotFound answers for an identifier the pool has no
// resource server for.
func resourceServerNotFound(identifier, poolID string) *apiError {
	return newError(excResourceNotFound, "Resource server %s does not exist in user pool %s.", truncate(identifier, 64), poolID)
}

// poolResourceServer is the pool poolID and its resource server
// identifier, or ResourceNotFoundException for either.
func poolResourceServer(st *state, poolID, identifier string) (*pool, *resourceServer, error) {
	p, err := st.pool(poolID)
	if err != nil {
		return nil, nil, err
	}
	rs, err := st.resourceServer(p, identifier)
	if isNotFound(err) {
		return nil, nil, resourceServerNotFound(identifier, p.ID)
	}
	return p, rs, err
}

// createResourceServer is CreateResourceServer. Identifiers are unique in a
// pool: a taken one is InvalidParameterException.
func (s *Server) createResourceServer(ctx context.Context, _ *caller, in *cip.CreateResourceServerInput) (*cip.CreateResourceServerOutput, error) {
	rs, err := newResourceServer(aws.ToString(in.UserPoolId), aws.ToString(in.Identifier), aws.ToString(in.Name), in.Scopes)
	if err != nil {
		return nil, err
	}
	err = s.update(ctx, func(st *state) error {
		p, err := st.pool(rs.PoolID)
		if err != nil {
			return err
		}
		_, err = st.resourceServer(p, rs.Identifier)
		switch {
		case err == nil:
			return invalidParameter("A resource server with identifier %s already exists in user pool %s.", truncate(rs.Identifier, 64), p.ID)
		case !isNotFound(err):
			return err
		}
		n, err := st.countResourceServers(p)
		if err != nil {
			return err
		}
		if n >= maxResourceServers {
			return newError(excLimitExceeded, "User pool %s already has %d resource servers, the most it can have.", p.ID, maxResourceServers)
		}
		return st.putResourceServer(p, rs)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("resource server created", "userPoolId", rs.PoolID, "identifier", rs.Identifier, "scopes", len(rs.Scopes))
	return &cip.CreateResourceServerOutput{ResourceServer: rs.shape()}, nil
}

// describeResourceServer is DescribeResourceServer.
func (s *Server) describeResourceServer(ctx context.Context, _ *caller, in *cip.DescribeResourceServerInput) (*cip.DescribeResourceServerOutput, error) {
	var rs *resourceServer
	err := s.view(ctx, func(st *state) (err error) {
		_, rs, err = poolResourceServer(st, aws.ToString(in.UserPoolId), aws.ToString(in.Identifier))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cip.DescribeResourceServerOutput{ResourceServer: rs.shape()}, nil
}

// listResourceServers is ListResourceServers, in identifier order. Its
// MaxResults is optional (1 to 50, as AWS's model says); AWS documents no
// default page size, so a page without one holds the most, 50.
func (s *Server) listResourceServers(ctx context.Context, _ *caller, in *cip.ListResourceServersInput) (*cip.ListResourceServersOutput, error) {
	pg, err := newPagerUpTo[types.ResourceServerType](in.MaxResults, maxResourceServerPage, in.NextToken)
	if err != nil {
		return nil, err
	}
	err = s.view(ctx, func(st *state) error {
		p, err := st.pool(aws.ToString(in.UserPoolId))
		if err != nil {
			return err
		}
		return st.scanResourceServers(p, pg.after, func(rs *resourceServer) error {
			return pg.add(rs.Identifier, *rs.shape())
		})
	})
	if err != nil {
		return nil, err
	}
	return &cip.ListResourceServersOutput{ResourceServers: pg.items, NextToken: pg.next}, nil
}

// updateResourceServer is UpdateResourceServer: the name and the scopes
// are replaced, as AWS documents ("If you don't provide a value for an
// attribute, it is set to the default value": Scopes left out leave the
// server with none). Scopes it no longer has are taken out of the
// AllowedOAuthScopes of the pool's clients, as on deletion.
func (s *Server) updateResourceServer(ctx context.Context, _ *caller, in *cip.UpdateResourceServerInput) (*cip.UpdateResourceServerOutput, error) {
	rs, err := newResourceServer(aws.ToString(in.UserPoolId), aws.ToString(in.Identifier), aws.ToString(in.Name), in.Scopes)
	if err != nil {
		return nil, err
	}
	err = s.update(ctx, func(st *state) error {
		p, was, err := poolResourceServer(st, rs.PoolID, rs.Identifier)
		if err != nil {
			return err
		}
		kept := rs.scopeNames()
		var dropped []string
		for _, n := range was.scopeNames() {
			if !slices.Contains(kept, n) {
				dropped = append(dropped, n)
			}
		}
		if err := removeClientScopes(st, p, dropped); err != nil {
			return err
		}
		return st.putResourceServer(p, rs)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("resource server updated", "userPoolId", rs.PoolID, "identifier", rs.Identifier, "scopes", len(rs.Scopes))
	return &cip.UpdateResourceServerOutput{ResourceServer: rs.shape()}, nil
}

// deleteResourceServer is DeleteResourceServer. AWS documents that
// afterwards "users can no longer generate access tokens with scopes that
// are associate with that resource server", and no refusal while clients
// allow them: the deletion goes ahead and the server's scopes are taken
// out of the AllowedOAuthScopes of the pool's clients, so that no client
// names a scope that does not exist (AWS does not say what its clients
// show afterwards; this is the reading that keeps them valid).
func (s *Server) deleteResourceServer(ctx context.Context, _ *caller, in *cip.DeleteResourceServerInput) (*cip.DeleteResourceServerOutput, error) {
	identifier := aws.ToString(in.Identifier)
	err := s.update(ctx, func(st *state) error {
		p, rs, err := poolResourceServer(st, aws.ToString(in.UserPoolId), identifier)
		if err != nil {
			return err
		}
		if err := removeClientScopes(st, p, rs.scopeNames()); err != nil {
			return err
		}
		return st.deleteResourceServer(p, identifier)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("resource server deleted", "userPoolId", aws.ToString(in.UserPoolId), "identifier", identifier)
	return &cip.DeleteResourceServerOutput{}, nil
}

// poolScopes are the full names of every custom scope of p's resource
// servers.
func poolScopes(st *state, p *pool) (map[string]bool, error) {
	scopes := map[string]bool{}
	err := st.scanResourceServers(p, "", func(rs *resourceServer) error {
		for _, n := range rs.scopeNames() {
			scopes[n] = true
		}
		return nil
	})
	return scopes, err
}

// removeClientScopes takes the custom scopes named out of the
// AllowedOAuthScopes of every client of p that allows them.
func removeClientScopes(st *state, p *pool, scopes []string) error {
	if len(scopes) == 0 {
		return nil
	}
	var changed []*appClient
	err := st.scanClients(p, "", func(cl *appClient) error {
		if slices.ContainsFunc(cl.OAuth.AllowedOAuthScopes, func(sc string) bool { return slices.Contains(scopes, sc) }) {
			changed = append(changed, cl)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, cl := range changed {
		cl.OAuth.AllowedOAuthScopes = nilIfEmpty(slices.DeleteFunc(slices.Clone(cl.OAuth.AllowedOAuthScopes), func(sc string) bool { return slices.Contains(scopes, sc) }))
		if err := st.putClient(cl); err != nil {
			return err
		}
	}
	return nil
}
