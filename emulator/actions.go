package emulator

// actions is the one table of Cognito Identity Provider's operations: every
// operation of the API, each either served by a typed function or answered
// "not supported by the local Cognito yet". TestActionTableCoverage checks
// it against the SDK's operations, doc.go and the README.
var actions = map[string]action{
	// User pools (pools.go).
	"CreateUserPool":        handle(byIAM, (*Server).createUserPool),
	"DescribeUserPool":      handle(byIAM, (*Server).describeUserPool),
	"ListUserPools":         handle(byIAM, (*Server).listUserPools),
	"UpdateUserPool":        handle(byIAM, (*Server).updateUserPool),
	"DeleteUserPool":        handle(byIAM, (*Server).deleteUserPool),
	"AddCustomAttributes":   handle(byIAM, (*Server).addCustomAttributes),
	"GetSigningCertificate": handle(byIAM, (*Server).getSigningCertificate),
	"GetCSVHeader":          handle(byIAM, (*Server).getCSVHeader),
	"SetUserPoolMfaConfig":  handle(byIAM, (*Server).setUserPoolMfaConfig),
	"GetUserPoolMfaConfig":  handle(byIAM, (*Server).getUserPoolMfaConfig),
	"TagResource":           handle(byIAM, (*Server).tagResource),
	"UntagResource":         handle(byIAM, (*Server).untagResource),
	"ListTagsForResource":   handle(byIAM, (*Server).listTagsForResource),

	// App clients and their secrets (clients.go).
	"CreateUserPoolClient":       handle(byIAM, (*Server).createUserPoolClient),
	"DescribeUserPoolClient":     handle(byIAM, (*Server).describeUserPoolClient),
	"ListUserPoolClients":        handle(byIAM, (*Server).listUserPoolClients),
	"UpdateUserPoolClient":       handle(byIAM, (*Server).updateUserPoolClient),
	"DeleteUserPoolClient":       handle(byIAM, (*Server).deleteUserPoolClient),
	"AddUserPoolClientSecret":    handle(byIAM, (*Server).addUserPoolClientSecret),
	"ListUserPoolClientSecrets":  handle(byIAM, (*Server).listUserPoolClientSecrets),
	"DeleteUserPoolClientSecret": handle(byIAM, (*Server).deleteUserPoolClientSecret),

	// Domains (domains.go).
	"CreateUserPoolDomain":   handle(byIAM, (*Server).createUserPoolDomain),
	"DescribeUserPoolDomain": handle(byIAM, (*Server).describeUserPoolDomain),
	"UpdateUserPoolDomain":   handle(byIAM, (*Server).updateUserPoolDomain),
	"DeleteUserPoolDomain":   handle(byIAM, (*Server).deleteUserPoolDomain),

	// Users as an administrator sees them (users_admin.go).
	"AdminCreateUser":              handle(byIAM, (*Server).adminCreateUser),
	"AdminGetUser":                 handle(byIAM, (*Server).adminGetUser),
	"ListUsers":                    handle(byIAM, (*Server).listUsers),
	"AdminConfirmSignUp":           handle(byIAM, (*Server).adminConfirmSignUp),
	"AdminDeleteUser":              handle(byIAM, (*Server).adminDeleteUser),
	"AdminSetUserPassword":         handle(byIAM, (*Server).adminSetUserPassword),
	"AdminResetUserPassword":       handle(byIAM, (*Server).adminResetUserPassword),
	"AdminUpdateUserAttributes":    handle(byIAM, (*Server).adminUpdateUserAttributes),
	"AdminDeleteUserAttributes":    handle(byIAM, (*Server).adminDeleteUserAttributes),
	"AdminDisableUser":             handle(byIAM, (*Server).adminDisableUser),
	"AdminEnableUser":              handle(byIAM, (*Server).adminEnableUser),
	"AdminUserGlobalSignOut":       handle(byIAM, (*Server).adminUserGlobalSignOut),
	"AdminSetUserSettings":         notYet,
	"AdminListUserAuthEvents":      notYet,
	"AdminUpdateAuthEventFeedback": notYet,

	// Sign-up and account recovery (signup.go).
	"SignUp":                 handle(byClient, (*Server).signUp),
	"ConfirmSignUp":          handle(byClient, (*Server).confirmSignUp),
	"ResendConfirmationCode": handle(byClient, (*Server).resendConfirmationCode),
	"ForgotPassword":         handle(byClient, (*Server).forgotPassword),
	"ConfirmForgotPassword":  handle(byClient, (*Server).confirmForgotPassword),

	// Users acting on themselves with an access token (users_self.go).
	"GetUser":                          handle(byToken, (*Server).getUser),
	"UpdateUserAttributes":             handle(byToken, (*Server).updateUserAttributes),
	"DeleteUserAttributes":             handle(byToken, (*Server).deleteUserAttributes),
	"VerifyUserAttribute":              handle(byToken, (*Server).verifyUserAttribute),
	"GetUserAttributeVerificationCode": handle(byToken, (*Server).getUserAttributeVerificationCode),
	"ChangePassword":                   handle(byToken, (*Server).changePassword),
	"DeleteUser":                       handle(byToken, (*Server).deleteUser),
	"GlobalSignOut":                    handle(byToken, (*Server).globalSignOut),
	"SetUserSettings":                  notYet,
	"UpdateAuthEventFeedback":          notYet,

	// Sign-in, challenges and tokens (auth.go, challenges.go, refresh.go, userauth.go).
	"InitiateAuth":                handle(byClient, (*Server).initiateAuth),
	"RespondToAuthChallenge":      handle(byClient, (*Server).respondToAuthChallenge),
	"RevokeToken":                 handle(byClient, (*Server).revokeToken),
	"AdminInitiateAuth":           handle(byIAM, (*Server).adminInitiateAuth),
	"AdminRespondToAuthChallenge": handle(byIAM, (*Server).adminRespondToAuthChallenge),
	"GetTokensFromRefreshToken":   handle(byClient, (*Server).getTokensFromRefreshToken),
	"GetUserAuthFactors":          handle(byToken, (*Server).getUserAuthFactors),

	// Multi-factor authentication (mfa.go, mfa_totp.go).
	"AssociateSoftwareToken":    handle(byToken, (*Server).associateSoftwareToken),
	"VerifySoftwareToken":       handle(byToken, (*Server).verifySoftwareToken),
	"SetUserMFAPreference":      handle(byToken, (*Server).setUserMFAPreference),
	"AdminSetUserMFAPreference": handle(byIAM, (*Server).adminSetUserMFAPreference),

	// Remembered devices (devices.go).
	"ConfirmDevice":           handle(byToken, (*Server).confirmDevice),
	"GetDevice":               handle(byToken, (*Server).getDevice),
	"ListDevices":             handle(byToken, (*Server).listDevices),
	"UpdateDeviceStatus":      handle(byToken, (*Server).updateDeviceStatus),
	"ForgetDevice":            handle(byToken, (*Server).forgetDevice),
	"AdminGetDevice":          handle(byIAM, (*Server).adminGetDevice),
	"AdminListDevices":        handle(byIAM, (*Server).adminListDevices),
	"AdminUpdateDeviceStatus": handle(byIAM, (*Server).adminUpdateDeviceStatus),
	"AdminForgetDevice":       handle(byIAM, (*Server).adminForgetDevice),

	// Passkeys.
	"StartWebAuthnRegistration":    notYet,
	"CompleteWebAuthnRegistration": notYet,
	"ListWebAuthnCredentials":      notYet,
	"DeleteWebAuthnCredential":     notYet,

	// Groups (groups.go).
	"CreateGroup":              handle(byIAM, (*Server).createGroup),
	"GetGroup":                 handle(byIAM, (*Server).getGroup),
	"ListGroups":               handle(byIAM, (*Server).listGroups),
	"UpdateGroup":              handle(byIAM, (*Server).updateGroup),
	"DeleteGroup":              handle(byIAM, (*Server).deleteGroup),
	"AdminAddUserToGroup":      handle(byIAM, (*Server).adminAddUserToGroup),
	"AdminRemoveUserFromGroup": handle(byIAM, (*Server).adminRemoveUserFromGroup),
	"AdminListGroupsForUser":   handle(byIAM, (*Server).adminListGroupsForUser),
	"ListUsersInGroup":         handle(byIAM, (*Server).listUsersInGroup),

	// OAuth 2.0 resource servers (resource_servers.go).
	"CreateResourceServer":   handle(byIAM, (*Server).createResourceServer),
	"DescribeResourceServer": handle(byIAM, (*Server).describeResourceServer),
	"ListResourceServers":    handle(byIAM, (*Server).listResourceServers),
	"UpdateResourceServer":   handle(byIAM, (*Server).updateResourceServer),
	"DeleteResourceServer":   handle(byIAM, (*Server).deleteResourceServer),

	// Federation with other identity providers.
	"CreateIdentityProvider":          notYet,
	"DescribeIdentityProvider":        notYet,
	"ListIdentityProviders":           notYet,
	"UpdateIdentityProvider":          notYet,
	"DeleteIdentityProvider":          notYet,
	"GetIdentityProviderByIdentifier": notYet,
	"AdminLinkProviderForUser":        notYet,
	"AdminDisableProviderForUser":     notYet,

	// Managed login, its branding and terms.
	"CreateManagedLoginBranding":           notYet,
	"DescribeManagedLoginBranding":         notYet,
	"DescribeManagedLoginBrandingByClient": notYet,
	"UpdateManagedLoginBranding":           notYet,
	"DeleteManagedLoginBranding":           notYet,
	"GetUICustomization":                   notYet,
	"SetUICustomization":                   notYet,
	"CreateTerms":                          notYet,
	"DescribeTerms":                        notYet,
	"ListTerms":                            notYet,
	"UpdateTerms":                          notYet,
	"DeleteTerms":                          notYet,

	// Threat protection and logging.
	"DescribeRiskConfiguration":   notYet,
	"SetRiskConfiguration":        notYet,
	"GetLogDeliveryConfiguration": notYet,
	"SetLogDeliveryConfiguration": notYet,

	// User import jobs.
	"CreateUserImportJob":   notYet,
	"DescribeUserImportJob": notYet,
	"ListUserImportJobs":    notYet,
	"StartUserImportJob":    notYet,
	"StopUserImportJob":     notYet,

	// Replicas in other regions.
	"CreateUserPoolReplica": notYet,
	"ListUserPoolReplicas":  notYet,
	"UpdateUserPoolReplica": notYet,
	"DeleteUserPoolReplica": notYet,
}
