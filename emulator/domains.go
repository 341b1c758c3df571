package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// User-pool domains: the host of a pool's managed login and OAuth 2.0
// endpoints. A prefix domain ("myapp", myapp.auth.<region>.amazoncognito.com
// on AWS) or a custom domain ("auth.example.com", with an ACM certificate
// in us-east-1); one per pool, and a domain belongs to one pool. The state
// layer keeps the domain → pool index (st.setDomain, st.domainPool); the
// pool record holds the domain and its settings.

// reservedDomainWords are the words AWS documents a domain prefix cannot
// contain.
var reservedDomainWords = []string{"aws", "amazon", "cognito"}

// domainVersionLayout is how AWS stamps a domain's Version (e.g.
// "20190128175402").
const domainVersionLayout = "20060102150405"

// createUserPoolDomain is CreateUserPoolDomain: a prefix domain, or a
// custom domain when CustomDomainConfig is given, for a pool that has none
// and that no other pool has; ManagedLoginVersion defaults to 1 (hosted
// UI, classic).
func (s *Server) createUserPoolDomain(ctx context.Context, _ *caller, in *cip.CreateUserPoolDomainInput) (*cip.CreateUserPoolDomainOutput, error) {
	domain := aws.ToString(in.Domain)
	custom := in.CustomDomainConfig != nil
	if err := checkDomainName(domain, custom); err != nil {
		return nil, err
	}
	settings := &domainSettings{ManagedLoginVersion: 1, Version: s.now().UTC().Format(domainVersionLayout)}
	if custom {
		settings.CertificateARN = aws.ToString(in.CustomDomainConfig.CertificateArn)
		if err := checkCertificateARN(settings.CertificateARN); err != nil {
			return nil, err
		}
	}
	if in.ManagedLoginVersion != nil {
		if err := checkManagedLoginVersion(*in.ManagedLoginVersion); err != nil {
			return nil, err
		}
		settings.ManagedLoginVersion = *in.ManagedLoginVersion
	}
	err := s.changePool(ctx, aws.ToString(in.UserPoolId), func(st *state, p *pool) error {
		owner, err := st.domainPool(domain)
		switch {
		case err == nil && owner != p.ID:
			return invalidParameter("Domain already associated with another user pool.")
		case err != nil && !isNotFound(err):
			return err
		}
		if p.Domain != "" {
			return invalidParameter("User pool %s already has a domain configured.", p.ID)
		}
		if err := checkTierAllows(p, settings.ManagedLoginVersion); err != nil {
			return err
		}
		if err := st.setDomain(p, domain); err != nil {
			return err
		}
		p.DomainSettings = settings
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user pool domain created", "userPoolId", aws.ToString(in.UserPoolId), "domain", domain)
	out := &cip.CreateUserPoolDomainOutput{ManagedLoginVersion: aws.Int32(settings.ManagedLoginVersion)}
	if custom {
		out.CloudFrontDomain = aws.String(cloudFrontDomain(domain))
	}
	return out, nil
}

// describeUserPoolDomain is DescribeUserPoolDomain. A domain no pool has
// is answered, as AWS does, with an empty DomainDescription.
func (s *Server) describeUserPoolDomain(ctx context.Context, _ *caller, in *cip.DescribeUserPoolDomainInput) (*cip.DescribeUserPoolDomainOutput, error) {
	out := &types.DomainDescriptionType{}
	err := s.view(ctx, func(st *state) error {
		poolID, err := st.domainPool(aws.ToString(in.Domain))
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		p, err := st.pool(poolID)
		if err != nil {
			var apiErr *apiError
			if errors.As(err, &apiErr) && apiErr.Type == excResourceNotFound {
				return nil
			}
			return err
		}
		out = domainDescription(p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cip.DescribeUserPoolDomainOutput{DomainDescription: out}, nil
}

// updateUserPoolDomain is UpdateUserPoolDomain: the managed login version
// and, for a custom domain, its certificate. Unlike UpdateUserPool, a
// member left out keeps its value (AWS documents no reset here, and the
// domain itself cannot change).
func (s *Server) updateUserPoolDomain(ctx context.Context, _ *caller, in *cip.UpdateUserPoolDomainInput) (*cip.UpdateUserPoolDomainOutput, error) {
	domain := aws.ToString(in.Domain)
	if in.CustomDomainConfig != nil {
		if err := checkCertificateARN(aws.ToString(in.CustomDomainConfig.CertificateArn)); err != nil {
			return nil, err
		}
	}
	if in.ManagedLoginVersion != nil {
		if err := checkManagedLoginVersion(*in.ManagedLoginVersion); err != nil {
			return nil, err
		}
	}
	var settings domainSettings
	err := s.changePool(ctx, aws.ToString(in.UserPoolId), func(_ *state, p *pool) error {
		if p.Domain != domain {
			return domainNotFound(domain, p.ID)
		}
		settings = p.domainSettings()
		if in.CustomDomainConfig != nil {
			if settings.CertificateARN == "" {
				return invalidParameter("%s is a prefix domain: CustomDomainConfig applies to custom domains only.", domain)
			}
			settings.CertificateARN = aws.ToString(in.CustomDomainConfig.CertificateArn)
		}
		if in.ManagedLoginVersion != nil {
			settings.ManagedLoginVersion = *in.ManagedLoginVersion
		}
		if err := checkTierAllows(p, settings.ManagedLoginVersion); err != nil {
			return err
		}
		settings.Version = s.now().UTC().Format(domainVersionLayout)
		p.DomainSettings = &settings
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &cip.UpdateUserPoolDomainOutput{ManagedLoginVersion: aws.Int32(settings.ManagedLoginVersion)}
	if settings.CertificateARN != "" {
		out.CloudFrontDomain = aws.String(cloudFrontDomain(domain))
	}
	return out, nil
}

// deleteUserPoolDomain is DeleteUserPoolDomain: the pool's domain is freed
// for any pool to take.
func (s *Server) deleteUserPoolDomain(ctx context.Context, _ *caller, in *cip.DeleteUserPoolDomainInput) (*cip.DeleteUserPoolDomainOutput, error) {
	domain := aws.ToString(in.Domain)
	err := s.changePool(ctx, aws.ToString(in.UserPoolId), func(st *state, p *pool) error {
		if p.Domain != domain {
			return domainNotFound(domain, p.ID)
		}
		p.DomainSettings = nil
		return st.setDomain(p, "")
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user pool domain deleted", "userPoolId", aws.ToString(in.UserPoolId), "domain", domain)
	return &cip.DeleteUserPoolDomainOutput{}, nil
}

// domainDescription is p's domain as DescribeUserPoolDomain shows it.
func domainDescription(p *pool) *types.DomainDescriptionType {
	settings := p.domainSettings()
	out := &types.DomainDescriptionType{
		UserPoolId:          aws.String(p.ID),
		AWSAccountId:        aws.String(localAccountID),
		Domain:              aws.String(p.Domain),
		Status:              types.DomainStatusTypeActive,
		Version:             optional(settings.Version),
		ManagedLoginVersion: aws.Int32(settings.ManagedLoginVersion),
	}
	if settings.CertificateARN != "" {
		out.CustomDomainConfig = &types.CustomDomainConfigType{CertificateArn: aws.String(settings.CertificateARN)}
		out.CloudFrontDistribution = aws.String(cloudFrontDomain(p.Domain))
	}
	return out
}

// domainSettings are the settings of p's domain, with the defaults for a
// record that has none.
func (p *pool) domainSettings() domainSettings {
	if p.DomainSettings == nil {
		return domainSettings{ManagedLoginVersion: 1}
	}
	return *p.DomainSettings
}

// checkDomainName checks a domain beyond the API's pattern: a custom domain
// is a fully qualified name; a prefix has no dots and, as AWS documents,
// none of the words aws, amazon and cognito.
func checkDomainName(domain string, custom bool) error {
	if custom {
		if !strings.Contains(domain, ".") {
			return invalidParameter("A custom domain must be a fully qualified domain name, such as auth.example.com.")
		}
		return nil
	}
	if strings.Contains(domain, ".") {
		return invalidParameter("A domain prefix cannot contain periods; a custom domain needs a CustomDomainConfig.")
	}
	for _, w := range reservedDomainWords {
		if strings.Contains(domain, w) {
			return invalidParameter("The domain prefix cannot contain the reserved word %s.", w)
		}
	}
	return nil
}

// checkCertificateARN checks that a custom domain's certificate is an ACM
// certificate in us-east-1, as AWS requires; the local Cognito cannot see
// whether it exists.
func checkCertificateARN(arn string) error {
	if !strings.HasPrefix(arn, "arn:aws:acm:us-east-1:") || !strings.Contains(arn, ":certificate/") {
		return invalidParameter("The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, or doesn't include a valid certificate chain.")
	}
	return nil
}

// checkManagedLoginVersion checks a ManagedLoginVersion: 1 (hosted UI,
// classic) or 2 (managed login).
func checkManagedLoginVersion(v int32) error {
	if v != 1 && v != 2 {
		return invalidParameter("ManagedLoginVersion must be 1 (hosted UI) or 2 (managed login).")
	}
	return nil
}

// checkTierAllows refuses managed login (version 2) in a LITE pool, which
// AWS documents requires another feature plan.
func checkTierAllows(p *pool, managedLoginVersion int32) error {
	if managedLoginVersion == 2 && p.Tier == string(types.UserPoolTierTypeLite) {
		return newError(excFeatureUnavailableInTier, "Managed login (ManagedLoginVersion 2) requires the ESSENTIALS or PLUS feature plan.")
	}
	return nil
}

// cloudFrontDomain is the (made-up, stable) CloudFront distribution that
// serves a custom domain.
func cloudFrontDomain(domain string) string {
	sum := sha256.Sum256([]byte(domain))
	return "d" + hex.EncodeToString(sum[:])[:13] + ".cloudfront.net"
}

// domainNotFound answers for a domain the pool does not have.
func domainNotFound(domain, poolID string) *apiError {
	return newError(excResourceNotFound, "Domain %s does not exist in user pool %s.", truncate(domain, 64), poolID)
}
