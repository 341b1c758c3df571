package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/cognitokit/cognito"
)

// The session is the signed-in user's tokens (cognito.Tokens as JSON) in a
// file only its owner can read (0600, in a 0700 directory). login writes
// it; the commands that act as the user read it and keep it fresh.

// errNotSignedIn is the failure of a command that needs a session when
// there is none.
var errNotSignedIn = errors.New("not signed in: run cognito login")

// refreshMargin is how close to its expiry an access token is refreshed
// before use.
const refreshMargin = 30 * time.Second

// sessionPath is --session, else COGNITO_SESSION_FILE, else session.json in
// the user's configuration directory.
func (a *app) sessionPath() (string, error) {
	if a.sessionFile != "" {
		return a.sessionFile, nil
	}
	if p := os.Getenv("COGNITO_SESSION_FILE"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no place for the session file (pass --session): %w", err)
	}
	return filepath.Join(dir, "cognitokit", "session.json"), nil
}

// loadSession reads the tokens at path; errNotSignedIn if there are none.
func loadSession(path string) (*cognito.Tokens, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNotSignedIn
	}
	if err != nil {
		return nil, fmt.Errorf("reading the session: %w", err)
	}
	var t cognito.Tokens
	// The decoding error is left out: it could quote part of a token.
	if json.Unmarshal(raw, &t) != nil || t.AccessToken == "" {
		return nil, fmt.Errorf("the session file %s is damaged: run cognito login", path)
	}
	return &t, nil
}

// saveSession writes t to path with mode 0600, creating the directory with
// mode 0700.
func saveSession(path string, t *cognito.Tokens) error {
	if err := writePrivateJSON(path, t); err != nil {
		return fmt.Errorf("saving the session: %w", err)
	}
	return nil
}

// writePrivateJSON writes v as JSON to path with mode 0600, creating the
// directory with mode 0700. The file is replaced atomically, so a reader
// never sees half of it and an older file's wider mode is not kept.
func writePrivateJSON(path string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*") // created with mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(append(raw, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return err
}

// removeSession deletes the session file and reports whether there was
// one.
func removeSession(path string) (bool, error) {
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("removing the session: %w", err)
	}
	return true, nil
}

// session returns the session file's path and tokens; errNotSignedIn if
// there are none.
func (a *app) session() (string, *cognito.Tokens, error) {
	path, err := a.sessionPath()
	if err != nil {
		return "", nil, err
	}
	t, err := loadSession(path)
	return path, t, err
}

// fileSession is the session file as a cognito.Session: tokens it
// refreshes are saved back to the file.
type fileSession struct {
	*cognito.Session
	path      string
	refreshed bool
	saveErr   error
}

// openSession loads the session file; errNotSignedIn if there is none.
func (a *app) openSession(c *cognito.Client) (*fileSession, error) {
	path, t, err := a.session()
	fs := &fileSession{path: path}
	if err != nil {
		return fs, err
	}
	fs.Session = c.NewSession(t, cognito.WithRefreshMargin(refreshMargin), cognito.WithOnRefresh(func(fresh *cognito.Tokens) {
		fs.refreshed = true
		fs.saveErr = saveSession(path, fresh)
	}))
	return fs, nil
}

// refresh refreshes the tokens now and saves them.
func (fs *fileSession) refresh(ctx context.Context) (*cognito.Tokens, error) {
	t, err := fs.Refresh(ctx)
	if err != nil {
		return nil, err
	}
	return t, fs.saveErr
}

// withSession runs fn as the signed-in user: the session refreshes the
// tokens first if the access token expires within refreshMargin, and fn
// runs once more, after a refresh, if Cognito answers that the token has
// expired. Refreshed tokens are saved. It returns the session's path, for
// commands that remove it afterwards.
func (a *app) withSession(ctx context.Context, c *cognito.Client, fn func(accessToken string) error) (string, error) {
	fs, err := a.openSession(c)
	if err != nil {
		return fs.path, err
	}
	token, err := fs.Token(ctx)
	if err == nil {
		err = fs.saveErr
	}
	if err != nil {
		return fs.path, err
	}
	err = fn(token)
	if errors.Is(err, cognito.ErrTokenExpired) && !fs.refreshed {
		var t *cognito.Tokens
		if t, err = fs.refresh(ctx); err != nil {
			return fs.path, err
		}
		err = fn(t.AccessToken)
	}
	return fs.path, err
}

// signedInUser is the session's user's profile (GetUser).
func (a *app) signedInUser(ctx context.Context, c *cognito.Client) (*cognito.User, error) {
	var u *cognito.User
	_, err := a.withSession(ctx, c, func(accessToken string) (err error) {
		u, err = c.GetUser(ctx, accessToken)
		return err
	})
	return u, err
}
