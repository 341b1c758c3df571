package cognito

import (
	"context"
	"fmt"
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
	elsewhere, err := clientFor(ctx, Config{ClientID: "a", Region: "us-east-1", Endpoint: "http://127.0.0.1:1", AWSConfig: &awsCfg})
	if err != nil {
		t.Fatal(err)
	}
	if elsewhere.sdk == a.sdk || elsewhere.awsConfig.Region != "us-east-1" {
		t.Fatal("another region reused the SDK client")
	}
}

// TestSharedClientsFollowTheEnvironment: with no endpoint in the Config,
// the SDK's endpoint variable decides where calls go, so a change of it
// gets another SDK client.
func TestSharedClientsFollowTheEnvironment(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", "")
	ctx := context.Background()
	for _, endpoint := range []string{"http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:1"} {
		t.Setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", endpoint)
		c, err := clientFor(ctx, Config{ClientID: "a", Region: "eu-west-1"})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Endpoint(); got != endpoint {
			t.Errorf("with AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=%s the call goes to %s", endpoint, got)
		}
	}
}

// TestSharedClientsAreBounded: past maxSharedClients destinations the
// least recently used client is dropped, and a recently used one kept.
func TestSharedClientsAreBounded(t *testing.T) {
	awsCfg := aws.Config{Region: "eu-west-1"}
	ctx := context.Background()
	cfg := func(i int) Config {
		return Config{ClientID: "a", Endpoint: fmt.Sprintf("http://127.0.0.1:%d", 10000+i), AWSConfig: &awsCfg}
	}
	first, err := clientFor(ctx, cfg(0))
	if err != nil {
		t.Fatal(err)
	}
	second, err := clientFor(ctx, cfg(1))
	if err != nil {
		t.Fatal(err)
	}
	for i := 2; i < 3*maxSharedClients; i++ {
		if _, err := clientFor(ctx, cfg(i)); err != nil {
			t.Fatal(err)
		}
		if i%4 == 0 { // the first one stays in use
			if again, _ := clientFor(ctx, cfg(0)); again.sdk != first.sdk {
				t.Fatalf("after %d destinations, a client used recently was dropped", i)
			}
		}
	}
	shared.Lock()
	n := len(shared.clients)
	shared.Unlock()
	if n > maxSharedClients {
		t.Fatalf("%d shared clients, want at most %d", n, maxSharedClients)
	}
	if again, _ := clientFor(ctx, cfg(1)); again.sdk == second.sdk {
		t.Fatal("the least recently used client was kept")
	}
}
