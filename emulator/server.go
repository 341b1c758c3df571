package emulator

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cognitokit/cognito/emulator/store"
)

// Server is the local Cognito: an http.Handler that answers Cognito Identity
// Provider's JSON 1.1 protocol on POST / and serves each pool's JWKS and
// OpenID configuration, the outbox and a health check. It is safe for
// concurrent use; all state lives in its store.
type Server struct {
	store   store.Store
	log     *slog.Logger
	now     func() time.Time
	region  string
	baseURL string
	newKey  func() (*rsa.PrivateKey, error)

	keysMu sync.RWMutex
	keys   map[string]*signingKey // poolID → key, a cache of the store's
	// decoded caches the decoded pools and clients (see state); cache
	// holds the encoded records read on almost every call (readcache.go).
	decoded decodedRecords
	cache   readCache
	// attempts are the password attempts in flight (lockout.go), and
	// answering the verifier challenges being answered (srp.go).
	attempts  attempts
	answering challengeClaims

	// iam, when set, are the only credentials whose SigV4 signatures the
	// administrator's actions accept.
	iam *IAMCredentials
	// lambda invokes the pools' triggers (triggers.go); nil: none are.
	lambda LambdaInvoker
	// phantomKey derives the SRP challenges of unknown users.
	phantomKey []byte
	// corsOrigins are the origins CORS allows; nil: any (cors.go).
	corsOrigins []string
	// awsIssuer gives tokens AWS's issuer (issuer.go).
	awsIssuer bool
	// accessToken, when set, guards /_local/ and the administrator's
	// actions (access.go).
	accessToken string

	mux *http.ServeMux
}

// Option configures a Server.
type Option func(*Server)

// WithLogger sets the structured logger (default: slog.Default()). The
// server logs actions and failures, never a secret.
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithClock sets the source of the current time (default time.Now), for
// tests of expiry.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithRegion sets the region new pool IDs start with (default "eu-west-1").
func WithRegion(region string) Option { return func(s *Server) { s.region = region } }

// WithBaseURL fixes the server's public URL, used to build token issuers
// (<baseURL>/<poolId>, unless WithAWSIssuer), the discovery document's
// endpoints and confirmation links. By default it is taken from each
// request's Host, so the issuer is whatever address the client reached the
// server at; with it, only tokens of exactly this issuer are accepted.
func WithBaseURL(u string) Option {
	return func(s *Server) { s.baseURL = strings.TrimRight(u, "/") }
}

// WithKeyGenerator sets how a new pool's RSA signing key is made (default: a
// fresh 2048-bit key). Tests may share one pre-generated key to save time.
func WithKeyGenerator(gen func() (*rsa.PrivateKey, error)) Option {
	return func(s *Server) { s.newKey = gen }
}

// New returns a Server keeping its state in st, after bringing the data to
// the current format (it fails with ErrUnknownFormat for data written by a
// newer version). The caller keeps ownership of st and closes it after the
// server is done.
func New(ctx context.Context, st store.Store, opts ...Option) (*Server, error) {
	s := &Server{
		store:  st,
		log:    slog.Default(),
		now:    time.Now,
		region: "eu-west-1",
		newKey: func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) },
		keys:   make(map[string]*signingKey),

		attempts: attempts{users: make(map[string]*userAttempts)},

		phantomKey: newPhantomKey(),
	}
	for _, opt := range opts {
		opt(s)
	}
	if err := checkFormat(ctx, st); err != nil {
		return nil, err
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /{$}", s.serveAction)
	s.mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		writeDocument(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("GET /_local/messages", s.serveMessages)
	s.routeDashboard(s.mux)
	s.mux.HandleFunc("GET /confirmUser", s.serveConfirmUser)
	s.mux.HandleFunc(authorizePath, s.serveAuthorize)
	s.mux.HandleFunc(tokenEndpointPath, s.serveOAuthToken)
	s.mux.HandleFunc(userInfoPath, s.serveUserInfo)
	s.mux.HandleFunc(revocationPath, s.serveOAuthRevoke)
	s.mux.HandleFunc(loginPath, s.serveLogin)
	s.mux.HandleFunc(signUpPath, s.serveSignUp)
	s.mux.HandleFunc(confirmSignUpPath, s.serveConfirmSignUp)
	s.mux.HandleFunc(forgotPasswordPath, s.serveForgotPassword)
	s.mux.HandleFunc(confirmForgotPasswordPath, s.serveConfirmForgotPassword)
	s.mux.HandleFunc(logoutPath, s.serveLogout)
	s.mux.HandleFunc("GET /{pool}/.well-known/jwks.json", s.serveJWKS)
	s.mux.HandleFunc("GET /{pool}/.well-known/openid-configuration", s.serveOpenIDConfiguration)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &apiError{Status: http.StatusNotFound, Type: excUnknownOperation, Message: "No route for " + r.Method + " " + truncate(r.URL.Path, 128) + "."})
	})
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.serveCORS(w, r) || !s.checkAccess(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// requestBaseURL is the server's public URL as seen by this request.
func (s *Server) requestBaseURL(r *http.Request) string {
	if s.baseURL != "" {
		return s.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Messages returns the outbox, oldest first; with a non-empty username only
// that user's messages. The user may be named by their username or by the
// name they sign in with, resolved in each message's pool: on a pool whose
// users sign in with their email (and whose usernames are subs) the email,
// on a pool with aliases a verified alias.
func (s *Server) Messages(ctx context.Context, username string) ([]Message, error) {
	var out []Message
	err := s.view(ctx, func(st *state) error {
		// signsInAs caches, per pool, the username that name resolves to
		// ("" when it names no user there).
		signsInAs := make(map[string]string)
		resolve := func(poolID string) (string, error) {
			if v, ok := signsInAs[poolID]; ok {
				return v, nil
			}
			resolved := ""
			p, err := st.pool(poolID)
			if err == nil {
				var u *user
				if u, err = st.user(p, username); err == nil {
					resolved = u.Username
				}
			}
			var apiErr *apiError
			if err != nil && !isNotFound(err) && !errors.As(err, &apiErr) {
				return "", err
			}
			signsInAs[poolID] = resolved
			return resolved, nil
		}
		return st.scanMessages(func(m *Message) error {
			if username == "" || strings.EqualFold(m.Username, username) {
				out = append(out, *m)
				return nil
			}
			resolved, err := resolve(m.UserPoolID)
			if err != nil {
				return err
			}
			if resolved != "" && resolved == m.Username {
				out = append(out, *m)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("emulator: reading outbox: %w", err)
	}
	return out, nil
}

// Message is one email or SMS the server sent (to nobody: it is kept in the
// outbox, where a test or a person reads the code).
type Message struct {
	UserPoolID  string `json:"userPoolId"`
	Username    string `json:"username"`
	Destination string `json:"destination"`
	Medium      string `json:"medium"`  // EMAIL or SMS
	Purpose     string `json:"purpose"` // one of the Purpose constants
	Code        string `json:"code"`
	Link        string `json:"link,omitempty"` // the confirmation link of a sign-up email, with DefaultEmailOption CONFIRM_WITH_LINK
	// Subject and Text are the message as the pool's CustomMessage
	// trigger wrote it, the code in its place; empty for Cognito's own
	// text.
	Subject string    `json:"subject,omitempty"`
	Text    string    `json:"text,omitempty"`
	SentAt  time.Time `json:"sentAt"`
}

// Purposes of the messages in the outbox.
const (
	PurposeSignUp          = "SIGN_UP"          // a sign-up confirmation code
	PurposeForgotPassword  = "FORGOT_PASSWORD"  // a password-reset code
	PurposeVerifyAttribute = "VERIFY_ATTRIBUTE" // a code verifying a changed email or phone number
	PurposeInvitation      = "INVITATION"       // AdminCreateUser's temporary password
	PurposeMFA             = "MFA"              // a sign-in's SMS_MFA, EMAIL_OTP or SMS_OTP code
)

func (s *Server) serveMessages(w http.ResponseWriter, r *http.Request) {
	msgs, err := s.Messages(r.Context(), r.URL.Query().Get("username"))
	if err != nil {
		s.log.Error("outbox read failed", "err", err)
		writeError(w, errInternal)
		return
	}
	if msgs == nil {
		msgs = []Message{}
	}
	writeDocument(w, http.StatusOK, map[string][]Message{"messages": msgs})
}
