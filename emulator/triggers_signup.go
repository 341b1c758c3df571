package emulator

import (
	"context"
	"maps"
	"slices"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The sign-up triggers: PreSignUp, PostConfirmation and UserMigration
// (triggers.go has how triggers are called).

// Trigger sources of the sign-up triggers.
const (
	sourcePreSignUp            = "PreSignUp_SignUp"
	sourcePreSignUpAdmin       = "PreSignUp_AdminCreateUser"
	sourceConfirmSignUp        = "PostConfirmation_ConfirmSignUp"
	sourceConfirmForgotPassord = "PostConfirmation_ConfirmForgotPassword"
)

// preSignUp calls p's PreSignUp trigger for u, about to be created through
// cl (nil for AdminCreateUser) from source, and applies its answer to u:
// confirmed (SignUp only: AdminCreateUser's users must change their
// temporary password), email or phone number verified. The event's
// attributes are the ones given, without the sub Cognito has not made
// yet.
func (s *Server) preSignUp(ctx context.Context, p *pool, cl *appClient, source string, u *user, validation []types.AttributeType, metadata map[string]string) error {
	attrs := maps.Clone(u.Attributes)
	delete(attrs, "sub")
	ev := &events.CognitoEventUserPoolsPreSignup{
		CognitoEventUserPoolsHeader: s.eventHeader(p, cl, source, u.Username),
		Request: events.CognitoEventUserPoolsPreSignupRequest{
			UserAttributes: attrs, ValidationData: attributeMap(validation), ClientMetadata: metadata,
		},
	}
	if ran, err := s.callTrigger(ctx, p, triggerPreSignUp, source, ev); err != nil || !ran {
		return err
	}
	r := ev.Response
	if r.AutoConfirmUser && source == sourcePreSignUp {
		u.Status = statusConfirmed
	}
	for attr, verify := range map[string]bool{"email": r.AutoVerifyEmail, "phone_number": r.AutoVerifyPhone} {
		if !verify {
			continue
		}
		if u.Attributes[attr] == "" {
			// AWS: auto-verifying needs the attribute; its answer
			// for one without it is not documented.
			return newError(excInvalidLambdaResponse, "The PreSignUp response verifies %s, which the user does not have.", attr)
		}
		u.Attributes[attr+"_verified"] = "true"
	}
	return nil
}

// postConfirmation calls p's PostConfirmation trigger for u, just
// confirmed (or whose password was just reset) through cl.
func (s *Server) postConfirmation(ctx context.Context, p *pool, cl *appClient, source string, u *user, metadata map[string]string) error {
	ev := &events.CognitoEventUserPoolsPostConfirmation{
		CognitoEventUserPoolsHeader: s.eventHeader(p, cl, source, u.Username),
		Request:                     events.CognitoEventUserPoolsPostConfirmationRequest{UserAttributes: eventAttributes(u), ClientMetadata: metadata},
	}
	_, err := s.callTrigger(ctx, p, triggerPostConfirmation, source, ev)
	return err
}

// PurposeWelcome is the message a user migrated by the UserMigration
// trigger is sent unless its answer suppresses it.
const PurposeWelcome = "WELCOME"

// migrateUser asks the pool's UserMigration trigger for a user named name
// who does not exist: at sign-in with password (source
// UserMigration_Authentication), or to reset a password (password "",
// UserMigration_ForgotPassword). A user the function returns attributes
// for is created, with the password at sign-in and the status its answer
// gives (CONFIRMED when it gives none at sign-in, RESET_REQUIRED for a
// password reset), and sent a welcome message unless its messageAction is
// SUPPRESS. It returns nil when the pool has no such trigger or the
// function migrates no one.
func (s *Server) migrateUser(ctx context.Context, c *caller, name, password, source string) (*user, error) {
	p := c.pool
	ev := &events.CognitoEventUserPoolsMigrateUser{
		CognitoEventUserPoolsHeader: s.eventHeader(p, c.client, source, name),
		CognitoEventUserPoolsMigrateUserRequest: events.CognitoEventUserPoolsMigrateUserRequest{
			Password: password, ValidationData: c.metadata, ClientMetadata: c.metadata,
		},
	}
	if ran, err := s.callTrigger(ctx, p, triggerUserMigration, source, ev); err != nil || !ran {
		return nil, err
	}
	r := ev.CognitoEventUserPoolsMigrateUserResponse
	if len(r.UserAttributes) == 0 {
		return nil, nil
	}
	given := maps.Clone(r.UserAttributes)
	delete(given, "username") // Cognito names the user and makes its sub
	delete(given, "sub")
	u, err := s.newUser(p, name, attributeList(given), atCreation)
	if err != nil {
		return nil, err
	}
	switch r.FinalUserStatus {
	case "":
		u.Status = statusConfirmed
		if password == "" {
			u.Status = statusResetRequired
		}
	case statusConfirmed, statusResetRequired:
		u.Status = r.FinalUserStatus
	default:
		return nil, newError(excInvalidLambdaResponse, "Unrecognizable lambda output")
	}
	if password != "" {
		if u.Salt, u.Verifier, err = newVerifier(p.ID, u.Username, password); err != nil {
			return nil, err
		}
	}
	var existing *user
	err = s.update(ctx, func(st *state) error {
		if err := st.insertUser(p, u, r.ForceAliasCreation); err != nil {
			if e, ok := err.(*apiError); ok && e.Type == excUsernameExists {
				// A parallel sign-in (or reset) of the same user migrated
				// it first: this one goes on with that user, once.
				existing, err = st.userByKey(p, p.usernameKey(u.Username))
			}
			return err
		}
		if r.MessageAction == "SUPPRESS" {
			return nil
		}
		attr := "email"
		if slices.Contains(r.DesiredDeliveryMediums, "SMS") && u.Attributes["phone_number"] != "" {
			attr = "phone_number"
		}
		if u.Attributes[attr] == "" {
			return nil
		}
		_, err := s.send(st, p, u, PurposeWelcome, attr, "", "", nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	if existing != nil {
		return existing, nil
	}
	s.log.Info("user migrated", "userPoolId", p.ID, "sub", u.Attributes["sub"], "status", u.Status)
	return u, nil
}
