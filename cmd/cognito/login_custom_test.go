package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

// customCode is the answer of customAuthTriggers' challenge.
const customCode = "Op3n-sesame-42"

// customAuthTriggers are a pool's custom authentication by a code:
// cognitotest's CustomChallenge asking customCode.
func customAuthTriggers() []cognitotest.Option {
	cc := &cognitotest.CustomChallenge{New: func() (map[string]string, string) {
		return map[string]string{"hint": "the code on the card", "delivery": "post"}, customCode
	}}
	return cc.Options()
}

// login --custom answers the pool's challenges from stdin, after printing
// each one's public parameters (sorted, without USERNAME): a wrong answer
// is asked again, the right one saves the session; with --srp the
// password comes first. Three wrong answers fail, and no answer is ever
// printed.
func TestLoginCustom(t *testing.T) {
	c := newCLI(t, secretEnv, customAuthTriggers()...)
	_, err := c.srv.Client().UpdateUserPoolClient(t.Context(), &cip.UpdateUserPoolClientInput{
		UserPoolId: aws.String(c.srv.UserPoolID), ClientId: aws.String(c.srv.ClientID),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowCustomAuth, types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatal(err)
	}
	const pw = "Sup3r-secret!"
	c.signUp("ana@example.com", pw)
	const wrong = "Wr0ng-answer-1"
	c.remember(customCode, wrong)
	challenge := "The user pool's challenge:\n  delivery: post\n  hint: the code on the card\n"

	r := c.run(wrong+"\n"+customCode+"\n", "login", "--email", "ana@example.com", "--custom", "--password-stdin")
	if r.code != 0 || r.stderr != challenge+challenge {
		t.Fatalf("login --custom: exit %d\nstderr: %q, want the challenge twice", r.code, r.stderr)
	}
	if c.tokens().AccessToken == "" {
		t.Fatal("no tokens saved")
	}

	r = c.run(pw+"\n"+customCode+"\n", "login", "--email", "ana@example.com", "--custom", "--srp", "--password-stdin")
	if r.code != 0 || r.stderr != challenge {
		t.Fatalf("login --custom --srp: exit %d\nstderr: %q", r.code, r.stderr)
	}
	r = c.run("Wr0ng-password!\n", "login", "--email", "ana@example.com", "--custom", "--srp", "--password-stdin")
	if r.code != 1 || strings.Contains(r.stderr, "challenge") || !strings.Contains(r.stderr, "Incorrect") {
		t.Errorf("login --custom --srp with a wrong password: exit %d\nstderr: %q", r.code, r.stderr)
	}

	r = c.run(strings.Repeat(wrong+"\n", 3), "login", "--email", "ana@example.com", "--custom", "--password-stdin")
	if r.code != 1 || strings.Count(r.stderr, challenge) != 3 || !strings.HasSuffix(r.stderr, "Incorrect email or password.\n") {
		t.Errorf("three wrong answers: exit %d\nstderr: %q", r.code, r.stderr)
	}
	r = c.run("", "login", "--email", "ana@example.com", "--custom", "--password-stdin")
	if r.code != 1 || !strings.HasSuffix(r.stderr, "no answer to the challenge on stdin\n") {
		t.Errorf("no answer on stdin: exit %d\nstderr: %q", r.code, r.stderr)
	}
	if msg := c.fail("", "login", "--email", "ana@example.com", "--custom", "--passwordless"); !strings.Contains(msg, "custom") {
		t.Errorf("--custom with --passwordless: %q", msg)
	}
}

// login --custom through a client that does not allow CUSTOM_AUTH fails
// with the library's message, asking nothing.
func TestLoginCustomNotAllowed(t *testing.T) {
	c := newCLI(t, secretEnv, customAuthTriggers()...)
	c.signUp("ana@example.com", "Sup3r-secret!")
	if msg := c.fail("", "login", "--email", "ana@example.com", "--custom", "--password-stdin"); msg != "Some of the data sent is not valid: CUSTOM_AUTH flow not enabled for this client" {
		t.Errorf("login --custom: %q", msg)
	}
}
