package emulator_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
	"github.com/cognitokit/cognito/emulator"
	"github.com/cognitokit/cognito/emulator/store"
)

// A store written by a newer version of the local Cognito is refused with
// a message that says so, and left as it was.
func TestUnknownDataFormat(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/cognito.db"
	st, err := store.OpenSQLite(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := emulator.New(t.Context(), st); err != nil {
		t.Fatalf("a new store: %v", err)
	}
	err = st.Update(t.Context(), func(tx store.Tx) error { return tx.Put("meta", "format", []byte("99")) })
	if err != nil {
		t.Fatal(err)
	}
	_, err = emulator.New(t.Context(), st)
	if !errors.Is(err, emulator.ErrUnknownFormat) || !strings.Contains(err.Error(), "99") {
		t.Fatalf("opening format 99: %v, want ErrUnknownFormat naming it", err)
	}
	st.View(t.Context(), func(tx store.Tx) error {
		if raw, _ := tx.Get("meta", "format"); string(raw) != "99" {
			t.Errorf("the refused store's format is now %q", raw)
		}
		return nil
	})
}

// Data of format 1 (clients and refresh tokens keyed without their pool,
// no index by sub) is migrated when a server opens it: its clients, users,
// and sign-ins all work afterwards.
func TestFormatOneMigration(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/cognito.db"
	st, err := store.OpenSQLite(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	srv := cognitotest.NewServer(t, cognitotest.WithStore(st))
	sub := signUpConfirmed(t, srv, "ana", password)
	refresh := aws.ToString(signIn(t, srv, "ana", password).RefreshToken)
	srv.Close()

	// Rewrite the store as format 1 laid it out.
	err = st.Update(t.Context(), func(tx store.Tx) error {
		move := func(kind string, newKey func(key string, value []byte) string) error {
			type rec struct {
				key   string
				value []byte
			}
			var recs []rec
			if err := tx.Scan(kind, "", func(k string, v []byte) error { recs = append(recs, rec{k, v}); return nil }); err != nil {
				return err
			}
			for _, r := range recs {
				if err := tx.Delete(kind, r.key); err != nil {
					return err
				}
				if k := newKey(r.key, r.value); k != "" {
					if err := tx.Put(kind, k, r.value); err != nil {
						return err
					}
				}
			}
			return nil
		}
		after := func(key string, _ []byte) string { return key[strings.IndexByte(key, '/')+1:] }
		drop := func(string, []byte) string { return "" }
		for _, step := range []struct {
			kind string
			to   func(string, []byte) string
		}{{"client", after}, {"refresh", after}, {"clientpool", drop}, {"sub", drop}, {"search", drop}, {"meta", func(k string, _ []byte) string {
			if k == "format" {
				return ""
			}
			return k
		}}} {
			if err := move(step.kind, step.to); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	moved := restarted(t, srv, st)
	c := sdk(moved)
	if _, err := c.DescribeUserPoolClient(t.Context(), &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(srv.UserPoolID), ClientId: aws.String(srv.ClientID)}); err != nil {
		t.Errorf("the client after migration: %v", err)
	}
	if _, err := tryRefresh(t, moved, refresh, "ana"); err != nil {
		t.Errorf("the refresh token after migration: %v", err)
	}
	if got := adminGetUser(t, moved, sub); aws.ToString(got.Username) != "ana" {
		t.Errorf("AdminGetUser by sub after migration = %q", aws.ToString(got.Username))
	}
	out, err := c.InitiateAuth(t.Context(), &cip.InitiateAuthInput{
		ClientId: aws.String(srv.ClientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "ana", "PASSWORD": password},
	})
	if err != nil || out.AuthenticationResult == nil {
		t.Errorf("sign-in after migration: %v", err)
	}
	checkFound(t, moved, `email = "`+emailFor("ana")+`"`, "ana")
	st.Close()
}

// checkFound checks that ListUsers with filter finds exactly the users
// named.
func checkFound(t *testing.T, srv *cognitotest.Server, filter string, names ...string) {
	t.Helper()
	out, err := sdk(srv).ListUsers(t.Context(), &cip.ListUsersInput{UserPoolId: aws.String(srv.UserPoolID), Filter: aws.String(filter)})
	if err != nil {
		t.Fatalf("ListUsers(%s): %v", filter, err)
	}
	var got []string
	for _, u := range out.Users {
		got = append(got, aws.ToString(u.Username))
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("ListUsers(%s) = %v, want %v", filter, got, names)
	}
}

// Data of format 2 (no search index) gains ListUsers' search index when a
// server opens it.
func TestFormatTwoMigration(t *testing.T) {
	t.Parallel()
	st, err := store.OpenSQLite(t.Context(), t.TempDir()+"/cognito.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := cognitotest.NewServer(t, cognitotest.WithStore(st))
	signUpConfirmed(t, srv, "ana", password)
	signUpConfirmed(t, srv, "bob", password)
	srv.Close()
	err = st.Update(t.Context(), func(tx store.Tx) error {
		var keys []string
		if err := tx.Scan("search", "", func(k string, _ []byte) error { keys = append(keys, k); return nil }); err != nil {
			return err
		}
		for _, k := range keys {
			if err := tx.Delete("search", k); err != nil {
				return err
			}
		}
		return tx.Put("meta", "format", []byte("2"))
	})
	if err != nil {
		t.Fatal(err)
	}
	moved := restarted(t, srv, st)
	checkFound(t, moved, `email = "`+emailFor("bob")+`"`, "bob")
	checkFound(t, moved, `username ^= "a"`, "ana")
	checkFound(t, moved, `cognito:user_status = "CONFIRMED"`, "ana", "bob")
}
