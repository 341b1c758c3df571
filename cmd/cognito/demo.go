package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/emulator/store"
)

func newDemoCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Run a user's whole life against a local Cognito started in this process",
		Long: `Start a local Cognito in this process (in memory: no AWS account, no file
written), create a user pool and an app client with a secret, and run a user's
whole life through the cognitokit library: register, confirm with the code
from the outbox, sign in, read and update the profile, refresh the tokens,
reset the password, sign in again, fail with a wrong password, delete the
account. One line per step, with the time it took; the exit code is non-zero
if any step does not go as expected. --lang es shows the messages in Spanish.
No password, token or code is shown.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runDemo(cmd.Context()) },
	}
}

// demoEmail is the demo user.
const demoEmail = "ana@example.com"

// demoStep is one step of the demo as --json reports it.
type demoStep struct {
	Step       string  `json:"step"`
	OK         bool    `json:"ok"`
	Detail     string  `json:"detail"`
	DurationMS float64 `json:"duration_ms"`
}

// demo is one run of cognito demo: the steps so far, the first failure.
type demo struct {
	a      *app
	steps  []demoStep
	failed string
}

// step runs fn as the next step, unless an earlier one failed, and reports
// it: a ✓ or ✗ line with what fn says it did (or the failure) and the time
// it took.
func (d *demo) step(name string, fn func() (string, error)) {
	if d.failed != "" {
		return
	}
	start := time.Now()
	detail, err := fn()
	took := time.Since(start)
	mark := "✓"
	if err != nil {
		mark, detail, d.failed = "✗", errorLine(err, d.a.lang, false), name
	}
	d.steps = append(d.steps, demoStep{Step: name, OK: err == nil, Detail: detail, DurationMS: float64(took.Microseconds()) / 1000})
	if !d.a.json {
		fmt.Fprintf(d.a.stdout, "%s %-24s %-56s (%s)\n", mark, name, detail, elapsed(took))
	}
}

// expectRefusal is a step that must fail with kind: it reports the
// friendly message when it does.
func (d *demo) expectRefusal(err, kind error) (string, error) {
	var ce *cognito.Error
	switch {
	case err == nil:
		return "", failf("it succeeded; it should have been refused")
	case errors.Is(err, kind) && errors.As(err, &ce):
		return d.a.tr("refused as expected: %q", ce.Message()), nil
	default:
		return "", failf("refused, but not as expected: %w", err)
	}
}

// demoEnv is the demo's local Cognito: an in-memory store, the emulator
// served on a loopback port, and the configuration of its pool and app
// client.
type demoEnv struct {
	st  store.Store
	em  *emulator.Server
	ls  *localServer
	cfg cognito.Config
}

// startDemoCognito starts the local Cognito and creates a pool (email
// required and verified by code) and an app client with a secret, which
// stays in memory.
func startDemoCognito(ctx context.Context, logger *slog.Logger) (*demoEnv, error) {
	const region = "eu-west-1"
	env := &demoEnv{st: store.NewMemory()}
	var err error
	if env.em, err = emulator.New(ctx, env.st, emulator.WithLogger(logger), emulator.WithRegion(region)); err != nil {
		env.st.Close()
		return nil, err
	}
	if env.ls, err = serveLocal("127.0.0.1:0", env.em); err != nil {
		env.st.Close()
		return nil, err
	}
	admin := localAdmin(env.ls.endpoint, region, nil)
	poolID, err := createLocalPool(ctx, admin, "demo")
	if err != nil {
		env.close(ctx)
		return nil, err
	}
	appClient, err := createLocalClient(ctx, admin, poolID, "demo", true)
	if err != nil {
		env.close(ctx)
		return nil, err
	}
	env.cfg = cognito.Config{
		UserPoolID:   poolID,
		ClientID:     aws.ToString(appClient.ClientId),
		ClientSecret: aws.ToString(appClient.ClientSecret),
		Region:       region,
		Endpoint:     env.ls.endpoint,
		AWSConfig:    &aws.Config{Region: region}, // the user's AWS configuration plays no part
	}
	return env, nil
}

func (e *demoEnv) close(ctx context.Context) {
	e.ls.shutdown(ctx)
	e.st.Close()
}

// lastCode reads the newest code sent to username from the outbox.
func (e *demoEnv) lastCode(ctx context.Context, username string) (string, error) {
	msgs, err := e.em.Messages(ctx, username)
	if err != nil {
		return "", err
	}
	if len(msgs) == 0 {
		return "", fmt.Errorf("no message to %s in the outbox", username)
	}
	return msgs[len(msgs)-1].Code, nil
}

func (a *app) runDemo(ctx context.Context) error {
	start := time.Now()
	d := &demo{a: a}
	if !a.json {
		fmt.Fprintln(a.stdout, a.tr("The life of a Cognito user, against a local Cognito started in this process (in memory; nothing is written to disk)."))
	}
	var (
		env    *demoEnv
		client *cognito.Client
	)
	d.step("start local Cognito", func() (string, error) {
		var err error
		logger := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		if env, err = startDemoCognito(ctx, logger); err != nil {
			return "", err
		}
		if client, err = cognito.New(ctx, env.cfg, cognito.WithLanguage(a.lang)); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s, pool %s, app client with a secret", env.ls.endpoint, env.cfg.UserPoolID), nil
	})
	if env != nil {
		defer env.close(ctx)
	}
	if client != nil {
		defer client.Close()
		d.userLife(ctx, env, client)
	}

	total := time.Since(start)
	if a.json {
		if err := a.emit("", map[string]any{"ok": d.failed == "", "steps": d.steps, "duration_ms": float64(total.Microseconds()) / 1000}); err != nil {
			return err
		}
	}
	if d.failed != "" {
		if !a.json {
			fmt.Fprintln(a.stdout, a.tr("Demo failed at step %q (%d steps run, %s).", d.failed, len(d.steps), elapsed(total)))
		}
		return failf("demo failed at step %q", d.failed)
	}
	if !a.json {
		fmt.Fprintln(a.stdout, a.tr("All %d steps went as expected in %s.", len(d.steps), elapsed(total)))
	}
	return nil
}

// userLife runs the steps of the demo user's life, with the library client
// c against env.
func (d *demo) userLife(ctx context.Context, env *demoEnv, c *cognito.Client) {
	password, newPassword := demoPassword(), demoPassword()
	var tokens *cognito.Tokens
	signIn := func(password string) (string, error) {
		t, err := c.Authenticate(ctx, demoEmail, password)
		if err != nil {
			return "", err
		}
		tokens = t
		return "signed in; access token valid for " + lifetime(t.ExpiresIn), nil
	}
	confirmWithCode := func(confirm func(code string) error, done string) (string, error) {
		code, err := env.lastCode(ctx, demoEmail)
		if err != nil {
			return "", err
		}
		if err := confirm(code); err != nil {
			return "", err
		}
		return "code read from the outbox → " + done, nil
	}

	d.step("register", func() (string, error) {
		res, err := c.Register(ctx, demoEmail, password, nil)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s → code sent to %s", demoEmail, res.CodeDeliveryDestination), nil
	})
	d.step("confirm", func() (string, error) {
		return confirmWithCode(func(code string) error { return c.Confirm(ctx, demoEmail, code) }, "account confirmed")
	})
	d.step("login", func() (string, error) { return signIn(password) })
	d.step("whoami", func() (string, error) {
		u, err := c.GetUser(ctx, tokens.AccessToken)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s, email_verified=%s", u.Attributes["email"], u.Attributes["email_verified"]), nil
	})
	d.step("update attributes", func() (string, error) {
		if _, err := c.UpdateUserAttributes(ctx, tokens.AccessToken, map[string]string{"name": "Ana"}); err != nil {
			return "", err
		}
		u, err := c.GetUser(ctx, tokens.AccessToken)
		if err != nil {
			return "", err
		}
		if u.Attributes["name"] != "Ana" {
			return "", fmt.Errorf("name is %q after the update", u.Attributes["name"])
		}
		return `name = "Ana" (read back with GetUser)`, nil
	})
	d.step("refresh", func() (string, error) {
		t, err := c.RefreshTokens(ctx, tokens)
		if err != nil {
			return "", err
		}
		if t.AccessToken == tokens.AccessToken {
			return "", errors.New("the access token did not change")
		}
		tokens = t
		return "new access token, valid for " + lifetime(t.ExpiresIn), nil
	})
	d.step("forgot password", func() (string, error) {
		cd, err := c.ForgotPassword(ctx, demoEmail)
		if err != nil {
			return "", err
		}
		return "code sent" + d.a.to(cd.Destination), nil
	})
	d.step("confirm forgot password", func() (string, error) {
		return confirmWithCode(func(code string) error {
			return c.ConfirmForgotPassword(ctx, demoEmail, code, newPassword)
		}, "new password set")
	})
	d.step("login (new password)", func() (string, error) { return signIn(newPassword) })
	d.step("wrong password", func() (string, error) {
		_, err := c.Authenticate(ctx, demoEmail, password) // the old one
		return d.expectRefusal(err, cognito.ErrInvalidCredentials)
	})
	d.step("delete user", func() (string, error) {
		if err := c.DeleteUser(ctx, tokens.AccessToken); err != nil {
			return "", err
		}
		return demoEmail + " deleted", nil
	})
	d.step("login after delete", func() (string, error) {
		_, err := c.Authenticate(ctx, demoEmail, newPassword)
		return d.expectRefusal(err, cognito.ErrUserNotFound)
	})
}

// demoPassword is a random password that meets Cognito's default policy.
func demoPassword() string {
	return "Demo-" + rand.Text() + "9"
}
