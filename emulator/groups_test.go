package emulator_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

func createGroup(t *testing.T, srv *cognitotest.Server, name string, precedence *int32) {
	t.Helper()
	_, err := sdk(srv).CreateGroup(t.Context(), &cip.CreateGroupInput{
		UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String(name), Precedence: precedence,
	})
	if err != nil {
		t.Fatalf("CreateGroup(%s): %v", name, err)
	}
}

func addToGroup(t *testing.T, srv *cognitotest.Server, user, group string) error {
	t.Helper()
	_, err := sdk(srv).AdminAddUserToGroup(t.Context(), &cip.AdminAddUserToGroupInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(user), GroupName: aws.String(group),
	})
	return err
}

// groupClaim returns a token's cognito:groups.
func groupClaim(t *testing.T, raw *string) []string {
	t.Helper()
	var out []string
	if gs, ok := unverifiedClaims(t, aws.ToString(raw))["cognito:groups"].([]any); ok {
		for _, g := range gs {
			out = append(out, fmt.Sprint(g))
		}
	}
	return out
}

func TestGroupsInTokens(t *testing.T) {
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	createGroup(t, srv, "readers", nil)
	createGroup(t, srv, "admin", aws.Int32(1))
	createGroup(t, srv, "editors", aws.Int32(5))
	if got := groupClaim(t, signIn(t, srv, "ana", password).AccessToken); got != nil {
		t.Fatalf("cognito:groups = %v for a user in no group", got)
	}
	for _, g := range []string{"readers", "editors", "admin", "admin"} { // adding twice is harmless
		if err := addToGroup(t, srv, "ana", g); err != nil {
			t.Fatalf("AdminAddUserToGroup(%s): %v", g, err)
		}
	}
	tokens := signIn(t, srv, "ana", password)
	want := []string{"admin", "editors", "readers"} // by precedence, those without one last
	for name, raw := range map[string]*string{"access": tokens.AccessToken, "ID": tokens.IdToken} {
		if got := groupClaim(t, raw); !slices.Equal(got, want) {
			t.Errorf("%s token cognito:groups = %v, want %v", name, got, want)
		}
	}
	// Refreshed tokens carry the groups as they are now.
	if _, err := sdk(srv).AdminRemoveUserFromGroup(t.Context(), &cip.AdminRemoveUserFromGroupInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), GroupName: aws.String("editors"),
	}); err != nil {
		t.Fatal(err)
	}
	refreshed, err := tryRefresh(t, srv, aws.ToString(tokens.RefreshToken), "ana")
	if err != nil {
		t.Fatal(err)
	}
	if got := groupClaim(t, refreshed.AuthenticationResult.AccessToken); !slices.Equal(got, []string{"admin", "readers"}) {
		t.Errorf("after removal, cognito:groups = %v", got)
	}

	listed, err := sdk(srv).AdminListGroupsForUser(t.Context(), &cip.AdminListGroupsForUserInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"),
	})
	if err != nil || len(listed.Groups) != 2 || aws.ToString(listed.Groups[0].GroupName) != "admin" {
		t.Fatalf("AdminListGroupsForUser = %+v, %v", listed, err)
	}
	members, err := sdk(srv).ListUsersInGroup(t.Context(), &cip.ListUsersInGroupInput{
		UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("admin"),
	})
	if err != nil || len(members.Users) != 1 || aws.ToString(members.Users[0].Username) != "ana" {
		t.Fatalf("ListUsersInGroup = %+v, %v", members, err)
	}

	// Deleting a group takes it out of its members' tokens.
	if _, err := sdk(srv).DeleteGroup(t.Context(), &cip.DeleteGroupInput{UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("admin")}); err != nil {
		t.Fatal(err)
	}
	if got := groupClaim(t, signIn(t, srv, "ana", password).AccessToken); !slices.Equal(got, []string{"readers"}) {
		t.Errorf("after DeleteGroup, cognito:groups = %v", got)
	}
}

func TestGroupErrorsAndListing(t *testing.T) {
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	createGroup(t, srv, "admin", nil)
	c := sdk(srv)

	_, err := c.CreateGroup(t.Context(), &cip.CreateGroupInput{UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("admin")})
	expectErr[*types.GroupExistsException](t, err, "A group with the name already exists.")
	_, err = c.GetGroup(t.Context(), &cip.GetGroupInput{UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("nope")})
	expectErr[*types.ResourceNotFoundException](t, err, "Group not found.")
	expectErr[*types.ResourceNotFoundException](t, addToGroup(t, srv, "ana", "nope"), "")
	expectErr[*types.UserNotFoundException](t, addToGroup(t, srv, "nobody", "admin"), "")
	_, err = c.CreateGroup(t.Context(), &cip.CreateGroupInput{UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("neg"), Precedence: aws.Int32(-1)})
	expectErr[*types.InvalidParameterException](t, err, "")
	_, err = c.CreateGroup(t.Context(), &cip.CreateGroupInput{UserPoolId: aws.String("eu-west-1_nothere0"), GroupName: aws.String("x")})
	expectErr[*types.ResourceNotFoundException](t, err, "")

	got, err := c.GetGroup(t.Context(), &cip.GetGroupInput{UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("admin")})
	if err != nil || aws.ToString(got.Group.GroupName) != "admin" || got.Group.CreationDate == nil {
		t.Fatalf("GetGroup = %+v, %v", got, err)
	}

	for i := range 4 {
		createGroup(t, srv, fmt.Sprintf("g%d", i), nil)
	}
	var names []string
	var next *string
	for {
		page, err := c.ListGroups(t.Context(), &cip.ListGroupsInput{UserPoolId: aws.String(srv.UserPoolID), Limit: aws.Int32(2), NextToken: next})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range page.Groups {
			names = append(names, aws.ToString(g.GroupName))
		}
		if next = page.NextToken; next == nil {
			break
		}
	}
	if !slices.Equal(names, []string{"admin", "g0", "g1", "g2", "g3"}) {
		t.Fatalf("ListGroups pages = %v", names)
	}
}
