package emulator

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// The PreTokenGeneration trigger, of its three versions, for the
// sign-ins' tokens (tokens.go) and client-credentials tokens.

// Trigger sources of PreTokenGeneration that are not a sign-in's own (see
// progress.tokenSource).
const (
	sourceRefreshTokens     = "TokenGeneration_RefreshTokens"
	sourceHostedAuth        = "TokenGeneration_HostedAuth"
	sourceClientCredentials = "TokenGeneration_ClientCredentials"
)

// protectedClaims are the claims a PreTokenGeneration function cannot add,
// override or suppress: AWS lists acr, amr, aud, auth_time, azp, exp, iat,
// identities, iss, jti, nbf, nonce, origin_jti, sub and token_use; the
// claims that name the sign-in and its client (at_hash, event_id,
// client_id, username, cognito:username, scope, version) are kept too. A
// function that tries is not failed (AWS documents no error for it): the
// claim keeps its value, and the log says so.
var protectedClaims = map[string]bool{
	"acr": true, "amr": true, "aud": true, "auth_time": true, "azp": true, "exp": true, "iat": true,
	"identities": true, "iss": true, "jti": true, "nbf": true, "nonce": true, "origin_jti": true,
	"sub": true, "token_use": true, "at_hash": true, "event_id": true, "client_id": true,
	"username": true, "cognito:username": true, "scope": true, "version": true,
}

// overrideClaims applies a PreTokenGeneration answer's claims to a token's
// claims and returns the names it had to leave alone.
func overrideClaims[V any](claims map[string]any, add map[string]V, suppress []string) []string {
	var kept []string
	for name, value := range add {
		if protectedClaims[name] {
			kept = append(kept, name)
			continue
		}
		claims[name] = value
	}
	for _, name := range suppress {
		if protectedClaims[name] {
			kept = append(kept, name)
			continue
		}
		delete(claims, name)
	}
	return kept
}

// overrideGroups applies a PreTokenGeneration answer's group override to
// both tokens: the groups (an empty list removes them), the IAM roles and
// the preferred role of the ID token.
func overrideGroups(id, access map[string]any, groups, roles []string, preferred *string) {
	if groups != nil {
		for _, claims := range []map[string]any{id, access} {
			if len(groups) == 0 {
				delete(claims, "cognito:groups")
			} else {
				claims["cognito:groups"] = groups
			}
		}
	}
	if len(roles) > 0 {
		id["cognito:roles"] = roles
	}
	if preferred != nil {
		id["cognito:preferred_role"] = *preferred
	}
}

// preTokenGeneration calls the pool's PreTokenGeneration trigger for the
// tokens of t, whose claims are id and access, and applies its answer as
// the trigger's version says: V1_0 changes the ID token's claims and the
// groups; V2_0 and V3_0 also the access token's claims and scopes.
func (s *Server) preTokenGeneration(ctx context.Context, t *tokenIssue, id, access map[string]any) error {
	p := t.pool
	if !p.hasTrigger(triggerPreTokenGeneration) {
		return nil
	}
	header := s.eventHeader(p, t.client, t.source, t.user.Username)
	header.Version = p.preTokenVersion()
	var kept []string
	if header.Version == "1" {
		ev := &events.CognitoEventUserPoolsPreTokenGen{
			CognitoEventUserPoolsHeader: header,
			Request: events.CognitoEventUserPoolsPreTokenGenRequest{
				UserAttributes: eventAttributes(t.user), ClientMetadata: t.metadata,
				GroupConfiguration: events.GroupConfiguration{GroupsToOverride: t.grant.groups, IAMRolesToOverride: []string{}},
			},
		}
		if _, err := s.callTrigger(ctx, p, triggerPreTokenGeneration, t.source, ev); err != nil {
			return err
		}
		r := ev.Response.ClaimsOverrideDetails
		kept = overrideClaims(id, r.ClaimsToAddOrOverride, r.ClaimsToSuppress)
		g := r.GroupOverrideDetails
		overrideGroups(id, access, g.GroupsToOverride, g.IAMRolesToOverride, g.PreferredRole)
	} else {
		scope, _ := access["scope"].(string)
		ev := &events.CognitoEventUserPoolsPreTokenGenV2_0{
			CognitoEventUserPoolsHeader: header,
			Request: events.CognitoEventUserPoolsPreTokenGenRequestV2_0{
				UserAttributes: eventAttributes(t.user), ClientMetadata: t.metadata, Scopes: strings.Fields(scope),
				GroupConfiguration: events.GroupConfigurationV2_0{GroupsToOverride: t.grant.groups, IAMRolesToOverride: []string{}},
			},
		}
		if _, err := s.callTrigger(ctx, p, triggerPreTokenGeneration, t.source, ev); err != nil {
			return err
		}
		r := ev.Response.ClaimsAndScopeOverrideDetails
		kept = overrideClaims(id, r.IDTokenGeneration.ClaimsToAddOrOverride, r.IDTokenGeneration.ClaimsToSuppress)
		a := r.AccessTokenGeneration
		kept = append(kept, overrideClaims(access, a.ClaimsToAddOrOverride, a.ClaimsToSuppress)...)
		access["scope"] = overrideScopes(scope, a.ScopesToAdd, a.ScopesToSuppress)
		g := r.GroupOverrideDetails
		overrideGroups(id, access, g.GroupsToOverride, g.IAMRolesToOverride, g.PreferredRole)
	}
	if len(kept) > 0 {
		s.log.Warn("PreTokenGeneration tried to change claims Cognito does not let it change; they keep their values", "userPoolId", p.ID, "claims", kept)
	}
	return nil
}

// preTokenClientCredentials calls the pool's PreTokenGeneration trigger
// for a client-credentials access token of cl, whose claims are access,
// when the trigger is of version V3_0, the only one AWS calls for
// machine-to-machine tokens; the event names the client as its userName,
// with no user attributes.
func (s *Server) preTokenClientCredentials(ctx context.Context, p *pool, cl *appClient, access map[string]any) error {
	if !p.hasTrigger(triggerPreTokenGeneration) || p.preTokenVersion() != "3" {
		return nil
	}
	header := s.eventHeader(p, cl, sourceClientCredentials, cl.ID)
	header.Version = "3"
	scope, _ := access["scope"].(string)
	ev := &events.CognitoEventUserPoolsPreTokenGenV2_0{
		CognitoEventUserPoolsHeader: header,
		Request: events.CognitoEventUserPoolsPreTokenGenRequestV2_0{
			UserAttributes: map[string]string{}, Scopes: strings.Fields(scope),
			GroupConfiguration: events.GroupConfigurationV2_0{GroupsToOverride: []string{}, IAMRolesToOverride: []string{}},
		},
	}
	if _, err := s.callTrigger(ctx, p, triggerPreTokenGeneration, sourceClientCredentials, ev); err != nil {
		return err
	}
	a := ev.Response.ClaimsAndScopeOverrideDetails.AccessTokenGeneration
	if kept := overrideClaims(access, a.ClaimsToAddOrOverride, a.ClaimsToSuppress); len(kept) > 0 {
		s.log.Warn("PreTokenGeneration tried to change claims Cognito does not let it change; they keep their values", "userPoolId", p.ID, "claims", kept)
	}
	access["scope"] = overrideScopes(scope, a.ScopesToAdd, a.ScopesToSuppress)
	return nil
}

// overrideScopes is a scope claim with scopes added and suppressed.
func overrideScopes(scope string, add, suppress []string) string {
	scopes := strings.Fields(scope)
	for _, sc := range add {
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	scopes = slices.DeleteFunc(scopes, func(sc string) bool { return slices.Contains(suppress, sc) })
	return strings.Join(scopes, " ")
}
