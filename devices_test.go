package cognito_test

import (
	"errors"
	"testing"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
)

// trackingDevices makes srv's pool track devices; with
// challengeOnNewDevice, MFA is asked only on devices not remembered.
func trackingDevices(t *testing.T, srv *cognitotest.Server, challengeOnNewDevice bool) {
	t.Helper()
	updatePool(t, srv, &cip.UpdateUserPoolInput{
		DeviceConfiguration: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: challengeOnNewDevice},
	})
}

// A sign-in offers the device; remembered, it signs in again (with the
// password sent or proved), refreshes naming it, is listed, and once
// forgotten is refused.
func TestRememberedDevice(t *testing.T) {
	for _, pk := range poolKinds {
		t.Run(pk.name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t, pk.opts...)
			trackingDevices(t, srv, false)
			c := newClient(t, srv)
			registered(t, srv, c, "ana@example.com")
			s, err := c.SignIn(t.Context(), "ana@example.com", password)
			if err != nil || s.Tokens == nil || s.Tokens.NewDevice == nil {
				t.Fatalf("SignIn = %+v, %v; want tokens offering a device", s, err)
			}
			if _, err := c.RememberDevice(t.Context(), &cognito.Tokens{AccessToken: s.Tokens.AccessToken}, "x"); !errors.Is(err, cognito.ErrInvalidParameter) {
				t.Errorf("RememberDevice without a device offered: %v", err)
			}
			d, err := c.RememberDevice(t.Context(), s.Tokens, "laptop")
			if err != nil {
				t.Fatalf("RememberDevice: %v", err)
			}
			if d.Key != s.Tokens.NewDevice.Key || d.Secret == "" || s.Tokens.DeviceKey != d.Key {
				t.Errorf("remembered device %+v, tokens' device key %q", d, s.Tokens.DeviceKey)
			}
			for _, opts := range [][]cognito.SignInOption{{cognito.WithDevice(d)}, {cognito.WithDevice(d), cognito.WithSRP()}} {
				again, err := c.SignIn(t.Context(), "ana@example.com", password, opts...)
				if err != nil || again.Tokens == nil {
					t.Fatalf("SignIn with the device (%d options): %+v, %v", len(opts), again, err)
				}
				if again.Tokens.DeviceKey != d.Key || again.Tokens.NewDevice != nil {
					t.Errorf("tokens of a device sign-in: device key %q, new device %+v", again.Tokens.DeviceKey, again.Tokens.NewDevice)
				}
				if _, err := c.RefreshTokens(t.Context(), again.Tokens); err != nil {
					t.Errorf("RefreshTokens naming the device: %v", err)
				}
			}
			forged := *d
			forged.Secret = "bm90IHRoZSBzZWNyZXQ="
			if _, err := c.SignIn(t.Context(), "ana@example.com", password, cognito.WithDevice(&forged)); err == nil {
				t.Error("a device with a wrong secret signed in")
			}

			devices, err := c.ListDevices(t.Context(), s.Tokens.AccessToken)
			if err != nil || len(devices) != 1 || devices[0].Key != d.Key || devices[0].Name != "laptop" || !devices[0].Remembered {
				t.Fatalf("ListDevices = %+v, %v", devices, err)
			}
			if err := c.ForgetDevice(t.Context(), s.Tokens.AccessToken, d.Key); err != nil {
				t.Fatalf("ForgetDevice: %v", err)
			}
			if devices, err := c.ListDevices(t.Context(), s.Tokens.AccessToken); err != nil || len(devices) != 0 {
				t.Errorf("ListDevices after forgetting: %+v, %v", devices, err)
			}
			if _, err := c.SignIn(t.Context(), "ana@example.com", password, cognito.WithDevice(d)); !errors.Is(err, cognito.ErrDeviceNotRemembered) {
				t.Errorf("SignIn with a forgotten device: %v, want ErrDeviceNotRemembered", err)
			}
		})
	}
}

// Where the pool asks for MFA only on new devices, a remembered device
// signs in without the code.
func TestRememberedDeviceSparesMFA(t *testing.T) {
	t.Parallel()
	clk := cognitotest.NewClock(time.Now())
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now))
	trackingDevices(t, srv, true)
	withTOTP(t, srv, types.UserPoolMfaTypeOn)
	c := newClient(t, srv)
	registered(t, srv, c, "ana@example.com")

	s, err := c.SignIn(t.Context(), "ana@example.com", password)
	if err != nil || s.Step == nil || s.Step.Kind != cognito.StepSetUpTOTP {
		t.Fatalf("first sign-in: %+v, %v; want the TOTP set-up", s, err)
	}
	secret := s.Step.TOTP.Secret
	if s, err = c.Answer(t.Context(), s, authenticatorApp(secret, clk.Now())); err != nil || s.Tokens == nil {
		t.Fatalf("set-up: %+v, %v", s, err)
	}
	d, err := c.RememberDevice(t.Context(), s.Tokens, "laptop")
	if err != nil {
		t.Fatalf("RememberDevice: %v", err)
	}
	clk.Advance(30 * time.Second)
	with, err := c.SignIn(t.Context(), "ana@example.com", password, cognito.WithDevice(d))
	if err != nil || with.Tokens == nil {
		t.Fatalf("sign-in on the remembered device: %+v, %v; want tokens without a code", with, err)
	}
	without, err := c.SignIn(t.Context(), "ana@example.com", password)
	if err != nil || without.Step == nil || without.Step.Kind != cognito.StepTOTPCode {
		t.Fatalf("sign-in without the device: %+v, %v; want the TOTP step", without, err)
	}
}
