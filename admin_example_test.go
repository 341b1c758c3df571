package cognito_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/cognitokit/cognito"
)

// A back end's administrator: create a user with their password, put them
// in a group, list the group's members. The calls need AWS credentials
// (here, the local Cognito's Config carries some).
func ExampleAdmin() {
	cfg, stop := exampleConfig()
	defer stop()
	ctx := context.Background()
	client, err := cognito.New(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	admin := client.Admin()

	attrs := map[string]string{"email": "ana@example.com", "email_verified": "true"}
	if _, err := admin.CreateUser(ctx, "ana@example.com", attrs, cognito.WithoutInvitation()); err != nil {
		log.Fatal(err)
	}
	if err := admin.SetPassword(ctx, "ana@example.com", "Sup3r-secret!"); err != nil {
		log.Fatal(err)
	}
	if _, err := admin.CreateGroup(ctx, "admin", cognito.GroupDescription("Administrators")); err != nil {
		log.Fatal(err)
	}
	if err := admin.AddUserToGroup(ctx, "ana@example.com", "admin"); err != nil {
		log.Fatal(err)
	}
	for u, err := range admin.ListUsersInGroup(ctx, "admin") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.Username, u.Status, u.Enabled)
	}
	_, err = admin.GetGroup(ctx, "editors")
	fmt.Println(errors.Is(err, cognito.ErrGroupNotFound))
	// Output:
	// ana@example.com CONFIRMED true
	// true
}
