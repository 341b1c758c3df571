package emulator_test

import (
	"bytes"
	"encoding/base32"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/internal/secrethash"
	"github.com/cognitokit/cognito/internal/teststores"
	"github.com/cognitokit/cognito/internal/totp"
)

// The example setup (examples/local-config.yaml) declares every kind of
// thing; these are some of its names and values.
const (
	setupFile        = "../examples/local-config.yaml"
	shopPool         = "eu-west-1_Local123"
	staffPool        = "eu-west-1_Staff456"
	shopWeb          = "shop0web0client00000000001"
	shopBackend      = "shop0backend0client0000001"
	shopJobs         = "shop0jobs0client0000000001"
	shopSecret       = "shop_backend_local_secret_0123456789"
	anaSub           = "5b0c1f0e-7a8d-4c1b-9e2f-3a4b5c6d7e8f"
	anaPassword      = "Shop-pass-ana1"
	carlaTOTP        = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	carlaPassword    = "Shop-pass-carla3"
	bobTempPassword  = "Temporary-bob2"
	shopPoolPassword = "Shop-pass-new9" // satisfies the shop pool's policy
)

// readSetup parses a setup file, failing the test if it cannot.
func readSetup(t *testing.T, path string) *emulator.Setup {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	setup, err := emulator.ParseSetup(raw)
	if err != nil {
		t.Fatal(err)
	}
	return setup
}

// parseSetup parses a setup written in a test.
func parseSetup(t *testing.T, doc string) *emulator.Setup {
	t.Helper()
	setup, err := emulator.ParseSetup([]byte(doc))
	if err != nil {
		t.Fatalf("ParseSetup: %v\n%s", err, doc)
	}
	return setup
}

// apply applies setup to srv, failing the test if that fails.
func apply(t *testing.T, srv *cognitotest.Server, setup *emulator.Setup) {
	t.Helper()
	if err := srv.Emulator.Apply(t.Context(), setup); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

// exported is srv's state as YAML, without srv's own pool (which
// cognitotest makes with a random ID).
func exported(t *testing.T, srv *cognitotest.Server, hashes bool) []byte {
	t.Helper()
	setup, err := srv.Emulator.Export(t.Context(), emulator.ExportOptions{PasswordHashes: hashes})
	if err != nil {
		t.Fatal(err)
	}
	setup.Pools = slices.DeleteFunc(setup.Pools, func(p emulator.PoolSetup) bool { return p.ID == srv.UserPoolID })
	out, err := setup.YAML()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// onEachStorePair runs test once per store kind with two servers, each
// on a store of its own of that kind.
func onEachStorePair(t *testing.T, test func(t *testing.T, srv, fresh *cognitotest.Server)) {
	t.Helper()
	for _, kind := range teststores.Kinds {
		t.Run(kind.Name, func(t *testing.T) {
			t.Parallel()
			var srvs [2]*cognitotest.Server
			for i := range srvs {
				st := kind.Open(t)
				t.Cleanup(func() { st.Close() }) // after the server's own cleanup
				srvs[i] = cognitotest.NewServer(t, cognitotest.WithStore(st))
			}
			test(t, srvs[0], srvs[1])
		})
	}
}

// A setup that sets every kind of thing applies, applies again without
// changing anything, and comes back the same from its export on a new
// server, with or without the password hashes.
func TestSetupAppliesIdempotentlyAndRoundTrips(t *testing.T) {
	onEachStorePair(t, func(t *testing.T, srv, fresh *cognitotest.Server) {
		setup := readSetup(t, setupFile)
		apply(t, srv, setup)
		first := exported(t, srv, true)
		for _, want := range []string{shopPool, staffPool, shopWeb, shopBackend, shopJobs, shopSecret, anaSub, "orders.write", "oncall", "auth.staff.example", "custom:plan", "FORCE_CHANGE_PASSWORD", carlaTOTP} {
			if !bytes.Contains(first, []byte(want)) {
				t.Errorf("the export lacks %s:\n%s", want, first)
			}
		}
		pool := describePool(t, srv, shopPool)
		user := adminGetUserIn(t, srv, shopPool, "ana@example.com")

		apply(t, srv, setup)
		if again := exported(t, srv, true); !bytes.Equal(again, first) {
			t.Errorf("a second Apply changed the state:\n%s", lineDiff(first, again))
		}
		if got := describePool(t, srv, shopPool).LastModifiedDate; !got.Equal(*pool.LastModifiedDate) {
			t.Errorf("a second Apply modified the pool: %v, then %v", pool.LastModifiedDate, got)
		}
		if got := adminGetUserIn(t, srv, shopPool, "ana@example.com").UserLastModifiedDate; !got.Equal(*user.UserLastModifiedDate) {
			t.Errorf("a second Apply modified a user: %v, then %v", user.UserLastModifiedDate, got)
		}

		// The export, read back, makes the same state on a new server.
		apply(t, fresh, parseSetup(t, string(first)))
		if got := exported(t, fresh, true); !bytes.Equal(got, first) {
			t.Errorf("the re-imported export differs:\n%s", lineDiff(first, got))
		}
		signInAs(t, fresh, shopPool, shopWeb, "ana@example.com", anaPassword)

		// Without the hashes, the users come back without their passwords
		// and software tokens, the same each time.
		plain := exported(t, srv, false)
		if bytes.Contains(plain, []byte("Verifier")) || bytes.Contains(plain, []byte(carlaTOTP)) {
			t.Errorf("an export without hashes holds a password verifier or a TOTP secret:\n%s", plain)
		}
		apply(t, fresh, parseSetup(t, string(plain)))
		if got := exported(t, fresh, false); !bytes.Equal(got, plain) {
			t.Errorf("the export without hashes, re-imported, differs:\n%s", lineDiff(plain, got))
		}
	})
}

// The declared IDs, passwords, secrets, groups, statuses and software
// tokens work with the SDK as they would on Cognito.
func TestSetupWorksWithTheSDK(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		apply(t, srv, readSetup(t, setupFile))

		// A declared user signs in with the declared password; its fixed
		// sub and groups are in its tokens.
		tokens := signInAs(t, srv, shopPool, shopWeb, "ana@example.com", anaPassword)
		id := unverifiedClaims(t, aws.ToString(tokens.IdToken))
		if id["sub"] != anaSub || id["custom:plan"] != "gold" || id["aud"] != shopWeb {
			t.Errorf("ID token claims sub %v, custom:plan %v, aud %v", id["sub"], id["custom:plan"], id["aud"])
		}
		access := unverifiedClaims(t, aws.ToString(tokens.AccessToken))
		if groups, _ := access["cognito:groups"].([]any); len(groups) != 2 || groups[0] != "admins" || groups[1] != "customers" {
			t.Errorf("access token cognito:groups = %v, want [admins customers]", access["cognito:groups"])
		}
		if exp := time.Unix(int64(access["exp"].(float64)), 0).Sub(time.Unix(int64(access["iat"].(float64)), 0)); exp != 30*time.Minute {
			t.Errorf("access token lasts %v, want the declared 30 minutes", exp)
		}
		// And with SRP, the verifier being Cognito's.
		web := onPool(srv, shopPool, shopWeb, "")
		if _, err := srpSignIn(t, web, "ana@example.com", anaPassword, nil); err != nil {
			t.Errorf("SRP sign-in: %v", err)
		}

		// The declared secret computes SECRET_HASH; without it the client
		// refuses.
		backend := onPool(srv, shopPool, shopBackend, shopSecret)
		out, err := sdk(srv).AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{
			UserPoolId: aws.String(shopPool), ClientId: aws.String(shopBackend), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": "ana@example.com", "PASSWORD": anaPassword, "SECRET_HASH": secrethash.Compute(shopSecret, "ana@example.com", shopBackend)},
		})
		if err != nil || out.AuthenticationResult == nil {
			t.Fatalf("AdminInitiateAuth with the declared secret: %v", err)
		}
		backend.ClientSecret = ""
		_, err = trySignIn(t, backend, "ana@example.com", anaPassword)
		expectErr[*types.NotAuthorizedException](t, err, "Client "+shopBackend+" is configured with secret but SECRET_HASH was not received")

		// The generated secret is there, and kept.
		jobs, err := sdk(srv).DescribeUserPoolClient(t.Context(), &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(shopPool), ClientId: aws.String(shopJobs)})
		if err != nil || len(aws.ToString(jobs.UserPoolClient.ClientSecret)) < 40 {
			t.Fatalf("the jobs client: %v, a secret of %d characters", err, len(aws.ToString(jobs.UserPoolClient.ClientSecret)))
		}

		// Statuses: a temporary password, an unconfirmed and a disabled user.
		init, err := trySignIn(t, web, "bob@example.com", bobTempPassword)
		if err != nil || init.ChallengeName != types.ChallengeNameTypeNewPasswordRequired {
			t.Errorf("bob's sign-in: %v, challenge %q, want NEW_PASSWORD_REQUIRED", err, init.ChallengeName)
		}
		_, err = trySignIn(t, web, "dan@example.com", "Shop-pass-dan4")
		expectErr[*types.UserNotConfirmedException](t, err, "")
		_, err = trySignIn(t, web, "eve@example.com", "Shop-pass-eve5")
		expectErr[*types.NotAuthorizedException](t, err, "User is disabled.")

		// The declared software token answers the MFA challenge.
		init, err = trySignIn(t, web, "carla@example.com", carlaPassword)
		if err != nil || init.ChallengeName != types.ChallengeNameTypeSoftwareTokenMfa {
			t.Fatalf("carla's sign-in: %v, challenge %q, want SOFTWARE_TOKEN_MFA", err, init.ChallengeName)
		}
		secret, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(carlaTOTP)
		answer, err := sdk(srv).RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{
			ClientId: aws.String(shopWeb), ChallengeName: types.ChallengeNameTypeSoftwareTokenMfa, Session: init.Session,
			ChallengeResponses: map[string]string{"USERNAME": init.ChallengeParameters["USER_ID_FOR_SRP"], "SOFTWARE_TOKEN_MFA_CODE": totp.Now(secret, time.Now())},
		})
		if err != nil || answer.AuthenticationResult == nil {
			t.Errorf("the software token's code: %v", err)
		}

		// The other pool: a username, case-insensitive, with its settings.
		staff := describePool(t, srv, staffPool)
		if staff.MfaConfiguration != types.UserPoolMfaTypeOn || aws.ToString(staff.CustomDomain) != "auth.staff.example" || staff.UserPoolTags["team"] != "platform" {
			t.Errorf("staff pool: MFA %s, custom domain %v, tags %v", staff.MfaConfiguration, aws.ToString(staff.CustomDomain), staff.UserPoolTags)
		}
		zoe := adminGetUserIn(t, srv, staffPool, "ZOE")
		if aws.ToString(zoe.PreferredMfaSetting) != "EMAIL_OTP" || !slices.Equal(zoe.UserMFASettingList, []string{"SMS_MFA", "EMAIL_OTP"}) {
			t.Errorf("zoe's MFA: preferred %v, enabled %v", aws.ToString(zoe.PreferredMfaSetting), zoe.UserMFASettingList)
		}
	})
}

// A changed setting in the setup updates what it declares; what the setup
// leaves out of a user stays as the user made it.
func TestSetupUpdatesWhatChanged(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		setup := readSetup(t, setupFile)
		// The staff pool first: then a new pool comes before a stored one.
		apply(t, srv, &emulator.Setup{Pools: setup.Pools[1:]})
		apply(t, srv, setup)

		shop := &setup.Pools[0]
		shop.Policies.PasswordPolicy.MinimumLength = aws.Int32(12)
		shop.Clients[0].AccessTokenValidity = aws.Int32(10)
		shop.Groups[1].Description = aws.String("Shop customers")
		shop.Users[0].UserAttributes["name"] = "Ana Updated"
		shop.Users[0].Password = shopPoolPassword
		shop.Users[0].Groups = []string{"customers"}
		shop.Schema = append(shop.Schema, types.SchemaAttributeType{Name: aws.String("tier"), AttributeDataType: types.AttributeDataTypeString})
		shop.Domain = "shop-local-two"
		shop.Users = append(shop.Users, emulator.UserSetup{Username: "fay@example.com", Password: shopPoolPassword})
		apply(t, srv, setup)

		if got := aws.ToInt32(describePool(t, srv, shopPool).Policies.PasswordPolicy.MinimumLength); got != 12 {
			t.Errorf("MinimumLength = %d, want 12", got)
		}
		cl, err := sdk(srv).DescribeUserPoolClient(t.Context(), &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(shopPool), ClientId: aws.String(shopWeb)})
		if err != nil || aws.ToInt32(cl.UserPoolClient.AccessTokenValidity) != 10 {
			t.Errorf("the web client's AccessTokenValidity: %v, %d, want 10", err, aws.ToInt32(cl.UserPoolClient.AccessTokenValidity))
		}
		domain, err := sdk(srv).DescribeUserPoolDomain(t.Context(), &cip.DescribeUserPoolDomainInput{Domain: aws.String("shop-local")})
		if err != nil || domain.DomainDescription.UserPoolId != nil {
			t.Errorf("the old domain still belongs to a pool: %v, %v", err, aws.ToString(domain.DomainDescription.UserPoolId))
		}
		ana := adminGetUserIn(t, srv, shopPool, "ana@example.com")
		if name, _ := attr(ana.UserAttributes, "name"); name != "Ana Updated" {
			t.Errorf("ana's name = %q", name)
		}
		if _, err := trySignIn(t, onPool(srv, shopPool, shopWeb, ""), "ana@example.com", anaPassword); err == nil {
			t.Error("the old password still signs ana in")
		}
		tokens := signInAs(t, srv, shopPool, shopWeb, "ana@example.com", shopPoolPassword)
		if groups := unverifiedClaims(t, aws.ToString(tokens.AccessToken))["cognito:groups"]; len(groups.([]any)) != 1 {
			t.Errorf("cognito:groups = %v, want [customers]", groups)
		}
		signInAs(t, srv, shopPool, shopWeb, "fay@example.com", shopPoolPassword)

		// A user's own changes to what the setup leaves out stay.
		_, err = sdk(srv).AdminUpdateUserAttributes(t.Context(), &cip.AdminUpdateUserAttributesInput{
			UserPoolId: aws.String(shopPool), Username: aws.String("bob@example.com"), UserAttributes: attrs("name", "Bob"),
		})
		if err != nil {
			t.Fatal(err)
		}
		apply(t, srv, setup)
		if name, _ := attr(adminGetUserIn(t, srv, shopPool, "bob@example.com").UserAttributes, "name"); name != "Bob" {
			t.Errorf("bob's own name = %q after a new Apply", name)
		}
	})
}

// Invalid setups are refused with an error that names their place, never
// a password or a secret, and change nothing.
func TestSetupRefusesInvalidSetups(t *testing.T) {
	const pool = `
Pools:
  - Id: eu-west-1_Refused1
    Groups: [{GroupName: team}]
`
	for _, tc := range []struct {
		name, doc string
		want      []string
	}{
		{"pool ID", `
Pools:
  - Id: Local123
`, []string{"Pools[0] (Local123)", "Invalid pool ID"}},
		{"pool ID of another region", `
Pools:
  - Id: us-east-1_Local123
`, []string{"Pools[0] (us-east-1_Local123)", "not of this server's region eu-west-1"}},
		{"the same pool twice", `
Pools:
  - Id: eu-west-1_Twice1
  - Id: eu-west-1_Twice1
`, []string{"Pools[1] (eu-west-1_Twice1)", "also Pools[0]"}},
		{"a group twice", `
Pools:
  - Id: eu-west-1_Refused1
    Groups: [{GroupName: team}, {GroupName: team}]
`, []string{"Pools[0].Groups[1] (team): declared twice, also as Pools[0].Groups[0] (team)"}},
		{"unknown attribute", pool + `
    Users:
      - Username: ana
        UserAttributes: {nickname: ana, favourite_colour: blue}
`, []string{"Pools[0].Users[0] (ana)", "Attribute does not exist in the schema"}},
		{"client ID in two pools", pool + `
    Clients: [{ClientId: same0client, ClientName: one}]
  - Id: eu-west-1_Refused2
    Clients: [{ClientId: same0client, ClientName: two}]
`, []string{"Pools[1].Clients[0] (same0client)", "also Pools[0].Clients[0] (same0client)'s", "unique across pools"}},
		{"user in an unknown group", pool + `
    Users:
      - Username: ana
        Groups: [team, admins]
`, []string{"Pools[0].Users[0] (ana)", `group "admins" is not one of the pool's Groups`}},
		{"password against the policy", pool + `
    Users:
      - {Username: ana, Password: weakpassword}
`, []string{"Pools[0].Users[0] (ana)", "Password must have numeric characters"}},
		{"client secret of the wrong form", pool + `
    Clients: [{ClientId: c1, ClientName: c, ClientSecret: "short-secret!"}]
`, []string{"Pools[0].Clients[0] (c1)", "clientSecret"}},
		{"client settings", pool + `
    Clients: [{ClientId: c1, ClientName: c, ExplicitAuthFlows: [ALLOW_NOTHING]}]
`, []string{"Pools[0].Clients[0] (c1)", `Invalid ExplicitAuthFlows value "ALLOW_NOTHING"`}},
		{"OAuth scope of no resource server", pool + `
    Clients: [{ClientId: c1, ClientName: c, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: [code], AllowedOAuthScopes: [https://api/none], CallbackURLs: ["https://app.example/cb"]}]
`, []string{"Pools[0].Clients[0] (c1)", "Invalid scope requested: https://api/none"}},
		{"pool settings", `
Pools:
  - Id: eu-west-1_Refused1
    MfaConfiguration: OFF
`, []string{"Pools[0] (eu-west-1_Refused1)", `quote "ON" and "OFF"`}},
		{"domain", `
Pools:
  - Id: eu-west-1_Refused1
    Domain: my-cognito-app
`, []string{"Pools[0] (eu-west-1_Refused1)", "reserved word cognito"}},
		{"software token secret", pool + `
    Users:
      - {Username: ana, SoftwareTokenSecret: "not base32!"}
`, []string{"Pools[0].Users[0] (ana)", "Invalid SoftwareTokenSecret"}},
		{"MFA without a factor", `
Pools:
  - Id: eu-west-1_Refused1
    MfaConfiguration: OPTIONAL
`, []string{"Pools[0] (eu-west-1_Refused1)", "MfaConfiguration OPTIONAL needs an MFA factor"}},
		{"password verifier of 1", pool + `
    Users:
      - {Username: ana, PasswordVerifier: {Salt: c2FsdA==, Verifier: AQ==}}
`, []string{"Pools[0].Users[0] (ana)", "a Verifier of Cognito's SRP group"}},
		{"password and verifier", pool + `
    Users:
      - {Username: ana, Password: Passw0rd-ana!, PasswordVerifier: {Salt: c2FsdA==, Verifier: Ag==}}
`, []string{"Pools[0].Users[0] (ana)", "Password or PasswordVerifier, not both"}},
		{"sub", pool + `
    Users:
      - {Username: ana, UserAttributes: {sub: "12"}}
`, []string{"Pools[0].Users[0] (ana)", "Invalid sub"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t)
			before := exported(t, srv, true)
			err := srv.Emulator.Apply(t.Context(), parseSetup(t, tc.doc))
			if err == nil {
				t.Fatal("Apply accepted it")
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			for _, secret := range []string{"weakpassword", "short-secret!", "not base32!", "Passw0rd-ana!"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows a secret", err)
				}
			}
			if after := exported(t, srv, true); !bytes.Equal(after, before) {
				t.Errorf("a refused setup changed the state:\n%s", lineDiff(before, after))
			}
		})
	}
}

// What cannot change once a pool exists is refused, and so is a client ID
// another pool's client has.
func TestSetupRefusesChangesToWhatIsFixed(t *testing.T) {
	srv := cognitotest.NewServer(t)
	apply(t, srv, readSetup(t, setupFile))
	for _, tc := range []struct {
		name string
		edit func(s *emulator.Setup)
		want string
	}{
		{"username attributes", func(s *emulator.Setup) {
			s.Pools[0].UsernameAttributes = []types.UsernameAttributeType{types.UsernameAttributeTypePhoneNumber}
			s.Pools[0].Users = nil
		}, "Pools[0] (eu-west-1_Local123): InvalidParameterException: UsernameAttributes cannot change once the pool exists"},
		{"a custom attribute removed", func(s *emulator.Setup) { s.Pools[0].Schema, s.Pools[0].Users = s.Pools[0].Schema[:1], nil }, "custom:plan cannot be removed"},
		{"a client ID of the other pool", func(s *emulator.Setup) {
			s.Pools = s.Pools[1:]
			s.Pools[0].Clients[0].ClientID = shopWeb
		}, "Pools[0].Clients[0] (" + shopWeb + "): InvalidParameterException: The client ID is taken by a client of user pool " + shopPool},
		{"a sub of another user", func(s *emulator.Setup) {
			s.Pools[1].Users[0].UserAttributes["sub"] = "00000000-0000-4000-8000-000000000000"
			s.Pools[1].Users = append(s.Pools[1].Users, emulator.UserSetup{Username: "yann", UserAttributes: emulator.UserAttributes{"sub": "00000000-0000-4000-8000-000000000000"}})
		}, "the sub is also Pools[1].Users[0] (Zoe)'s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := exported(t, srv, true)
			setup := readSetup(t, setupFile)
			tc.edit(setup)
			err := srv.Emulator.Apply(t.Context(), setup)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Apply: %v, want an error saying %q", err, tc.want)
			}
			if after := exported(t, srv, true); !bytes.Equal(after, before) {
				t.Errorf("a refused setup changed the state:\n%s", lineDiff(before, after))
			}
		})
	}
}

// A setup reads the same from YAML and JSON, and a member it has no place
// for is named.
func TestParseSetup(t *testing.T) {
	setup := readSetup(t, setupFile)
	asJSON, err := setup.JSON()
	if err != nil {
		t.Fatal(err)
	}
	asYAML, err := setup.YAML()
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := emulator.ParseSetup(asJSON)
	if err != nil {
		t.Fatal(err)
	}
	again, err := fromJSON.YAML()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, asYAML) {
		t.Errorf("the setup read from JSON differs:\n%s", lineDiff(asYAML, again))
	}
	// The API's list of attributes reads too.
	list := parseSetup(t, `{"Pools": [{"Id": "eu-west-1_X1", "Users": [{"Username": "a", "UserAttributes": [{"Name": "email", "Value": "a@example.com"}]}]}]}`)
	if got := list.Pools[0].Users[0].UserAttributes["email"]; got != "a@example.com" {
		t.Errorf("attribute from a list = %q", got)
	}
	empty, err := emulator.ParseSetup(nil)
	if err != nil || len(empty.Pools) != 0 {
		t.Errorf("an empty document: %v, %d pools", err, len(empty.Pools))
	}
	for doc, want := range map[string]string{
		"Pools:\n  - Id: eu-west-1_X1\n    Users:\n      - Username: a\n        Pasword: Secret-1\n": "unknown member Pools[0].Users[0].Pasword",
		`{"Pools": [{"Id": "eu-west-1_X1", "Clients": [{"ClientId": "c", "Colour": 1}]}]}`:           "unknown member Pools[0].Clients[0].Colour",
		"Pools:\n  - Id: [a\n":                              "yaml: line",
		"{\"Pools\": [\n  {\"Id\": }]}":                     "line 2",
		"Pools:\n  - Id: eu-west-1_X1\n    Enabled: true\n": "unknown member Pools[0].Enabled",
	} {
		_, err := emulator.ParseSetup([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSetup(%q) = %v, want an error saying %q", doc, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "Secret-1") {
			t.Errorf("the error shows a password: %v", err)
		}
	}
}

// onPool is a copy of srv that names another pool and client of it.
func onPool(srv *cognitotest.Server, poolID, clientID, secret string) *cognitotest.Server {
	cp := *srv
	cp.UserPoolID, cp.ClientID, cp.ClientSecret = poolID, clientID, secret
	return &cp
}

// signInAs signs a user of a declared pool in with USER_PASSWORD_AUTH.
func signInAs(t *testing.T, srv *cognitotest.Server, poolID, clientID, name, pw string) *types.AuthenticationResultType {
	t.Helper()
	return signIn(t, onPool(srv, poolID, clientID, ""), name, pw)
}

func describePool(t *testing.T, srv *cognitotest.Server, poolID string) *types.UserPoolType {
	t.Helper()
	out, err := sdk(srv).DescribeUserPool(t.Context(), &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})
	if err != nil {
		t.Fatalf("DescribeUserPool(%s): %v", poolID, err)
	}
	return out.UserPool
}

func adminGetUserIn(t *testing.T, srv *cognitotest.Server, poolID, name string) *cip.AdminGetUserOutput {
	t.Helper()
	return adminGetUser(t, onPool(srv, poolID, "", ""), name)
}

// lineDiff shows the lines of two documents that differ.
func lineDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	var out []string
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "- "+x, "+ "+y)
		}
		if len(out) > 20 {
			break
		}
	}
	return strings.Join(out, "\n")
}
