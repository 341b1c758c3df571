package emulator_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/internal/srp"
)

// srpSignIn plays a USER_SRP_AUTH client: it sends A, answers the
// PASSWORD_VERIFIER challenge with a signature derived from pw, and returns
// Cognito's answer. tamper, if set, may change the responses.
func srpSignIn(t *testing.T, srv *cognitotest.Server, name, pw string, tamper func(map[string]string)) (*cip.RespondToAuthChallengeOutput, error) {
	t.Helper()
	responses, err := srpAnswer(t, srv, name, pw)
	if err != nil {
		return nil, err
	}
	if tamper != nil {
		tamper(responses)
	}
	return respondPasswordVerifier(t, srv, responses)
}

// respondPasswordVerifier sends an answer to PASSWORD_VERIFIER.
func respondPasswordVerifier(t testing.TB, srv *cognitotest.Server, responses map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	return sdk(srv).RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(srv.ClientID), ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeResponses: responses,
	})
}

// srpAnswer starts a USER_SRP_AUTH sign-in and returns the answer to its
// PASSWORD_VERIFIER challenge that a client knowing pw gives.
func srpAnswer(t *testing.T, srv *cognitotest.Server, name, pw string) (map[string]string, error) {
	t.Helper()
	a := make([]byte, 32)
	rand.Read(a)
	A := srp.ClientPublic(a)
	params := map[string]string{"USERNAME": name, "SRP_A": hex.EncodeToString(A)}
	withSecretHash(srv, name, params)
	init, err := sdk(srv).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserSrpAuth, AuthParameters: params,
	})
	if err != nil {
		return nil, err
	}
	if init.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("InitiateAuth(USER_SRP_AUTH) challenge = %q", init.ChallengeName)
	}
	return srpProof(t, srv, pw, a, A, init.ChallengeParameters), nil
}

// srpProof is the answer to a PASSWORD_VERIFIER challenge with parameters
// cp that a client knowing pw, whose SRP secret and public values are a
// and A, gives.
func srpProof(t testing.TB, srv *cognitotest.Server, pw string, a, A []byte, cp map[string]string) map[string]string {
	t.Helper()
	salt, _ := hex.DecodeString(cp["SALT"])
	B, _ := hex.DecodeString(cp["SRP_B"])
	userID := cp["USER_ID_FOR_SRP"]
	key, err := srp.ClientKey(srp.PoolName(srv.UserPoolID), userID, pw, salt, a, A, B)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := base64.StdEncoding.DecodeString(cp["SECRET_BLOCK"])
	timestamp := time.Now().UTC().Format(srp.TimestampLayout)
	responses := map[string]string{
		"USERNAME":                    userID,
		"PASSWORD_CLAIM_SECRET_BLOCK": cp["SECRET_BLOCK"],
		"TIMESTAMP":                   timestamp,
		"PASSWORD_CLAIM_SIGNATURE":    base64.StdEncoding.EncodeToString(srp.Signature(key, srp.PoolName(srv.UserPoolID), userID, block, timestamp)),
	}
	withSecretHash(srv, userID, responses)
	return responses
}

func TestUserSRPAuth(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []cognitotest.Option
	}{
		{"public client", nil},
		{"client with secret", []cognitotest.Option{cognitotest.WithClientSecret()}},
		{"email as username", []cognitotest.Option{cognitotest.WithEmailAsUsername(), cognitotest.WithClientSecret()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, tc.opts...)
			name := "ana@example.com"
			signUpConfirmed(t, srv, name, password)
			out, err := srpSignIn(t, srv, name, password, nil)
			if err != nil {
				t.Fatalf("SRP sign-in: %v", err)
			}
			res := out.AuthenticationResult
			if res == nil || aws.ToString(res.AccessToken) == "" || aws.ToString(res.RefreshToken) == "" {
				t.Fatalf("no tokens: %+v", out)
			}
			if _, err := sdk(srv).GetUser(t.Context(), &cip.GetUserInput{AccessToken: res.AccessToken}); err != nil {
				t.Fatalf("GetUser with the SRP tokens: %v", err)
			}
		})
	}
}

func TestUserSRPAuthRefusals(t *testing.T) {
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	var notAuth *types.NotAuthorizedException

	// A wrong password gives a wrong signature.
	if _, err := srpSignIn(t, srv, "ana", "Wr0ng-password", nil); !errors.As(err, &notAuth) || aws.ToString(notAuth.Message) != "Incorrect username or password." {
		t.Fatalf("wrong password: %v", err)
	}
	// A replayed secret block is refused: the challenge is single use.
	var first map[string]string
	if _, err := srpSignIn(t, srv, "ana", password, func(r map[string]string) { first = maps.Clone(r) }); err != nil {
		t.Fatal(err)
	}
	_, err := sdk(srv).RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(srv.ClientID), ChallengeName: types.ChallengeNameTypePasswordVerifier, ChallengeResponses: first,
	})
	if !errors.As(err, &notAuth) {
		t.Fatalf("replayed challenge answer: %v", err)
	}
	// A bad timestamp or a forged block is refused.
	if _, err := srpSignIn(t, srv, "ana", password, func(r map[string]string) { r["TIMESTAMP"] = "yesterday" }); !errors.As(err, new(*types.InvalidParameterException)) {
		t.Fatalf("bad timestamp: %v", err)
	}
	if _, err := srpSignIn(t, srv, "ana", password, func(r map[string]string) { r["PASSWORD_CLAIM_SECRET_BLOCK"] = "Zm9yZ2Vk" }); !errors.As(err, &notAuth) {
		t.Fatalf("forged secret block: %v", err)
	}
	// Five wrong signatures lock the user out, as five wrong passwords do
	// (the sign-in above reset the count).
	for range 5 {
		srpSignIn(t, srv, "ana", "Wr0ng-password", nil)
	}
	if _, err := srpSignIn(t, srv, "ana", password, nil); !errors.As(err, &notAuth) || aws.ToString(notAuth.Message) != "Password attempts exceeded" {
		t.Fatalf("after five wrong signatures: %v", err)
	}
	// An unknown user, a bad A, and a client without the flow.
	if _, err := srpSignIn(t, srv, "nobody", password, nil); !errors.As(err, new(*types.UserNotFoundException)) {
		t.Fatalf("unknown user: %v", err)
	}
	_, err = sdk(srv).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserSrpAuth,
		AuthParameters: map[string]string{"USERNAME": "ana", "SRP_A": "not-hex"},
	})
	if !errors.As(err, new(*types.InvalidParameterException)) {
		t.Fatalf("bad SRP_A: %v", err)
	}
	noSRP := addClient(t, srv, &cip.CreateUserPoolClientInput{ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth}})
	if _, err := srpSignIn(t, noSRP, "ana", password, nil); !errors.As(err, new(*types.InvalidParameterException)) {
		t.Fatalf("client without ALLOW_USER_SRP_AUTH: %v", err)
	}
}
