package emulator

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// GET /confirmUser: the link of a sign-up confirmation email in a pool
// whose verification message is CONFIRM_WITH_LINK (see deliverSignUpCode).
// Following it confirms the sign-up as ConfirmSignUp does; the link itself
// is the proof, as on Cognito's domain, so no SECRET_HASH is asked for.
// It answers a small HTML page saying what happened.

var confirmPage = template.Must(template.New("confirm").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body><h1>{{.Title}}</h1><p>{{.Message}}</p></body></html>
`))

func (s *Server) serveConfirmUser(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	in := &cip.ConfirmSignUpInput{
		ClientId:         aws.String(q.Get("client_id")),
		Username:         aws.String(q.Get("user_name")),
		ConfirmationCode: aws.String(q.Get("confirmation_code")),
	}
	c := &caller{baseURL: s.requestBaseURL(r)}
	err := validateInput(in)
	if err == nil {
		err = s.view(r.Context(), func(st *state) (err error) {
			c.client, c.pool, err = st.client(aws.ToString(in.ClientId))
			return err
		})
	}
	if err == nil {
		_, err = s.confirmSignUp(r.Context(), c, in)
	}
	page := struct{ Title, Message string }{"Registration confirmed", "Your registration has been confirmed: you can sign in now."}
	status := http.StatusOK
	var apiErr *apiError
	switch {
	case errors.As(err, &apiErr):
		status = http.StatusBadRequest
		page.Title, page.Message = "Registration not confirmed", apiErr.Message
	case err != nil:
		s.log.Error("confirming a sign-up by link failed", "err", err)
		status = http.StatusInternalServerError
		page.Title, page.Message = "Registration not confirmed", "Internal server error."
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	confirmPage.Execute(w, page)
}
