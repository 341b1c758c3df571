package emulator_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"maps"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/internal/srp"
)

// clientDevice is what a client keeps of a device it remembered: the keys
// Cognito gave it and the random secret and salt its verifier is made of.
type clientDevice struct {
	key, groupKey string
	secret        string
	salt          []byte
}

// devicePool returns a copy of srv on a new pool that tracks devices as cfg
// says, with a client allowing the password, SRP, administrator's password
// and refresh flows (with a secret when secret is set); lambda, if given,
// is the pool's LambdaConfig.
func devicePool(t *testing.T, srv *cognitotest.Server, cfg *types.DeviceConfigurationType, secret bool, lambda ...*types.LambdaConfigType) *cognitotest.Server {
	t.Helper()
	poolIn := &cip.CreateUserPoolInput{
		PoolName:               aws.String("devices"),
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{{
			Name: aws.String("email"), Required: aws.Bool(true), Mutable: aws.Bool(true),
		}},
		DeviceConfiguration: cfg,
	}
	if len(lambda) > 0 {
		poolIn.LambdaConfig = lambda[0]
	}
	return withPool(t, srv, poolIn, &cip.CreateUserPoolClientInput{
		ClientName: aws.String("devices"), GenerateSecret: secret,
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{
			types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth,
			types.ExplicitAuthFlowsTypeAllowAdminUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth,
		},
	})
}

// confirmNewDevice plays a client confirming the device a sign-in offered,
// as amazon-cognito-identity-js does: a random secret and salt, the
// verifier over the DeviceGroupKey and the DeviceKey, base64-encoded.
func confirmNewDevice(t *testing.T, srv *cognitotest.Server, res *types.AuthenticationResultType, name string) (clientDevice, *cip.ConfirmDeviceOutput) {
	t.Helper()
	meta := res.NewDeviceMetadata
	if meta == nil {
		t.Fatal("the sign-in offered no device (NewDeviceMetadata)")
	}
	secret := make([]byte, 40)
	rand.Read(secret)
	dev := clientDevice{key: aws.ToString(meta.DeviceKey), groupKey: aws.ToString(meta.DeviceGroupKey), secret: base64.StdEncoding.EncodeToString(secret), salt: make([]byte, 16)}
	rand.Read(dev.salt)
	// The JavaScript client sends both as padHex gives them: a leading
	// zero byte when the high bit is set. The salt here always has one.
	dev.salt[0] |= 0x80
	dev.salt = append([]byte{0}, dev.salt...)
	verifier := jsPadded(srp.Verifier(dev.groupKey, dev.key, dev.secret, dev.salt))
	out, err := sdk(srv).ConfirmDevice(t.Context(), &cip.ConfirmDeviceInput{
		AccessToken: res.AccessToken, DeviceKey: meta.DeviceKey, DeviceName: aws.String(name),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{
			PasswordVerifier: aws.String(base64.StdEncoding.EncodeToString(verifier)),
			Salt:             aws.String(base64.StdEncoding.EncodeToString(dev.salt)),
		},
	})
	if err != nil {
		t.Fatalf("ConfirmDevice: %v", err)
	}
	return dev, out
}

// jsPadded is b as amazon-cognito-identity-js's padHex writes it.
func jsPadded(b []byte) []byte {
	if len(b) > 0 && b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

// rememberDevice signs name in and confirms the device the sign-in
// offered; it returns the device and the sign-in's tokens.
func rememberDevice(t *testing.T, srv *cognitotest.Server, name, deviceName string) (clientDevice, *types.AuthenticationResultType) {
	t.Helper()
	res := signIn(t, srv, name, password)
	dev, _ := confirmNewDevice(t, srv, res, deviceName)
	return dev, res
}

// startDeviceSignIn runs USER_PASSWORD_AUTH naming the device.
func startDeviceSignIn(t *testing.T, srv *cognitotest.Server, name, deviceKey string) (*cip.InitiateAuthOutput, error) {
	t.Helper()
	return sdk(srv).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: withSecretHash(srv, name, map[string]string{"USERNAME": name, "PASSWORD": password, "DEVICE_KEY": deviceKey}),
	})
}

// deviceRespond answers a challenge of srv's client.
func deviceRespond(t *testing.T, srv *cognitotest.Server, name types.ChallengeNameType, session *string, responses map[string]string) (*cip.RespondToAuthChallengeOutput, error) {
	t.Helper()
	return sdk(srv).RespondToAuthChallenge(t.Context(), &cip.RespondToAuthChallengeInput{
		ClientId: aws.String(srv.ClientID), ChallengeName: name, Session: session, ChallengeResponses: responses,
	})
}

// deviceProof plays the device's side of DEVICE_SRP_AUTH: it answers that
// challenge (whose session is given) with A and returns the answer to the
// DEVICE_PASSWORD_VERIFIER challenge that follows, computed as
// amazon-cognito-identity-js's getDeviceResponse does, with its session.
func deviceProof(t *testing.T, srv *cognitotest.Server, session *string, name string, dev clientDevice) (map[string]string, *string) {
	t.Helper()
	a := make([]byte, 32)
	rand.Read(a)
	A := srp.ClientPublic(a)
	out, err := deviceRespond(t, srv, types.ChallengeNameTypeDeviceSrpAuth, session,
		withSecretHash(srv, name, map[string]string{"USERNAME": name, "DEVICE_KEY": dev.key, "SRP_A": hex.EncodeToString(A)}))
	if err != nil {
		t.Fatalf("answering DEVICE_SRP_AUTH: %v", err)
	}
	if out.ChallengeName != types.ChallengeNameTypeDevicePasswordVerifier {
		t.Fatalf("after DEVICE_SRP_AUTH: challenge %q", out.ChallengeName)
	}
	cp := out.ChallengeParameters
	if cp["DEVICE_KEY"] != dev.key || cp["USERNAME"] == "" {
		t.Errorf("DEVICE_PASSWORD_VERIFIER parameters %v", cp)
	}
	salt, err1 := hex.DecodeString(cp["SALT"])
	B, err2 := hex.DecodeString(cp["SRP_B"])
	block, err3 := base64.StdEncoding.DecodeString(cp["SECRET_BLOCK"])
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatalf("DEVICE_PASSWORD_VERIFIER parameters %v", cp)
	}
	key, err := srp.ClientKey(dev.groupKey, dev.key, dev.secret, salt, a, A, B)
	if err != nil {
		t.Fatal(err)
	}
	timestamp := time.Now().UTC().Format(srp.TimestampLayout)
	user := cp["USERNAME"]
	return withSecretHash(srv, user, map[string]string{
		"USERNAME":                    user,
		"DEVICE_KEY":                  dev.key,
		"PASSWORD_CLAIM_SECRET_BLOCK": cp["SECRET_BLOCK"],
		"TIMESTAMP":                   timestamp,
		"PASSWORD_CLAIM_SIGNATURE":    base64.StdEncoding.EncodeToString(srp.Signature(key, dev.groupKey, dev.key, block, timestamp)),
	}), out.Session
}

// deviceSignIn signs name in with its password and the device, through
// DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER, and returns the tokens.
func deviceSignIn(t *testing.T, srv *cognitotest.Server, name string, dev clientDevice) *types.AuthenticationResultType {
	t.Helper()
	init, err := startDeviceSignIn(t, srv, name, dev.key)
	if err != nil {
		t.Fatalf("InitiateAuth with DEVICE_KEY: %v", err)
	}
	if init.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth || init.AuthenticationResult != nil {
		t.Fatalf("InitiateAuth with DEVICE_KEY: challenge %q, result %v", init.ChallengeName, init.AuthenticationResult)
	}
	responses, session := deviceProof(t, srv, init.Session, name, dev)
	out, err := deviceRespond(t, srv, types.ChallengeNameTypeDevicePasswordVerifier, session, responses)
	if err != nil {
		t.Fatalf("answering DEVICE_PASSWORD_VERIFIER: %v", err)
	}
	if out.AuthenticationResult == nil {
		t.Fatalf("after DEVICE_PASSWORD_VERIFIER: challenge %q", out.ChallengeName)
	}
	return out.AuthenticationResult
}

// deviceAttrs returns a device's attributes as a map.
func deviceAttrs(d *types.DeviceType) map[string]string {
	m := map[string]string{}
	for _, a := range d.DeviceAttributes {
		m[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	return m
}

// listDeviceKeys lists the token's user's devices, all pages of limit.
func listDeviceKeys(t *testing.T, srv *cognitotest.Server, accessToken *string, limit int32) []string {
	t.Helper()
	var keys []string
	var token *string
	for {
		out, err := sdk(srv).ListDevices(t.Context(), &cip.ListDevicesInput{AccessToken: accessToken, Limit: aws.Int32(limit), PaginationToken: token})
		if err != nil {
			t.Fatalf("ListDevices: %v", err)
		}
		if len(out.Devices) > int(limit) {
			t.Fatalf("ListDevices: %d devices on a page of %d", len(out.Devices), limit)
		}
		for _, d := range out.Devices {
			keys = append(keys, aws.ToString(d.DeviceKey))
		}
		if token = out.PaginationToken; token == nil {
			return keys
		}
	}
}

var deviceKeyPattern = regexp.MustCompile(`^eu-west-1_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestDeviceRememberAndSignIn(t *testing.T) {
	onEachStoreWithClock(t, func(t *testing.T, srv *cognitotest.Server, clk *clock) {
		for _, secret := range []bool{false, true} {
			srv := devicePool(t, srv, &types.DeviceConfigurationType{}, secret)
			signUpConfirmed(t, srv, "ana", password)

			// A sign-in offers a device; it is not tracked until confirmed.
			res := signIn(t, srv, "ana", password)
			meta := res.NewDeviceMetadata
			if meta == nil || !deviceKeyPattern.MatchString(aws.ToString(meta.DeviceKey)) || aws.ToString(meta.DeviceGroupKey) == "" {
				t.Fatalf("NewDeviceMetadata = %+v", meta)
			}
			if keys := listDeviceKeys(t, srv, res.AccessToken, 60); len(keys) != 0 {
				t.Fatalf("devices before ConfirmDevice: %v", keys)
			}
			created := clk.Now()
			dev, confirmed := confirmNewDevice(t, srv, res, "ana's phone")
			if confirmed.UserConfirmationNecessary {
				t.Error("UserConfirmationNecessary without DeviceOnlyRememberedOnUserPrompt")
			}
			got, err := sdk(srv).GetDevice(t.Context(), &cip.GetDeviceInput{AccessToken: res.AccessToken, DeviceKey: aws.String(dev.key)})
			if err != nil {
				t.Fatalf("GetDevice: %v", err)
			}
			attrs := deviceAttrs(got.Device)
			if attrs["device_name"] != "ana's phone" || attrs["dev:device_remembered_status"] != "remembered" || attrs["device_status"] != "valid" {
				t.Errorf("device attributes %v", attrs)
			}
			if !got.Device.DeviceCreateDate.Equal(created) || !got.Device.DeviceLastAuthenticatedDate.Equal(created) {
				t.Errorf("dates %v %v, want %v", got.Device.DeviceCreateDate, got.Device.DeviceLastAuthenticatedDate, created)
			}

			// Signing in with the device proves it, and offers no new one.
			clk.Advance(time.Hour)
			tokens := deviceSignIn(t, srv, "ana", dev)
			if tokens.NewDeviceMetadata != nil || aws.ToString(tokens.RefreshToken) == "" {
				t.Errorf("device sign-in: NewDeviceMetadata %+v, refresh token %q", tokens.NewDeviceMetadata, aws.ToString(tokens.RefreshToken))
			}
			if _, err := sdk(srv).GetUser(t.Context(), &cip.GetUserInput{AccessToken: tokens.AccessToken}); err != nil {
				t.Fatalf("GetUser with the device sign-in's tokens: %v", err)
			}
			got, _ = sdk(srv).GetDevice(t.Context(), &cip.GetDeviceInput{AccessToken: tokens.AccessToken, DeviceKey: aws.String(dev.key)})
			if !got.Device.DeviceLastAuthenticatedDate.Equal(clk.Now()) {
				t.Errorf("DeviceLastAuthenticatedDate = %v, want %v", got.Device.DeviceLastAuthenticatedDate, clk.Now())
			}

			// A sign-in without the device offers another, of the same group.
			other := signIn(t, srv, "ana", password).NewDeviceMetadata
			if other == nil || aws.ToString(other.DeviceKey) == dev.key || aws.ToString(other.DeviceGroupKey) != dev.groupKey {
				t.Errorf("second device %+v (first %s, group %s)", other, dev.key, dev.groupKey)
			}

			// With SRP, the device named in the PASSWORD_VERIFIER answer.
			out, err := srpSignIn(t, srv, "ana", password, func(r map[string]string) { r["DEVICE_KEY"] = dev.key })
			if err != nil || out.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
				t.Fatalf("SRP sign-in with DEVICE_KEY: %v, %+v", err, out)
			}
			responses, session := deviceProof(t, srv, out.Session, "ana", dev)
			final, err := deviceRespond(t, srv, types.ChallengeNameTypeDevicePasswordVerifier, session, responses)
			if err != nil || final.AuthenticationResult == nil || final.AuthenticationResult.NewDeviceMetadata != nil {
				t.Fatalf("SRP device sign-in: %v, %+v", err, final)
			}
		}
	})
}

func TestDeviceAdminSignIn(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = devicePool(t, srv, &types.DeviceConfigurationType{}, true)
		signUpConfirmed(t, srv, "ana", password)
		dev, _ := rememberDevice(t, srv, "ana", "laptop")
		init, err := sdk(srv).AdminInitiateAuth(t.Context(), &cip.AdminInitiateAuthInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeAdminUserPasswordAuth,
			AuthParameters: withSecretHash(srv, "ana", map[string]string{"USERNAME": "ana", "PASSWORD": password, "DEVICE_KEY": dev.key}),
		})
		if err != nil || init.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
			t.Fatalf("AdminInitiateAuth with DEVICE_KEY: %v, %+v", err, init)
		}
		// The administrator's challenge is not answered by the public call.
		_, err = deviceRespond(t, srv, types.ChallengeNameTypeDeviceSrpAuth, init.Session,
			withSecretHash(srv, "ana", map[string]string{"USERNAME": "ana", "DEVICE_KEY": dev.key, "SRP_A": "abcdef"}))
		expectErr[*types.NotAuthorizedException](t, err, "")
		a := make([]byte, 32)
		rand.Read(a)
		A := srp.ClientPublic(a)
		step, err := sdk(srv).AdminRespondToAuthChallenge(t.Context(), &cip.AdminRespondToAuthChallengeInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), ChallengeName: types.ChallengeNameTypeDeviceSrpAuth, Session: init.Session,
			ChallengeResponses: withSecretHash(srv, "ana", map[string]string{"USERNAME": "ana", "DEVICE_KEY": dev.key, "SRP_A": hex.EncodeToString(A)}),
		})
		if err != nil || step.ChallengeName != types.ChallengeNameTypeDevicePasswordVerifier {
			t.Fatalf("AdminRespondToAuthChallenge(DEVICE_SRP_AUTH): %v, %+v", err, step)
		}
		cp := step.ChallengeParameters
		salt, _ := hex.DecodeString(cp["SALT"])
		B, _ := hex.DecodeString(cp["SRP_B"])
		block, _ := base64.StdEncoding.DecodeString(cp["SECRET_BLOCK"])
		key, err := srp.ClientKey(dev.groupKey, dev.key, dev.secret, salt, a, A, B)
		if err != nil {
			t.Fatal(err)
		}
		ts := time.Now().UTC().Format(srp.TimestampLayout)
		final, err := sdk(srv).AdminRespondToAuthChallenge(t.Context(), &cip.AdminRespondToAuthChallengeInput{
			UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID), ChallengeName: types.ChallengeNameTypeDevicePasswordVerifier, Session: step.Session,
			ChallengeResponses: withSecretHash(srv, "ana", map[string]string{
				"USERNAME": "ana", "DEVICE_KEY": dev.key, "PASSWORD_CLAIM_SECRET_BLOCK": cp["SECRET_BLOCK"], "TIMESTAMP": ts,
				"PASSWORD_CLAIM_SIGNATURE": base64.StdEncoding.EncodeToString(srp.Signature(key, dev.groupKey, dev.key, block, ts)),
			}),
		})
		if err != nil || final.AuthenticationResult == nil || final.AuthenticationResult.NewDeviceMetadata != nil {
			t.Fatalf("AdminRespondToAuthChallenge(DEVICE_PASSWORD_VERIFIER): %v, %+v", err, final)
		}
	})
}

func TestDeviceProofRefusals(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = devicePool(t, srv, &types.DeviceConfigurationType{}, false)
		signUpConfirmed(t, srv, "ana", password)
		dev, _ := rememberDevice(t, srv, "ana", "phone")

		start := func() *string {
			t.Helper()
			init, err := startDeviceSignIn(t, srv, "ana", dev.key)
			if err != nil || init.ChallengeName != types.ChallengeNameTypeDeviceSrpAuth {
				t.Fatalf("InitiateAuth with DEVICE_KEY: %v, %+v", err, init)
			}
			return init.Session
		}

		// A device that does not know the device's secret is refused.
		wrong := dev
		wrong.secret = "not-the-secret"
		responses, session := deviceProof(t, srv, start(), "ana", wrong)
		_, err := deviceRespond(t, srv, types.ChallengeNameTypeDevicePasswordVerifier, session, responses)
		expectErr[*types.NotAuthorizedException](t, err, "Incorrect username or password.")
		// ... and so is a forged signature.
		responses, session = deviceProof(t, srv, start(), "ana", dev)
		forged := maps.Clone(responses)
		forged["PASSWORD_CLAIM_SIGNATURE"] = base64.StdEncoding.EncodeToString(make([]byte, 32))
		_, err = deviceRespond(t, srv, types.ChallengeNameTypeDevicePasswordVerifier, session, forged)
		expectErr[*types.NotAuthorizedException](t, err, "")

		// The answer is single use: the right proof, replayed, is refused
		// (its challenge was taken by the forged one).
		_, err = deviceRespond(t, srv, types.ChallengeNameTypeDevicePasswordVerifier, session, responses)
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")
		responses, session = deviceProof(t, srv, start(), "ana", dev)
		if out, err := deviceRespond(t, srv, types.ChallengeNameTypeDevicePasswordVerifier, session, responses); err != nil || out.AuthenticationResult == nil {
			t.Fatalf("right proof: %v", err)
		}
		_, err = deviceRespond(t, srv, types.ChallengeNameTypeDevicePasswordVerifier, session, responses)
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")

		// DEVICE_SRP_AUTH is single use too, and is for a device of the user.
		otherKey := dev
		otherKey.key = "eu-west-1_00000000-0000-0000-0000-000000000000"
		session = start()
		deviceProof(t, srv, session, "ana", dev)
		_, err = deviceRespond(t, srv, types.ChallengeNameTypeDeviceSrpAuth, session,
			map[string]string{"USERNAME": "ana", "DEVICE_KEY": dev.key, "SRP_A": "abcdef"})
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")
		_, err = deviceRespond(t, srv, types.ChallengeNameTypeDeviceSrpAuth, start(),
			map[string]string{"USERNAME": "ana", "DEVICE_KEY": otherKey.key, "SRP_A": "abcdef"})
		expectErr[*types.ResourceNotFoundException](t, err, "Device does not exist.")

		// The answer must be for the device the sign-in named, even another
		// of the user's own (and a refused answer spends the session).
		second, _ := rememberDevice(t, srv, "ana", "tablet")
		session = start()
		_, err = deviceRespond(t, srv, types.ChallengeNameTypeDeviceSrpAuth, session,
			map[string]string{"USERNAME": "ana", "DEVICE_KEY": second.key, "SRP_A": "abcdef"})
		expectErr[*types.InvalidParameterException](t, err, "Invalid device key given.")
		_, err = deviceRespond(t, srv, types.ChallengeNameTypeDeviceSrpAuth, session,
			map[string]string{"USERNAME": "ana", "DEVICE_KEY": dev.key, "SRP_A": "abcdef"})
		expectErr[*types.NotAuthorizedException](t, err, "Invalid session for the user.")

		// An unknown device key fails the sign-in, as AWS answers it.
		_, err = startDeviceSignIn(t, srv, "ana", otherKey.key)
		expectErr[*types.ResourceNotFoundException](t, err, "Device does not exist.")
		// An unconfirmed one too: it is not tracked.
		pending := signIn(t, srv, "ana", password).NewDeviceMetadata
		_, err = startDeviceSignIn(t, srv, "ana", aws.ToString(pending.DeviceKey))
		expectErr[*types.ResourceNotFoundException](t, err, "Device does not exist.")
		// The failed sign-ins did not count as wrong passwords.
		signIn(t, srv, "ana", password)

		// Another user's device is not ana's.
		signUpConfirmed(t, srv, "bob", password)
		_, err = startDeviceSignIn(t, srv, "bob", dev.key)
		expectErr[*types.ResourceNotFoundException](t, err, "Device does not exist.")
	})
}

// Every sign-in without a device offers one; only the latest
// maxPendingDevices (20) unconfirmed ones are kept.
func TestDevicePendingBounded(t *testing.T) {
	srv := devicePool(t, cognitotest.NewServer(t), &types.DeviceConfigurationType{}, false)
	signUpConfirmed(t, srv, "ana", password)
	first := signIn(t, srv, "ana", password)
	var last *types.AuthenticationResultType
	for range 20 {
		last = signIn(t, srv, "ana", password)
	}
	_, err := sdk(srv).ConfirmDevice(t.Context(), &cip.ConfirmDeviceInput{AccessToken: last.AccessToken, DeviceKey: first.NewDeviceMetadata.DeviceKey,
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: aws.String("Ag=="), Salt: aws.String("AQ==")}})
	expectErr[*types.InvalidParameterException](t, err, "Invalid device key given.")
	dev, _ := confirmNewDevice(t, srv, last, "kept")
	deviceSignIn(t, srv, "ana", dev)
}

func TestDeviceKeyIgnoredWithoutDeviceTracking(t *testing.T) {
	srv := cognitotest.NewServer(t)
	signUpConfirmed(t, srv, "ana", password)
	res := signIn(t, srv, "ana", password)
	if res.NewDeviceMetadata != nil {
		t.Fatalf("a pool without DeviceConfiguration offered a device: %+v", res.NewDeviceMetadata)
	}
	out, err := startDeviceSignIn(t, srv, "ana", "eu-west-1_00000000-0000-0000-0000-000000000000")
	if err != nil || out.AuthenticationResult == nil {
		t.Fatalf("DEVICE_KEY in a pool without device tracking: %v, %+v", err, out)
	}
}

func TestDeviceStatusAndForget(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = devicePool(t, srv, &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}, false)
		signUpConfirmed(t, srv, "ana", password)
		c := sdk(srv)
		res := signIn(t, srv, "ana", password)
		dev, confirmed := confirmNewDevice(t, srv, res, "tablet")
		if !confirmed.UserConfirmationNecessary {
			t.Error("UserConfirmationNecessary = false with DeviceOnlyRememberedOnUserPrompt")
		}
		status := func() string {
			t.Helper()
			out, err := c.AdminGetDevice(t.Context(), &cip.AdminGetDeviceInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), DeviceKey: aws.String(dev.key)})
			if err != nil {
				t.Fatalf("AdminGetDevice: %v", err)
			}
			return deviceAttrs(out.Device)["dev:device_remembered_status"]
		}
		if got := status(); got != "not_remembered" {
			t.Errorf("status after ConfirmDevice = %q, want not_remembered", got)
		}
		if _, err := c.UpdateDeviceStatus(t.Context(), &cip.UpdateDeviceStatusInput{AccessToken: res.AccessToken, DeviceKey: aws.String(dev.key), DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered}); err != nil {
			t.Fatalf("UpdateDeviceStatus: %v", err)
		}
		if got := status(); got != "remembered" {
			t.Errorf("status after UpdateDeviceStatus = %q", got)
		}
		if _, err := c.AdminUpdateDeviceStatus(t.Context(), &cip.AdminUpdateDeviceStatusInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), DeviceKey: aws.String(dev.key), DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered}); err != nil {
			t.Fatalf("AdminUpdateDeviceStatus: %v", err)
		}
		if got := status(); got != "not_remembered" {
			t.Errorf("status after AdminUpdateDeviceStatus = %q", got)
		}
		_, err := c.UpdateDeviceStatus(t.Context(), &cip.UpdateDeviceStatusInput{AccessToken: res.AccessToken, DeviceKey: aws.String(dev.key), DeviceRememberedStatus: "forever"})
		expectErr[*types.InvalidParameterException](t, err, "")
		// A not_remembered device still signs in with its proof.
		deviceSignIn(t, srv, "ana", dev)

		// ConfirmDevice takes only a key offered to this user, once, with a
		// usable verifier.
		_, err = c.ConfirmDevice(t.Context(), &cip.ConfirmDeviceInput{AccessToken: res.AccessToken, DeviceKey: aws.String(dev.key),
			DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: aws.String("Ag=="), Salt: aws.String("AQ==")}})
		expectErr[*types.InvalidParameterException](t, err, "")
		fresh := signIn(t, srv, "ana", password)
		for _, cfg := range []*types.DeviceSecretVerifierConfigType{
			nil,
			{PasswordVerifier: aws.String("AA=="), Salt: aws.String("AQ==")}, // v = 0
			{PasswordVerifier: aws.String("not base64"), Salt: aws.String("AQ==")},
		} {
			_, err = c.ConfirmDevice(t.Context(), &cip.ConfirmDeviceInput{AccessToken: fresh.AccessToken, DeviceKey: fresh.NewDeviceMetadata.DeviceKey, DeviceSecretVerifierConfig: cfg})
			expectErr[*types.InvalidParameterException](t, err, "")
		}
		signUpConfirmed(t, srv, "bob", password)
		bob := signIn(t, srv, "bob", password)
		_, err = c.ConfirmDevice(t.Context(), &cip.ConfirmDeviceInput{AccessToken: bob.AccessToken, DeviceKey: fresh.NewDeviceMetadata.DeviceKey,
			DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{PasswordVerifier: aws.String("Ag=="), Salt: aws.String("AQ==")}})
		expectErr[*types.InvalidParameterException](t, err, "Invalid device key given.")
		_, err = c.GetDevice(t.Context(), &cip.GetDeviceInput{AccessToken: bob.AccessToken, DeviceKey: aws.String(dev.key)})
		expectErr[*types.ResourceNotFoundException](t, err, "Device does not exist.")

		// Forgetting: by the user, then by the administrator.
		second, _ := confirmNewDevice(t, srv, fresh, "second")
		if _, err := c.ForgetDevice(t.Context(), &cip.ForgetDeviceInput{AccessToken: res.AccessToken, DeviceKey: aws.String(dev.key)}); err != nil {
			t.Fatalf("ForgetDevice: %v", err)
		}
		_, err = c.GetDevice(t.Context(), &cip.GetDeviceInput{AccessToken: res.AccessToken, DeviceKey: aws.String(dev.key)})
		expectErr[*types.ResourceNotFoundException](t, err, "Device does not exist.")
		_, err = c.ForgetDevice(t.Context(), &cip.ForgetDeviceInput{AccessToken: res.AccessToken, DeviceKey: aws.String(dev.key)})
		expectErr[*types.ResourceNotFoundException](t, err, "Device does not exist.")
		_, err = startDeviceSignIn(t, srv, "ana", dev.key)
		expectErr[*types.ResourceNotFoundException](t, err, "Device does not exist.")
		if _, err := c.AdminForgetDevice(t.Context(), &cip.AdminForgetDeviceInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana@example.com"), DeviceKey: aws.String(second.key)}); err == nil {
			t.Fatal("AdminForgetDevice by an email that is no alias succeeded")
		}
		if _, err := c.AdminForgetDevice(t.Context(), &cip.AdminForgetDeviceInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), DeviceKey: aws.String(second.key)}); err != nil {
			t.Fatalf("AdminForgetDevice: %v", err)
		}
		list, err := c.AdminListDevices(t.Context(), &cip.AdminListDevicesInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")})
		if err != nil || len(list.Devices) != 0 || list.PaginationToken != nil {
			t.Fatalf("AdminListDevices after forgetting both: %v, %+v", err, list)
		}
	})
}

func TestDeviceDeletedWithUser(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = devicePool(t, srv, &types.DeviceConfigurationType{}, false)
		signUpConfirmed(t, srv, "ana", password)
		dev, _ := rememberDevice(t, srv, "ana", "phone")
		c := sdk(srv)
		if _, err := c.AdminDeleteUser(t.Context(), &cip.AdminDeleteUserInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")}); err != nil {
			t.Fatal(err)
		}
		_, err := c.AdminListDevices(t.Context(), &cip.AdminListDevicesInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")})
		expectCode(t, err, "UserNotFoundException")
		// A new user of the same name has none of the old one's devices.
		signUpConfirmed(t, srv, "ana", password)
		list, err := c.AdminListDevices(t.Context(), &cip.AdminListDevicesInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana")})
		if err != nil || len(list.Devices) != 0 {
			t.Fatalf("devices of the new ana: %v, %+v", err, list)
		}
		_, err = startDeviceSignIn(t, srv, "ana", dev.key)
		expectErr[*types.ResourceNotFoundException](t, err, "Device does not exist.")
	})
}

func TestDeviceListPaging(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		srv = devicePool(t, srv, &types.DeviceConfigurationType{}, false)
		signUpConfirmed(t, srv, "ana", password)
		want := map[string]bool{}
		var res *types.AuthenticationResultType
		for i := range 5 {
			var dev clientDevice
			dev, res = rememberDevice(t, srv, "ana", "device "+string(rune('a'+i)))
			want[dev.key] = true
		}
		signIn(t, srv, "ana", password) // an unconfirmed one, not listed
		for _, limit := range []int32{1, 2, 5, 60} {
			keys := listDeviceKeys(t, srv, res.AccessToken, limit)
			if len(keys) != len(want) {
				t.Fatalf("limit %d: %d devices, want %d", limit, len(keys), len(want))
			}
			for i, k := range keys {
				if !want[k] || (i > 0 && keys[i-1] >= k) {
					t.Fatalf("limit %d: devices %v", limit, keys)
				}
			}
		}
		c := sdk(srv)
		page, err := c.AdminListDevices(t.Context(), &cip.AdminListDevicesInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), Limit: aws.Int32(3)})
		if err != nil || len(page.Devices) != 3 || page.PaginationToken == nil {
			t.Fatalf("AdminListDevices page 1: %v, %+v", err, page)
		}
		rest, err := c.AdminListDevices(t.Context(), &cip.AdminListDevicesInput{UserPoolId: aws.String(srv.UserPoolID), Username: aws.String("ana"), Limit: aws.Int32(3), PaginationToken: page.PaginationToken})
		if err != nil || len(rest.Devices) != 2 || rest.PaginationToken != nil {
			t.Fatalf("AdminListDevices page 2: %v, %+v", err, rest)
		}
		_, err = c.ListDevices(t.Context(), &cip.ListDevicesInput{AccessToken: res.AccessToken, PaginationToken: aws.String("!!")})
		expectErr[*types.InvalidParameterException](t, err, "")
	})
}

func TestDeviceRefresh(t *testing.T) {
	onEachStoreWithClock(t, func(t *testing.T, srv *cognitotest.Server, clk *clock) {
		srv = devicePool(t, srv, &types.DeviceConfigurationType{}, true)
		signUpConfirmed(t, srv, "ana", password)
		dev, _ := rememberDevice(t, srv, "ana", "phone")
		tokens := deviceSignIn(t, srv, "ana", dev)
		clk.Advance(10 * time.Minute)
		refresh := func(deviceKey string) (*cip.InitiateAuthOutput, error) {
			return sdk(srv).InitiateAuth(t.Context(), &cip.InitiateAuthInput{
				ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeRefreshTokenAuth,
				AuthParameters: withSecretHash(srv, "ana", map[string]string{"REFRESH_TOKEN": aws.ToString(tokens.RefreshToken), "DEVICE_KEY": deviceKey}),
			})
		}
		out, err := refresh(dev.key)
		if err != nil || out.AuthenticationResult == nil || out.AuthenticationResult.NewDeviceMetadata != nil {
			t.Fatalf("REFRESH_TOKEN_AUTH with DEVICE_KEY: %v, %+v", err, out)
		}
		got, err := sdk(srv).GetDevice(t.Context(), &cip.GetDeviceInput{AccessToken: out.AuthenticationResult.AccessToken, DeviceKey: aws.String(dev.key)})
		if err != nil || !got.Device.DeviceLastAuthenticatedDate.Equal(clk.Now()) {
			t.Fatalf("after the refresh: %v, DeviceLastAuthenticatedDate %v, want %v", err, got.Device.DeviceLastAuthenticatedDate, clk.Now())
		}
		_, err = refresh("eu-west-1_00000000-0000-0000-0000-000000000000")
		expectErr[*types.ResourceNotFoundException](t, err, "Device does not exist.")
	})
}

// TestJavaScriptDeviceClient remembers a device and signs in with it
// through amazon-cognito-identity-js (testdata/jssdk/devices.mjs): the
// device verifier the library computes and its DEVICE_PASSWORD_VERIFIER
// proof must match the local Cognito's arithmetic to the byte.
func TestJavaScriptDeviceClient(t *testing.T) {
	srv := devicePool(t, cognitotest.NewServer(t), &types.DeviceConfigurationType{}, false)
	signUpConfirmed(t, srv, "ana", password)
	if got, err := nodeScript(t, srv, "devices.mjs", "ana", password); err != nil || got != "ok" {
		t.Fatalf("node devices.mjs: %v, printed %q", err, got)
	}
}
