package emulator

import "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

// Devices: remembered devices of a user (the pool's DeviceConfiguration),
// their SRP proof at sign-in (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER)
// and their management (ConfirmDevice, ListDevices, GetDevice,
// UpdateDeviceStatus, ForgetDevice and the Admin* forms).

// deviceStage is the sign-in stage of a remembered device: when the client
// names one (DEVICE_KEY), it must prove it is that device before MFA.
func (s *Server) deviceStage(st *state, c *caller, u *user, prog *progress) (*authStep, error) {
	return nil, nil // not supported yet: no device is ever remembered
}

// newDeviceMetadata is the device a sign-in that ends in tokens offers to
// remember (NewDeviceMetadata), or nil.
func (s *Server) newDeviceMetadata(st *state, c *caller, u *user, prog *progress) (*types.NewDeviceMetadataType, error) {
	return nil, nil // not supported yet
}
