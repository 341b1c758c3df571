package cognito

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestPackageFunctionsShareSDKClients(t *testing.T) {
	awsCfg := aws.Config{Region: "eu-west-1"}
	ctx := context.Background()
	a, err := clientFor(ctx, Config{ClientID: "a", Endpoint: "http://127.0.0.1:1", AWSConfig: &awsCfg})
	if err != nil {
		t.Fatal(err)
	}
	b, err := clientFor(ctx, Config{ClientID: "b", ClientSecret: "s", Endpoint: "http://127.0.0.1:1", AWSConfig: &awsCfg})
	if err != nil {
		t.Fatal(err)
	}
	if a.sdk != b.sdk {
		t.Fatal("two one-off calls to the same region and endpoint built two SDK clients")
	}
	other, err := clientFor(ctx, Config{ClientID: "a", Endpoint: "http://127.0.0.1:2", AWSConfig: &awsCfg})
	if err != nil {
		t.Fatal(err)
	}
	if other.sdk == a.sdk {
		t.Fatal("another endpoint reused the SDK client")
	}
}
