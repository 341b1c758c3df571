package emulator

import (
	"slices"
	"strings"
	"time"

	"github.com/cognitokit/cognito/emulator/store"
)

// The administrator's operations (IAM-authorized on AWS).

type adminInput struct {
	UserPoolId             string          `json:"UserPoolId"`
	Username               string          `json:"Username"`
	UserAttributes         []attributeWire `json:"UserAttributes"`
	TemporaryPassword      string          `json:"TemporaryPassword"`
	MessageAction          string          `json:"MessageAction"`
	DesiredDeliveryMediums []string        `json:"DesiredDeliveryMediums"`
	Password               string          `json:"Password"`
	Permanent              bool            `json:"Permanent"`
}

// withAdminUser decodes the input and runs fn on the named user inside a
// transaction (a write transaction when write is set).
func (s *Server) withAdminUser(c *call, in *adminInput, write bool, fn func(tx store.Tx, p *pool, u *user) error) error {
	if err := c.decode(in); err != nil {
		return err
	}
	if err := checkUsernameSyntax(in.Username); err != nil {
		return err
	}
	run := s.view
	if write {
		run = s.update
	}
	return run(c, func(tx store.Tx) error {
		p, u, err := adminUser(tx, in.UserPoolId, in.Username)
		if err != nil {
			return err
		}
		return fn(tx, p, u)
	})
}

// adminUser reads the pool and the user an administrative call names;
// an unknown user is UserNotFoundException.
func adminUser(tx store.Tx, poolID, username string) (*pool, *user, error) {
	p, err := loadPool(tx, poolID)
	if err != nil {
		return nil, nil, err
	}
	u, err := findUser(tx, p, username)
	if isNotFound(err) {
		return nil, nil, errUserNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	return p, u, nil
}

func (s *Server) adminCreateUser(c *call) (any, error) {
	var in adminInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkUsernameSyntax(in.Username); err != nil {
		return nil, err
	}
	if !slices.Contains([]string{"", "RESEND", "SUPPRESS"}, in.MessageAction) {
		return nil, invalidParameter("Invalid MessageAction %q.", truncate(in.MessageAction, 32))
	}
	for _, m := range in.DesiredDeliveryMediums {
		if m != "EMAIL" && m != "SMS" {
			return nil, invalidParameter("Invalid DesiredDeliveryMediums value %q.", truncate(m, 32))
		}
	}
	var p *pool
	if err := s.view(c, func(tx store.Tx) (err error) { p, err = loadPool(tx, in.UserPoolId); return err }); err != nil {
		return nil, err
	}
	password := in.TemporaryPassword
	if password == "" {
		password = temporaryPassword(p.Policy)
	} else if err := p.Policy.check(password); err != nil {
		return nil, err
	}

	var out *user
	if in.MessageAction == "RESEND" {
		err := s.update(c, func(tx store.Tx) error {
			u, err := findUser(tx, p, in.Username)
			if isNotFound(err) {
				return errUserNotFound
			}
			if err != nil {
				return err
			}
			if u.Status != statusForceChangePassword {
				return newError(excUnsupportedUserState, "Resend not possible. %s status is not FORCE_CHANGE_PASSWORD", u.Username)
			}
			if err := s.setTemporaryPassword(p, u, password); err != nil {
				return err
			}
			if err := s.invite(tx, p, u, in.DesiredDeliveryMediums, password); err != nil {
				return err
			}
			out = u
			return saveUser(tx, p, u)
		})
		if err != nil {
			return nil, err
		}
		return map[string]any{"User": out.wire()}, nil
	}

	u, err := s.newUser(p, in.Username, in.UserAttributes, atCreation)
	if err != nil {
		return nil, err
	}
	u.Status = statusForceChangePassword
	if err := s.setTemporaryPassword(p, u, password); err != nil {
		return nil, err
	}
	err = s.update(c, func(tx store.Tx) error {
		if _, err := loadPool(tx, p.ID); err != nil {
			return err
		}
		if err := insertUser(tx, p, u); err != nil {
			if e, ok := err.(*apiError); ok && e.Type == excUsernameExists {
				return newError(excUsernameExists, "User account already exists")
			}
			return err
		}
		if in.MessageAction == "SUPPRESS" {
			return nil
		}
		return s.invite(tx, p, u, in.DesiredDeliveryMediums, password)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user created by administrator", "userPoolId", p.ID, "sub", u.Attributes["sub"])
	return map[string]any{"User": u.wire()}, nil
}

// setTemporaryPassword gives u a password it must change at first sign-in,
// valid for the pool's TemporaryPasswordValidityDays (whether or not an
// invitation is sent). The caller saves u.
func (s *Server) setTemporaryPassword(p *pool, u *user, password string) error {
	salt, verifier, err := newVerifier(u.PoolID, u.Username, password)
	if err != nil {
		return err
	}
	setPassword(u, salt, verifier)
	u.TemporaryPasswordExpires = s.temporaryPasswordExpiry(p)
	return nil
}

// temporaryPasswordExpiry is when a temporary password set now expires:
// after the pool's TemporaryPasswordValidityDays, or never for 0.
func (s *Server) temporaryPasswordExpiry(p *pool) time.Time {
	days := p.Policy.TemporaryPasswordValidityDays
	if days <= 0 {
		return time.Time{}
	}
	return s.now().Add(time.Duration(days) * 24 * time.Hour)
}

// invite sends the temporary password to the user, by the mediums asked
// for (by default the email, or else the phone number).
func (s *Server) invite(tx store.Tx, p *pool, u *user, mediums []string, password string) error {
	if len(mediums) == 0 {
		mediums = []string{"EMAIL"}
		if u.Attributes["email"] == "" {
			mediums = []string{"SMS"}
		}
	}
	for _, m := range mediums {
		attr := map[string]string{"EMAIL": "email", "SMS": "phone_number"}[m]
		if u.Attributes[attr] == "" {
			continue
		}
		if _, err := s.send(tx, p, u, PurposeInvitation, attr, password); err != nil {
			return err
		}
	}
	return nil
}

// temporaryPassword draws a password that satisfies policy.
func temporaryPassword(policy passwordPolicy) string {
	n := max(int(policy.MinimumLength), 12)
	return randomString("ABCDEFGHJKLMNPQRSTUVWXYZ", 2) + randomString("abcdefghijkmnopqrstuvwxyz", 2) +
		randomString("23456789", 2) + randomString("!#%&*+-=?@^_", 2) + randomString(alphanumeric, n-8)
}

// adminUserWire is AdminGetUser's output.
type adminUserWire struct {
	Username             string          `json:"Username"`
	UserAttributes       []attributeWire `json:"UserAttributes"`
	UserCreateDate       epochSeconds    `json:"UserCreateDate"`
	UserLastModifiedDate epochSeconds    `json:"UserLastModifiedDate"`
	Enabled              bool            `json:"Enabled"`
	UserStatus           string          `json:"UserStatus"`
}

func (s *Server) adminGetUser(c *call) (any, error) {
	var in adminInput
	var out adminUserWire
	err := s.withAdminUser(c, &in, false, func(_ store.Tx, _ *pool, u *user) error {
		out = adminUserWire{
			Username: u.Username, UserAttributes: attributeList(u.Attributes),
			UserCreateDate: epochSeconds(u.Created), UserLastModifiedDate: epochSeconds(u.Modified),
			Enabled: u.Enabled, UserStatus: u.Status,
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Server) adminConfirmSignUp(c *call) (any, error) {
	var in adminInput
	return nil, s.withAdminUser(c, &in, true, func(tx store.Tx, p *pool, u *user) error {
		if u.Status != statusUnconfirmed {
			return notAuthorized("User cannot be confirmed. Current status is %s", u.Status)
		}
		u.Status, u.Modified = statusConfirmed, s.now()
		if err := tx.Delete(kindCode, codeKey(p, u, PurposeSignUp, "")); err != nil {
			return err
		}
		return saveUser(tx, p, u)
	})
}

func (s *Server) adminDeleteUser(c *call) (any, error) {
	var in adminInput
	return nil, s.withAdminUser(c, &in, true, func(tx store.Tx, p *pool, u *user) error {
		return removeUser(tx, p, u)
	})
}

func (s *Server) adminSetUserPassword(c *call) (any, error) {
	var in adminInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if err := checkUsernameSyntax(in.Username); err != nil {
		return nil, err
	}
	if err := checkPasswordSyntax("password", in.Password); err != nil {
		return nil, err
	}
	var p *pool
	var u *user
	err := s.view(c, func(tx store.Tx) (err error) {
		p, u, err = adminUser(tx, in.UserPoolId, in.Username)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := p.Policy.check(in.Password); err != nil {
		return nil, err
	}
	// The verifier is computed outside the transaction: it is the costly part.
	salt, verifier, err := newVerifier(p.ID, u.Username, in.Password)
	if err != nil {
		return nil, err
	}
	return nil, s.update(c, func(tx store.Tx) error {
		p, u, err := adminUser(tx, in.UserPoolId, in.Username)
		if err != nil {
			return err
		}
		setPassword(u, salt, verifier)
		u.Modified = s.now()
		if in.Permanent {
			u.Status, u.TemporaryPasswordExpires = statusConfirmed, time.Time{}
		} else {
			u.Status, u.TemporaryPasswordExpires = statusForceChangePassword, s.temporaryPasswordExpiry(p)
		}
		return saveUser(tx, p, u)
	})
}

// adminResetUserPassword makes the user reset their password: sign-in
// answers PasswordResetRequiredException until ConfirmForgotPassword, with
// the code sent here.
func (s *Server) adminResetUserPassword(c *call) (any, error) {
	var in adminInput
	return nil, s.withAdminUser(c, &in, true, func(tx store.Tx, p *pool, u *user) error {
		attr := deliveryAttribute(p, u, true)
		if attr == "" {
			return invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
		}
		if _, err := s.deliverCode(tx, p, u, PurposeForgotPassword, attr, forgotCodeValidity); err != nil {
			return err
		}
		u.Status, u.Modified = statusResetRequired, s.now()
		return saveUser(tx, p, u)
	})
}

func (s *Server) adminUpdateUserAttributes(c *call) (any, error) {
	var in adminInput
	return nil, s.withAdminUser(c, &in, true, func(tx store.Tx, p *pool, u *user) error {
		_, err := s.changeAttributes(tx, p, u, in.UserAttributes, byAdmin)
		return err
	})
}

func (s *Server) adminDisableUser(c *call) (any, error) {
	var in adminInput
	return nil, s.withAdminUser(c, &in, true, func(tx store.Tx, p *pool, u *user) error {
		u.Enabled, u.Modified = false, s.now()
		if err := revokeSessions(tx, p, u); err != nil {
			return err
		}
		return saveUser(tx, p, u)
	})
}

func (s *Server) adminEnableUser(c *call) (any, error) {
	var in adminInput
	return nil, s.withAdminUser(c, &in, true, func(tx store.Tx, p *pool, u *user) error {
		u.Enabled, u.Modified = true, s.now()
		return saveUser(tx, p, u)
	})
}

func (s *Server) adminUserGlobalSignOut(c *call) (any, error) {
	var in adminInput
	return nil, s.withAdminUser(c, &in, true, func(tx store.Tx, p *pool, u *user) error {
		return revokeSessions(tx, p, u)
	})
}

type listUsersInput struct {
	UserPoolId      string   `json:"UserPoolId"`
	AttributesToGet []string `json:"AttributesToGet"`
	Limit           *int32   `json:"Limit"`
	PaginationToken string   `json:"PaginationToken"`
	Filter          string   `json:"Filter"`
}

func (s *Server) listUsers(c *call) (any, error) {
	var in listUsersInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	limit, after, err := page(in.Limit, false, in.PaginationToken)
	if err != nil {
		return nil, err
	}
	match, err := parseFilter(in.Filter)
	if err != nil {
		return nil, err
	}
	users := []userWire{}
	var next string
	err = s.view(c, func(tx store.Tx) error {
		p, err := loadPool(tx, in.UserPoolId)
		if err != nil {
			return err
		}
		for _, a := range in.AttributesToGet {
			if _, ok := p.schemaAttribute(a); !ok {
				return invalidParameter("One or more requested attributes do not exist.")
			}
		}
		prefix := p.ID + "/"
		last := ""
		return scanRecords(tx, kindUser, prefix, func(key string, u *user) error {
			k := strings.TrimPrefix(key, prefix)
			if after != "" && k <= after || !match(u) {
				return nil
			}
			if len(users) == limit {
				next = encodePageToken(last)
				return store.ErrStopScan
			}
			w := u.wire()
			if in.AttributesToGet != nil {
				w.Attributes = slices.DeleteFunc(w.Attributes, func(a attributeWire) bool {
					return !slices.Contains(in.AttributesToGet, a.Name)
				})
			}
			users = append(users, w)
			last = k
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	out := map[string]any{"Users": users}
	if next != "" {
		out["PaginationToken"] = next
	}
	return out, nil
}
