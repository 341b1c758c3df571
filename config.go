package cognito

import (
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Config says which user pool and app client to use, and where.
type Config struct {
	// UserPoolID is the pool, e.g. "eu-west-1_AbC123xyz". Required for
	// TestConnection; the other operations need only ClientID.
	UserPoolID string
	// ClientID is the app client. Every operation but TestConnection
	// needs it.
	ClientID string
	// ClientSecret is the app client's secret, if it has one; SECRET_HASH
	// is then computed for every call that needs it. It never appears in
	// an error, a log line or fmt output of Config.
	ClientSecret string
	// Region is the AWS region. If empty: AWS_REGION, AWS_DEFAULT_REGION,
	// the prefix of UserPoolID ("eu-west-1_..."), then "eu-west-1".
	Region string
	// Endpoint overrides Cognito's URL, e.g. a local Cognito
	// ("http://127.0.0.1:9229"). If empty, the SDK's own
	// AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER applies, else AWS.
	Endpoint string
	// AWSConfig, if set, is the base SDK configuration (credentials, HTTP
	// client, retries); otherwise the SDK's default chain is loaded.
	AWSConfig *aws.Config
}

// ConfigFromEnv reads a Config from COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID,
// COGNITO_CLIENT_SECRET, AWS_REGION / AWS_DEFAULT_REGION. The endpoint is
// left to the SDK, which reads AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER.
func ConfigFromEnv() Config {
	return Config{
		UserPoolID:   os.Getenv("COGNITO_USER_POOL_ID"),
		ClientID:     os.Getenv("COGNITO_CLIENT_ID"),
		ClientSecret: os.Getenv("COGNITO_CLIENT_SECRET"),
		Region:       envRegion(),
	}
}

func envRegion() string {
	if r := os.Getenv("AWS_REGION"); r != "" {
		return r
	}
	return os.Getenv("AWS_DEFAULT_REGION")
}

// DefaultRegion is the region used when nothing else names one.
const DefaultRegion = "eu-west-1"

// region resolves the region: explicit, environment, pool ID, default.
func (c Config) region() string {
	if c.Region != "" {
		return c.Region
	}
	if r := envRegion(); r != "" {
		return r
	}
	if prefix, _, ok := strings.Cut(c.UserPoolID, "_"); ok && prefix != "" {
		return prefix
	}
	return DefaultRegion
}

// String describes the configuration without the client secret.
func (c Config) String() string {
	secret := "none"
	if c.ClientSecret != "" {
		secret = "set (redacted)"
	}
	return fmt.Sprintf("cognito.Config{UserPoolID: %q, ClientID: %q, ClientSecret: %s, Region: %q, Endpoint: %q}",
		c.UserPoolID, c.ClientID, secret, c.region(), c.Endpoint)
}

// GoString is String, so %#v does not print the secret either.
func (c Config) GoString() string { return c.String() }
