package emulator

// MFA: the pool's MFA configuration, a user's TOTP software token and MFA
// preferences, and the MFA challenges of a sign-in.

// mfaStage is the sign-in stage of MFA: the challenge the pool's
// configuration and the user's MFA settings call for, or nil.
func (s *Server) mfaStage(st *state, c *caller, u *user, prog *progress) (*authStep, error) {
	return nil, nil // not supported yet: MFA is not enforced
}
