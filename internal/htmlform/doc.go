// Package htmlform reads the form of an HTML page and submits it as a
// browser without JavaScript would: hidden inputs (a CSRF token, the
// authorization request's parameters) kept, the fields a user types set.
// Tests use it to sign in through the local Cognito's managed login page
// with a plain net/http client and a cookie jar.
package htmlform
