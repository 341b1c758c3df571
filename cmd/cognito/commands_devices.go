package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cognitokit/cognito"
)

// Remembered devices: `login --remember-device` remembers the device a
// sign-in offers and keeps its keys and secret in devices.json, next to
// the session file (mode 0600); later logins of the same user through the
// same app client sign in as that device. `cognito devices` lists and
// forgets the signed-in user's devices.

// devicesPath is the file of remembered devices, beside the session file.
func (a *app) devicesPath() (string, error) {
	path, err := a.sessionPath()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(path), "devices.json"), nil
}

// deviceFileKey names a user's device in the file: its app client and the
// name it signs in with.
func deviceFileKey(clientID, username string) string {
	return clientID + "/" + strings.ToLower(username)
}

// loadDevices reads the remembered devices (none when there is no file).
func loadDevices(path string) (map[string]*cognito.RememberedDevice, error) {
	devices := map[string]*cognito.RememberedDevice{}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return devices, nil
	}
	if err != nil {
		return nil, failf("reading the remembered devices: %w", err)
	}
	// The decoding error is left out: it could quote part of a secret.
	if json.Unmarshal(raw, &devices) != nil {
		return nil, failf("the devices file %s is damaged: remove it and log in with --remember-device", path)
	}
	return devices, nil
}

// saveDevices writes the remembered devices, mode 0600.
func saveDevices(path string, devices map[string]*cognito.RememberedDevice) error {
	if err := writePrivateJSON(path, devices); err != nil {
		return failf("saving the remembered devices: %w", err)
	}
	return nil
}

func newDevicesCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "devices",
		Short: "List and forget the signed-in user's remembered devices",
		Args:  noArgs,
	}
	cmd.AddCommand(newDevicesListCommand(a), newDevicesForgetCommand(a))
	return cmd
}

func newDevicesListCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the signed-in user's devices",
		Args:  noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		var devices []cognito.Device
		_, err := a.withSession(ctx, c, func(accessToken string) (err error) {
			devices, err = c.ListDevices(ctx, accessToken)
			return err
		})
		if err != nil {
			return err
		}
		lines := []string{a.tr("%d device(s)", len(devices))}
		for _, d := range devices {
			state := a.tr("not remembered")
			if d.Remembered {
				state = a.tr("remembered")
			}
			lines = append(lines, fmt.Sprintf("  %s  %s  %s", d.Key, d.Name, state))
		}
		return a.emit(strings.Join(lines, "\n"), devices)
	})
	return cmd
}

func newDevicesForgetCommand(a *app) *cobra.Command {
	var key string
	cmd := &cobra.Command{
		Use:   "forget --device-key KEY",
		Short: "Forget one of the signed-in user's devices",
		Args:  noArgs,
	}
	cmd.RunE = a.withClient(func(ctx context.Context, c *cognito.Client) error {
		_, err := a.withSession(ctx, c, func(accessToken string) error {
			return c.ForgetDevice(ctx, accessToken, key)
		})
		if err != nil {
			return err
		}
		path, err := a.devicesPath()
		if err != nil {
			return err
		}
		devices, err := loadDevices(path)
		if err != nil {
			return err
		}
		for k, d := range devices {
			if d.Key == key {
				delete(devices, k)
				if err := saveDevices(path, devices); err != nil {
					return err
				}
			}
		}
		return a.emit(a.tr("Device %s forgotten.", key), map[string]string{"forgotten": key})
	})
	cmd.Flags().StringVar(&key, "device-key", "", "the device's key (see cognito devices list)")
	cmd.MarkFlagRequired("device-key")
	return cmd
}
