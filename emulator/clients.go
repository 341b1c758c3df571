package emulator

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// App clients: creation, description, listing and deletion.

var validAuthFlows = []string{
	"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH",
	"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH",
	"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH",
}

var tokenUnitDurations = map[string]time.Duration{
	"seconds": time.Second, "minutes": time.Minute, "hours": time.Hour, "days": 24 * time.Hour,
}

// validity turns a (value, unit) pair into a duration, applying Cognito's
// default unit and value and its allowed range.
func validity(name string, value *int32, unit, defaultUnit string, def, lo, hi time.Duration) (time.Duration, string, error) {
	if unit == "" {
		unit = defaultUnit
	}
	per, ok := tokenUnitDurations[unit]
	if !ok {
		return 0, "", invalidParameter("Invalid TokenValidityUnits value %q for %s.", truncate(unit, 16), name)
	}
	if value == nil {
		return def, unit, nil
	}
	// Bound the value before multiplying: 213505 days would overflow
	// time.Duration and wrap around into the allowed range.
	if *value <= 0 || time.Duration(*value) > hi/per {
		return 0, "", invalidParameter("Invalid %s: must be between %s and %s.", name, lo, hi)
	}
	d := time.Duration(*value) * per
	if d < lo {
		return 0, "", invalidParameter("Invalid %s: must be between %s and %s.", name, lo, hi)
	}
	return d, unit, nil
}

// clientSettings are the members CreateUserPoolClient and
// UpdateUserPoolClient share: what an app client is configured with.
type clientSettings struct {
	AccessTokenValidity        *int32
	IdTokenValidity            *int32
	RefreshTokenValidity       int32
	TokenValidityUnits         *types.TokenValidityUnitsType
	ReadAttributes             []string
	WriteAttributes            []string
	ExplicitAuthFlows          []types.ExplicitAuthFlowsType
	PreventUserExistenceErrors types.PreventUserExistenceErrorTypes
	EnableTokenRevocation      *bool
	AuthSessionValidity        *int32
}

// apply validates settings and writes them to cl, as a new client gets
// them: members left out take Cognito's defaults. p is the client's pool,
// whose schema the read and write attributes must name.
func (set *clientSettings) apply(cl *appClient, p *pool) error {
	var units types.TokenValidityUnitsType
	if set.TokenValidityUnits != nil {
		units = *set.TokenValidityUnits
	}
	var err error
	if cl.AccessTokenValidity, cl.Units.AccessToken, err = validity("AccessTokenValidity", set.AccessTokenValidity, string(units.AccessToken), "hours", time.Hour, 5*time.Minute, 24*time.Hour); err != nil {
		return err
	}
	if cl.IDTokenValidity, cl.Units.IDToken, err = validity("IdTokenValidity", set.IdTokenValidity, string(units.IdToken), "hours", time.Hour, 5*time.Minute, 24*time.Hour); err != nil {
		return err
	}
	var refresh *int32
	if set.RefreshTokenValidity != 0 {
		refresh = aws.Int32(set.RefreshTokenValidity)
	}
	if cl.RefreshTokenValidity, cl.Units.RefreshToken, err = validity("RefreshTokenValidity", refresh, string(units.RefreshToken), "days", 30*24*time.Hour, time.Hour, 3650*24*time.Hour); err != nil {
		return err
	}
	if cl.RefreshTokenValidity < cl.AccessTokenValidity || cl.RefreshTokenValidity < cl.IDTokenValidity {
		return invalidParameter("The refresh token validity must be longer than the access and ID token validities.")
	}
	flows := enumStrings(set.ExplicitAuthFlows)
	legacy, modern := false, false
	for _, f := range flows {
		if !slices.Contains(validAuthFlows, f) {
			return invalidParameter("Invalid ExplicitAuthFlows value %q.", truncate(f, 64))
		}
		if strings.HasPrefix(f, "ALLOW_") {
			modern = true
		} else {
			legacy = true
		}
	}
	switch {
	case legacy && modern:
		return invalidParameter("ExplicitAuthFlows cannot have both ALLOW_ and legacy values.")
	case len(flows) == 0:
		flows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}
	case legacy:
		flows = append(flows, "ALLOW_REFRESH_TOKEN_AUTH")
	}
	cl.ExplicitAuthFlows = flows
	switch set.PreventUserExistenceErrors {
	case "":
		cl.PreventUserExistenceErrors = "LEGACY"
	case "ENABLED", "LEGACY":
		cl.PreventUserExistenceErrors = string(set.PreventUserExistenceErrors)
	default:
		return invalidParameter("Invalid PreventUserExistenceErrors value %q.", truncate(string(set.PreventUserExistenceErrors), 32))
	}
	cl.EnableTokenRevocation = set.EnableTokenRevocation == nil || *set.EnableTokenRevocation
	cl.AuthSessionValidity = 3
	if set.AuthSessionValidity != nil {
		if *set.AuthSessionValidity < 3 || *set.AuthSessionValidity > 15 {
			return invalidParameter("AuthSessionValidity must be between 3 and 15 minutes.")
		}
		cl.AuthSessionValidity = *set.AuthSessionValidity
	}
	for _, names := range [][]string{set.ReadAttributes, set.WriteAttributes} {
		for _, n := range names {
			if _, ok := p.schemaAttribute(n); !ok {
				return invalidParameter("Invalid read or write attribute %q: it is not in the schema.", truncate(n, 64))
			}
		}
	}
	cl.ReadAttributes, cl.WriteAttributes = set.ReadAttributes, set.WriteAttributes
	return nil
}

func (s *Server) createUserPoolClient(ctx context.Context, _ *caller, in *cip.CreateUserPoolClientInput) (*cip.CreateUserPoolClientOutput, error) {
	now := s.now()
	cl := &appClient{
		ID:       randomLowerAlphanumeric(26),
		PoolID:   aws.ToString(in.UserPoolId),
		Name:     aws.ToString(in.ClientName),
		Created:  now,
		Modified: now,
	}
	if in.GenerateSecret {
		cl.Secret = randomLowerAlphanumeric(52)
	}
	set := clientSettings{
		AccessTokenValidity: in.AccessTokenValidity, IdTokenValidity: in.IdTokenValidity,
		RefreshTokenValidity: in.RefreshTokenValidity, TokenValidityUnits: in.TokenValidityUnits,
		ReadAttributes: in.ReadAttributes, WriteAttributes: in.WriteAttributes,
		ExplicitAuthFlows: in.ExplicitAuthFlows, PreventUserExistenceErrors: in.PreventUserExistenceErrors,
		EnableTokenRevocation: in.EnableTokenRevocation, AuthSessionValidity: in.AuthSessionValidity,
	}
	err := s.update(ctx, func(st *state) error {
		p, err := st.pool(cl.PoolID)
		if err != nil {
			return err
		}
		if err := set.apply(cl, p); err != nil {
			return err
		}
		return st.putClient(cl)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user pool client created", "userPoolId", cl.PoolID, "clientId", cl.ID, "withSecret", cl.Secret != "")
	return &cip.CreateUserPoolClientOutput{UserPoolClient: cl.shape()}, nil
}

// shape is the client as DescribeUserPoolClient shows it.
func (cl *appClient) shape() *types.UserPoolClientType {
	in := func(d time.Duration, unit string) int32 { return int32(d / tokenUnitDurations[unit]) }
	out := &types.UserPoolClientType{
		UserPoolId:           aws.String(cl.PoolID),
		ClientName:           aws.String(cl.Name),
		ClientId:             aws.String(cl.ID),
		LastModifiedDate:     aws.Time(cl.Modified),
		CreationDate:         aws.Time(cl.Created),
		RefreshTokenValidity: in(cl.RefreshTokenValidity, cl.Units.RefreshToken),
		AccessTokenValidity:  aws.Int32(in(cl.AccessTokenValidity, cl.Units.AccessToken)),
		IdTokenValidity:      aws.Int32(in(cl.IDTokenValidity, cl.Units.IDToken)),
		TokenValidityUnits: &types.TokenValidityUnitsType{
			AccessToken:  types.TimeUnitsType(cl.Units.AccessToken),
			IdToken:      types.TimeUnitsType(cl.Units.IDToken),
			RefreshToken: types.TimeUnitsType(cl.Units.RefreshToken),
		},
		ReadAttributes:                  cl.ReadAttributes,
		WriteAttributes:                 cl.WriteAttributes,
		ExplicitAuthFlows:               enumsOf[types.ExplicitAuthFlowsType](cl.ExplicitAuthFlows),
		PreventUserExistenceErrors:      types.PreventUserExistenceErrorTypes(cl.PreventUserExistenceErrors),
		EnableTokenRevocation:           aws.Bool(cl.EnableTokenRevocation),
		AuthSessionValidity:             aws.Int32(cl.AuthSessionValidity),
		AllowedOAuthFlowsUserPoolClient: aws.Bool(false),
	}
	if cl.Secret != "" {
		out.ClientSecret = aws.String(cl.Secret)
	}
	return out
}

func (s *Server) describeUserPoolClient(ctx context.Context, _ *caller, in *cip.DescribeUserPoolClientInput) (*cip.DescribeUserPoolClientOutput, error) {
	var cl *appClient
	err := s.view(ctx, func(st *state) (err error) {
		cl, _, err = st.poolClient(aws.ToString(in.UserPoolId), aws.ToString(in.ClientId))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cip.DescribeUserPoolClientOutput{UserPoolClient: cl.shape()}, nil
}

func (s *Server) listUserPoolClients(ctx context.Context, _ *caller, in *cip.ListUserPoolClientsInput) (*cip.ListUserPoolClientsOutput, error) {
	limit, after, err := page(in.MaxResults, false, aws.ToString(in.NextToken))
	if err != nil {
		return nil, err
	}
	out := &cip.ListUserPoolClientsOutput{UserPoolClients: []types.UserPoolClientDescription{}}
	err = s.view(ctx, func(st *state) error {
		p, err := st.pool(aws.ToString(in.UserPoolId))
		if err != nil {
			return err
		}
		return st.scanClients(p, after, func(cl *appClient) error {
			if len(out.UserPoolClients) == limit {
				out.NextToken = aws.String(encodePageToken(aws.ToString(out.UserPoolClients[limit-1].ClientId)))
				return errStopScan
			}
			out.UserPoolClients = append(out.UserPoolClients, types.UserPoolClientDescription{
				ClientId: aws.String(cl.ID), UserPoolId: aws.String(cl.PoolID), ClientName: aws.String(cl.Name),
			})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Server) deleteUserPoolClient(ctx context.Context, _ *caller, in *cip.DeleteUserPoolClientInput) (*cip.DeleteUserPoolClientOutput, error) {
	err := s.update(ctx, func(st *state) error {
		cl, _, err := st.poolClient(aws.ToString(in.UserPoolId), aws.ToString(in.ClientId))
		if err != nil {
			return err
		}
		return st.deleteClient(cl)
	})
	if err != nil {
		return nil, err
	}
	return &cip.DeleteUserPoolClientOutput{}, nil
}
