package emulator

import (
	"context"

	"github.com/aws/aws-lambda-go/events"
)

// The sign-in triggers: PreAuthentication, PostAuthentication (custom
// authentication's are in custom_auth.go).

// Trigger sources of the sign-in triggers.
const (
	sourcePreAuthentication     = "PreAuthentication_Authentication"
	sourcePostAuthentication    = "PostAuthentication_Authentication"
	sourceMigrateAuthentication = "UserMigration_Authentication"
	sourceMigrateForgotPassword = "UserMigration_ForgotPassword"
)

// preAuthentication calls the pool's PreAuthentication trigger before u's
// password (or first factor) is checked; notFound marks a user that does
// not exist, on a client that hides user existence (AWS calls the trigger
// for them too, with userNotFound). The call's ClientMetadata is both the
// event's validationData, as AWS documents, and its clientMetadata.
func (s *Server) preAuthentication(ctx context.Context, c *caller, u *user, notFound bool) error {
	attrs := map[string]string{}
	if !notFound {
		attrs = eventAttributes(u)
	}
	ev := &events.CognitoEventUserPoolsPreAuthentication{
		CognitoEventUserPoolsHeader: s.eventHeader(c.pool, c.client, sourcePreAuthentication, u.Username),
		Request:                     events.CognitoEventUserPoolsPreAuthenticationRequest{UserAttributes: attrs, ValidationData: c.metadata, UserNotFound: notFound},
	}
	_, err := s.callTrigger(ctx, c.pool, triggerPreAuthentication, sourcePreAuthentication, ev)
	return err
}

// postAuthentication calls the pool's PostAuthentication trigger once u
// has proved every factor, before the tokens are issued; newDevice says
// whether the sign-in remembers a new device.
func (s *Server) postAuthentication(ctx context.Context, c *caller, u *user, newDevice bool) error {
	ev := &events.CognitoEventUserPoolsPostAuthentication{
		CognitoEventUserPoolsHeader: s.eventHeader(c.pool, c.client, sourcePostAuthentication, u.Username),
		Request:                     events.CognitoEventUserPoolsPostAuthenticationRequest{NewDeviceUsed: newDevice, UserAttributes: eventAttributes(u), ClientMetadata: c.metadata},
	}
	_, err := s.callTrigger(ctx, c.pool, triggerPostAuthentication, sourcePostAuthentication, ev)
	return err
}
