package emulator_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

// OAuth 2.0 resource servers: CreateResourceServer, DescribeResourceServer,
// ListResourceServers, UpdateResourceServer, DeleteResourceServer.

// scopes makes a resource server's scope list from name, description
// pairs.
func scopes(nameDescriptions ...string) []types.ResourceServerScopeType {
	var out []types.ResourceServerScopeType
	for i := 0; i+1 < len(nameDescriptions); i += 2 {
		out = append(out, types.ResourceServerScopeType{ScopeName: aws.String(nameDescriptions[i]), ScopeDescription: aws.String(nameDescriptions[i+1])})
	}
	return out
}

// createResourceServer creates a resource server in srv's pool, failing
// the test on an error.
func createResourceServer(t *testing.T, srv *cognitotest.Server, identifier string, sc []types.ResourceServerScopeType) *types.ResourceServerType {
	t.Helper()
	out, err := sdk(srv).CreateResourceServer(t.Context(), &cip.CreateResourceServerInput{
		UserPoolId: aws.String(srv.UserPoolID), Identifier: aws.String(identifier), Name: aws.String("api " + identifier[len(identifier)-1:]), Scopes: sc,
	})
	if err != nil {
		t.Fatalf("CreateResourceServer(%s): %v", identifier, err)
	}
	return out.ResourceServer
}

// scopeNames are the names of a resource server's scopes.
func scopeNames(rs *types.ResourceServerType) []string {
	var names []string
	for _, sc := range rs.Scopes {
		names = append(names, aws.ToString(sc.ScopeName))
	}
	return names
}

// TestResourceServerLifecycle creates, describes, updates (members left out
// reset) and deletes a resource server.
func TestResourceServerLifecycle(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		pool := aws.String(srv.UserPoolID)
		created := createResourceServer(t, srv, "https://api.example.com", scopes("read", "Read things", "write", "Write things"))
		if aws.ToString(created.Identifier) != "https://api.example.com" || aws.ToString(created.UserPoolId) != srv.UserPoolID ||
			!slices.Equal(scopeNames(created), []string{"read", "write"}) || aws.ToString(created.Scopes[0].ScopeDescription) != "Read things" {
			t.Errorf("created = %+v", created)
		}

		got, err := c.DescribeResourceServer(t.Context(), &cip.DescribeResourceServerInput{UserPoolId: pool, Identifier: aws.String("https://api.example.com")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(got.ResourceServer.Name) != aws.ToString(created.Name) || !slices.Equal(scopeNames(got.ResourceServer), []string{"read", "write"}) {
			t.Errorf("described = %+v, want what was created", got.ResourceServer)
		}

		// Update replaces the name and the scopes; scopes left out are gone.
		up, err := c.UpdateResourceServer(t.Context(), &cip.UpdateResourceServerInput{
			UserPoolId: pool, Identifier: aws.String("https://api.example.com"), Name: aws.String("renamed"), Scopes: scopes("admin", "Everything"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(up.ResourceServer.Name) != "renamed" || !slices.Equal(scopeNames(up.ResourceServer), []string{"admin"}) {
			t.Errorf("updated = %+v", up.ResourceServer)
		}
		if _, err := c.UpdateResourceServer(t.Context(), &cip.UpdateResourceServerInput{
			UserPoolId: pool, Identifier: aws.String("https://api.example.com"), Name: aws.String("renamed"),
		}); err != nil {
			t.Fatal(err)
		}
		got, err = c.DescribeResourceServer(t.Context(), &cip.DescribeResourceServerInput{UserPoolId: pool, Identifier: aws.String("https://api.example.com")})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.ResourceServer.Scopes) != 0 {
			t.Errorf("after an update without Scopes: %v, want none", scopeNames(got.ResourceServer))
		}

		if _, err := c.DeleteResourceServer(t.Context(), &cip.DeleteResourceServerInput{UserPoolId: pool, Identifier: aws.String("https://api.example.com")}); err != nil {
			t.Fatal(err)
		}
		_, err = c.DescribeResourceServer(t.Context(), &cip.DescribeResourceServerInput{UserPoolId: pool, Identifier: aws.String("https://api.example.com")})
		expectErr[*types.ResourceNotFoundException](t, err, "")
		_, err = c.DeleteResourceServer(t.Context(), &cip.DeleteResourceServerInput{UserPoolId: pool, Identifier: aws.String("https://api.example.com")})
		expectErr[*types.ResourceNotFoundException](t, err, "")
		_, err = c.UpdateResourceServer(t.Context(), &cip.UpdateResourceServerInput{UserPoolId: pool, Identifier: aws.String("https://api.example.com"), Name: aws.String("x")})
		expectErr[*types.ResourceNotFoundException](t, err, "")
	})
}

// TestResourceServerList pages through a pool's resource servers.
func TestResourceServerList(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		var want []string
		for i := range 5 {
			id := fmt.Sprintf("api-%d", i)
			createResourceServer(t, srv, id, scopes("read", "Read"))
			want = append(want, id)
		}
		var got []string
		var token *string
		pages := 0
		for {
			out, err := c.ListResourceServers(t.Context(), &cip.ListResourceServersInput{UserPoolId: aws.String(srv.UserPoolID), MaxResults: aws.Int32(2), NextToken: token})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, rs := range out.ResourceServers {
				got = append(got, aws.ToString(rs.Identifier))
			}
			if token = out.NextToken; token == nil {
				break
			}
		}
		if !slices.Equal(got, want) || pages != 3 {
			t.Errorf("listed %v in %d pages, want %v in 3", got, pages, want)
		}
		// MaxResults is optional, and at most 50.
		all, err := c.ListResourceServers(t.Context(), &cip.ListResourceServersInput{UserPoolId: aws.String(srv.UserPoolID)})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.ResourceServers) != 5 || all.NextToken != nil {
			t.Errorf("without MaxResults: %d servers, next %v", len(all.ResourceServers), all.NextToken)
		}
		for _, n := range []int32{0, 51} {
			_, err = c.ListResourceServers(t.Context(), &cip.ListResourceServersInput{UserPoolId: aws.String(srv.UserPoolID), MaxResults: aws.Int32(n)})
			expectErr[*types.InvalidParameterException](t, err, "")
		}
		_, err = c.ListResourceServers(t.Context(), &cip.ListResourceServersInput{UserPoolId: aws.String(srv.UserPoolID), NextToken: aws.String("not a token!")})
		expectErr[*types.InvalidParameterException](t, err, "")
		_, err = c.ListResourceServers(t.Context(), &cip.ListResourceServersInput{UserPoolId: aws.String("us-east-1_nosuchpool")})
		expectErr[*types.ResourceNotFoundException](t, err, "")
	})
}

// TestResourceServerInvalid sends what AWS refuses.
func TestResourceServerInvalid(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		createResourceServer(t, srv, "orders", scopes("read", "Read"))
		tooMany := make([]types.ResourceServerScopeType, 101)
		for i := range tooMany {
			tooMany[i] = types.ResourceServerScopeType{ScopeName: aws.String(fmt.Sprintf("s%d", i)), ScopeDescription: aws.String("d")}
		}
		for _, tc := range []struct {
			name       string
			identifier string
			rsName     string
			scopes     []types.ResourceServerScopeType
			pool       string
			wantMsg    string
		}{
			{name: "duplicate identifier", identifier: "orders", rsName: "again", wantMsg: "already exists"},
			{name: "identifier with a space", identifier: "my api", rsName: "api", wantMsg: "at 'identifier' failed to satisfy constraint"},
			{name: "identifier too long", identifier: strings.Repeat("a", 257), rsName: "api", wantMsg: "at 'identifier'"},
			{name: "name with a slash", identifier: "api", rsName: "a/b", wantMsg: "at 'name' failed to satisfy constraint"},
			{name: "scope name with a slash", identifier: "api", rsName: "api", scopes: scopes("a/b", "x"), wantMsg: "scopeName"},
			{name: "empty scope description", identifier: "api", rsName: "api", scopes: scopes("read", ""), wantMsg: "scopeDescription"},
			{name: "scope twice", identifier: "api", rsName: "api", scopes: scopes("read", "x", "read", "y"), wantMsg: "more than once"},
			{name: "too many scopes", identifier: "api", rsName: "api", scopes: tooMany, wantMsg: "less than or equal to 100"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := c.CreateResourceServer(t.Context(), &cip.CreateResourceServerInput{
					UserPoolId: aws.String(srv.UserPoolID), Identifier: aws.String(tc.identifier), Name: aws.String(tc.rsName), Scopes: tc.scopes,
				})
				e := expectErr[*types.InvalidParameterException](t, err, "")
				if !strings.Contains(e.ErrorMessage(), tc.wantMsg) {
					t.Errorf("message %q, want it to contain %q", e.ErrorMessage(), tc.wantMsg)
				}
			})
		}
		_, err := c.CreateResourceServer(t.Context(), &cip.CreateResourceServerInput{
			UserPoolId: aws.String("us-east-1_nosuchpool"), Identifier: aws.String("api"), Name: aws.String("api"),
		})
		expectErr[*types.ResourceNotFoundException](t, err, "")
		// The SDK itself refuses a request without Name; the server does
		// too, for any client.
		status, body := rawCall(t, srv, "CreateResourceServer", `{"UserPoolId":"`+srv.UserPoolID+`","Identifier":"api"}`, true)
		if status != 400 || errorType(t, body) != "InvalidParameterException" || !strings.Contains(string(body), "'name'") {
			t.Errorf("without Name: %d %s", status, body)
		}
	})
}

// TestResourceServerLimit: a pool has at most 25 resource servers.
func TestResourceServerLimit(t *testing.T) {
	srv := cognitotest.NewServer(t)
	for i := range 25 {
		createResourceServer(t, srv, fmt.Sprintf("api-%02d", i), nil)
	}
	_, err := sdk(srv).CreateResourceServer(t.Context(), &cip.CreateResourceServerInput{
		UserPoolId: aws.String(srv.UserPoolID), Identifier: aws.String("one-more"), Name: aws.String("api"),
	})
	expectErr[*types.LimitExceededException](t, err, "")
}

// TestResourceServerDeletedWithPool: a pool's resource servers go with the
// pool; another pool's stay.
func TestResourceServerDeletedWithPool(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		other := withPool(t, srv, &cip.CreateUserPoolInput{PoolName: aws.String("other")}, nil)
		createResourceServer(t, srv, "api", scopes("read", "Read"))
		createResourceServer(t, other, "api", scopes("read", "Read"))
		c := sdk(srv)
		if _, err := c.DeleteUserPool(t.Context(), &cip.DeleteUserPoolInput{UserPoolId: aws.String(other.UserPoolID)}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.DescribeResourceServer(t.Context(), &cip.DescribeResourceServerInput{UserPoolId: aws.String(srv.UserPoolID), Identifier: aws.String("api")}); err != nil {
			t.Errorf("the other pool's resource server: %v", err)
		}
		again := withPool(t, srv, &cip.CreateUserPoolInput{PoolName: aws.String("other")}, nil)
		out, err := c.ListResourceServers(t.Context(), &cip.ListResourceServersInput{UserPoolId: aws.String(again.UserPoolID)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.ResourceServers) != 0 {
			t.Errorf("a new pool lists %d resource servers", len(out.ResourceServers))
		}
	})
}
