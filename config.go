package cognito

import (
	"encoding/json"
	"fmt"
	"log/slog"
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
	// an error, nor in Config's fmt output (String, GoString), JSON
	// (MarshalJSON) or log/slog value (LogValue).
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
		secret = "set (" + redacted + ")"
	}
	return fmt.Sprintf("cognito.Config{UserPoolID: %q, ClientID: %q, ClientSecret: %s, Region: %q, Endpoint: %q}",
		c.UserPoolID, c.ClientID, secret, c.region(), c.Endpoint)
}

// GoString is String, so %#v does not print the secret either.
func (c Config) GoString() string { return c.String() }

// redacted is what a Config shows in place of a client secret it has.
const redacted = "redacted"

// configJSON is Config as JSON: the fields as set, a secret as
// "redacted", the SDK configuration (which may hold credentials) left out.
type configJSON struct {
	UserPoolID   string `json:"UserPoolID,omitempty"`
	ClientID     string `json:"ClientID,omitempty"`
	ClientSecret string `json:"ClientSecret,omitempty"`
	Region       string `json:"Region,omitempty"`
	Endpoint     string `json:"Endpoint,omitempty"`
}

// MarshalJSON encodes the configuration without the client secret (shown
// as "redacted" when there is one) and without AWSConfig.
func (c Config) MarshalJSON() ([]byte, error) {
	v := configJSON{UserPoolID: c.UserPoolID, ClientID: c.ClientID, Region: c.Region, Endpoint: c.Endpoint}
	if c.ClientSecret != "" {
		v.ClientSecret = redacted
	}
	return json.Marshal(v)
}

// LogValue is the configuration in a log/slog record: the pool, client,
// region and endpoint, and whether a client secret is set — never the
// secret itself.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("user_pool_id", c.UserPoolID),
		slog.String("client_id", c.ClientID),
		slog.Bool("client_secret_set", c.ClientSecret != ""),
		slog.String("region", c.region()),
		slog.String("endpoint", c.Endpoint),
	)
}
