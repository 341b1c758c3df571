package emulator_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/cognitokit/cognito/cognitotest"
)

func TestHealth(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	var body struct{ Status string }
	if status := getJSON(t, srv.Endpoint+"/health", &body); status != http.StatusOK || body.Status != "ok" {
		t.Errorf("GET /health = %d %+v, want 200 ok", status, body)
	}
	if status := getJSON(t, srv.Endpoint+"/no/such/route", nil); status != http.StatusNotFound {
		t.Errorf("GET of an unknown route = %d, want 404", status)
	}
}

// The envelope of the JSON 1.1 protocol: errors are 4xx with Cognito's
// __type, message and x-amzn-ErrorType, never a 2xx or a 5xx.
func TestProtocolErrors(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	const jsonType = "application/x-amz-json-1.1"
	target := "AWSCognitoIdentityProviderService."
	for _, tc := range []struct {
		name     string
		headers  map[string]string
		body     string
		status   int
		errType  string
		contains string // in the message, when not empty
	}{
		{"unknown operation", map[string]string{"Content-Type": jsonType, "X-Amz-Target": target + "StealAllUsers"}, `{}`,
			400, "UnknownOperationException", "StealAllUsers"},
		{"no target", map[string]string{"Content-Type": jsonType}, `{}`, 400, "UnknownOperationException", ""},
		{"target of another service", map[string]string{"Content-Type": jsonType, "X-Amz-Target": "DynamoDB_20120810.SignUp"}, `{}`,
			400, "UnknownOperationException", ""},
		{"malformed JSON", map[string]string{"Content-Type": jsonType, "X-Amz-Target": target + "SignUp"}, `{"ClientId": `,
			400, "SerializationException", ""},
		{"JSON array", map[string]string{"Content-Type": jsonType, "X-Amz-Target": target + "SignUp"}, `[1, 2]`,
			400, "SerializationException", ""},
		{"number for a string", map[string]string{"Content-Type": jsonType, "X-Amz-Target": target + "SignUp"},
			`{"ClientId": "x", "Username": 5, "Password": "Sup3r-secret"}`, 400, "SerializationException", "Username"},
		{"string for a number", map[string]string{"Content-Type": jsonType, "X-Amz-Target": target + "ListUserPools", "Authorization": fakeSigV4},
			`{"MaxResults": "ten"}`, 400, "SerializationException", "MaxResults"},
		{"object for a list", map[string]string{"Content-Type": jsonType, "X-Amz-Target": target + "SignUp"},
			`{"ClientId": "x", "Username": "ana", "UserAttributes": {"email": "a@b.c"}}`, 400, "SerializationException", ""},
		{"text content type", map[string]string{"Content-Type": "text/plain", "X-Amz-Target": target + "SignUp"}, `{}`,
			415, "UnsupportedMediaTypeException", ""},
		{"no content type", map[string]string{"X-Amz-Target": target + "SignUp"}, `{}`, 415, "UnsupportedMediaTypeException", ""},
		{"admin call unsigned", map[string]string{"Content-Type": jsonType, "X-Amz-Target": target + "ListUsers"}, `{"UserPoolId": "` + srv.UserPoolID + `"}`,
			403, "MissingAuthenticationTokenException", ""},
		{"admin call with another Authorization scheme", map[string]string{"Content-Type": jsonType, "X-Amz-Target": target + "ListUsers", "Authorization": "Bearer x"},
			`{"UserPoolId": "` + srv.UserPoolID + `"}`, 403, "MissingAuthenticationTokenException", ""},
		{"body too large", map[string]string{"Content-Type": jsonType, "X-Amz-Target": target + "SignUp"},
			`{"ClientId": "` + strings.Repeat("x", 2<<20) + `"}`, 400, "SerializationException", ""},
		{"empty body", map[string]string{"Content-Type": jsonType, "X-Amz-Target": target + "DescribeUserPool", "Authorization": fakeSigV4}, ``,
			400, "InvalidParameterException", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, header, body := rawPost(t, srv, tc.headers, tc.body)
			if status != tc.status {
				t.Errorf("status = %d, want %d (body %s)", status, tc.status, body)
			}
			var e struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("error body %q: %v", body, err)
			}
			if e.Type != tc.errType || header.Get("x-amzn-ErrorType") != tc.errType {
				t.Errorf("__type = %q, x-amzn-ErrorType = %q, want %s", e.Type, header.Get("x-amzn-ErrorType"), tc.errType)
			}
			if e.Message == "" || !strings.Contains(e.Message, tc.contains) {
				t.Errorf("message = %q, want one mentioning %q", e.Message, tc.contains)
			}
		})
	}
}

func TestProtocolResponses(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := cognitotest.NewServer(t, cognitotest.WithClock(clk.Now))
	signUpConfirmed(t, srv, "ana", password)
	// Timestamps are epoch seconds (not milliseconds, not strings).
	wantTime := json.Number(strconv.FormatInt(clk.Now().Unix(), 10))

	// decode reads an API response keeping numbers as json.Number, to tell
	// them from strings.
	decode := func(t *testing.T, body []byte) map[string]any {
		t.Helper()
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var out map[string]any
		if err := dec.Decode(&out); err != nil {
			t.Fatalf("response %q: %v", body, err)
		}
		return out
	}
	isTime := func(t *testing.T, what string, v any) {
		t.Helper()
		if v != wantTime {
			t.Errorf("%s = %#v (%T), want the JSON number %s", what, v, v, wantTime)
		}
	}
	call := func(t *testing.T, action, body string, signed bool) map[string]any {
		t.Helper()
		status, out := rawCall(t, srv, action, body, signed)
		if status != http.StatusOK {
			t.Fatalf("%s = %d %s", action, status, out)
		}
		return decode(t, out)
	}

	t.Run("DescribeUserPool", func(t *testing.T) {
		pool := call(t, "DescribeUserPool", `{"UserPoolId": "`+srv.UserPoolID+`"}`, true)["UserPool"].(map[string]any)
		isTime(t, "CreationDate", pool["CreationDate"])
		isTime(t, "LastModifiedDate", pool["LastModifiedDate"])
		if pool["EstimatedNumberOfUsers"] != json.Number("1") {
			t.Errorf("EstimatedNumberOfUsers = %#v, want the number 1", pool["EstimatedNumberOfUsers"])
		}
	})
	t.Run("AdminGetUser", func(t *testing.T) {
		u := call(t, "AdminGetUser", `{"UserPoolId": "`+srv.UserPoolID+`", "Username": "ana"}`, true)
		isTime(t, "UserCreateDate", u["UserCreateDate"])
		isTime(t, "UserLastModifiedDate", u["UserLastModifiedDate"])
		if u["Enabled"] != true || u["UserStatus"] != "CONFIRMED" {
			t.Errorf("Enabled, UserStatus = %#v, %#v", u["Enabled"], u["UserStatus"])
		}
	})
	t.Run("ListUsers", func(t *testing.T) {
		users := call(t, "ListUsers", `{"UserPoolId": "`+srv.UserPoolID+`"}`, true)["Users"].([]any)
		if len(users) != 1 {
			t.Fatalf("%d users", len(users))
		}
		isTime(t, "UserCreateDate", users[0].(map[string]any)["UserCreateDate"])
	})
	t.Run("DescribeUserPoolClient", func(t *testing.T) {
		cl := call(t, "DescribeUserPoolClient", `{"UserPoolId": "`+srv.UserPoolID+`", "ClientId": "`+srv.ClientID+`"}`, true)["UserPoolClient"].(map[string]any)
		isTime(t, "CreationDate", cl["CreationDate"])
		if cl["AccessTokenValidity"] != json.Number("1") || cl["RefreshTokenValidity"] != json.Number("30") {
			t.Errorf("AccessTokenValidity, RefreshTokenValidity = %#v, %#v, want the numbers 1, 30", cl["AccessTokenValidity"], cl["RefreshTokenValidity"])
		}
	})
	t.Run("InitiateAuth", func(t *testing.T) {
		out := call(t, "InitiateAuth", `{"ClientId": "`+srv.ClientID+`", "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "ana", "PASSWORD": "`+password+`"}}`, false)
		res := out["AuthenticationResult"].(map[string]any)
		if res["ExpiresIn"] != json.Number("3600") {
			t.Errorf("ExpiresIn = %#v, want the number 3600", res["ExpiresIn"])
		}
		if res["TokenType"] != "Bearer" {
			t.Errorf("TokenType = %#v", res["TokenType"])
		}
	})
	t.Run("content type", func(t *testing.T) {
		status, header, _ := rawPost(t, srv, map[string]string{
			"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.GetUser",
		}, `{"AccessToken": "x"}`)
		if status != http.StatusBadRequest || header.Get("Content-Type") != "application/x-amz-json-1.1" {
			t.Errorf("GetUser with a bad token = %d, Content-Type %q", status, header.Get("Content-Type"))
		}
	})
}

func TestOutboxEndpoint(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	signUp(t, srv, "ana", password)
	signUp(t, srv, "bob", password)
	if _, err := forgot(t, srv, "ana"); err == nil {
		t.Fatal("ForgotPassword for an unverified user succeeded")
	}
	if err := tryConfirm(t, srv, "ana", srv.LastCode("ana")); err != nil {
		t.Fatal(err)
	}
	if _, err := forgot(t, srv, "ana"); err != nil {
		t.Fatal(err)
	}

	type message struct {
		UserPoolID  string `json:"userPoolId"`
		Username    string `json:"username"`
		Destination string `json:"destination"`
		Medium      string `json:"medium"`
		Purpose     string `json:"purpose"`
		Code        string `json:"code"`
		SentAt      string `json:"sentAt"`
	}
	var all struct{ Messages []message }
	if status := getJSON(t, srv.Endpoint+"/_local/messages", &all); status != http.StatusOK {
		t.Fatalf("GET /_local/messages = %d", status)
	}
	// Oldest first: ana's sign-up, bob's sign-up, ana's password reset.
	want := []struct{ username, purpose string }{{"ana", "SIGN_UP"}, {"bob", "SIGN_UP"}, {"ana", "FORGOT_PASSWORD"}}
	if len(all.Messages) != len(want) {
		t.Fatalf("outbox = %+v, want %d messages", all.Messages, len(want))
	}
	for i, m := range all.Messages {
		if m.Username != want[i].username || m.Purpose != want[i].purpose {
			t.Errorf("message %d = %s %s, want %s %s", i, m.Username, m.Purpose, want[i].username, want[i].purpose)
		}
		if m.UserPoolID != srv.UserPoolID || m.Destination != emailFor(m.Username) || m.Medium != "EMAIL" || !sixDigits.MatchString(m.Code) {
			t.Errorf("message %d = %+v", i, m)
		}
		if _, err := time.Parse(time.RFC3339Nano, m.SentAt); err != nil {
			t.Errorf("sentAt %q: %v", m.SentAt, err)
		}
	}
	if all.Messages[2].Code != srv.LastCode("ana") {
		t.Errorf("the endpoint and LastCode disagree on ana's last code")
	}

	var bobs struct{ Messages []message }
	getJSON(t, srv.Endpoint+"/_local/messages?username=bob", &bobs)
	if len(bobs.Messages) != 1 || bobs.Messages[0].Username != "bob" {
		t.Errorf("?username=bob = %+v", bobs.Messages)
	}
	var raw map[string]json.RawMessage
	getJSON(t, srv.Endpoint+"/_local/messages?username=nobody", &raw)
	if string(raw["messages"]) != "[]" {
		t.Errorf(`?username=nobody = %s, want {"messages":[]}`, raw["messages"])
	}
}

// Every answer of the API names its request in x-amzn-RequestId, as AWS's
// do, and the SDK's errors show it.
func TestRequestID(t *testing.T) {
	srv := cognitotest.NewServer(t)
	_, err := trySignIn(t, srv, "nobody", password)
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || len(re.ServiceRequestID()) != 36 {
		t.Errorf("the SDK's error has no request ID: %v", err)
	}
}
