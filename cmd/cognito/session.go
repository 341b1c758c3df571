package main

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cognitokit/cognito"
)

// The session is the signed-in user's tokens (cognito.Tokens as JSON) in a
// file only its owner can read (0600, in a 0700 directory), with the
// endpoint, user pool and app client they belong to. login writes it; the
// commands that act as the user read it, check that they are configured
// for that endpoint, pool and client, and keep it fresh.

// errNotSignedIn is the failure of a command that needs a session when
// there is none.
var errNotSignedIn = failf("not signed in: run cognito login")

// refreshMargin is how close to its expiry an access token is refreshed
// before use.
const refreshMargin = 30 * time.Second

// sessionFile is the session file's content: the tokens, and where they
// belong. A file written before the owner was recorded has none, and is
// used as it is.
type sessionFile struct {
	cognito.Tokens
	// Endpoint is the URL of the Cognito that issued the tokens (the
	// Client's Endpoint).
	Endpoint string `json:"endpoint,omitempty"`
	// UserPoolID is the pool the tokens are of.
	UserPoolID string `json:"user_pool_id,omitempty"`
	// ClientID is the app client they were issued to.
	ClientID string `json:"client_id,omitempty"`
}

// owner is where tokens obtained through c, configured with cfg, belong:
// c's endpoint, cfg's app client, and the pool — cfg's, else the one the
// tokens' issuer names.
func owner(c *cognito.Client, cfg cognito.Config, t *cognito.Tokens) sessionFile {
	pool := cfg.UserPoolID
	if pool == "" {
		pool = issuerPool(t.AccessToken)
	}
	return sessionFile{Endpoint: c.Endpoint(), UserPoolID: pool, ClientID: cfg.ClientID}
}

// issuerPool is the user pool ID at the end of the access token's issuer,
// read without checking the token ("" if it cannot be read).
func issuerPool(accessToken string) string {
	var claims jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(accessToken, &claims); err != nil {
		return ""
	}
	return claims.Issuer[strings.LastIndex(claims.Issuer, "/")+1:]
}

// mismatch says why the session file f does not belong to the endpoint,
// pool and client of want, or returns nil.
func (f *sessionFile) mismatch(path string, want sessionFile) error {
	if (f.Endpoint == "" || f.Endpoint == want.Endpoint) &&
		(f.ClientID == "" || f.ClientID == want.ClientID) &&
		(f.UserPoolID == "" || want.UserPoolID == "" || f.UserPoolID == want.UserPoolID) {
		return nil
	}
	pool := want.UserPoolID
	if pool == "" {
		pool = "?"
	}
	return failf("the session in %s is of app client %s, user pool %s, at %s; this command is configured for app client %s, user pool %s, at %s: run cognito login, or pass --session for another session file",
		path, f.ClientID, f.UserPoolID, f.Endpoint, want.ClientID, pool, want.Endpoint)
}

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
		return "", failf("no place for the session file (pass --session): %w", err)
	}
	return filepath.Join(dir, "cognitokit", "session.json"), nil
}

// loadSession reads the session file at path; errNotSignedIn if there is
// none.
func loadSession(path string) (*sessionFile, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNotSignedIn
	}
	if err != nil {
		return nil, failf("reading the session: %w", err)
	}
	var f sessionFile
	// The decoding error is left out: it could quote part of a token.
	if json.Unmarshal(raw, &f) != nil || f.AccessToken == "" {
		return nil, failf("the session file %s is damaged: run cognito login", path)
	}
	return &f, nil
}

// saveSession writes the tokens t of owner to path with mode 0600,
// creating the directory with mode 0700.
func saveSession(path string, owner sessionFile, t *cognito.Tokens) error {
	owner.Tokens = *t
	if err := writePrivateJSON(path, owner); err != nil {
		return failf("saving the session: %w", err)
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
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return writePrivateFile(path, append(raw, '\n'))
}

// removeSession deletes the session file and reports whether there was
// one.
func removeSession(path string) (bool, error) {
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, failf("removing the session: %w", err)
	}
	return true, nil
}

// session returns the session file's path and content, once it is checked
// to belong to c's endpoint, pool and client; errNotSignedIn if there is
// none.
func (a *app) session(c *cognito.Client) (string, *sessionFile, error) {
	path, err := a.sessionPath()
	if err != nil {
		return "", nil, err
	}
	f, err := loadSession(path)
	if err != nil {
		return path, nil, err
	}
	cfg, err := a.config()
	if err != nil {
		return path, nil, err
	}
	if err := f.mismatch(path, owner(c, cfg, &f.Tokens)); err != nil {
		return path, nil, err
	}
	return path, f, nil
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
	path, f, err := a.session(c)
	fs := &fileSession{path: path}
	if err != nil {
		return fs, err
	}
	cfg, err := a.config()
	if err != nil {
		return fs, err
	}
	fs.Session = c.NewSession(&f.Tokens, cognito.WithRefreshMargin(refreshMargin), cognito.WithOnRefresh(func(fresh *cognito.Tokens) {
		fs.refreshed = true
		fs.saveErr = saveSession(path, owner(c, cfg, fresh), fresh) // a file written before owners were recorded gets one
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
