package emulator_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

var poolIDPattern = regexp.MustCompile(`^eu-west-1_[A-Za-z0-9]{9}$`)

func TestCreateUserPoolDefaults(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	out, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("defaults")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.UserPool.Id)
	if !poolIDPattern.MatchString(id) || !poolIDPattern.MatchString(srv.UserPoolID) {
		t.Errorf("pool IDs %q, %q do not match %s", id, srv.UserPoolID, poolIDPattern)
	}
	if id == srv.UserPoolID {
		t.Errorf("two pools have the same ID %q", id)
	}
	d, err := c.DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(d.UserPool.Name); got != "defaults" {
		t.Errorf("Name = %q", got)
	}
	if got := aws.ToString(d.UserPool.Arn); got != "arn:aws:cognito-idp:eu-west-1:000000000000:userpool/"+id {
		t.Errorf("Arn = %q", got)
	}
	pp := d.UserPool.Policies.PasswordPolicy
	if aws.ToInt32(pp.MinimumLength) != 8 || !pp.RequireUppercase || !pp.RequireLowercase || !pp.RequireNumbers || !pp.RequireSymbols {
		t.Errorf("default password policy = %+v, want Cognito's (8, upper, lower, numbers, symbols)", *pp)
	}
	if d.UserPool.DeletionProtection != types.DeletionProtectionTypeInactive {
		t.Errorf("DeletionProtection = %q", d.UserPool.DeletionProtection)
	}
	if d.UserPool.CreationDate == nil || d.UserPool.CreationDate.IsZero() {
		t.Error("no CreationDate")
	}
	if _, ok := schemaAttribute(d.UserPool.SchemaAttributes, "sub"); !ok {
		t.Error("the schema has no sub")
	}
}

func schemaAttribute(schema []types.SchemaAttributeType, name string) (types.SchemaAttributeType, bool) {
	i := slices.IndexFunc(schema, func(a types.SchemaAttributeType) bool { return aws.ToString(a.Name) == name })
	if i < 0 {
		return types.SchemaAttributeType{}, false
	}
	return schema[i], true
}

func TestCreateUserPoolSettings(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	out, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{
		PoolName: aws.String("settings"),
		Policies: &types.UserPoolPolicyType{PasswordPolicy: &types.PasswordPolicyType{
			MinimumLength: aws.Int32(12), RequireNumbers: true, TemporaryPasswordValidityDays: 3,
		}},
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		UsernameAttributes:     []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{
			{Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true)},
			{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
			{Name: aws.String("seats"), AttributeDataType: types.AttributeDataTypeNumber,
				NumberAttributeConstraints: &types.NumberAttributeConstraintsType{MinValue: aws.String("1"), MaxValue: aws.String("100")}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: out.UserPool.Id})
	if err != nil {
		t.Fatal(err)
	}
	pp := d.UserPool.Policies.PasswordPolicy
	if aws.ToInt32(pp.MinimumLength) != 12 || pp.RequireUppercase || pp.RequireLowercase || !pp.RequireNumbers || pp.RequireSymbols || pp.TemporaryPasswordValidityDays != 3 {
		t.Errorf("password policy = %+v", *pp)
	}
	if !slices.Equal(d.UserPool.AutoVerifiedAttributes, []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}) {
		t.Errorf("AutoVerifiedAttributes = %v", d.UserPool.AutoVerifiedAttributes)
	}
	if !slices.Equal(d.UserPool.UsernameAttributes, []types.UsernameAttributeType{types.UsernameAttributeTypeEmail}) {
		t.Errorf("UsernameAttributes = %v", d.UserPool.UsernameAttributes)
	}
	email, ok := schemaAttribute(d.UserPool.SchemaAttributes, "email")
	if !ok || !aws.ToBool(email.Required) {
		t.Errorf("email = %+v, want required", email)
	}
	plan, ok := schemaAttribute(d.UserPool.SchemaAttributes, "custom:plan")
	if !ok || plan.AttributeDataType != types.AttributeDataTypeString || !aws.ToBool(plan.Mutable) {
		t.Errorf("custom:plan = %+v, %v", plan, ok)
	}
	seats, ok := schemaAttribute(d.UserPool.SchemaAttributes, "custom:seats")
	if !ok || seats.AttributeDataType != types.AttributeDataTypeNumber || seats.NumberAttributeConstraints == nil ||
		aws.ToString(seats.NumberAttributeConstraints.MaxValue) != "100" {
		t.Errorf("custom:seats = %+v, %v", seats, ok)
	}
	if _, ok := schemaAttribute(d.UserPool.SchemaAttributes, "plan"); ok {
		t.Error("custom attribute listed without its custom: prefix")
	}
}

func TestCreateUserPoolInvalid(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	for _, tc := range []struct {
		name string
		in   cip.CreateUserPoolInput
	}{
		{"username and alias attributes", cip.CreateUserPoolInput{
			UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
			AliasAttributes:    []types.AliasAttributeType{types.AliasAttributeTypePreferredUsername},
		}},
		{"required custom attribute", cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true)},
		}}},
		{"custom attribute twice", cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString},
			{Name: aws.String("plan"), AttributeDataType: types.AttributeDataTypeString},
		}}},
		{"custom attribute of unknown type", cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("plan"), AttributeDataType: types.AttributeDataType("Blob")},
		}}},
		{"sub changed", cip.CreateUserPoolInput{Schema: []types.SchemaAttributeType{
			{Name: aws.String("sub"), Mutable: aws.Bool(true)},
		}}},
		{"auto-verified name", cip.CreateUserPoolInput{AutoVerifiedAttributes: []types.VerifiedAttributeType{"name"}}},
		{"username attribute name", cip.CreateUserPoolInput{UsernameAttributes: []types.UsernameAttributeType{"name"}}},
		{"minimum length 5", cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{
			PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(5)}}}},
		{"minimum length 100", cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{
			PasswordPolicy: &types.PasswordPolicyType{MinimumLength: aws.Int32(100)}}}},
		{"temporary password validity 366 days", cip.CreateUserPoolInput{Policies: &types.UserPoolPolicyType{
			PasswordPolicy: &types.PasswordPolicyType{TemporaryPasswordValidityDays: 366}}}},
		{"pool name with a slash", cip.CreateUserPoolInput{PoolName: aws.String("a/b")}},
		{"unknown deletion protection", cip.CreateUserPoolInput{DeletionProtection: "SOMETIMES"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.PoolName == nil {
				in.PoolName = aws.String("invalid")
			}
			_, err := c.CreateUserPool(t.Context(), &in)
			expectErr[*types.InvalidParameterException](t, err, "")
		})
	}
	t.Run("exact message for the username/alias conflict", func(t *testing.T) {
		_, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{
			PoolName:           aws.String("conflict"),
			UsernameAttributes: []types.UsernameAttributeType{types.UsernameAttributeTypeEmail},
			AliasAttributes:    []types.AliasAttributeType{types.AliasAttributeTypeEmail},
		})
		expectErr[*types.InvalidParameterException](t, err, "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
	})
}

func TestDescribeUserPoolNotFound(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	_, err := sdk(srv).DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: aws.String("eu-west-1_NoSuchPoo")})
	expectErr[*types.ResourceNotFoundException](t, err, "User pool eu-west-1_NoSuchPoo does not exist.")
}

func TestListUserPoolsPagination(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	want := []string{srv.UserPoolID}
	for i := range 4 {
		out, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String(fmt.Sprintf("pool-%d", i))})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, aws.ToString(out.UserPool.Id))
	}
	var got, names []string
	var sizes []int
	var token *string
	for page := 0; ; page++ {
		if page > 5 {
			t.Fatal("pagination does not end")
		}
		out, err := c.ListUserPools(t.Context(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(2), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(out.UserPools))
		for _, p := range out.UserPools {
			got = append(got, aws.ToString(p.Id))
			names = append(names, aws.ToString(p.Name))
			if p.CreationDate == nil {
				t.Errorf("pool %s has no CreationDate", aws.ToString(p.Id))
			}
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if !slices.Equal(sizes, []int{2, 2, 1}) {
		t.Errorf("page sizes = %v, want [2 2 1]", sizes)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("listed pools %v (named %v), want %v (each once)", got, names, want)
	}

	for _, n := range []int32{0, 61} {
		_, err := c.ListUserPools(t.Context(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(n)})
		expectErr[*types.InvalidParameterException](t, err, "")
	}
	_, err := c.ListUserPools(t.Context(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(2), NextToken: aws.String("%%%not base64")})
	expectErr[*types.InvalidParameterException](t, err, "")
}

// The SDK refuses to send a ListUserPools without MaxResults, so the server's
// own check is reached with a raw request.
func TestListUserPoolsMaxResultsRequired(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	status, body := rawCall(t, srv, "ListUserPools", `{}`, true)
	if status != http.StatusBadRequest || errorType(t, body) != "InvalidParameterException" {
		t.Errorf("ListUserPools without MaxResults = %d %s, want 400 InvalidParameterException", status, body)
	}
}

func TestDeleteUserPool(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	signUpConfirmed(t, srv, "ana", password)
	res := signIn(t, srv, "ana", password)

	if _, err := c.DeleteUserPool(t.Context(), &cip.DeleteUserPoolInput{UserPoolId: aws.String(srv.UserPoolID)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(srv.UserPoolID)})
	expectErr[*types.ResourceNotFoundException](t, err, "")
	_, err = c.DeleteUserPool(t.Context(), &cip.DeleteUserPoolInput{UserPoolId: aws.String(srv.UserPoolID)})
	expectErr[*types.ResourceNotFoundException](t, err, "")
	// Its clients, users and keys are gone with it.
	_, err = trySignIn(t, srv, "ana", password)
	expectErr[*types.ResourceNotFoundException](t, err, "")
	_, err = c.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")})
	expectErr[*types.ResourceNotFoundException](t, err, "")
	_, err = c.GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken})
	expectErr[*types.NotAuthorizedException](t, err, "")
	_, err = tryRefresh(t, srv, aws.ToString(res.RefreshToken), "ana")
	expectErr[*types.ResourceNotFoundException](t, err, "")
	if status := getJSON(t, srv.Endpoint+"/"+srv.UserPoolID+"/.well-known/jwks.json", nil); status != http.StatusNotFound {
		t.Errorf("JWKS of a deleted pool: status %d, want 404", status)
	}
}

func TestDeleteUserPoolDeletionProtection(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	out, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{
		PoolName: aws.String("protected"), DeletionProtection: types.DeletionProtectionTypeActive,
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.UserPool.DeletionProtection != types.DeletionProtectionTypeActive {
		t.Errorf("DeletionProtection = %q", out.UserPool.DeletionProtection)
	}
	_, err = c.DeleteUserPool(t.Context(), &cip.DeleteUserPoolInput{UserPoolId: out.UserPool.Id})
	expectErr[*types.InvalidParameterException](t, err, "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
	if _, err := c.DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: out.UserPool.Id}); err != nil {
		t.Errorf("protected pool after a refused delete: %v", err)
	}
}

func TestCreateUserPoolClient(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	pool := aws.String(srv.UserPoolID)

	t.Run("secret", func(t *testing.T) {
		out, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
			UserPoolId: pool, ClientName: aws.String("secret"), GenerateSecret: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		secret := aws.ToString(out.UserPoolClient.ClientSecret)
		if len(secret) < 32 {
			t.Errorf("ClientSecret = %q, want a long secret", secret)
		}
		d, err := c.DescribeUserPoolClient(t.Context(), &cip.DescribeUserPoolClientInput{UserPoolId: pool, ClientId: out.UserPoolClient.ClientId})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(d.UserPoolClient.ClientSecret) != secret {
			t.Error("DescribeUserPoolClient returns another secret")
		}
		if aws.ToString(d.UserPoolClient.ClientName) != "secret" || aws.ToString(d.UserPoolClient.UserPoolId) != srv.UserPoolID {
			t.Errorf("described client = %+v", *d.UserPoolClient)
		}
	})

	t.Run("defaults", func(t *testing.T) {
		out, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{UserPoolId: pool, ClientName: aws.String("defaults")})
		if err != nil {
			t.Fatal(err)
		}
		cl := out.UserPoolClient
		if cl.ClientSecret != nil {
			t.Errorf("client without GenerateSecret has secret %q", aws.ToString(cl.ClientSecret))
		}
		flows := slices.Clone(cl.ExplicitAuthFlows)
		slices.Sort(flows)
		want := []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowCustomAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
		}
		if !slices.Equal(flows, want) {
			t.Errorf("default ExplicitAuthFlows = %v, want %v", flows, want)
		}
		if aws.ToInt32(cl.AccessTokenValidity) != 1 || aws.ToInt32(cl.IdTokenValidity) != 1 || cl.RefreshTokenValidity != 30 {
			t.Errorf("validities = %d %d %d, want 1 1 30", aws.ToInt32(cl.AccessTokenValidity), aws.ToInt32(cl.IdTokenValidity), cl.RefreshTokenValidity)
		}
		if u := cl.TokenValidityUnits; u == nil || u.AccessToken != types.TimeUnitsTypeHours || u.IdToken != types.TimeUnitsTypeHours || u.RefreshToken != types.TimeUnitsTypeDays {
			t.Errorf("TokenValidityUnits = %+v, want hours hours days", u)
		}
		if cl.PreventUserExistenceErrors != types.PreventUserExistenceErrorTypesLegacy {
			t.Errorf("PreventUserExistenceErrors = %q", cl.PreventUserExistenceErrors)
		}
		// Default flows do not include USER_PASSWORD_AUTH.
		signUpConfirmed(t, srv, "ana", password)
		other := *srv
		other.ClientID, other.ClientSecret = aws.ToString(cl.ClientId), ""
		_, err = trySignIn(t, &other, "ana", password)
		expectErr[*types.InvalidParameterException](t, err, "")
	})

	t.Run("token validity in units", func(t *testing.T) {
		out, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
			UserPoolId: pool, ClientName: aws.String("units"),
			AccessTokenValidity: aws.Int32(30), IdTokenValidity: aws.Int32(2), RefreshTokenValidity: 600,
			TokenValidityUnits: &types.TokenValidityUnitsType{
				AccessToken: types.TimeUnitsTypeMinutes, IdToken: types.TimeUnitsTypeHours, RefreshToken: types.TimeUnitsTypeMinutes,
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		cl := out.UserPoolClient
		if aws.ToInt32(cl.AccessTokenValidity) != 30 || aws.ToInt32(cl.IdTokenValidity) != 2 || cl.RefreshTokenValidity != 600 {
			t.Errorf("validities = %d %d %d, want 30 2 600", aws.ToInt32(cl.AccessTokenValidity), aws.ToInt32(cl.IdTokenValidity), cl.RefreshTokenValidity)
		}
		if u := cl.TokenValidityUnits; u == nil || u.AccessToken != types.TimeUnitsTypeMinutes || u.IdToken != types.TimeUnitsTypeHours || u.RefreshToken != types.TimeUnitsTypeMinutes {
			t.Errorf("TokenValidityUnits = %+v", u)
		}
	})

	t.Run("legacy flows", func(t *testing.T) {
		out, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
			UserPoolId: pool, ClientName: aws.String("legacy"),
			ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeUserPasswordAuth},
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(out.UserPoolClient.ExplicitAuthFlows, types.ExplicitAuthFlowsTypeUserPasswordAuth) {
			t.Errorf("ExplicitAuthFlows = %v", out.UserPoolClient.ExplicitAuthFlows)
		}
	})

	minutes := &types.TokenValidityUnitsType{AccessToken: types.TimeUnitsTypeMinutes, IdToken: types.TimeUnitsTypeMinutes, RefreshToken: types.TimeUnitsTypeMinutes}
	for _, tc := range []struct {
		name string
		in   cip.CreateUserPoolClientInput
	}{
		{"access token 4 minutes", cip.CreateUserPoolClientInput{AccessTokenValidity: aws.Int32(4), TokenValidityUnits: minutes}},
		{"access token 25 hours", cip.CreateUserPoolClientInput{AccessTokenValidity: aws.Int32(25)}},
		{"access token 0", cip.CreateUserPoolClientInput{AccessTokenValidity: aws.Int32(0)}},
		{"access token negative", cip.CreateUserPoolClientInput{AccessTokenValidity: aws.Int32(-1)}},
		{"ID token 2 days", cip.CreateUserPoolClientInput{IdTokenValidity: aws.Int32(2),
			TokenValidityUnits: &types.TokenValidityUnitsType{IdToken: types.TimeUnitsTypeDays}}},
		{"refresh token 59 minutes", cip.CreateUserPoolClientInput{RefreshTokenValidity: 59, TokenValidityUnits: minutes}},
		{"refresh token 3651 days", cip.CreateUserPoolClientInput{RefreshTokenValidity: 3651}},
		{"refresh shorter than access", cip.CreateUserPoolClientInput{
			AccessTokenValidity: aws.Int32(120), RefreshTokenValidity: 60, TokenValidityUnits: minutes}},
		{"unknown unit", cip.CreateUserPoolClientInput{AccessTokenValidity: aws.Int32(1),
			TokenValidityUnits: &types.TokenValidityUnitsType{AccessToken: "weeks"}}},
		{"ALLOW_ and legacy flows", cip.CreateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeUserPasswordAuth}}},
		{"unknown flow", cip.CreateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{"ALLOW_MAGIC"}}},
		{"unknown PreventUserExistenceErrors", cip.CreateUserPoolClientInput{PreventUserExistenceErrors: "SOMETIMES"}},
		{"auth session validity 2", cip.CreateUserPoolClientInput{AuthSessionValidity: aws.Int32(2)}},
		{"read attribute not in the schema", cip.CreateUserPoolClientInput{ReadAttributes: []string{"custom:nope"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.UserPoolId, in.ClientName = pool, aws.String("bad")
			_, err := c.CreateUserPoolClient(t.Context(), &in)
			expectErr[*types.InvalidParameterException](t, err, "")
		})
	}

	t.Run("unknown pool", func(t *testing.T) {
		_, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
			UserPoolId: aws.String("eu-west-1_NoSuchPoo"), ClientName: aws.String("x"),
		})
		expectErr[*types.ResourceNotFoundException](t, err, "")
	})
}

func TestDescribeUserPoolClientNotFound(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	other, err := c.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("other")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, pool, client string }{
		{"client of another pool", aws.ToString(other.UserPool.Id), srv.ClientID},
		{"unknown client", srv.UserPoolID, "nosuchclient0000000000000"},
		{"unknown pool", "eu-west-1_NoSuchPoo", srv.ClientID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.DescribeUserPoolClient(t.Context(), &cip.DescribeUserPoolClientInput{
				UserPoolId: aws.String(tc.pool), ClientId: aws.String(tc.client),
			})
			expectErr[*types.ResourceNotFoundException](t, err, "")
		})
	}
}

func TestListUserPoolClients(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	want := []string{srv.ClientID}
	for i := range 2 {
		out, err := c.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientName: aws.String(fmt.Sprintf("client-%d", i)),
		})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, aws.ToString(out.UserPoolClient.ClientId))
	}
	// A client of another pool is not listed.
	withPool(t, srv, &cip.CreateUserPoolInput{PoolName: aws.String("other")}, nil)

	var got []string
	var sizes []int
	var token *string
	for page := 0; ; page++ {
		if page > 5 {
			t.Fatal("pagination does not end")
		}
		out, err := c.ListUserPoolClients(t.Context(), &cip.ListUserPoolClientsInput{
			UserPoolId: aws.String(srv.UserPoolID), MaxResults: aws.Int32(2), NextToken: token,
		})
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(out.UserPoolClients))
		for _, cl := range out.UserPoolClients {
			got = append(got, aws.ToString(cl.ClientId))
			if aws.ToString(cl.UserPoolId) != srv.UserPoolID {
				t.Errorf("client %s listed with pool %s", aws.ToString(cl.ClientId), aws.ToString(cl.UserPoolId))
			}
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if !slices.Equal(sizes, []int{2, 1}) {
		t.Errorf("page sizes = %v, want [2 1]", sizes)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("listed clients %v, want %v", got, want)
	}
	_, err := c.ListUserPoolClients(t.Context(), &cip.ListUserPoolClientsInput{UserPoolId: aws.String("eu-west-1_NoSuchPoo")})
	expectErr[*types.ResourceNotFoundException](t, err, "")
}

func TestDeleteUserPoolClient(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	c := sdk(srv)
	in := &cip.DeleteUserPoolClientInput{UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID)}
	if _, err := c.DeleteUserPoolClient(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	_, err := c.DescribeUserPoolClient(t.Context(), &cip.DescribeUserPoolClientInput{UserPoolId: in.UserPoolId, ClientId: in.ClientId})
	expectErr[*types.ResourceNotFoundException](t, err, "")
	_, err = c.DeleteUserPoolClient(t.Context(), in)
	expectErr[*types.ResourceNotFoundException](t, err, "")
	_, err = trySignUp(t, srv, "ana", password, attrs("email", "ana@example.com"))
	expectErr[*types.ResourceNotFoundException](t, err, "User pool client "+srv.ClientID+" does not exist.")
}

// Admin and pool operations are IAM-authorized: a caller without
// credentials is refused. The user operations need no credentials.
func TestAdminCallsNeedCredentials(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	cfg := srv.AWSConfig()
	cfg.Credentials = aws.AnonymousCredentials{}
	anon := cip.NewFromConfig(cfg)
	pool := aws.String(srv.UserPoolID)
	for name, call := range map[string]func() error{
		"CreateUserPool": func() error {
			_, err := anon.CreateUserPool(t.Context(), &cip.CreateUserPoolInput{PoolName: aws.String("x")})
			return err
		},
		"DescribeUserPool": func() error {
			_, err := anon.DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: pool})
			return err
		},
		"ListUserPools": func() error {
			_, err := anon.ListUserPools(t.Context(), &cip.ListUserPoolsInput{MaxResults: aws.Int32(10)})
			return err
		},
		"DeleteUserPool": func() error {
			_, err := anon.DeleteUserPool(t.Context(), &cip.DeleteUserPoolInput{UserPoolId: pool})
			return err
		},
		"CreateUserPoolClient": func() error {
			_, err := anon.CreateUserPoolClient(t.Context(), &cip.CreateUserPoolClientInput{UserPoolId: pool, ClientName: aws.String("x")})
			return err
		},
		"AdminGetUser": func() error {
			_, err := anon.AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("ana")})
			return err
		},
		"AdminCreateUser": func() error {
			_, err := anon.AdminCreateUser(t.Context(), &cip.AdminCreateUserInput{UserPoolId: pool, Username: aws.String("eve")})
			return err
		},
		"ListUsers": func() error {
			_, err := anon.ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: pool})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			expectCode(t, call(), "MissingAuthenticationTokenException")
		})
	}
	// Nothing was done: the pool is still there and eve does not exist.
	_, err := sdk(srv).AdminGetUser(t.Context(), &cip.AdminGetUserInput{UserPoolId: pool, Username: aws.String("eve")})
	expectErr[*types.UserNotFoundException](t, err, "")

	t.Run("user operations", func(t *testing.T) {
		_, err := anon.SignUp(t.Context(), &cip.SignUpInput{
			ClientId: aws.String(srv.ClientID), Username: aws.String("ana"), Password: aws.String(password),
			UserAttributes: attrs("email", "ana@example.com"),
		})
		if err != nil {
			t.Fatalf("anonymous SignUp: %v", err)
		}
		_, err = anon.ConfirmSignUp(t.Context(), &cip.ConfirmSignUpInput{
			ClientId: aws.String(srv.ClientID), Username: aws.String("ana"), ConfirmationCode: aws.String(srv.LastCode("ana")),
		})
		if err != nil {
			t.Fatalf("anonymous ConfirmSignUp: %v", err)
		}
		out, err := anon.InitiateAuth(t.Context(), &cip.InitiateAuthInput{
			ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "ana", "PASSWORD": password},
		})
		if err != nil {
			t.Fatalf("anonymous InitiateAuth: %v", err)
		}
		if _, err := anon.GetUser(t.Context(), &cip.GetUserInput{AccessToken: out.AuthenticationResult.AccessToken}); err != nil {
			t.Fatalf("anonymous GetUser: %v", err)
		}
	})
}
