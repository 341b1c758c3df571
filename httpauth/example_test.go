package httpauth_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/cognitokit/cognito/httpauth"
	"github.com/cognitokit/cognito/jwtverify"
)

// Protect routes of a ServeMux; the handlers read the caller from the
// request's context. The requests below are refused before any key is
// fetched, so the example runs offline.
func ExampleRequire() {
	v, err := jwtverify.New(jwtverify.Config{
		UserPoolID: "eu-west-1_AbC123xyz",
		ClientIDs:  []string{"1example23456789"},
		TokenUse:   jwtverify.AccessToken,
	})
	if err != nil {
		log.Fatal(err)
	}
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims, _ := httpauth.ClaimsFrom(r.Context())
		fmt.Fprintf(w, "hello, %s\n", claims.Username())
	})
	mux := http.NewServeMux()
	mux.Handle("GET /hello", httpauth.Require(v)(hello))
	mux.Handle("GET /admin", httpauth.Require(v, httpauth.RequireGroups("admin"))(hello))

	for _, auth := range []string{"", "Basic YW5hOnNlY3JldA==", "Bearer", "Bearer not.a.token"} {
		req := httptest.NewRequest(http.MethodGet, "/hello", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"))
		fmt.Print("    ", rec.Body.String())
	}
	// Output:
	// 401 Bearer realm="api"
	//     {"error":"missing_token","message":"Authentication required: send a token in an Authorization: Bearer header."}
	// 401 Bearer realm="api"
	//     {"error":"missing_token","message":"Authentication required: send a token in an Authorization: Bearer header."}
	// 400 Bearer realm="api", error="invalid_request", error_description="The Authorization header must be Bearer followed by exactly one token."
	//     {"error":"invalid_request","message":"The Authorization header must be Bearer followed by exactly one token."}
	// 401 Bearer realm="api", error="invalid_token", error_description="The token is malformed."
	//     {"error":"invalid_token","message":"The token is malformed."}
}
