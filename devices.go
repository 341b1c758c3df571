package cognito

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/internal/srp"
)

// Remembered devices. In a pool that tracks devices, a sign-in offers one
// (Tokens.NewDevice); RememberDevice makes it a RememberedDevice — keys and
// a secret the app keeps, like a refresh token — and a sign-in WithDevice
// then proves the device with SRP, which spares the user MFA where the
// pool says so. ListDevices and ForgetDevice manage them.

// NewDevice is a device a sign-in offers to remember.
type NewDevice struct {
	Key      string `json:"key"`
	GroupKey string `json:"group_key"`
}

// RememberedDevice is a device the user remembered: what a later sign-in
// needs to prove it. Secret is a secret: keep it as safely as a refresh
// token.
type RememberedDevice struct {
	Key      string `json:"key"`
	GroupKey string `json:"group_key"`
	Secret   string `json:"secret"`
}

// Device describes one of a user's devices, as ListDevices returns it.
type Device struct {
	Key               string    `json:"key"`
	Name              string    `json:"name,omitempty"`
	Remembered        bool      `json:"remembered"`
	Created           time.Time `json:"created"`
	LastAuthenticated time.Time `json:"last_authenticated,omitzero"`
}

// RememberDevice remembers the device the sign-in that gave t offered
// (t.NewDevice): it draws the device's secret, gives Cognito its SRP
// verifier (ConfirmDevice, named name) and marks it remembered. It sets
// t.DeviceKey, so refreshing t names the device. Without a device offered
// it is ErrInvalidParameter.
func (c *Client) RememberDevice(ctx context.Context, t *Tokens, name string) (*RememberedDevice, error) {
	if t == nil || t.NewDevice == nil {
		return nil, &Error{Op: "RememberDevice", Kind: ErrInvalidParameter, lang: c.lang,
			Err: errors.New("cognito: the sign-in offered no device to remember (the pool does not track devices, or the sign-in was made with one)")}
	}
	d := &RememberedDevice{Key: t.NewDevice.Key, GroupKey: t.NewDevice.GroupKey}
	secret := make([]byte, 40)
	salt := make([]byte, srp.SaltSize)
	if _, err := rand.Read(secret); err != nil {
		return nil, &Error{Op: "RememberDevice", Kind: ErrUnexpected, lang: c.lang, Err: err}
	}
	if _, err := rand.Read(salt); err != nil {
		return nil, &Error{Op: "RememberDevice", Kind: ErrUnexpected, lang: c.lang, Err: err}
	}
	// A salt whose high bit is clear reads the same as a signed and an
	// unsigned number, as Cognito's JavaScript client pads it.
	salt[0] &= 0x7f
	d.Secret = base64.StdEncoding.EncodeToString(secret)
	verifier := srp.Verifier(d.GroupKey, d.Key, d.Secret, salt)
	if len(verifier) > 0 && verifier[0]&0x80 != 0 {
		verifier = append([]byte{0}, verifier...)
	}
	out, err := c.sdk.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{
		AccessToken: aws.String(t.AccessToken), DeviceKey: aws.String(d.Key), DeviceName: optionalString(name),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{
			PasswordVerifier: aws.String(base64.StdEncoding.EncodeToString(verifier)),
			Salt:             aws.String(base64.StdEncoding.EncodeToString(salt)),
		},
	})
	if err != nil {
		return nil, c.failToken("RememberDevice", t.AccessToken, err)
	}
	if out.UserConfirmationNecessary {
		_, err := c.sdk.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{
			AccessToken: aws.String(t.AccessToken), DeviceKey: aws.String(d.Key),
			DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered,
		})
		if err != nil {
			return nil, c.failToken("RememberDevice", t.AccessToken, err)
		}
	}
	t.DeviceKey = d.Key
	return d, nil
}

// ListDevices lists the access token's user's devices.
func (c *Client) ListDevices(ctx context.Context, accessToken string) ([]Device, error) {
	devices := []Device{}
	var token *string
	for {
		out, err := c.sdk.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: aws.String(accessToken), PaginationToken: token})
		if err != nil {
			return nil, c.failToken("ListDevices", accessToken, err)
		}
		for _, d := range out.Devices {
			dev := Device{Key: aws.ToString(d.DeviceKey), Created: aws.ToTime(d.DeviceCreateDate), LastAuthenticated: aws.ToTime(d.DeviceLastAuthenticatedDate)}
			for _, a := range d.DeviceAttributes {
				switch aws.ToString(a.Name) {
				case "device_name":
					dev.Name = aws.ToString(a.Value)
				case "dev:device_remembered_status":
					dev.Remembered = aws.ToString(a.Value) == "remembered"
				}
			}
			devices = append(devices, dev)
		}
		if token = out.PaginationToken; aws.ToString(token) == "" {
			return devices, nil
		}
	}
}

// ForgetDevice forgets one of the access token's user's devices: it no
// longer spares MFA and cannot sign in as a remembered device.
func (c *Client) ForgetDevice(ctx context.Context, accessToken, deviceKey string) error {
	_, err := c.sdk.ForgetDevice(ctx, &cip.ForgetDeviceInput{AccessToken: aws.String(accessToken), DeviceKey: aws.String(deviceKey)})
	if err != nil {
		return c.failToken("ForgetDevice", accessToken, err)
	}
	return nil
}

// WithDevice signs in as a remembered device: Cognito checks the device's
// proof (DEVICE_SRP_AUTH, answered here) and may then not ask for MFA.
func WithDevice(d *RememberedDevice) SignInOption {
	return func(o *signInOptions) { o.device = d }
}

// answerDevice answers the device challenges of a sign-in made
// WithDevice: DEVICE_SRP_AUTH with the device's A, then
// DEVICE_PASSWORD_VERIFIER with its proof.
func (c *Client) answerDevice(ctx context.Context, op string, s *SignIn, params map[string]string) (*SignIn, error) {
	d := s.device
	if d == nil {
		return nil, &Error{Op: op, Kind: ErrUnexpected, lang: c.lang, Err: errors.New("cognito: Cognito asks for a device proof, but the sign-in names no device")}
	}
	switch s.challenge {
	case types.ChallengeNameTypeDeviceSrpAuth:
		a, A, err := srp.NewClientSecret()
		if err != nil {
			return nil, &Error{Op: op, Kind: ErrUnexpected, lang: c.lang, Err: err}
		}
		s.deviceSecret = a
		return c.respond(ctx, op, s, map[string]string{"USERNAME": s.username, "DEVICE_KEY": d.Key, "SRP_A": hexString(A)})
	default: // DEVICE_PASSWORD_VERIFIER
		proof, err := srpProof(d.GroupKey, d.Key, d.Secret, s.deviceSecret, params)
		if err != nil {
			return nil, &Error{Op: op, Kind: ErrUnexpected, lang: c.lang, Err: err}
		}
		proof["USERNAME"] = s.username
		proof["DEVICE_KEY"] = d.Key
		return c.respond(ctx, op, s, proof)
	}
}
