package emulator

import (
	"context"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// The CustomMessage trigger: the text of the messages codes are sent in.

// Trigger sources of CustomMessage, one per reason for a message.
const (
	sourceMessageSignUp          = "CustomMessage_SignUp"
	sourceMessageResendCode      = "CustomMessage_ResendCode"
	sourceMessageForgotPassword  = "CustomMessage_ForgotPassword"
	sourceMessageAdminCreateUser = "CustomMessage_AdminCreateUser"
	sourceMessageUpdateAttribute = "CustomMessage_UpdateUserAttribute"
	sourceMessageVerifyAttribute = "CustomMessage_VerifyUserAttribute"
	sourceMessageAuthentication  = "CustomMessage_Authentication"
)

// Placeholders of a CustomMessage answer: where the code (or temporary
// password) and the username go.
const (
	codePlaceholder     = "{####}"
	usernamePlaceholder = "{username}"
)

// customText is a message's text as the pool's CustomMessage trigger wrote
// it, with codePlaceholder (and, for an invitation, usernamePlaceholder)
// marking where the values go. A nil *customText is Cognito's own text.
type customText struct{ subject, email, sms string }

// customMessage asks the pool's CustomMessage trigger for the text of a
// message to u, sent for source; nil when the pool has no such trigger or
// the function leaves the text to Cognito.
func (s *Server) customMessage(ctx context.Context, p *pool, cl *appClient, u *user, source string, metadata map[string]string) (*customText, error) {
	if !p.hasTrigger(triggerCustomMessage) {
		return nil, nil
	}
	attrs := make(map[string]any, len(u.Attributes)+1)
	for k, v := range eventAttributes(u) {
		attrs[k] = v
	}
	ev := &events.CognitoEventUserPoolsCustomMessage{
		CognitoEventUserPoolsHeader: s.eventHeader(p, cl, source, u.Username),
		Request:                     events.CognitoEventUserPoolsCustomMessageRequest{UserAttributes: attrs, CodeParameter: codePlaceholder, ClientMetadata: metadata},
	}
	if source == sourceMessageAdminCreateUser {
		ev.Request.UsernameParameter = usernamePlaceholder
	}
	if _, err := s.callTrigger(ctx, p, triggerCustomMessage, source, ev); err != nil {
		return nil, err
	}
	r := ev.Response
	if r.EmailMessage == "" && r.SMSMessage == "" {
		return nil, nil
	}
	return &customText{subject: r.EmailSubject, email: r.EmailMessage, sms: r.SMSMessage}, nil
}

// render is the subject and text of a message by medium with secret and
// username in their places; empty for Cognito's own text. AWS: the
// function's message "must include the codeParameter value"; one without
// it, for a message that carries a code, is an invalid response.
func (t *customText) render(medium, secret, username string) (subject, text string, err error) {
	if t == nil {
		return "", "", nil
	}
	text = t.email
	if medium == "SMS" {
		text = t.sms
	}
	if text == "" {
		return "", "", nil
	}
	if secret != "" && !strings.Contains(text, codePlaceholder) {
		return "", "", newError(excInvalidLambdaResponse, "The CustomMessage response's %s message has no %s for the code.", strings.ToLower(medium), codePlaceholder)
	}
	text = strings.NewReplacer(codePlaceholder, secret, usernamePlaceholder, username).Replace(text)
	if medium == "EMAIL" {
		subject = t.subject
	}
	return subject, text, nil
}

// pendingCode is a sign-in code (SMS_MFA, EMAIL_OTP, SMS_OTP) whose
// message waits for the pool's CustomMessage trigger.
type pendingCode struct {
	user       *user
	attr, code string
}

// deliverSignInCode sends u the code of a sign-in challenge, to attr, from
// inside the transaction that asks it — or, when the pool has a
// CustomMessage trigger (which must run outside write transactions),
// returns it as pending, with its delivery details, for deliverPending to
// send once the challenge is committed.
func (s *Server) deliverSignInCode(st *state, c *caller, u *user, attr, code string) (*types.CodeDeliveryDetailsType, *pendingCode, error) {
	if !c.pool.hasTrigger(triggerCustomMessage) {
		d, err := s.send(st, c.pool, u, PurposeMFA, attr, code, "", nil)
		return d, nil, err
	}
	medium := "EMAIL"
	if attr == "phone_number" {
		medium = "SMS"
	}
	return delivery(mask(u.Attributes[attr]), medium, attr), &pendingCode{user: u, attr: attr, code: code}, nil
}

// deliverPending sends the sign-in code step waits to deliver, if any,
// with the text the pool's CustomMessage trigger writes for it
// (CustomMessage_Authentication). A failing trigger fails the call: the
// challenge stays unanswerable, as its code was never sent.
func (s *Server) deliverPending(ctx context.Context, c *caller, step *authStep) error {
	pc := step.pending
	if pc == nil {
		return nil
	}
	step.pending = nil
	text, err := s.customMessage(ctx, c.pool, c.client, pc.user, sourceMessageAuthentication, c.metadata)
	if err != nil {
		return err
	}
	return s.update(ctx, func(st *state) error {
		_, err := s.send(st, c.pool, pc.user, PurposeMFA, pc.attr, pc.code, "", text)
		return err
	})
}
