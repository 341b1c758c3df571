// Package httpauth protects net/http handlers with Cognito tokens: its one
// job is to turn "Authorization: Bearer <token>" into verified claims in the
// request's context, or into the RFC 6750 answer when there is no good
// token.
//
// The checks are a jwtverify.Verifier's — local, with no network call per
// request — plus, per route, the groups and scopes the route needs:
//
//	v, err := jwtverify.New(jwtverify.Config{
//		UserPoolID: "eu-west-1_AbC123xyz",
//		ClientIDs:  []string{"1example23456789"},
//		TokenUse:   jwtverify.AccessToken,
//	})
//	...
//	mux.Handle("GET /orders", httpauth.Require(v)(orders))
//	mux.Handle("DELETE /orders/{id}", httpauth.Require(v, httpauth.RequireGroups("admin"))(deleteOrder))
//
//	func orders(w http.ResponseWriter, r *http.Request) {
//		claims, _ := httpauth.ClaimsFrom(r.Context())
//		... claims.Subject, claims.Username(), claims.Groups ...
//	}
//
// Require returns standard middleware (func(http.Handler) http.Handler), so
// it works with any router that takes an http.Handler.
//
// The answers, with a JSON body {"error": "...", "message": "..."}:
//
//   - 401 with WWW-Authenticate: Bearer realm="api" when the request has no
//     bearer token (no Authorization header, or another scheme such as
//     Basic);
//   - 400 with error="invalid_request" when the Authorization header is
//     malformed: "Bearer" without a token, more than one token, or more
//     than one Authorization header;
//   - 401 with error="invalid_token" when the token is refused: expired,
//     badly signed, of another pool or app client, the wrong token use...;
//   - 403 with error="insufficient_scope" when a valid token lacks a group
//     or scope the verifier or the route requires;
//   - 503, without WWW-Authenticate, when the pool's keys cannot be fetched:
//     the token may well be good, so clients should retry rather than sign
//     in again.
//
// The error_description in WWW-Authenticate is a fixed phrase per kind of
// failure (see Message); nothing from the request is ever written into a
// header. WithErrorHandler replaces the body; WithRealm names the realm.
//
// Local verification cannot see a sign-out: a token revoked with
// GlobalSignOut stays valid here until it expires (one hour by default).
// Where that matters, keep access tokens short-lived, or call Cognito
// (GetUser) for the operations that must see revocations.
package httpauth
