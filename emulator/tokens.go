package emulator

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/cognitokit/cognito/emulator/store"
)

// signingKey is a pool's RSA key for RS256 tokens, with the kid the JWKS
// lists it under.
type signingKey struct {
	kid string
	key *rsa.PrivateKey
}

// signingKeyRecord is how a signing key is stored: PKCS#8 DER.
type signingKeyRecord struct {
	Kid   string `json:"kid"`
	PKCS8 []byte `json:"pkcs8"`
}

func (k *signingKey) record() signingKeyRecord {
	der, err := x509.MarshalPKCS8PrivateKey(k.key)
	if err != nil {
		panic(fmt.Sprintf("emulator: encoding an RSA key cannot fail: %v", err))
	}
	return signingKeyRecord{Kid: k.kid, PKCS8: der}
}

// generateKey makes a new pool's signing key. The kid is the key's RFC 7638
// thumbprint, so it is stable and unique per key.
func (s *Server) generateKey() (*signingKey, error) {
	key, err := s.newKey()
	if err != nil {
		return nil, fmt.Errorf("generating signing key: %w", err)
	}
	jwk := jose.JSONWebKey{Key: &key.PublicKey}
	thumb, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("signing key thumbprint: %w", err)
	}
	return &signingKey{kid: base64.RawURLEncoding.EncodeToString(thumb), key: key}, nil
}

// poolKey returns a pool's signing key, from the cache or the store.
func (s *Server) poolKey(st *state, poolID string) (*signingKey, error) {
	s.keysMu.RLock()
	k, ok := s.keys[poolID]
	s.keysMu.RUnlock()
	if ok {
		return k, nil
	}
	rec, err := st.signingKeyRecord(poolID)
	if err != nil {
		return nil, err
	}
	parsed, err := x509.ParsePKCS8PrivateKey(rec.PKCS8)
	if err != nil {
		return nil, fmt.Errorf("decoding signing key of %s: %w", poolID, err)
	}
	rsaKey, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key of %s is not RSA", poolID)
	}
	k = &signingKey{kid: rec.Kid, key: rsaKey}
	s.keysMu.Lock()
	s.keys[poolID] = k
	s.keysMu.Unlock()
	return k, nil
}

func (s *Server) forgetKey(poolID string) {
	s.keysMu.Lock()
	delete(s.keys, poolID)
	s.keysMu.Unlock()
}

// tokenIssue is one issue of a sign-in's tokens: for user of pool,
// through client, from the sign-in session, with what grant read (the key
// and the user's groups).
type tokenIssue struct {
	pool    *pool
	client  *appClient
	user    *user
	session *session
	grant   *grant
	issuer  string
	// nonce is the authorization request's, for the ID token of the
	// authorization itself ("" otherwise).
	nonce string
	// source is the PreTokenGeneration trigger's triggerSource
	// (TokenGeneration_Authentication, _RefreshTokens, _HostedAuth...),
	// and metadata the caller's ClientMetadata for it.
	source   string
	metadata map[string]string
}

// issueTokens signs the access and ID tokens of t, after the pool's
// PreTokenGeneration trigger, if any, has changed their claims.
//
// The ID token holds the attributes the client may read. The origin_jti
// and jti claims are there only when the client has token revocation
// enabled (AWS: "When you turn on token revocation settings, the
// origin_jti and jti claims are added to the access and ID tokens"), and
// when it rotates refresh tokens (AWS's guide says the same of
// refresh-token rotation); authorize finds the sign-in of a token without
// them by its client and auth_time.
//
// A sign-in through the authorization endpoint (session.Scopes set) gets
// the tokens of OpenID Connect: the access token carries the granted
// scopes, the ID token exists only with the openid scope (AWS: "The ID
// token is only returned if openid scope is requested"), and it carries
// at_hash (OIDC Core §3.1.3.6) and, on the tokens of the authorization
// itself, the nonce the authorization request gave.
func (s *Server) issueTokens(ctx context.Context, t *tokenIssue) (*types.AuthenticationResultType, error) {
	cl, u, sess := t.client, t.user, t.session
	now := s.now()
	eventID := uuid.NewString() // one per sign-in or refresh, in both tokens
	common := func(validity time.Duration) jwt.MapClaims {
		claims := jwt.MapClaims{
			"sub":       u.Attributes["sub"],
			"iss":       t.issuer,
			"event_id":  eventID,
			"auth_time": sess.AuthTime.Unix(),
			"iat":       now.Unix(),
			"exp":       now.Add(validity).Unix(),
		}
		if cl.EnableTokenRevocation || cl.rotates() {
			claims["origin_jti"] = sess.OriginJTI
			claims["jti"] = uuid.NewString()
		}
		if len(t.grant.groups) > 0 {
			claims["cognito:groups"] = t.grant.groups
		}
		return claims
	}
	access := common(cl.AccessTokenValidity)
	access["token_use"] = "access"
	access["client_id"] = cl.ID
	access["scope"] = sess.scope()
	access["username"] = u.Username
	withID := sess.Scopes == nil || slices.Contains(sess.Scopes, scopeOpenID)
	id := common(cl.IDTokenValidity)
	for name, value := range cl.readable(u.Attributes) {
		id[name] = idTokenValue(name, value)
	}
	maps.Copy(id, jwt.MapClaims{"token_use": "id", "aud": cl.ID, "cognito:username": u.Username})
	if sess.Scopes != nil && t.nonce != "" {
		id["nonce"] = t.nonce
	}
	if err := s.preTokenGeneration(ctx, t, id, access); err != nil {
		return nil, err
	}
	accessToken, err := sign(t.grant.key, access)
	if err != nil {
		return nil, err
	}
	result := &types.AuthenticationResultType{
		AccessToken: aws.String(accessToken),
		ExpiresIn:   int32(cl.AccessTokenValidity / time.Second),
		TokenType:   aws.String("Bearer"),
	}
	if !withID {
		return result, nil
	}
	if sess.Scopes != nil {
		id["at_hash"] = accessTokenHash(accessToken)
	}
	idToken, err := sign(t.grant.key, id)
	if err != nil {
		return nil, err
	}
	result.IdToken = aws.String(idToken)
	return result, nil
}

// Scopes with a meaning of their own.
const (
	scopeOpenID = "openid"
	// scopeCognitoAdmin lets an access token call the API's operations
	// that take one (GetUser, ChangePassword...).
	scopeCognitoAdmin = "aws.cognito.signin.user.admin"
)

// scope is the scope claim of the sign-in's access tokens.
func (sess *session) scope() string {
	if sess.Scopes == nil {
		return scopeCognitoAdmin
	}
	return strings.Join(sess.Scopes, " ")
}

// accessTokenHash is the at_hash of an RS256 access token (OIDC Core
// §3.1.3.6): the base64url left half of its SHA-256.
func accessTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// idTokenValue types an attribute for the ID token as Cognito does: the
// *_verified flags are booleans, updated_at a number, the rest strings.
func idTokenValue(name, value string) any {
	switch name {
	case "email_verified", "phone_number_verified":
		return value == "true"
	case "updated_at":
		if n, err := strconv.ParseInt(value, 10, 64); err == nil {
			return n
		}
	}
	return value
}

func sign(key *signingKey, claims jwt.MapClaims) (string, error) {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = key.kid
	signed, err := tok.SignedString(key.key)
	if err != nil {
		return "", fmt.Errorf("signing token: %w", err)
	}
	return signed, nil
}

// newRefreshToken returns an opaque refresh token and the hash it is stored
// under; the token itself is never stored.
func newRefreshToken() (token, hash string) {
	buf := make([]byte, 48)
	rand.Read(buf)
	token = base64.RawURLEncoding.EncodeToString(buf)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// accessClaims are the claims of an access token the server checks.
type accessClaims struct {
	TokenUse  string `json:"token_use"`
	ClientID  string `json:"client_id"`
	Username  string `json:"username"`
	OriginJTI string `json:"origin_jti"`
	AuthTime  int64  `json:"auth_time"`
	Scope     string `json:"scope"`
	jwt.RegisteredClaims
}

// authorized is the subject of a verified access token.
type authorized struct {
	pool    *pool
	user    *user
	session *session
	scopes  []string // the token's scope claim
}

// authorize verifies an access token completely — RS256 signature by the
// pool's key, expiry, token_use, the issuer (one this server gives, naming
// the pool: see issuerPool), and that its sign-in was not revoked
// (GlobalSignOut, DeleteUser, AdminDisableUser) — inside tx. Every failure
// is a NotAuthorizedException.
func (s *Server) authorize(st *state, raw string) (*authorized, error) {
	if len(raw) > 16*1024 {
		return nil, errInvalidAccessToken
	}
	var claims accessClaims
	var p *pool
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(s.now))
	_, err := parser.ParseWithClaims(raw, &claims, func(t *jwt.Token) (any, error) {
		poolID, ok := s.issuerPool(t.Claims.(*accessClaims).Issuer)
		if !ok {
			return nil, errors.New("not this server's issuer")
		}
		var err error
		if p, err = st.pool(poolID); err != nil {
			return nil, err
		}
		key, err := s.poolKey(st, p.ID)
		if err != nil {
			return nil, err
		}
		if kid, _ := t.Header["kid"].(string); kid != key.kid {
			return nil, errors.New("unknown kid")
		}
		return &key.key.PublicKey, nil
	})
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, errExpiredAccessToken
	case err != nil || claims.TokenUse != "access" || claims.ClientID == "" || claims.Username == "":
		return nil, errInvalidAccessToken
	}
	ukey := p.usernameKey(claims.Username)
	sess, err := tokenSession(st, p, ukey, &claims)
	if isNotFound(err) {
		return nil, errRevokedAccessToken
	}
	if err != nil {
		return nil, err
	}
	if sess.ClientID != claims.ClientID {
		return nil, errInvalidAccessToken
	}
	u, err := st.userByKey(p, ukey)
	if isNotFound(err) {
		return nil, errRevokedAccessToken
	}
	if err != nil {
		return nil, err
	}
	if u.Attributes["sub"] != claims.Subject {
		return nil, errRevokedAccessToken
	}
	if !u.Enabled {
		return nil, errUserDisabled
	}
	return &authorized{pool: p, user: u, session: sess, scopes: strings.Fields(claims.Scope)}, nil
}

// tokenSession finds the sign-in an access token of the user keyed ukey
// comes from: by its origin_jti or, for a token of a client with token
// revocation disabled (which carries none), by its client and auth_time.
// A sign-in that was ended (GlobalSignOut, DeleteUser, the client's
// deletion...) is store.ErrNotFound either way.
func tokenSession(st *state, p *pool, ukey string, claims *accessClaims) (*session, error) {
	if claims.OriginJTI != "" {
		return st.session(p, ukey, claims.OriginJTI)
	}
	var found *session
	err := st.scanUserSessions(p, ukey, func(sess *session) error {
		if sess.ClientID == claims.ClientID && sess.AuthTime.Unix() == claims.AuthTime {
			found = sess
			return store.ErrStopScan
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, store.ErrNotFound
	}
	return found, nil
}

// jwksFor returns a pool's JSON Web Key Set.
func (s *Server) jwksFor(r *http.Request, poolID string) (*jose.JSONWebKeySet, error) {
	var key *signingKey
	err := s.view(r.Context(), func(st *state) (err error) {
		key, err = s.poolKey(st, poolID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &key.key.PublicKey, KeyID: key.kid, Algorithm: "RS256", Use: "sig",
	}}}, nil
}

func (s *Server) serveJWKS(w http.ResponseWriter, r *http.Request) {
	set, err := s.jwksFor(r, r.PathValue("pool"))
	if err != nil {
		s.writeDocumentError(w, r.PathValue("pool"), err)
		return
	}
	writeDocument(w, http.StatusOK, set)
}

// serveOpenIDConfiguration serves a pool's OpenID discovery document: its
// tokens' issuer (AWS's with WithAWSIssuer), its keys and the OAuth 2.0
// endpoints on the server's address, with what they support.
func (s *Server) serveOpenIDConfiguration(w http.ResponseWriter, r *http.Request) {
	poolID := r.PathValue("pool")
	if _, err := s.jwksFor(r, poolID); err != nil {
		s.writeDocumentError(w, poolID, err)
		return
	}
	base := s.requestBaseURL(r)
	writeDocument(w, http.StatusOK, map[string]any{
		"issuer":                                s.Issuer(base, poolID),
		"jwks_uri":                              base + "/" + poolID + "/.well-known/jwks.json",
		"authorization_endpoint":                base + authorizePath,
		"token_endpoint":                        base + tokenEndpointPath,
		"userinfo_endpoint":                     base + userInfoPath,
		"revocation_endpoint":                   base + revocationPath,
		"end_session_endpoint":                  base + logoutPath,
		"response_types_supported":              []string{responseTypeCode, responseTypeToken},
		"grant_types_supported":                 []string{grantAuthorizationCode, "implicit", grantRefreshToken, grantClientCredentials},
		"code_challenge_methods_supported":      []string{"S256"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"claims_supported":                      []string{"sub", "email", "email_verified", "phone_number", "phone_number_verified", "cognito:username", "cognito:groups", "iss", "aud", "exp", "iat", "auth_time", "token_use", "nonce", "at_hash"},
		"scopes_supported":                      []string{scopeOpenID, "email", "phone", "profile", scopeCognitoAdmin},
	})
}

func (s *Server) writeDocumentError(w http.ResponseWriter, poolID string, err error) {
	if isNotFound(err) {
		writeError(w, &apiError{Status: http.StatusNotFound, Type: excResourceNotFound, Message: poolNotFound(truncate(poolID, 64)).Message})
		return
	}
	s.log.Error("reading signing key failed", "err", err)
	writeError(w, errInternal)
}
