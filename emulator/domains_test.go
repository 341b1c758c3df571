package emulator_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognitokit/cognito/cognitotest"
)

// User-pool domains: CreateUserPoolDomain, DescribeUserPoolDomain,
// UpdateUserPoolDomain, DeleteUserPoolDomain.

// testCertificate is an ACM certificate in us-east-1, as custom domains
// need.
const testCertificate = "arn:aws:acm:us-east-1:123456789012:certificate/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"

// describeDomain describes domain, failing the test on an error.
func describeDomain(t *testing.T, srv *cognitotest.Server, domain string) *types.DomainDescriptionType {
	t.Helper()
	out, err := sdk(srv).DescribeUserPoolDomain(t.Context(), &cip.DescribeUserPoolDomainInput{Domain: aws.String(domain)})
	if err != nil {
		t.Fatalf("DescribeUserPoolDomain(%s): %v", domain, err)
	}
	if out.DomainDescription == nil {
		t.Fatalf("DescribeUserPoolDomain(%s): no DomainDescription", domain)
	}
	return out.DomainDescription
}

// createDomain creates domain for the pool poolID (a custom domain when
// custom is given).
func createDomain(t *testing.T, srv *cognitotest.Server, poolID, domain string, custom *types.CustomDomainConfigType) (*cip.CreateUserPoolDomainOutput, error) {
	t.Helper()
	return sdk(srv).CreateUserPoolDomain(t.Context(), &cip.CreateUserPoolDomainInput{
		UserPoolId: aws.String(poolID), Domain: aws.String(domain), CustomDomainConfig: custom,
	})
}

func TestUserPoolDomainPrefix(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		pool := srv.UserPoolID
		if d := describeDomain(t, srv, "myapp"); d.UserPoolId != nil || d.Domain != nil || d.Status != "" {
			t.Errorf("an unknown domain is described as %+v, want an empty DomainDescription", d)
		}
		out, err := createDomain(t, srv, pool, "myapp", nil)
		if err != nil {
			t.Fatal(err)
		}
		if out.CloudFrontDomain != nil || aws.ToInt32(out.ManagedLoginVersion) != 1 {
			t.Errorf("CreateUserPoolDomain = CloudFrontDomain %v, ManagedLoginVersion %v; want none and 1", out.CloudFrontDomain, out.ManagedLoginVersion)
		}
		d := describeDomain(t, srv, "myapp")
		if aws.ToString(d.UserPoolId) != pool || aws.ToString(d.AWSAccountId) != "000000000000" || aws.ToString(d.Domain) != "myapp" ||
			d.Status != types.DomainStatusTypeActive || aws.ToString(d.Version) == "" || aws.ToInt32(d.ManagedLoginVersion) != 1 ||
			d.CustomDomainConfig != nil || d.CloudFrontDistribution != nil {
			t.Errorf("DomainDescription = %+v", d)
		}
		if got := aws.ToString(pmDescribe(t, srv, pool).Domain); got != "myapp" {
			t.Errorf("DescribeUserPool's Domain = %q", got)
		}

		// One domain per pool, one pool per domain.
		_, err = createDomain(t, srv, pool, "another", nil)
		expectErr[*types.InvalidParameterException](t, err, "")
		other := pmCreate(t, srv, &cip.CreateUserPoolInput{})
		_, err = createDomain(t, srv, other, "myapp", nil)
		expectErr[*types.InvalidParameterException](t, err, "Domain already associated with another user pool.")

		// The managed login version changes; UpdateUserPool keeps the domain.
		up, err := c.UpdateUserPoolDomain(t.Context(), &cip.UpdateUserPoolDomainInput{
			UserPoolId: aws.String(pool), Domain: aws.String("myapp"), ManagedLoginVersion: aws.Int32(2),
		})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToInt32(up.ManagedLoginVersion) != 2 || up.CloudFrontDomain != nil {
			t.Errorf("UpdateUserPoolDomain = %+v", up)
		}
		if _, err := c.UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: aws.String(pool),
			AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail}}); err != nil {
			t.Fatal(err)
		}
		if d := describeDomain(t, srv, "myapp"); aws.ToInt32(d.ManagedLoginVersion) != 2 || aws.ToString(d.UserPoolId) != pool {
			t.Errorf("after the updates: %+v", d)
		}
		if got := aws.ToString(pmDescribe(t, srv, pool).Domain); got != "myapp" {
			t.Errorf("UpdateUserPool lost the domain: %q", got)
		}
		_, err = c.UpdateUserPoolDomain(t.Context(), &cip.UpdateUserPoolDomainInput{
			UserPoolId: aws.String(pool), Domain: aws.String("myapp"), CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(testCertificate)},
		})
		expectErr[*types.InvalidParameterException](t, err, "")
		_, err = c.UpdateUserPoolDomain(t.Context(), &cip.UpdateUserPoolDomainInput{
			UserPoolId: aws.String(other), Domain: aws.String("myapp"), ManagedLoginVersion: aws.Int32(1),
		})
		expectErr[*types.ResourceNotFoundException](t, err, "")

		// Deleted, the domain is free again.
		_, err = c.DeleteUserPoolDomain(t.Context(), &cip.DeleteUserPoolDomainInput{UserPoolId: aws.String(other), Domain: aws.String("myapp")})
		expectErr[*types.ResourceNotFoundException](t, err, "")
		if _, err := c.DeleteUserPoolDomain(t.Context(), &cip.DeleteUserPoolDomainInput{UserPoolId: aws.String(pool), Domain: aws.String("myapp")}); err != nil {
			t.Fatal(err)
		}
		if d := describeDomain(t, srv, "myapp"); d.UserPoolId != nil {
			t.Errorf("a deleted domain is described as %+v", d)
		}
		if got := pmDescribe(t, srv, pool).Domain; got != nil {
			t.Errorf("DescribeUserPool's Domain after the delete = %q", aws.ToString(got))
		}
		_, err = c.DeleteUserPoolDomain(t.Context(), &cip.DeleteUserPoolDomainInput{UserPoolId: aws.String(pool), Domain: aws.String("myapp")})
		expectErr[*types.ResourceNotFoundException](t, err, "")
		if _, err := createDomain(t, srv, other, "myapp", nil); err != nil {
			t.Errorf("another pool taking the freed domain: %v", err)
		}
	})
}

func TestUserPoolDomainCustom(t *testing.T) {
	onEachStore(t, func(t *testing.T, srv *cognitotest.Server) {
		c := sdk(srv)
		pool := srv.UserPoolID
		out, err := sdk(srv).CreateUserPoolDomain(t.Context(), &cip.CreateUserPoolDomainInput{
			UserPoolId: aws.String(pool), Domain: aws.String("auth.example.com"), ManagedLoginVersion: aws.Int32(2),
			CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(testCertificate)},
		})
		if err != nil {
			t.Fatal(err)
		}
		cf := aws.ToString(out.CloudFrontDomain)
		if !strings.HasSuffix(cf, ".cloudfront.net") || aws.ToInt32(out.ManagedLoginVersion) != 2 {
			t.Errorf("CreateUserPoolDomain = CloudFrontDomain %q, ManagedLoginVersion %v", cf, out.ManagedLoginVersion)
		}
		d := describeDomain(t, srv, "auth.example.com")
		if aws.ToString(d.CloudFrontDistribution) != cf || d.CustomDomainConfig == nil || aws.ToString(d.CustomDomainConfig.CertificateArn) != testCertificate ||
			aws.ToString(d.UserPoolId) != pool || d.Status != types.DomainStatusTypeActive {
			t.Errorf("DomainDescription = %+v", d)
		}
		p := pmDescribe(t, srv, pool)
		if aws.ToString(p.CustomDomain) != "auth.example.com" || aws.ToString(p.Domain) != "auth.example.com" {
			t.Errorf("DescribeUserPool: Domain %q, CustomDomain %q", aws.ToString(p.Domain), aws.ToString(p.CustomDomain))
		}

		renewed := strings.Replace(testCertificate, "EXAMPLE11111", "EXAMPLE22222", 1)
		up, err := c.UpdateUserPoolDomain(t.Context(), &cip.UpdateUserPoolDomainInput{
			UserPoolId: aws.String(pool), Domain: aws.String("auth.example.com"),
			CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String(renewed)},
		})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(up.CloudFrontDomain) != cf || aws.ToInt32(up.ManagedLoginVersion) != 2 {
			t.Errorf("UpdateUserPoolDomain = %+v (a left-out ManagedLoginVersion is kept)", up)
		}
		if got := aws.ToString(describeDomain(t, srv, "auth.example.com").CustomDomainConfig.CertificateArn); got != renewed {
			t.Errorf("certificate after the update = %q", got)
		}
		_, err = c.UpdateUserPoolDomain(t.Context(), &cip.UpdateUserPoolDomainInput{
			UserPoolId: aws.String(pool), Domain: aws.String("auth.example.com"),
			CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String("arn:aws:acm:eu-west-1:123456789012:certificate/x")},
		})
		expectErr[*types.InvalidParameterException](t, err, "The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or doesn't include a valid certificate chain.")
		_, err = c.UpdateUserPoolDomain(t.Context(), &cip.UpdateUserPoolDomainInput{
			UserPoolId: aws.String(pool), Domain: aws.String("auth.example.com"), ManagedLoginVersion: aws.Int32(3),
		})
		expectErr[*types.InvalidParameterException](t, err, "")

		// A pool deleted with its domain frees the domain.
		if _, err := c.DeleteUserPool(t.Context(), &cip.DeleteUserPoolInput{UserPoolId: aws.String(pool)}); err != nil {
			t.Fatal(err)
		}
		if d := describeDomain(t, srv, "auth.example.com"); d.UserPoolId != nil {
			t.Errorf("the domain of a deleted pool is described as %+v", d)
		}
		other := pmCreate(t, srv, &cip.CreateUserPoolInput{})
		if _, err := createDomain(t, srv, other, "auth.example.com", &types.CustomDomainConfigType{CertificateArn: aws.String(testCertificate)}); err != nil {
			t.Errorf("claiming the domain of a deleted pool: %v", err)
		}
	})
}

func TestUserPoolDomainInvalid(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t)
	lite := pmCreate(t, srv, &cip.CreateUserPoolInput{UserPoolTier: types.UserPoolTierTypeLite})
	cert := &types.CustomDomainConfigType{CertificateArn: aws.String(testCertificate)}
	for _, tc := range []struct {
		name    string
		in      cip.CreateUserPoolDomainInput
		tierErr bool
	}{
		{"reserved word cognito", cip.CreateUserPoolDomainInput{Domain: aws.String("mycognitoapp")}, false},
		{"reserved word aws", cip.CreateUserPoolDomainInput{Domain: aws.String("aws-login")}, false},
		{"reserved word amazon", cip.CreateUserPoolDomainInput{Domain: aws.String("amazonian")}, false},
		{"upper case", cip.CreateUserPoolDomainInput{Domain: aws.String("MyApp")}, false},
		{"leading hyphen", cip.CreateUserPoolDomainInput{Domain: aws.String("-myapp")}, false},
		{"64 characters", cip.CreateUserPoolDomainInput{Domain: aws.String(strings.Repeat("a", 64))}, false},
		{"prefix with a period", cip.CreateUserPoolDomainInput{Domain: aws.String("auth.example.com")}, false},
		{"custom domain without a period", cip.CreateUserPoolDomainInput{Domain: aws.String("auth"), CustomDomainConfig: cert}, false},
		{"certificate outside us-east-1", cip.CreateUserPoolDomainInput{Domain: aws.String("auth.example.com"),
			CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String("arn:aws:acm:eu-west-1:123456789012:certificate/x")}}, false},
		{"certificate that is no ARN", cip.CreateUserPoolDomainInput{Domain: aws.String("auth.example.com"),
			CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: aws.String("my-certificate")}}, false},
		{"managed login version 3", cip.CreateUserPoolDomainInput{Domain: aws.String("myapp"), ManagedLoginVersion: aws.Int32(3)}, false},
		{"managed login in LITE", cip.CreateUserPoolDomainInput{UserPoolId: aws.String(lite), Domain: aws.String("myapp"), ManagedLoginVersion: aws.Int32(2)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.UserPoolId == nil {
				in.UserPoolId = aws.String(srv.UserPoolID)
			}
			_, err := sdk(srv).CreateUserPoolDomain(t.Context(), &in)
			if tc.tierErr {
				expectErr[*types.FeatureUnavailableInTierException](t, err, "")
			} else {
				expectErr[*types.InvalidParameterException](t, err, "")
			}
		})
	}
	if d := describeDomain(t, srv, "myapp"); d.UserPoolId != nil {
		t.Errorf("a refused CreateUserPoolDomain left %+v", d)
	}
	_, err := createDomain(t, srv, "eu-west-1_NoSuchPoo", "myapp", nil)
	expectErr[*types.ResourceNotFoundException](t, err, "")
	_, err = sdk(srv).DescribeUserPoolDomain(t.Context(), &cip.DescribeUserPoolDomainInput{Domain: aws.String("Not A Domain")})
	expectErr[*types.InvalidParameterException](t, err, "")

	// Classic hosted UI is fine in LITE; moving the pool to LITE with
	// managed login on its domain is not.
	if _, err := createDomain(t, srv, lite, "liteapp", nil); err != nil {
		t.Errorf("a prefix domain in a LITE pool: %v", err)
	}
	if _, err := sdk(srv).CreateUserPoolDomain(t.Context(), &cip.CreateUserPoolDomainInput{
		UserPoolId: aws.String(srv.UserPoolID), Domain: aws.String("managed"), ManagedLoginVersion: aws.Int32(2),
	}); err != nil {
		t.Fatal(err)
	}
	_, err = sdk(srv).UpdateUserPool(t.Context(), &cip.UpdateUserPoolInput{UserPoolId: aws.String(srv.UserPoolID), UserPoolTier: types.UserPoolTierTypeLite})
	expectErr[*types.FeatureUnavailableInTierException](t, err, "")
}
