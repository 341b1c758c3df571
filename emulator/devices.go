package emulator

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/google/uuid"

	"github.com/cognitokit/cognito/internal/srp"
)

// Devices: remembered devices of a user (the pool's DeviceConfiguration),
// their SRP proof at sign-in (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER)
// and their management (ConfirmDevice, ListDevices, GetDevice,
// UpdateDeviceStatus, ForgetDevice and the Admin* forms).
//
// The life of a device, as AWS documents it ("Working with user devices in
// your user pool"):
//
//  1. In a pool with a DeviceConfiguration, a sign-in that ends in tokens
//     and was not made with a device offers one: NewDeviceMetadata, a new
//     DeviceKey ("<region>_<uuid>") and the user's DeviceGroupKey. The
//     device is kept, unconfirmed: not tracked yet, not listed.
//  2. ConfirmDevice (with the user's access token) stores the device's SRP
//     verifier, computed by the client from a random secret of its own
//     exactly as a user's password verifier is, with the DeviceGroupKey in
//     place of the pool name and the DeviceKey in place of the username.
//     The device is tracked from then on: remembered at once, or — when
//     DeviceOnlyRememberedOnUserPrompt — not_remembered until
//     UpdateDeviceStatus remembers it (UserConfirmationNecessary).
//  3. A sign-in naming the device (DEVICE_KEY) proves it after the first
//     factor: DEVICE_SRP_AUTH, answered with SRP_A; DEVICE_PASSWORD_VERIFIER,
//     answered with a signature under the shared key of the DeviceGroupKey,
//     the DeviceKey, the secret block and a timestamp. Then the MFA stage
//     decides whether the device spares MFA (only a remembered one can,
//     and only with ChallengeRequiredOnNewDevice), and the tokens come
//     without NewDeviceMetadata.
//
// Where AWS's documentation is silent the choices below are the
// conservative ones, each said where it is made.

// Device statuses, as DeviceRememberedStatus names them.
const (
	deviceRemembered    = "remembered"
	deviceNotRemembered = "not_remembered"
)

// maxPendingDevices bounds the unconfirmed devices kept for a user: every
// sign-in without a device offers a new one, and most are never confirmed.
// The oldest are dropped first. (AWS does not document how long an
// unconfirmed device key stays usable; an emulator's choice.)
const maxPendingDevices = 20

// device is a device of a user: offered by a sign-in (NewDeviceMetadata)
// and tracked once ConfirmDevice stored its verifier. Only a confirmed
// device is seen by the device actions or can sign in.
type device struct {
	Key      string `json:"key"`
	GroupKey string `json:"groupKey"`
	Name     string `json:"name,omitempty"`
	// Confirmed: ConfirmDevice stored Salt and Verifier.
	Confirmed bool   `json:"confirmed,omitempty"`
	Salt      []byte `json:"salt,omitempty"`
	Verifier  []byte `json:"verifier,omitempty"`
	// Remembered is the DeviceRememberedStatus: remembered or not.
	Remembered        bool      `json:"remembered,omitempty"`
	Created           time.Time `json:"created"`
	Modified          time.Time `json:"modified"`
	LastAuthenticated time.Time `json:"lastAuthenticated"`
}

// Device errors, in Cognito's words: an unknown device at sign-in or in a
// device action is "Device does not exist." (ResourceNotFoundException;
// the SDKs — amazon-cognito-identity-js, Amplify — match on it to sign in
// again without the device), a key ConfirmDevice or a challenge answer
// does not accept is "Invalid device key given." (InvalidParameterException).
var (
	errDeviceNotFound   = newError(excResourceNotFound, "Device does not exist.")
	errInvalidDeviceKey = invalidParameter("Invalid device key given.")
)

// deviceRegion is the region of a pool's device keys: its ID's prefix.
func deviceRegion(p *pool) string {
	region, _, _ := strings.Cut(p.ID, "_")
	return region
}

// tracksDevices reports whether p remembers devices: "When you provide a
// value for any property of DeviceConfiguration, you activate the device
// remembering for the user pool."
func tracksDevices(p *pool) bool { return p.DeviceConfiguration != nil }

// trackedDevice reads a confirmed device of u: an unknown or unconfirmed
// one is errDeviceNotFound.
func trackedDevice(st *state, p *pool, u *user, deviceKey string) (*device, error) {
	d, err := st.device(p, u, deviceKey)
	if isNotFound(err) || (err == nil && !d.Confirmed) {
		return nil, errDeviceNotFound
	}
	return d, err
}

// deviceStage is the sign-in stage of a remembered device: when the client
// names one (DEVICE_KEY), it must prove it is that device before MFA.
//
// In a pool without a DeviceConfiguration the device key is ignored (AWS
// returns DEVICE_SRP_AUTH only "if device tracking was activated on your
// user pool"). A key the user has no tracked device under fails the
// sign-in with ResourceNotFoundException "Device does not exist.", as AWS
// answers a forgotten or unknown device (the SDKs then sign in again
// without it); the failure comes after the first factor, so it tells
// nothing to a caller who does not know the password. The failure keeps
// what the sign-in did so far (a cleared failure count, a new password).
func (s *Server) deviceStage(st *state, c *caller, u *user, prog *progress) (*authStep, error) {
	p := c.pool
	if prog.DeviceKey == "" || prog.DeviceProven || !tracksDevices(p) {
		return nil, nil
	}
	if _, err := trackedDevice(st, p, u, prog.DeviceKey); err != nil {
		if err == errDeviceNotFound {
			return nil, &commitThen{err}
		}
		return nil, err
	}
	rec := &challengeRecord{Name: "DEVICE_SRP_AUTH", UsernameKey: p.usernameKey(u.Username), Progress: *prog}
	session, err := s.newChallenge(st, c.client, p, rec)
	if err != nil {
		return nil, err
	}
	// AWS does not document this challenge's parameters; USERNAME names
	// the user the answer (and its SECRET_HASH) is about.
	return &authStep{challenge: "DEVICE_SRP_AUTH", session: session, params: map[string]string{"USERNAME": u.Username}}, nil
}

// newDeviceMetadata is the device a sign-in that ends in tokens offers to
// remember (NewDeviceMetadata), or nil: none in a pool that does not track
// devices, none for a sign-in made with a device. The device is kept
// unconfirmed until ConfirmDevice.
func (s *Server) newDeviceMetadata(st *state, c *caller, u *user, prog *progress) (*types.NewDeviceMetadataType, error) {
	p := c.pool
	if !tracksDevices(p) || prog.DeviceProven {
		return nil, nil
	}
	// A user's devices share one group key (the "device group" of the
	// user); AWS's keys look like "-wt2ha1Zd".
	groupKey := ""
	var pending []*device
	err := st.scanDevices(p, u, func(d *device) error {
		if groupKey == "" {
			groupKey = d.GroupKey
		}
		if !d.Confirmed {
			pending = append(pending, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if groupKey == "" {
		groupKey = "-" + randomAlphanumeric(8)
	}
	for len(pending) >= maxPendingDevices {
		oldest := 0
		for i, d := range pending {
			if d.Created.Before(pending[oldest].Created) {
				oldest = i
			}
		}
		if err := st.deleteDevice(p, u, pending[oldest].Key); err != nil {
			return nil, err
		}
		pending = append(pending[:oldest], pending[oldest+1:]...)
	}
	now := s.now()
	d := &device{
		Key: deviceRegion(p) + "_" + uuid.NewString(), GroupKey: groupKey,
		Created: now, Modified: now, LastAuthenticated: now,
	}
	if err := st.putDevice(p, u, d); err != nil {
		return nil, err
	}
	return &types.NewDeviceMetadataType{DeviceKey: aws.String(d.Key), DeviceGroupKey: aws.String(d.GroupKey)}, nil
}

// touchDevice records that u authenticated with its device deviceKey now
// (DeviceLastAuthenticatedDate): for a device sign-in, and for a refresh
// that names the device (REFRESH_TOKEN_AUTH's DEVICE_KEY,
// GetTokensFromRefreshToken's DeviceKey). It runs in the caller's write
// transaction. In a pool that does not track devices the key is ignored,
// as at sign-in; a key u has no tracked device under is errDeviceNotFound.
func (s *Server) touchDevice(st *state, p *pool, u *user, deviceKey string) error {
	if !tracksDevices(p) {
		return nil
	}
	d, err := trackedDevice(st, p, u, deviceKey)
	if err != nil {
		return err
	}
	d.LastAuthenticated = s.now()
	return st.putDevice(p, u, d)
}

// deviceSRPAuth answers DEVICE_SRP_AUTH: the client sends A for its
// device; the server answers DEVICE_PASSWORD_VERIFIER with B (from the
// device's verifier), the device's salt and a secret block. The challenge
// is consumed in the transaction that issues the next one; B is computed
// before it.
func (s *Server) deviceSRPAuth(ctx context.Context, c *caller, in *challengeAnswer) (*authStep, error) {
	r := in.responses
	name, deviceKey, srpA := r["USERNAME"], r["DEVICE_KEY"], r["SRP_A"]
	if name == "" || deviceKey == "" {
		return nil, invalidParameter("Missing required parameter USERNAME or DEVICE_KEY")
	}
	clientPublic, ok := new(big.Int).SetString(srpA, 16)
	if len(srpA) > 2048 || !ok || clientPublic.Sign() <= 0 {
		return nil, invalidParameter("Missing or invalid parameter SRP_A")
	}
	if err := checkSecretHash(c.client, r["SECRET_HASH"], name); err != nil {
		return nil, err
	}
	p := c.pool
	var u *user
	var d *device
	err := s.view(ctx, func(st *state) (err error) {
		if u, err = st.user(p, name); isNotFound(err) {
			return errInvalidSession
		} else if err != nil {
			return err
		}
		d, err = trackedDevice(st, p, u, deviceKey)
		return err
	})
	if err != nil {
		return nil, err
	}
	challenge, err := srp.NewServerChallenge(d.Verifier)
	if err != nil {
		return nil, err
	}
	var block string
	err = s.update(ctx, func(st *state) error {
		rec, err := s.takeChallenge(st, c, "DEVICE_SRP_AUTH", in.session, u)
		if err != nil {
			return err
		}
		if rec.Progress.DeviceKey != deviceKey {
			// Another device than the sign-in named: the session is spent.
			return &commitThen{errInvalidDeviceKey}
		}
		if _, err := trackedDevice(st, p, u, deviceKey); err != nil {
			return &commitThen{err} // forgotten meanwhile
		}
		next := &challengeRecord{
			Name: "DEVICE_PASSWORD_VERIFIER", UsernameKey: rec.UsernameKey, Progress: rec.Progress,
			SRPA: clientPublic.Bytes(), SRPb: challenge.Secret(), SRPB: challenge.Public(),
		}
		block, err = s.newChallenge(st, c.client, p, next)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &authStep{
		challenge: "DEVICE_PASSWORD_VERIFIER",
		session:   block,
		params: map[string]string{
			"USERNAME":     u.Username,
			"DEVICE_KEY":   deviceKey,
			"SRP_B":        hex.EncodeToString(challenge.Public()),
			"SALT":         hex.EncodeToString(d.Salt),
			"SECRET_BLOCK": base64.StdEncoding.EncodeToString([]byte(block)),
		},
	}, nil
}

// devicePasswordVerifier answers DEVICE_PASSWORD_VERIFIER: the device's
// proof, HMAC-SHA256 under the shared key of DeviceGroupKey | DeviceKey |
// secret block | TIMESTAMP (amazon-cognito-identity-js's getDeviceResponse).
// The challenge is taken (single use) in one transaction, the proof
// checked outside any, and the sign-in goes on in another: the MFA stage,
// then the tokens. A wrong proof is NotAuthorizedException "Incorrect
// username or password." (AWS documents no other wording); it does not
// count towards the user's lockout, the password having been proven.
func (s *Server) devicePasswordVerifier(ctx context.Context, c *caller, in *challengeAnswer) (*authStep, error) {
	r := in.responses
	claim, err := readSRPClaim(c, r, "DEVICE_KEY")
	if err != nil {
		return nil, err
	}
	name, deviceKey, block, signature, timestamp := claim.username, r["DEVICE_KEY"], claim.block, claim.signature, claim.timestamp
	p := c.pool
	var u *user
	var d *device
	var rec *challengeRecord
	err = s.update(ctx, func(st *state) (err error) {
		if u, err = st.user(p, name); isNotFound(err) {
			return errInvalidSession
		} else if err != nil {
			return err
		}
		if rec, err = s.takeChallenge(st, c, "DEVICE_PASSWORD_VERIFIER", string(block), u); err != nil {
			return err
		}
		if rec.Progress.DeviceKey != deviceKey {
			return &commitThen{errInvalidDeviceKey}
		}
		if d, err = trackedDevice(st, p, u, deviceKey); err != nil {
			return &commitThen{err}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	key, err := srp.RestoreServerChallenge(rec.SRPb, rec.SRPB).Key(rec.SRPA, d.Verifier)
	if err != nil || !hmac.Equal(signature, srp.Signature(key, d.GroupKey, d.Key, block, timestamp)) {
		return nil, errIncorrectCredentials
	}
	var next *outcome
	err = s.update(ctx, func(st *state) error {
		u, err := st.userByKey(p, rec.UsernameKey)
		if isNotFound(err) {
			return errInvalidSession
		}
		if err != nil {
			return err
		}
		if !u.Enabled {
			return errUserDisabled
		}
		if err := s.touchDevice(st, p, u, deviceKey); err != nil {
			return err
		}
		prog := rec.Progress
		prog.DeviceProven = true
		next, err = s.proceed(st, c, u, prog)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.finish(ctx, c, next)
}

// deviceShape is a tracked device as the device actions show it. The
// attributes are those AWS's examples show (device_status "valid",
// device_name, dev:device_arn, dev:device_owner,
// dev:device_remembered_status); last_ip_used and dev:device_sdk are left
// out: the local Cognito does not record them.
func (s *Server) deviceShape(p *pool, u *user, d *device) types.DeviceType {
	status := deviceNotRemembered
	if d.Remembered {
		status = deviceRemembered
	}
	owner := u.Username + "." + p.ID
	attrs := [][2]string{
		{"device_status", "valid"},
		{"device_name", d.Name},
		{"dev:device_arn", "arn:aws:cognito-idp:" + deviceRegion(p) + ":" + localAccountID + ":owner/" + owner + "/device/" + d.Key},
		{"dev:device_owner", owner},
		{"dev:device_remembered_status", status},
	}
	var list []types.AttributeType
	for _, a := range attrs {
		if a[1] != "" {
			list = append(list, types.AttributeType{Name: aws.String(a[0]), Value: aws.String(a[1])})
		}
	}
	return types.DeviceType{
		DeviceKey: aws.String(d.Key), DeviceAttributes: list,
		DeviceCreateDate: aws.Time(d.Created), DeviceLastModifiedDate: aws.Time(d.Modified),
		DeviceLastAuthenticatedDate: aws.Time(d.LastAuthenticated),
	}
}

// confirmDevice starts tracking a device a sign-in of the token's user
// offered: it stores the device's SRP verifier and name. The verifier and
// salt are required (without them the device could never prove itself; a
// conservative reading of a member the model leaves optional), and a
// device already confirmed cannot be confirmed again (its verifier is not
// replaced). UserConfirmationNecessary is the pool's
// DeviceOnlyRememberedOnUserPrompt: the device stays not_remembered until
// UpdateDeviceStatus.
func (s *Server) confirmDevice(ctx context.Context, c *caller, in *cip.ConfirmDeviceInput) (*cip.ConfirmDeviceOutput, error) {
	cfg := in.DeviceSecretVerifierConfig
	if cfg == nil || aws.ToString(cfg.PasswordVerifier) == "" || aws.ToString(cfg.Salt) == "" {
		return nil, invalidParameter("DeviceSecretVerifierConfig with PasswordVerifier and Salt is required.")
	}
	verifier, err1 := base64.StdEncoding.DecodeString(aws.ToString(cfg.PasswordVerifier))
	salt, err2 := base64.StdEncoding.DecodeString(aws.ToString(cfg.Salt))
	if err1 != nil || err2 != nil || !srp.ValidVerifier(verifier) || len(salt) == 0 || len(salt) > 1024 {
		return nil, invalidParameter("Invalid DeviceSecretVerifierConfig: PasswordVerifier and Salt must be base64 and the verifier a valid SRP verifier.")
	}
	name := aws.ToString(in.DeviceName)
	if len(name) > 1024 {
		return nil, invalidParameter("1 validation error detected: Value at 'deviceName' failed to satisfy constraint: Member must have length less than or equal to 1024")
	}
	necessary := false
	err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
		d, err := st.device(p, u, aws.ToString(in.DeviceKey))
		if isNotFound(err) {
			return errInvalidDeviceKey
		}
		if err != nil {
			return err
		}
		if d.Confirmed {
			return invalidParameter("Device has already been confirmed.")
		}
		necessary = p.DeviceConfiguration != nil && p.DeviceConfiguration.DeviceOnlyRememberedOnUserPrompt
		d.Confirmed, d.Salt, d.Verifier, d.Name = true, salt, verifier, name
		d.Remembered = !necessary
		d.Modified = s.now()
		return st.putDevice(p, u, d)
	})
	if err != nil {
		return nil, err
	}
	return &cip.ConfirmDeviceOutput{UserConfirmationNecessary: necessary}, nil
}

// rememberedStatus reads a DeviceRememberedStatus.
func rememberedStatus(status types.DeviceRememberedStatusType) (bool, error) {
	switch status {
	case deviceRemembered:
		return true, nil
	case deviceNotRemembered:
		return false, nil
	}
	return false, invalidParameter("1 validation error detected: Value at 'deviceRememberedStatus' failed to satisfy constraint: Member must satisfy enum value set: [remembered, not_remembered]")
}

// setDeviceStatus remembers a tracked device of u, or not.
func (s *Server) setDeviceStatus(st *state, p *pool, u *user, deviceKey string, status types.DeviceRememberedStatusType) error {
	remembered, err := rememberedStatus(status)
	if err != nil {
		return err
	}
	d, err := trackedDevice(st, p, u, deviceKey)
	if err != nil {
		return err
	}
	d.Remembered, d.Modified = remembered, s.now()
	return st.putDevice(p, u, d)
}

// forgetTrackedDevice stops tracking a device of u: a later sign-in with
// it fails ("Device does not exist.") until the client signs in without it.
func forgetTrackedDevice(st *state, p *pool, u *user, deviceKey string) error {
	if _, err := trackedDevice(st, p, u, deviceKey); err != nil {
		return err
	}
	return st.deleteDevice(p, u, deviceKey)
}

// listDevicesOf is one page of u's tracked devices, in device-key order.
func (s *Server) listDevicesOf(st *state, p *pool, u *user, pg *pager[types.DeviceType]) error {
	return st.scanDevices(p, u, func(d *device) error {
		if !d.Confirmed || (pg.after != "" && d.Key <= pg.after) {
			return nil
		}
		return pg.add(d.Key, s.deviceShape(p, u, d))
	})
}

// updateDeviceStatus remembers a tracked device of the token's user, or
// not (DeviceRememberedStatus).
func (s *Server) updateDeviceStatus(ctx context.Context, c *caller, in *cip.UpdateDeviceStatusInput) (*cip.UpdateDeviceStatusOutput, error) {
	err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
		return s.setDeviceStatus(st, p, u, aws.ToString(in.DeviceKey), in.DeviceRememberedStatus)
	})
	if err != nil {
		return nil, err
	}
	return &cip.UpdateDeviceStatusOutput{}, nil
}

// getDevice shows a tracked device of the token's user.
func (s *Server) getDevice(ctx context.Context, c *caller, in *cip.GetDeviceInput) (*cip.GetDeviceOutput, error) {
	var out *cip.GetDeviceOutput
	err := s.view(ctx, func(st *state) error {
		u, err := s.subjectIn(st, c)
		if err != nil {
			return err
		}
		d, err := trackedDevice(st, c.pool, u, aws.ToString(in.DeviceKey))
		if err != nil {
			return err
		}
		shape := s.deviceShape(c.pool, u, d)
		out = &cip.GetDeviceOutput{Device: &shape}
		return nil
	})
	return out, err
}

// listDevices lists the tracked devices of the token's user, a page at a
// time (Limit, 1 to 60, default 60; PaginationToken).
func (s *Server) listDevices(ctx context.Context, c *caller, in *cip.ListDevicesInput) (*cip.ListDevicesOutput, error) {
	pg, err := newPager[types.DeviceType](in.Limit, false, in.PaginationToken)
	if err != nil {
		return nil, err
	}
	err = s.view(ctx, func(st *state) error {
		u, err := s.subjectIn(st, c)
		if err != nil {
			return err
		}
		return s.listDevicesOf(st, c.pool, u, pg)
	})
	if err != nil {
		return nil, err
	}
	return &cip.ListDevicesOutput{Devices: pg.items, PaginationToken: pg.next}, nil
}

// forgetDevice stops tracking a device of the token's user.
func (s *Server) forgetDevice(ctx context.Context, c *caller, in *cip.ForgetDeviceInput) (*cip.ForgetDeviceOutput, error) {
	err := s.withSubject(ctx, c, func(st *state, p *pool, u *user) error {
		return forgetTrackedDevice(st, p, u, aws.ToString(in.DeviceKey))
	})
	if err != nil {
		return nil, err
	}
	return &cip.ForgetDeviceOutput{}, nil
}

// adminGetDevice shows a tracked device of a user, as the administrator.
func (s *Server) adminGetDevice(ctx context.Context, _ *caller, in *cip.AdminGetDeviceInput) (*cip.AdminGetDeviceOutput, error) {
	var out *cip.AdminGetDeviceOutput
	err := s.withAdminUser(ctx, in.UserPoolId, in.Username, false, func(st *state, p *pool, u *user) error {
		d, err := trackedDevice(st, p, u, aws.ToString(in.DeviceKey))
		if err != nil {
			return err
		}
		shape := s.deviceShape(p, u, d)
		out = &cip.AdminGetDeviceOutput{Device: &shape}
		return nil
	})
	return out, err
}

// adminListDevices lists a user's tracked devices, as the administrator.
func (s *Server) adminListDevices(ctx context.Context, _ *caller, in *cip.AdminListDevicesInput) (*cip.AdminListDevicesOutput, error) {
	pg, err := newPager[types.DeviceType](in.Limit, false, in.PaginationToken)
	if err != nil {
		return nil, err
	}
	err = s.withAdminUser(ctx, in.UserPoolId, in.Username, false, func(st *state, p *pool, u *user) error {
		return s.listDevicesOf(st, p, u, pg)
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminListDevicesOutput{Devices: pg.items, PaginationToken: pg.next}, nil
}

// adminUpdateDeviceStatus remembers a user's tracked device, or not, as
// the administrator.
func (s *Server) adminUpdateDeviceStatus(ctx context.Context, _ *caller, in *cip.AdminUpdateDeviceStatusInput) (*cip.AdminUpdateDeviceStatusOutput, error) {
	err := s.withAdminUser(ctx, in.UserPoolId, in.Username, true, func(st *state, p *pool, u *user) error {
		return s.setDeviceStatus(st, p, u, aws.ToString(in.DeviceKey), in.DeviceRememberedStatus)
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminUpdateDeviceStatusOutput{}, nil
}

// adminForgetDevice stops tracking a user's device, as the administrator.
func (s *Server) adminForgetDevice(ctx context.Context, _ *caller, in *cip.AdminForgetDeviceInput) (*cip.AdminForgetDeviceOutput, error) {
	err := s.withAdminUser(ctx, in.UserPoolId, in.Username, true, func(st *state, p *pool, u *user) error {
		return forgetTrackedDevice(st, p, u, aws.ToString(in.DeviceKey))
	})
	if err != nil {
		return nil, err
	}
	return &cip.AdminForgetDeviceOutput{}, nil
}
