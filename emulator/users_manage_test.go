package emulator_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

// Tests of user, attribute and group management: UpdateGroup, the
// attribute deletions, GetUserAttributeVerificationCode, changes that wait
// for verification, and the fidelity of the admin and list actions.

const roleArn = "arn:aws:iam::123456789012:role/readers"

// managedPool is a pool whose users also sign in with their verified email
// (an alias), with a required name, an optional email, a mutable custom
// attribute (plan), an immutable one (tier) and a developer-only one
// (score).
func managedPool(t *testing.T, srv *cognitotest.Server) *cognitotest.Server {
	t.Helper()
	return withPool(t, srv, &cip.CreateUserPoolInput{
		PoolName:               aws.String("managed"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		AliasAttributes:        []types.AliasAttributeType{types.AliasAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{
			{Name: aws.String("name"), Required: aws.Bool(true), Mutable: aws.Bool(true)},
			{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
			{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(false)},
			{Name: aws.String("score"), AttributeDataType: types.AttributeDataTypeNumber, Mutable: aws.Bool(true), DeveloperOnlyAttribute: aws.Bool(true)},
		},
	}, nil)
}

// createConfirmed makes a confirmed user with a permanent password through
// the administrator's API.
func createConfirmed(t *testing.T, srv *cognitotest.Server, name string, attributes []types.AttributeType) string {
	t.Helper()
	out, err := adminCreate(t, srv, &cip.AdminCreateUserInput{
		Username: aws.String(name), UserAttributes: attributes, MessageAction: types.MessageActionTypeSuppress,
	})
	if err != nil {
		t.Fatalf("AdminCreateUser(%s): %v", name, err)
	}
	if _, err := sdk(srv).AdminSetUserPassword(t.Context(), &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name), Password: aws.String(password), Permanent: true,
	}); err != nil {
		t.Fatalf("AdminSetUserPassword(%s): %v", name, err)
	}
	sub, _ := attr(out.User.Attributes, "sub")
	return sub
}

// attrsOf returns a user's attributes as a map, as AdminGetUser shows them.
func attrsOf(t *testing.T, srv *cognitotest.Server, name string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	for _, a := range adminGetUser(t, srv, name).UserAttributes {
		out[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	return out
}

func TestUpdateGroup(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		signUpConfirmed(t, srv, "ana", password)
		createGroup(t, srv, "admin", aws.Int32(1))
		if _, err := c.CreateGroup(t.Context(), &cip.CreateGroupInput{
			UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("readers"),
			Description: aws.String("people who read"), Precedence: aws.Int32(5),
		}); err != nil {
			t.Fatal(err)
		}
		for _, g := range []string{"admin", "readers"} {
			if err := addToGroup(t, srv, "ana", g); err != nil {
				t.Fatal(err)
			}
		}
		tokens := signIn(t, srv, "ana", password)
		if got := groupClaim(t, tokens.AccessToken); !slices.Equal(got, []string{"admin", "readers"}) {
			t.Fatalf("cognito:groups = %v before the update", got)
		}

		out, err := c.UpdateGroup(t.Context(), &cip.UpdateGroupInput{
			UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("readers"),
			Precedence: aws.Int32(0), RoleArn: aws.String(roleArn),
		})
		if err != nil {
			t.Fatalf("UpdateGroup: %v", err)
		}
		g := out.Group
		if aws.ToString(g.GroupName) != "readers" || aws.ToString(g.UserPoolId) != srv.UserPoolID || aws.ToInt32(g.Precedence) != 0 ||
			aws.ToString(g.RoleArn) != roleArn || aws.ToString(g.Description) != "people who read" {
			t.Errorf("UpdateGroup = %+v; want precedence 0, the role, the description kept", g)
		}
		if g.LastModifiedDate == nil || g.CreationDate == nil || g.LastModifiedDate.Before(*g.CreationDate) {
			t.Errorf("dates = %v, %v", g.CreationDate, g.LastModifiedDate)
		}
		got, err := c.GetGroup(t.Context(), &cip.GetGroupInput{UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("readers")})
		if err != nil || aws.ToInt32(got.Group.Precedence) != 0 || aws.ToString(got.Group.RoleArn) != roleArn {
			t.Fatalf("GetGroup after UpdateGroup = %+v, %v", got, err)
		}

		// Members' tokens follow the new precedence: at sign-in and refresh.
		want := []string{"readers", "admin"}
		if got := groupClaim(t, signIn(t, srv, "ana", password).IdToken); !slices.Equal(got, want) {
			t.Errorf("ID token cognito:groups = %v after the update, want %v", got, want)
		}
		refreshed, err := tryRefresh(t, srv, aws.ToString(tokens.RefreshToken), "ana")
		if err != nil {
			t.Fatal(err)
		}
		if got := groupClaim(t, refreshed.AuthenticationResult.AccessToken); !slices.Equal(got, want) {
			t.Errorf("refreshed cognito:groups = %v, want %v", got, want)
		}

		// Only the members named change: a description alone keeps the rest.
		out, err = c.UpdateGroup(t.Context(), &cip.UpdateGroupInput{
			UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("readers"), Description: aws.String("new"),
		})
		if err != nil || aws.ToString(out.Group.Description) != "new" || aws.ToInt32(out.Group.Precedence) != 0 || aws.ToString(out.Group.RoleArn) != roleArn {
			t.Errorf("UpdateGroup(description) = %+v, %v", out, err)
		}

		for _, tc := range []struct {
			name string
			in   cip.UpdateGroupInput
			test func(t *testing.T, err error)
		}{
			{"unknown group", cip.UpdateGroupInput{GroupName: aws.String("nope"), Description: aws.String("x")},
				func(t *testing.T, err error) { expectErr[*types.ResourceNotFoundException](t, err, "Group not found.") }},
			{"negative precedence", cip.UpdateGroupInput{GroupName: aws.String("readers"), Precedence: aws.Int32(-1)},
				func(t *testing.T, err error) { expectErr[*types.InvalidParameterException](t, err, "") }},
			{"malformed role", cip.UpdateGroupInput{GroupName: aws.String("readers"), RoleArn: aws.String("not-an-arn-but-long-enough")},
				func(t *testing.T, err error) { expectErr[*types.InvalidParameterException](t, err, "") }},
			{"unknown pool", cip.UpdateGroupInput{UserPoolId: aws.String("eu-west-1_NoSuchPoo"), GroupName: aws.String("readers")},
				func(t *testing.T, err error) { expectErr[*types.ResourceNotFoundException](t, err, "") }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := tc.in
				if in.UserPoolId == nil {
					in.UserPoolId = aws.String(srv.UserPoolID)
				}
				_, err := c.UpdateGroup(t.Context(), &in)
				tc.test(t, err)
			})
		}
		if g, _ := c.GetGroup(t.Context(), &cip.GetGroupInput{UserPoolId: aws.String(srv.UserPoolID), GroupName: aws.String("readers")}); aws.ToInt32(g.Group.Precedence) != 0 {
			t.Errorf("a refused update changed the precedence to %d", aws.ToInt32(g.Group.Precedence))
		}
	})
}

func TestAdminDeleteUserAttributes(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = managedPool(t, srv)
		c := sdk(srv)
		sub := createConfirmed(t, srv, "ana", attrs("name", "Ana", "email", "ana@example.com", "email_verified", "true",
			"custom:plan", "pro", "custom:tier", "gold", "custom:score", "7"))
		signIn(t, srv, "ana@example.com", password) // the email is an alias
		del := func(name string, attributes ...string) error {
			_, err := c.AdminDeleteUserAttributes(t.Context(), &cip.AdminDeleteUserAttributesInput{
				UserPoolId: aws.String(srv.UserPoolID), Username: aws.String(name), UserAttributeNames: attributes,
			})
			return err
		}

		// By sub, as AWS allows on pools whose usernames are not emails.
		if err := del(sub, "email", "custom:plan", "custom:score"); err != nil {
			t.Fatalf("AdminDeleteUserAttributes: %v", err)
		}
		got := attrsOf(t, srv, "ana")
		for _, gone := range []string{"email", "email_verified", "custom:plan", "custom:score"} {
			if v, ok := got[gone]; ok {
				t.Errorf("%s = %q after its deletion", gone, v)
			}
		}
		for name, want := range map[string]string{"name": "Ana", "custom:tier": "gold", "sub": sub} {
			if got[name] != want {
				t.Errorf("%s = %q, want %q", name, got[name], want)
			}
		}
		// The alias went with the email: it no longer signs ana in, and is
		// free for another user.
		_, err := trySignIn(t, srv, "ana@example.com", password)
		expectErr[*types.UserNotFoundException](t, err, "")
		signIn(t, srv, "ana", password)
		createConfirmed(t, srv, "bob", attrs("name", "Bob", "email", "ana@example.com", "email_verified", "true"))
		if res := signIn(t, srv, "ana@example.com", password); unverifiedClaims(t, aws.ToString(res.AccessToken))["username"] != "bob" {
			t.Error("the freed alias does not sign bob in")
		}
		// An attribute the user does not have is no error.
		if err := del("ana", "custom:plan", "given_name"); err != nil {
			t.Errorf("deleting absent attributes: %v", err)
		}

		for _, tc := range []struct {
			name       string
			attributes []string
		}{
			{"required", []string{"name"}},
			{"immutable", []string{"custom:tier"}},
			{"sub", []string{"sub"}},
			{"unknown", []string{"favourite_colour"}},
			{"custom without its prefix", []string{"tier"}},
			{"one bad among good", []string{"given_name", "name"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				expectErr[*types.InvalidParameterException](t, del("ana", tc.attributes...), "")
			})
		}
		if got := attrsOf(t, srv, "ana"); got["name"] != "Ana" || got["custom:tier"] != "gold" {
			t.Errorf("refused deletions changed ana: %v", got)
		}
		expectErr[*types.UserNotFoundException](t, del("ghost", "given_name"), "User does not exist.")
		_, err = c.AdminDeleteUserAttributes(t.Context(), &cip.AdminDeleteUserAttributesInput{
			UserPoolId: aws.String("eu-west-1_NoSuchPoo"), Username: aws.String("ana"), UserAttributeNames: []string{"given_name"},
		})
		expectErr[*types.ResourceNotFoundException](t, err, "")
	})
}

func TestDeleteUserAttributes(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = managedPool(t, srv)
		c := sdk(srv)
		createConfirmed(t, srv, "ana", attrs("name", "Ana", "email", "ana@example.com", "email_verified", "true",
			"custom:plan", "pro", "custom:score", "7", "phone_number", "+15555550100"))
		res := signIn(t, srv, "ana@example.com", password)
		del := func(attributes ...string) error {
			_, err := c.DeleteUserAttributes(t.Context(), &cip.DeleteUserAttributesInput{AccessToken: res.AccessToken, UserAttributeNames: attributes})
			return err
		}
		if err := del("custom:plan", "email", "phone_number"); err != nil {
			t.Fatalf("DeleteUserAttributes: %v", err)
		}
		out, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken})
		if err != nil {
			t.Fatal(err)
		}
		for _, gone := range []string{"custom:plan", "email", "email_verified", "phone_number", "phone_number_verified"} {
			if v, ok := attr(out.UserAttributes, gone); ok {
				t.Errorf("%s = %q after its deletion", gone, v)
			}
		}
		if v, _ := attr(out.UserAttributes, "name"); v != "Ana" {
			t.Errorf("name = %q", v)
		}
		_, err = trySignIn(t, srv, "ana@example.com", password)
		expectErr[*types.UserNotFoundException](t, err, "")

		for _, tc := range []struct {
			name       string
			attributes []string
			test       func(t *testing.T, err error)
		}{
			{"required", []string{"name"}, func(t *testing.T, err error) {
				expectErr[*types.InvalidParameterException](t, err, "Attributes did not conform to the schema: name: The attribute is required")
			}},
			{"unknown", []string{"nosuch"}, func(t *testing.T, err error) { expectErr[*types.InvalidParameterException](t, err, "") }},
			{"developer-only", []string{"custom:score"}, func(t *testing.T, err error) { expectErr[*types.NotAuthorizedException](t, err, "") }},
			{"verified flag", []string{"email_verified"}, func(t *testing.T, err error) { expectErr[*types.NotAuthorizedException](t, err, "") }},
		} {
			t.Run(tc.name, func(t *testing.T) { tc.test(t, del(tc.attributes...)) })
		}
		if got := attrsOf(t, srv, "ana"); got["name"] != "Ana" || got["custom:score"] != "7" {
			t.Errorf("refused deletions changed ana: %v", got)
		}

		// Only what the client may write: a deletion is a write.
		limited := addClient(t, srv, &cip.CreateUserPoolClientInput{
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
			WriteAttributes:   []string{"name", "email", "custom:plan"},
		})
		lres := signIn(t, limited, "ana", password)
		_, err = c.DeleteUserAttributes(t.Context(), &cip.DeleteUserAttributesInput{AccessToken: lres.AccessToken, UserAttributeNames: []string{"given_name"}})
		expectErr[*types.NotAuthorizedException](t, err, "A client attempted to write unauthorized attribute")
		if _, err := c.DeleteUserAttributes(t.Context(), &cip.DeleteUserAttributesInput{AccessToken: lres.AccessToken, UserAttributeNames: []string{"custom:plan"}}); err != nil {
			t.Errorf("deleting a writable attribute through the limited client: %v", err)
		}

		// A signed-out token deletes nothing.
		if _, err := c.GlobalSignOut(t.Context(), &cip.GlobalSignOutInput{AccessToken: res.AccessToken}); err != nil {
			t.Fatal(err)
		}
		expectErr[*types.NotAuthorizedException](t, del("given_name"), "Access Token has been revoked")
	})
}

func TestDeleteRequiredEmail(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t) // email is required
	signUpConfirmed(t, srv, "ana", password)
	res := signIn(t, srv, "ana", password)
	_, err := sdk(srv).DeleteUserAttributes(t.Context(), &cip.DeleteUserAttributesInput{AccessToken: res.AccessToken, UserAttributeNames: []string{"email"}})
	expectErr[*types.InvalidParameterException](t, err, "Attributes did not conform to the schema: email: The attribute is required")
	_, err = sdk(srv).AdminDeleteUserAttributes(t.Context(), &cip.AdminDeleteUserAttributesInput{
		UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), UserAttributeNames: []string{"email"},
	})
	expectErr[*types.InvalidParameterException](t, err, "")
	if got := attrsOf(t, srv, "ana"); got["email"] != "ana@example.com" || got["email_verified"] != "true" {
		t.Errorf("after refused deletions ana = %v", got)
	}
}

func TestGetUserAttributeVerificationCode(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		signUpConfirmed(t, srv, "ana", password)
		res := signIn(t, srv, "ana", password)
		get := func(name string) (*cip.GetUserAttributeVerificationCodeOutput, error) {
			return c.GetUserAttributeVerificationCode(t.Context(), &cip.GetUserAttributeVerificationCodeInput{
				AccessToken: res.AccessToken, AttributeName: aws.String(name),
			})
		}
		verify := func(name, code string) error {
			_, err := c.VerifyUserAttribute(t.Context(), &cip.VerifyUserAttributeInput{
				AccessToken: res.AccessToken, AttributeName: aws.String(name), Code: aws.String(code),
			})
			return err
		}

		out, err := get("email")
		if err != nil {
			t.Fatalf("GetUserAttributeVerificationCode(email): %v", err)
		}
		if d := out.CodeDeliveryDetails; d == nil || aws.ToString(d.Destination) != "a***@e***.com" || d.DeliveryMedium != types.DeliveryMediumTypeEmail || aws.ToString(d.AttributeName) != "email" {
			t.Fatalf("CodeDeliveryDetails = %+v", out.CodeDeliveryDetails)
		}
		msgs := srv.Messages("ana")
		first := msgs[len(msgs)-1]
		if first.Purpose != "VERIFY_ATTRIBUTE" || first.Destination != "ana@example.com" || first.Medium != "EMAIL" || !sixDigits.MatchString(first.Code) {
			t.Fatalf("last message = %+v, want a VERIFY_ATTRIBUTE code to ana@example.com", first)
		}
		// A new request replaces the code.
		if _, err := get("email"); err != nil {
			t.Fatal(err)
		}
		second := srv.LastCode("ana")
		if second != first.Code {
			expectErr[*types.CodeMismatchException](t, verify("email", first.Code), "")
		}
		if err := verify("email", second); err != nil {
			t.Fatalf("VerifyUserAttribute with the new code: %v", err)
		}

		// The user has no phone number yet.
		_, err = get("phone_number")
		expectErr[*types.InvalidParameterException](t, err, "")
		if _, err := c.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{
			AccessToken: res.AccessToken, UserAttributes: attrs("phone_number", "+15555550123"),
		}); err != nil {
			t.Fatal(err)
		}
		if v := attrsOf(t, srv, "ana")["phone_number_verified"]; v != "false" {
			t.Errorf("phone_number_verified = %q for a new number", v)
		}
		out, err = get("phone_number")
		if err != nil {
			t.Fatalf("GetUserAttributeVerificationCode(phone_number): %v", err)
		}
		if d := out.CodeDeliveryDetails; aws.ToString(d.Destination) != "+*******0123" || d.DeliveryMedium != types.DeliveryMediumTypeSms || aws.ToString(d.AttributeName) != "phone_number" {
			t.Errorf("CodeDeliveryDetails = %q %q %q", aws.ToString(d.Destination), d.DeliveryMedium, aws.ToString(d.AttributeName))
		}
		if err := verify("phone_number", srv.LastCode("+15555550123")); err != nil {
			t.Fatalf("VerifyUserAttribute(phone_number): %v", err)
		}
		if v := attrsOf(t, srv, "ana")["phone_number_verified"]; v != "true" {
			t.Errorf("phone_number_verified = %q after verification", v)
		}

		for _, name := range []string{"name", "email_verified", "custom:plan"} {
			_, err := get(name)
			expectErr[*types.InvalidParameterException](t, err, "")
		}
		_, err = c.GetUserAttributeVerificationCode(t.Context(), &cip.GetUserAttributeVerificationCodeInput{
			AccessToken: aws.String("not.a.token"), AttributeName: aws.String("email"),
		})
		expectErr[*types.NotAuthorizedException](t, err, "")
	})
}

func TestAdminActionsAcceptSub(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	sub := signUpConfirmed(t, srv, "ana", password)
	pool := aws.String(srv.UserPoolID)

	if got := aws.ToString(adminGetUser(t, srv, sub).Username); got != "ana" {
		t.Errorf("AdminGetUser(sub).Username = %q, want ana", got)
	}
	if _, err := c.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
		UserPoolId: pool, Username: aws.String(sub), UserAttributes: attrs("name", "Ana"),
	}); err != nil {
		t.Fatalf("AdminUpdateUserAttributes(sub): %v", err)
	}
	if got := attrsOf(t, srv, "ana")["name"]; got != "Ana" {
		t.Errorf("name = %q after AdminUpdateUserAttributes by sub", got)
	}
	createGroup(t, srv, "admin", nil)
	if err := addToGroup(t, srv, sub, "admin"); err != nil {
		t.Fatalf("AdminAddUserToGroup(sub): %v", err)
	}
	for _, name := range []string{"ana", sub} {
		groups, err := c.AdminListGroupsForUser(t.Context(), &cip.AdminListGroupsForUserInput{UserPoolId: pool, Username: aws.String(name)})
		if err != nil || len(groups.Groups) != 1 || aws.ToString(groups.Groups[0].GroupName) != "admin" {
			t.Errorf("AdminListGroupsForUser(%s) = %+v, %v", name, groups, err)
		}
	}
	if got := groupClaim(t, signIn(t, srv, "ana", password).AccessToken); !slices.Equal(got, []string{"admin"}) {
		t.Errorf("cognito:groups = %v", got)
	}
	// The sub is no sign-in name.
	_, err := trySignIn(t, srv, sub, password)
	expectErr[*types.UserNotFoundException](t, err, "")

	if _, err := c.AdminDeleteUser(t.Context(), &cip.AdminDeleteUserInput{UserPoolId: pool, Username: aws.String(sub)}); err != nil {
		t.Fatalf("AdminDeleteUser(sub): %v", err)
	}
	for _, name := range []string{"ana", sub} {
		_, err := c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String(name)})
		expectErr[*types.UserNotFoundException](t, err, "User does not exist.")
	}
	// A new ana has a new sub; the old one names no one.
	newSub := signUpConfirmed(t, srv, "ana", password)
	if newSub == sub {
		t.Fatal("the new user has the deleted user's sub")
	}
	_, err = c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String(sub)})
	expectErr[*types.UserNotFoundException](t, err, "")
}

func TestAdminActionsAcceptAlias(t *testing.T) {
	t.Parallel()
	srv := managedPool(t, cognitotest.NewServer(t))
	c := sdk(srv)
	sub := createConfirmed(t, srv, "ana", attrs("name", "Ana", "email", "ana@example.com", "email_verified", "true"))
	pool := aws.String(srv.UserPoolID)
	for _, name := range []string{"ana@example.com", sub} {
		if got := aws.ToString(adminGetUser(t, srv, name).Username); got != "ana" {
			t.Errorf("AdminGetUser(%s).Username = %q", name, got)
		}
	}
	if _, err := c.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
		UserPoolId: pool, Username: aws.String("ana@example.com"), UserAttributes: attrs("name", "Ana B"),
	}); err != nil {
		t.Fatal(err)
	}
	createGroup(t, srv, "admin", nil)
	if err := addToGroup(t, srv, "ana@example.com", "admin"); err != nil {
		t.Fatal(err)
	}
	if got := attrsOf(t, srv, "ana")["name"]; got != "Ana B" {
		t.Errorf("name = %q", got)
	}
	// An unverified email is no alias.
	createConfirmed(t, srv, "bob", attrs("name", "Bob", "email", "bob@example.com"))
	_, err := c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("bob@example.com")})
	expectErr[*types.UserNotFoundException](t, err, "")

	// On a pool whose users sign in with their email, the username is the
	// sub: both names work.
	emails := cognitotest.NewServer(t, cognitotest.WithEmailAsUsername())
	sub = signUpConfirmed(t, emails, "carl@example.com", password)
	for _, name := range []string{"carl@example.com", sub} {
		if got := aws.ToString(adminGetUser(t, emails, name).Username); got != sub {
			t.Errorf("AdminGetUser(%s).Username = %q, want the sub", name, got)
		}
	}
}

func TestForceAliasCreation(t *testing.T) {
	t.Parallel()
	srv := managedPool(t, cognitotest.NewServer(t))
	createConfirmed(t, srv, "ana", attrs("name", "Ana", "email", "shared@example.com", "email_verified", "true"))
	signIn(t, srv, "shared@example.com", password)
	create := func(name string, force bool, attributes ...string) error {
		_, err := adminCreate(t, srv, &cip.AdminCreateUserInput{
			Username: aws.String(name), UserAttributes: attrs(attributes...), ForceAliasCreation: force,
			TemporaryPassword: aws.String(newPassword), MessageAction: types.MessageActionTypeSuppress,
		})
		return err
	}

	// Without ForceAliasCreation a verified alias of another user is refused.
	// (The SDK's model does not list AliasExistsException for
	// AdminCreateUser, so it has no typed error; the code is AWS's.)
	err := create("bob", false, "name", "Bob", "email", "shared@example.com", "email_verified", "true")
	expectCode(t, err, "AliasExistsException")
	_, err = sdk(srv).AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("bob")})
	expectErr[*types.UserNotFoundException](t, err, "")
	// An unverified email is no alias: ForceAliasCreation is ignored, and
	// the alias stays ana's.
	if err := create("carl", true, "name", "Carl", "email", "shared@example.com"); err != nil {
		t.Fatalf("AdminCreateUser with an unverified email: %v", err)
	}
	if got := attrsOf(t, srv, "ana")["email_verified"]; got != "true" {
		t.Errorf("ana's email_verified = %q after an unverified duplicate", got)
	}
	signIn(t, srv, "shared@example.com", password)

	// With ForceAliasCreation the alias moves to the new user.
	if err := create("bob", true, "name", "Bob", "email", "shared@example.com", "email_verified", "True"); err != nil {
		t.Fatalf("AdminCreateUser with ForceAliasCreation: %v", err)
	}
	ana := attrsOf(t, srv, "ana")
	if ana["email"] != "shared@example.com" || ana["email_verified"] != "false" {
		t.Errorf("ana after the move: email %q, email_verified %q; want the email kept, unverified", ana["email"], ana["email_verified"])
	}
	// ana can no longer sign in with the alias (it is bob's, whose password
	// differs), only with her username.
	_, err = trySignIn(t, srv, "shared@example.com", password)
	expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
	signIn(t, srv, "ana", password)
	// bob signs in with it (his temporary password asks for a new one).
	auth, err := trySignIn(t, srv, "shared@example.com", newPassword)
	if err != nil {
		t.Fatalf("sign-in with the moved alias: %v", err)
	}
	if auth.ChallengeName != types.ChallengeNameTypeNewPasswordRequired || auth.ChallengeParameters["USER_ID_FOR_SRP"] != "bob" {
		t.Errorf("sign-in = %q for %q, want NEW_PASSWORD_REQUIRED for bob", auth.ChallengeName, auth.ChallengeParameters["USER_ID_FOR_SRP"])
	}
	if got := aws.ToString(adminGetUser(t, srv, "shared@example.com").Username); got != "bob" {
		t.Errorf("the alias names %q, want bob", got)
	}

	// ForceAliasCreation never takes a username: on a pool whose users sign
	// in with their email, a taken email stays taken.
	emails := cognitotest.NewServer(t, cognitotest.WithEmailAsUsername())
	signUpConfirmed(t, emails, "dora@example.com", password)
	_, err = adminCreate(t, emails, &cip.AdminCreateUserInput{
		Username: aws.String("dora@example.com"), UserAttributes: attrs("email_verified", "true"), ForceAliasCreation: true,
		MessageAction: types.MessageActionTypeSuppress,
	})
	expectErr[*types.UsernameExistsException](t, err, "")
	signIn(t, emails, "dora@example.com", password)
}

// groupNames pages through a group listing and returns the names and page
// sizes.
func groupNames(t *testing.T, list func(next *string) ([]types.GroupType, *string, error)) (names []string, sizes []int) {
	t.Helper()
	var next *string
	for page := 0; ; page++ {
		if page > 20 {
			t.Fatal("pagination does not end")
		}
		groups, n, err := list(next)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(groups))
		for _, g := range groups {
			names = append(names, aws.ToString(g.GroupName))
		}
		if next = n; next == nil {
			return names, sizes
		}
	}
}

func TestGroupListingsPage(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		pool := aws.String(srv.UserPoolID)
		signUpConfirmed(t, srv, "ana", password)
		var all []string
		for i := range 5 {
			name := fmt.Sprintf("g%d", i)
			createGroup(t, srv, name, nil)
			all = append(all, name)
			if i != 2 { // ana is in every group but g2
				if err := addToGroup(t, srv, "ana", name); err != nil {
					t.Fatal(err)
				}
			}
		}

		names, sizes := groupNames(t, func(next *string) ([]types.GroupType, *string, error) {
			out, err := c.ListGroups(t.Context(), &cip.ListGroupsInput{UserPoolId: pool, Limit: aws.Int32(2), NextToken: next})
			if err != nil {
				return nil, nil, err
			}
			return out.Groups, out.NextToken, nil
		})
		if !slices.Equal(names, all) || !slices.Equal(sizes, []int{2, 2, 1}) {
			t.Errorf("ListGroups pages = %v %v, want %v in pages of 2, 2, 1", names, sizes, all)
		}

		names, sizes = groupNames(t, func(next *string) ([]types.GroupType, *string, error) {
			out, err := c.AdminListGroupsForUser(t.Context(), &cip.AdminListGroupsForUserInput{
				UserPoolId: pool, Username: aws.String("ana"), Limit: aws.Int32(3), NextToken: next,
			})
			if err != nil {
				return nil, nil, err
			}
			return out.Groups, out.NextToken, nil
		})
		if want := []string{"g0", "g1", "g3", "g4"}; !slices.Equal(names, want) || !slices.Equal(sizes, []int{3, 1}) {
			t.Errorf("AdminListGroupsForUser pages = %v %v, want %v in pages of 3, 1", names, sizes, want)
		}
		// A page that ends exactly at the last group has no NextToken.
		out, err := c.AdminListGroupsForUser(t.Context(), &cip.AdminListGroupsForUserInput{UserPoolId: pool, Username: aws.String("ana"), Limit: aws.Int32(4)})
		if err != nil || len(out.Groups) != 4 || out.NextToken != nil {
			t.Errorf("AdminListGroupsForUser(limit 4) = %d groups, next %v, %v", len(out.Groups), out.NextToken, err)
		}

		var members []string
		for i := range 5 {
			name := fmt.Sprintf("u%d", i)
			signUp(t, srv, name, password)
			if i%2 == 0 {
				if err := addToGroup(t, srv, name, "g2"); err != nil {
					t.Fatal(err)
				}
				members = append(members, name)
			}
		}
		signUp(t, srv, "u9", password)
		if err := addToGroup(t, srv, "u9", "g2"); err != nil {
			t.Fatal(err)
		}
		members = append(members, "u9")
		var got []string
		var pages []int
		var next *string
		for range 10 {
			out, err := c.ListUsersInGroup(t.Context(), &cip.ListUsersInGroupInput{UserPoolId: pool, GroupName: aws.String("g2"), Limit: aws.Int32(2), NextToken: next})
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, len(out.Users))
			for _, u := range out.Users {
				got = append(got, aws.ToString(u.Username))
			}
			if next = out.NextToken; next == nil {
				break
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, members) || !slices.Equal(pages, []int{2, 2}) {
			t.Errorf("ListUsersInGroup pages = %v %v, want %v in pages of 2, 2", got, pages, members)
		}

		_, err = c.ListGroups(t.Context(), &cip.ListGroupsInput{UserPoolId: pool, NextToken: aws.String("%%%")})
		expectErr[*types.InvalidParameterException](t, err, "")
		_, err = c.ListUsersInGroup(t.Context(), &cip.ListUsersInGroupInput{UserPoolId: pool, GroupName: aws.String("g2"), Limit: aws.Int32(61)})
		expectErr[*types.InvalidParameterException](t, err, "")
		_, err = c.AdminListGroupsForUser(t.Context(), &cip.AdminListGroupsForUserInput{UserPoolId: pool, Username: aws.String("ana"), Limit: aws.Int32(61)})
		expectErr[*types.InvalidParameterException](t, err, "")
		_, err = c.ListUsersInGroup(t.Context(), &cip.ListUsersInGroupInput{UserPoolId: pool, GroupName: aws.String("nope")})
		expectErr[*types.ResourceNotFoundException](t, err, "")
		_, err = c.AdminListGroupsForUser(t.Context(), &cip.AdminListGroupsForUserInput{UserPoolId: pool, Username: aws.String("ghost")})
		expectErr[*types.UserNotFoundException](t, err, "")
	})
}

func TestTokensShareEventID(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	eventIDs := func(res *types.AuthenticationResultType) string {
		t.Helper()
		access := unverifiedClaims(t, aws.ToString(res.AccessToken))["event_id"]
		id := unverifiedClaims(t, aws.ToString(res.IdToken))["event_id"]
		s, ok := access.(string)
		if !ok || s == "" || access != id {
			t.Fatalf("event_id: access %v, ID %v; want one non-empty value in both", access, id)
		}
		return s
	}
	first := signIn(t, srv, "ana", password)
	one := eventIDs(first)
	two := eventIDs(signIn(t, srv, "ana", password))
	refreshed, err := tryRefresh(t, srv, aws.ToString(first.RefreshToken), "ana")
	if err != nil {
		t.Fatal(err)
	}
	three := eventIDs(refreshed.AuthenticationResult)
	if one == two || one == three || two == three {
		t.Errorf("event_ids %s, %s, %s: each sign-in and refresh should have its own", one, two, three)
	}
}

func TestOutboxByNameUsersSignInWith(t *testing.T) {
	t.Parallel()
	type outbox struct {
		Messages []struct {
			Username    string `json:"username"`
			Destination string `json:"destination"`
			Purpose     string `json:"purpose"`
		} `json:"messages"`
	}
	fetch := func(t *testing.T, srv *cognitotest.Server, name string) outbox {
		t.Helper()
		var out outbox
		if status := getJSON(t, srv.Endpoint+"/_local/messages?username="+url.QueryEscape(name), &out); status != http.StatusOK {
			t.Fatalf("GET /_local/messages = %d", status)
		}
		return out
	}

	t.Run("email as username", func(t *testing.T) {
		t.Parallel()
		srv := cognitotest.NewServer(t, cognitotest.WithEmailAsUsername())
		sub := aws.ToString(signUp(t, srv, "ana@example.com", password).UserSub)
		signUp(t, srv, "bob@example.com", password)
		for _, name := range []string{"ana@example.com", sub} {
			got := fetch(t, srv, name)
			if len(got.Messages) != 1 || got.Messages[0].Username != sub || got.Messages[0].Purpose != "SIGN_UP" {
				t.Errorf("?username=%s = %+v, want ana's sign-up code", name, got.Messages)
			}
			if msgs := srv.Messages(name); len(msgs) != 1 || msgs[0].Username != sub {
				t.Errorf("Messages(%s) = %+v", name, msgs)
			}
		}
		if got := fetch(t, srv, "nobody@example.com"); len(got.Messages) != 0 {
			t.Errorf("?username=nobody@example.com = %+v", got.Messages)
		}
	})
	t.Run("alias", func(t *testing.T) {
		t.Parallel()
		srv := managedPool(t, cognitotest.NewServer(t))
		if _, err := trySignUp(t, srv, "ana", password, attrs("name", "Ana", "email", "ana@example.com")); err != nil {
			t.Fatal(err)
		}
		// An unverified email is no sign-in name yet.
		if got := fetch(t, srv, "ana@example.com"); len(got.Messages) != 0 {
			t.Errorf("before verification ?username=ana@example.com = %+v", got.Messages)
		}
		if err := tryConfirm(t, srv, "ana", srv.LastCode("ana")); err != nil {
			t.Fatal(err)
		}
		if got := fetch(t, srv, "ana@example.com"); len(got.Messages) != 1 || got.Messages[0].Username != "ana" {
			t.Errorf("?username=ana@example.com = %+v, want ana's sign-up code", got.Messages)
		}
	})
}

func TestBooleanAttributesAnyCase(t *testing.T) {
	t.Parallel()
	srv := withPool(t, cognitotest.NewServer(t), &cip.CreateUserPoolInput{
		PoolName:        aws.String("booleans"),
		AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{
			{Name: aws.String("flag"), AttributeDataType: types.AttributeDataTypeBoolean, Mutable: aws.Bool(true)},
		},
	}, nil)
	c := sdk(srv)
	createConfirmed(t, srv, "ana", attrs("email", "ana@example.com", "email_verified", "True", "custom:flag", "TRUE"))
	got := attrsOf(t, srv, "ana")
	if got["email_verified"] != "true" || got["custom:flag"] != "true" {
		t.Errorf("email_verified %q, custom:flag %q; want both stored as true", got["email_verified"], got["custom:flag"])
	}
	// Verified as "True", the email is an alias, and a boolean in the ID token.
	res := signIn(t, srv, "ana@example.com", password)
	if v := unverifiedClaims(t, aws.ToString(res.IdToken))["email_verified"]; v != true {
		t.Errorf("ID token email_verified = %v (%T), want true", v, v)
	}
	update := func(a ...string) error {
		_, err := c.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), UserAttributes: attrs(a...),
		})
		return err
	}
	if err := update("email_verified", "FALSE", "custom:flag", "fAlSe"); err != nil {
		t.Fatal(err)
	}
	got = attrsOf(t, srv, "ana")
	if got["email_verified"] != "false" || got["custom:flag"] != "false" {
		t.Errorf("email_verified %q, custom:flag %q; want both stored as false", got["email_verified"], got["custom:flag"])
	}
	_, err := trySignIn(t, srv, "ana@example.com", password)
	expectErr[*types.UserNotFoundException](t, err, "")
	for _, v := range []string{"yes", "1", "truee", ""} {
		expectErr[*types.InvalidParameterException](t, update("custom:flag", v), "")
	}
}

func TestListUsersFilterEmptyValue(t *testing.T) {
	t.Parallel()
	srv := withPool(t, cognitotest.NewServer(t), &cip.CreateUserPoolInput{PoolName: aws.String("optional-email")}, nil)
	createConfirmed(t, srv, "ana", attrs("email", "ana@example.com", "name", "Ana"))
	createConfirmed(t, srv, "bob", nil)
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{`email = ""`, nil},
		{`name = ""`, nil},
		{`phone_number = ""`, nil},
		{`email ^= ""`, []string{"ana"}},
		{`email = "ana@example.com"`, []string{"ana"}},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			got, _ := listAll(t, srv, cip.ListUsersInput{Filter: aws.String(tc.filter)})
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("ListUsers(%s) = %v, want %v", tc.filter, got, tc.want)
			}
		})
	}
}

func TestAdminResetUserPasswordDisabledUser(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	signUpConfirmed(t, srv, "ana", password)
	pool, name := aws.String(srv.UserPoolID), aws.String("ana")
	if _, err := c.AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: pool, Username: name}); err != nil {
		t.Fatal(err)
	}
	sent := len(srv.Messages("ana"))
	_, err := c.AdminResetUserPassword(t.Context(), &cip.AdminResetUserPasswordInput{UserPoolId: pool, Username: name})
	expectErr[*types.NotAuthorizedException](t, err, "User is disabled.")
	if n := len(srv.Messages("ana")); n != sent {
		t.Errorf("%d messages sent to a disabled user", n-sent)
	}
	if st := adminGetUser(t, srv, "ana").UserStatus; st != types.UserStatusTypeConfirmed {
		t.Errorf("status = %s, want CONFIRMED", st)
	}
	// Enabled again, the reset works.
	if _, err := c.AdminEnableUser(t.Context(), &cip.AdminEnableUserInput{UserPoolId: pool, Username: name}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AdminResetUserPassword(t.Context(), &cip.AdminResetUserPasswordInput{UserPoolId: pool, Username: name}); err != nil {
		t.Fatalf("AdminResetUserPassword: %v", err)
	}
	if st := adminGetUser(t, srv, "ana").UserStatus; st != types.UserStatusTypeResetRequired {
		t.Errorf("status = %s, want RESET_REQUIRED", st)
	}
}

// keepOriginalPool is managedPool with UserAttributeUpdateSettings that
// keep the original email until a new one is verified.
func keepOriginalPool(t *testing.T, srv *cognitotest.Server) *cognitotest.Server {
	t.Helper()
	return withPool(t, srv, &cip.CreateUserPoolInput{
		PoolName:               aws.String("keep-original"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		AliasAttributes:        []types.AliasAttributeType{types.AliasAttributeTypeEmail},
		UserAttributeUpdateSettings: &types.UserAttributeUpdateSettingsType{
			AttributesRequireVerificationBeforeUpdate: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		},
		Schema: []types.SchemaAttributeType{{Name: aws.String("name"), Required: aws.Bool(true), Mutable: aws.Bool(true)}},
	}, nil)
}

func TestAttributesRequireVerificationBeforeUpdate(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = keepOriginalPool(t, srv)
		c := sdk(srv)
		createConfirmed(t, srv, "ana", attrs("name", "Ana", "email", "ana@example.com", "email_verified", "true"))
		res := signIn(t, srv, "ana@example.com", password)
		update := func(a ...string) (*cip.UpdateUserAttributesOutput, error) {
			return c.UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{AccessToken: res.AccessToken, UserAttributes: attrs(a...)})
		}
		verify := func(code string) error {
			_, err := c.VerifyUserAttribute(t.Context(), &cip.VerifyUserAttributeInput{
				AccessToken: res.AccessToken, AttributeName: aws.String("email"), Code: aws.String(code),
			})
			return err
		}
		// current checks what GetUser and AdminGetUser show, and that the
		// email signs ana in.
		current := func(t *testing.T, email string) {
			t.Helper()
			out, err := c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken})
			if err != nil {
				t.Fatal(err)
			}
			for name, list := range map[string][]types.AttributeType{"GetUser": out.UserAttributes, "AdminGetUser": adminGetUser(t, srv, "ana").UserAttributes} {
				got, _ := attr(list, "email")
				verified, _ := attr(list, "email_verified")
				if got != email || verified != "true" {
					t.Errorf("%s: email %q, email_verified %q; want %q, verified", name, got, verified, email)
				}
			}
			signed := signIn(t, srv, email, password)
			if got := unverifiedClaims(t, aws.ToString(signed.IdToken))["email"]; got != email {
				t.Errorf("ID token email = %v, want %s", got, email)
			}
		}

		// The change waits: the old email stays, the code goes to the new one.
		out, err := update("email", "new@example.org", "name", "Ana B")
		if err != nil {
			t.Fatalf("UpdateUserAttributes: %v", err)
		}
		if len(out.CodeDeliveryDetailsList) != 1 || aws.ToString(out.CodeDeliveryDetailsList[0].Destination) != "n***@e***.org" {
			t.Fatalf("CodeDeliveryDetailsList = %+v, want one delivery to the new email", out.CodeDeliveryDetailsList)
		}
		current(t, "ana@example.com")
		if got := attrsOf(t, srv, "ana")["name"]; got != "Ana B" {
			t.Errorf("name = %q: the other attributes of the write take effect", got)
		}
		_, err = trySignIn(t, srv, "new@example.org", password)
		expectErr[*types.UserNotFoundException](t, err, "")
		msgs := srv.Messages("ana")
		if last := msgs[len(msgs)-1]; last.Destination != "new@example.org" || last.Purpose != "VERIFY_ATTRIBUTE" {
			t.Fatalf("last message = %+v, want a code to new@example.org", last)
		}
		// A new code for the email goes to the pending value too.
		got, err := c.GetUserAttributeVerificationCode(t.Context(), &cip.GetUserAttributeVerificationCodeInput{AccessToken: res.AccessToken, AttributeName: aws.String("email")})
		if err != nil || aws.ToString(got.CodeDeliveryDetails.Destination) != "n***@e***.org" {
			t.Fatalf("GetUserAttributeVerificationCode = %+v, %v", got, err)
		}
		code := srv.LastCode("new@example.org")
		expectErr[*types.CodeMismatchException](t, verify(wrongCode(code)), "")
		current(t, "ana@example.com")
		if err := verify(code); err != nil {
			t.Fatalf("VerifyUserAttribute: %v", err)
		}
		current(t, "new@example.org")
		_, err = trySignIn(t, srv, "ana@example.com", password)
		expectErr[*types.UserNotFoundException](t, err, "")

		// Writing the current value again drops a waiting change and its code.
		if _, err := update("email", "third@example.org"); err != nil {
			t.Fatal(err)
		}
		code = srv.LastCode("third@example.org")
		if _, err := update("email", "new@example.org"); err != nil {
			t.Fatal(err)
		}
		expectErr[*types.ExpiredCodeException](t, verify(code), "")
		current(t, "new@example.org")

		// A pending value another user signs in with is refused when it is
		// verified; the old value stays.
		createConfirmed(t, srv, "bob", attrs("name", "Bob", "email", "bob@example.com", "email_verified", "true"))
		if _, err := update("email", "bob@example.com"); err != nil {
			t.Fatalf("UpdateUserAttributes to a taken email: %v", err)
		}
		msgs = srv.Messages("ana")
		expectErr[*types.AliasExistsException](t, verify(msgs[len(msgs)-1].Code), "")
		current(t, "new@example.org")

		// An administrator's change waits too, unless it marks the value
		// verified; email_verified=true alone applies the waiting one.
		admin := func(a ...string) error {
			_, err := c.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
				UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), UserAttributes: attrs(a...),
			})
			return err
		}
		if err := admin("email", "admin@example.org"); err != nil {
			t.Fatal(err)
		}
		msgs = srv.Messages("ana")
		if last := msgs[len(msgs)-1]; last.Destination != "admin@example.org" {
			t.Errorf("last message = %+v, want a code to admin@example.org", last)
		}
		current(t, "new@example.org")
		if err := admin("email_verified", "true"); err != nil {
			t.Fatal(err)
		}
		current(t, "admin@example.org")
		sent := len(srv.Messages(""))
		if err := admin("email", "direct@example.org", "email_verified", "true"); err != nil {
			t.Fatal(err)
		}
		current(t, "direct@example.org")
		if n := len(srv.Messages("")); n != sent {
			t.Errorf("%d messages for a change marked verified", n-sent)
		}

		// Deleting the email drops a waiting change of it.
		if _, err := update("email", "later@example.org"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AdminDeleteUserAttributes(t.Context(), &cip.AdminDeleteUserAttributesInput{
			UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), UserAttributeNames: []string{"email"},
		}); err != nil {
			t.Fatal(err)
		}
		if v, ok := attrsOf(t, srv, "ana")["email"]; ok {
			t.Errorf("email = %q after its deletion", v)
		}
		expectErr[*types.ExpiredCodeException](t, verify(srv.LastCode("later@example.org")), "")
		_, err = c.GetUserAttributeVerificationCode(t.Context(), &cip.GetUserAttributeVerificationCodeInput{AccessToken: res.AccessToken, AttributeName: aws.String("email")})
		expectErr[*types.InvalidParameterException](t, err, "")

		// With no verified value to keep, a new email takes effect at once,
		// unverified.
		if _, err := update("email", "fresh@example.org"); err != nil {
			t.Fatal(err)
		}
		if got := attrsOf(t, srv, "ana"); got["email"] != "fresh@example.org" || got["email_verified"] != "false" {
			t.Errorf("email %q, email_verified %q; want the new email, unverified", got["email"], got["email_verified"])
		}
	})
}

// A developer-only attribute is written by an administrator under the name
// DescribeUserPool shows (dev:custom:<name>) as under custom:<name>, and
// never by the user.
func TestDeveloperOnlyAttributeNames(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	dev := withPool(t, srv, &cip.CreateUserPoolInput{
		PoolName: aws.String("dev-attrs"), AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{{Name: aws.String("score"), AttributeDataType: types.AttributeDataTypeNumber, DeveloperOnlyAttribute: aws.Bool(true)}},
	}, nil)
	signUpConfirmed(t, dev, "ana", password)
	for _, name := range []string{"dev:custom:score", "custom:score"} {
		_, err := sdk(dev).AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(dev.UserPoolID), Username: aws.String("ana"), UserAttributes: attrs(name, "7"),
		})
		if err != nil {
			t.Fatalf("AdminUpdateUserAttributes(%s): %v", name, err)
		}
	}
	if v, _ := attr(adminGetUser(t, dev, "ana").UserAttributes, "custom:score"); v != "7" {
		t.Errorf("custom:score = %q, want 7", v)
	}
	token := signIn(t, dev, "ana", password).AccessToken
	_, err := sdk(dev).UpdateUserAttributes(t.Context(), &cip.UpdateUserAttributesInput{AccessToken: token, UserAttributes: attrs("dev:custom:score", "9")})
	expectErr[*types.NotAuthorizedException](t, err, "")
}

// TestListUsersIndex: the search index follows every change of a user —
// a new email, a disabled account, a deletion — on both stores, and its
// pages stay stable while users are added.
func TestListUsersIndex(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		for _, name := range []string{"ana", "bob", "carla"} {
			signUpConfirmed(t, srv, name, password)
		}
		checkFound(t, srv, `email = "`+emailFor("bob")+`"`, "bob")
		if _, err := c.AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("bob"), UserAttributes: attrs("email", "robert@example.com", "email_verified", "true"),
		}); err != nil {
			t.Fatal(err)
		}
		checkFound(t, srv, `email = "`+emailFor("bob")+`"`)
		checkFound(t, srv, `email = "robert@example.com"`, "bob")
		checkFound(t, srv, `email ^= "robert@"`, "bob")
		if _, err := c.AdminDisableUser(t.Context(), &cip.AdminDisableUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("carla")}); err != nil {
			t.Fatal(err)
		}
		checkFound(t, srv, `status = "Disabled"`, "carla")
		checkFound(t, srv, `status = "Enabled"`, "ana", "bob")
		if _, err := c.AdminDeleteUser(t.Context(), &cip.AdminDeleteUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")}); err != nil {
			t.Fatal(err)
		}
		checkFound(t, srv, `username = "ana"`)
		checkFound(t, srv, `cognito:user_status = "CONFIRMED"`, "bob", "carla")

		// Pages of a prefix filter, with users added between them: each
		// user listed once, in the index's order.
		for _, name := range []string{"user1", "user3", "user5"} {
			signUpConfirmed(t, srv, name, password)
		}
		page := func(token *string) *cip.ListUsersOutput {
			t.Helper()
			out, err := c.ListUsers(t.Context(), &cip.ListUsersInput{
				UserPoolId: aws.String(srv.UserPoolID), Filter: aws.String(`username ^= "user"`), Limit: aws.Int32(2), PaginationToken: token,
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		first := page(nil)
		signUpConfirmed(t, srv, "user0", password) // before the page token: not listed now
		signUpConfirmed(t, srv, "user4", password) // after it: listed
		var names []string
		for out := first; ; out = page(out.PaginationToken) {
			for _, u := range out.Users {
				names = append(names, aws.ToString(u.Username))
			}
			if out.PaginationToken == nil {
				break
			}
		}
		if got := strings.Join(names, ","); got != "user1,user3,user4,user5" {
			t.Errorf("pages = %s, want user1,user3,user4,user5", got)
		}
	})
}
