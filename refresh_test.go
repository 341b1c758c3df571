package cognito_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito"
	"github.com/cognitokit/cognito/cognitotest"
)

// rotating switches srv's app client to refresh-token rotation, with no
// grace period: a refresh token works once.
func rotating(t *testing.T, srv *cognitotest.Server) {
	t.Helper()
	updateClient(t, srv, &cip.UpdateUserPoolClientInput{
		ExplicitAuthFlows:    []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowUserSrpAuth},
		RefreshTokenRotation: &types.RefreshTokenRotationType{Feature: types.FeatureTypeEnabled, RetryGracePeriodSeconds: aws.Int32(0)},
	})
}

// With rotation, RefreshTokens returns a new refresh token each time and
// the one it replaced stops working; without, it keeps the one it had.
func TestRefreshTokensRotation(t *testing.T) {
	for _, pk := range poolKinds {
		t.Run(pk.name, func(t *testing.T) {
			t.Parallel()
			srv := cognitotest.NewServer(t, pk.opts...)
			c := newClient(t, srv)
			registered(t, srv, c, "ana@example.com")
			plain, err := c.Authenticate(t.Context(), "ana@example.com", password)
			if err != nil {
				t.Fatal(err)
			}
			kept, err := c.RefreshTokens(t.Context(), plain)
			if err != nil || kept.RefreshToken != plain.RefreshToken || kept.AccessToken == "" {
				t.Fatalf("RefreshTokens without rotation: %v; refresh token kept: %v", err, err == nil && kept.RefreshToken == plain.RefreshToken)
			}

			rotating(t, srv)
			s, err := c.SignIn(t.Context(), "ana@example.com", password)
			if err != nil {
				t.Fatal(err)
			}
			first := s.Tokens
			second, err := c.RefreshTokens(t.Context(), first)
			if err != nil {
				t.Fatalf("RefreshTokens with rotation: %v", err)
			}
			if second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
				t.Fatal("no new refresh token from a rotating client")
			}
			if _, err := c.RefreshTokens(t.Context(), first); !errors.Is(err, cognito.ErrNotAuthorized) {
				t.Errorf("the replaced refresh token: %v, want ErrNotAuthorized", err)
			}
			if _, err := c.RefreshTokens(t.Context(), second); err != nil {
				t.Errorf("the new refresh token: %v", err)
			}
		})
	}
}

// A Session on a rotating client keeps the new refresh token of each
// refresh, hands it to its callback, and refreshes again with it.
func TestSessionKeepsRotatedRefreshToken(t *testing.T) {
	t.Parallel()
	clk := cognitotest.NewClock(time.Now())
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now))
	c := newClient(t, srv)
	registered(t, srv, c, "ana@example.com")
	rotating(t, srv)
	s, err := c.SignIn(t.Context(), "ana@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	var saved []string
	session := c.NewSession(s.Tokens, cognito.WithSessionClock(clk.Now), cognito.WithOnRefresh(func(t *cognito.Tokens) { saved = append(saved, t.RefreshToken) }))
	for i := range 2 {
		clk.Advance(time.Hour)
		if _, err := session.Token(t.Context()); err != nil {
			t.Fatalf("refresh %d: %v", i+1, err)
		}
	}
	if len(saved) != 2 || saved[0] == s.Tokens.RefreshToken || saved[1] == saved[0] {
		t.Errorf("refresh tokens saved: %d, new each time: %v", len(saved), len(saved) == 2 && saved[0] != saved[1])
	}
}

// Against a server that does not know GetTokensFromRefreshToken,
// RefreshTokens falls back to REFRESH_TOKEN_AUTH, and keeps doing so.
func TestRefreshTokensFallback(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.WithClientSecret(), cognitotest.WithEmailAsUsername())
	target, err := url.Parse(srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var refused atomic.Int32
	older := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") == "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken" {
			refused.Add(1)
			w.Header().Set("x-amzn-ErrorType", "UnknownOperationException")
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"__type":"UnknownOperationException","message":"Unknown operation"}`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer older.Close()
	cfg := configFor(srv)
	cfg.Endpoint = older.URL
	c, err := cognito.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	registered(t, srv, c, "ana@example.com")
	tokens, err := c.Authenticate(t.Context(), "ana@example.com", password)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		fresh, err := c.RefreshTokens(t.Context(), tokens)
		if err != nil || fresh.AccessToken == "" || fresh.RefreshToken != tokens.RefreshToken {
			t.Fatalf("refresh %d through the fallback: %v", i+1, err)
		}
	}
	if n := refused.Load(); n != 1 {
		t.Errorf("GetTokensFromRefreshToken tried %d times, want once", n)
	}
}
