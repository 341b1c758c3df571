package emulator_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

// getPage fetches link and returns its status and body.
func getPage(t *testing.T, link string) (int, string) {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q", ct)
	}
	return resp.StatusCode, string(body)
}

// Following the link of a CONFIRM_WITH_LINK email confirms the sign-up,
// once; a wrong code is refused; what the request carries is escaped.
func TestConfirmLink(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		s := withPool(t, srv, &cip.CreateUserPoolInput{
			PoolName:               aws.String("links"),
			AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
			VerificationMessageTemplate: &types.VerificationMessageTemplateType{
				DefaultEmailOption: types.DefaultEmailOptionTypeConfirmWithLink,
				EmailMessageByLink: aws.String("Please {##confirm your account##}"),
			},
		}, nil)
		signUp(t, s, "ana", password)
		link := s.Messages("ana")[0].Link

		wrong, _ := url.Parse(link)
		q := wrong.Query()
		q.Set("confirmation_code", wrongCode(q.Get("confirmation_code")))
		wrong.RawQuery = q.Encode()
		if status, body := getPage(t, wrong.String()); status != http.StatusBadRequest || !strings.Contains(body, "not confirmed") {
			t.Errorf("a wrong code: %d %s", status, body)
		}
		if got := adminGetUser(t, s, "ana").UserStatus; got != types.UserStatusTypeUnconfirmed {
			t.Fatalf("status after a wrong link = %s", got)
		}
		if status, body := getPage(t, link); status != http.StatusOK || !strings.Contains(body, "confirmed") {
			t.Fatalf("the link: %d %s", status, body)
		}
		if got := adminGetUser(t, s, "ana").UserStatus; got != types.UserStatusTypeConfirmed {
			t.Errorf("status after the link = %s, want CONFIRMED", got)
		}
		if status, _ := getPage(t, link); status != http.StatusBadRequest {
			t.Errorf("the link followed twice: %d, want 400", status)
		}
		signIn(t, s, "ana", password)

		evil := s.Endpoint + "/confirmUser?client_id=" + url.QueryEscape("<script>alert(1)</script>") + "&user_name=x&confirmation_code=1"
		if status, body := getPage(t, evil); status != http.StatusBadRequest || strings.Contains(body, "<script>") {
			t.Errorf("a hostile client_id: %d %s", status, body)
		}
	})
}
