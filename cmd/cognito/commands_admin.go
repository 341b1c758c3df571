package main

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cognitokit/cognito"
)

// The administrator's commands, cognito admin users ... and cognito admin
// groups ...: Cognito's Admin* operations and groups, through the library's
// Admin. They need AWS credentials and the user pool ID, not an app client.

const adminLong = `Cognito's administrator's operations on the user pool's users and groups.

They need AWS credentials allowed to call them — AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or whatever else the AWS SDK finds — and
the user pool ID (COGNITO_USER_POOL_ID or --user-pool-id); no app client.
Against a local Cognito any credentials do, e.g.
  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
unless it was started with --iam.

Passwords are never flags: set-password asks for the new one at a no-echo
prompt (twice), or reads it from stdin's first line with --password-stdin.`

// errNoUserPoolID is the failure of an administrator's command without a
// pool to work on.
var errNoUserPoolID = failf("the administrator's commands need the user pool ID: set COGNITO_USER_POOL_ID or pass --user-pool-id")

// withAdmin adapts fn to a command's RunE: it builds a library client for
// the configured pool (no app client needed), runs fn with its Admin and
// closes it.
func (a *app) withAdmin(fn func(ctx context.Context, admin *cognito.Admin) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		cfg := a.poolConfig()
		if cfg.UserPoolID == "" {
			return errNoUserPoolID
		}
		c, err := a.clientFor(cmd.Context(), cfg)
		if err != nil {
			return err
		}
		defer c.Close()
		return fn(cmd.Context(), c.Admin())
	}
}

func newAdminCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "The administrator's operations on users and groups (need AWS credentials)",
		Long:  adminLong,
		Args:  noArgs,
	}
	cmd.AddCommand(newAdminUsersCommand(a), newAdminGroupsCommand(a))
	return cmd
}

func newAdminUsersCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Create, list, change and delete users as an administrator",
		Long:  adminLong,
		Args:  noArgs,
	}
	cmd.AddCommand(
		newAdminCreateUserCommand(a), newAdminGetUserCommand(a), newAdminListUsersCommand(a),
		newAdminSetPasswordCommand(a), newAdminUpdateAttributesCommand(a), newAdminDeleteAttributesCommand(a),
		newAdminDeleteUserCommand(a),
	)
	for _, s := range userActions {
		cmd.AddCommand(newAdminUserActionCommand(a, s))
	}
	return cmd
}

// usernameFlag adds the required --username flag.
func usernameFlag(cmd *cobra.Command, username *string) {
	cmd.Flags().StringVar(username, "username", "", "the user's username (or, on pools where users sign in with it, their email)")
	_ = cmd.MarkFlagRequired("username")
}

// groupFlag adds the required --group flag.
func groupFlag(cmd *cobra.Command, group *string) {
	cmd.Flags().StringVar(group, "group", "", "the group's name")
	_ = cmd.MarkFlagRequired("group")
}

func newAdminCreateUserCommand(a *app) *cobra.Command {
	var (
		username                    string
		attrs                       []string
		passwordStdin, noInvitation bool
	)
	cmd := &cobra.Command{
		Use:   "create --username NAME [--attr NAME=VALUE]... [--password-stdin] [--no-invitation]",
		Short: "Create a user; Cognito invites them with a temporary password",
		Long: `Create a user as an administrator (AdminCreateUser). Cognito sends them their
username and a temporary password, by email (or SMS without an email); it
makes the password up unless --password-stdin reads one from stdin's first
line. Their first sign-in asks for a new password. --no-invitation sends
nothing: give them a password with cognito admin users set-password.`,
		Args: noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		attributes, err := parseAttributes(attrs)
		if err != nil {
			return err
		}
		var opts []cognito.CreateUserOption
		if passwordStdin {
			password, err := a.readPassword(ctx, true, "--password-stdin", "temporary password")
			if err != nil {
				return err
			}
			opts = append(opts, cognito.WithTemporaryPassword(password))
		}
		sent := phrase("an invitation with a temporary password was sent")
		if noInvitation {
			opts, sent = append(opts, cognito.WithoutInvitation()), phrase("no invitation was sent")
		}
		u, err := admin.CreateUser(ctx, username, attributes, opts...)
		if err != nil {
			return err
		}
		return a.emit(a.tr("Created user %s (%s); %s.", u.Username, u.Status, sent), u)
	})
	usernameFlag(cmd, &username)
	f := cmd.Flags()
	f.StringArrayVar(&attrs, "attr", nil, "an attribute, NAME=VALUE (repeatable), e.g. email=ana@example.com")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the temporary password from stdin's first line (default: Cognito makes one)")
	f.BoolVar(&noInvitation, "no-invitation", false, "send no invitation (MessageAction SUPPRESS)")
	return cmd
}

func newAdminGetUserCommand(a *app) *cobra.Command {
	var username string
	cmd := &cobra.Command{
		Use:   "get --username NAME",
		Short: "Show a user: status, dates, attributes, MFA",
		Args:  noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		u, err := admin.GetUser(ctx, username)
		if err != nil {
			return err
		}
		return a.emit(describeAdminUser(a, u), u)
	})
	usernameFlag(cmd, &username)
	return cmd
}

func newAdminListUsersCommand(a *app) *cobra.Command {
	var filter string
	cmd := &cobra.Command{
		Use:   "list [--filter FILTER]",
		Short: "List the pool's users, all of them or those a filter matches",
		Long: `List the pool's users (ListUsers, every page). --filter is Cognito's filter:
an attribute, = (equals) or ^= (starts with), and a value in double quotes,
e.g. --filter 'email ^= "ana"' or --filter 'cognito:user_status = "UNCONFIRMED"'.
With --json, a JSON array of users.`,
		Args: noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		return emitAll(a, admin.ListUsers(ctx, filter), phrase("user"), userLine)
	})
	cmd.Flags().StringVar(&filter, "filter", "", `Cognito's filter, e.g. 'email ^= "ana"'`)
	return cmd
}

func newAdminSetPasswordCommand(a *app) *cobra.Command {
	var (
		username                 string
		permanent, passwordStdin bool
	)
	cmd := &cobra.Command{
		Use:   "set-password --username NAME [--permanent] [--password-stdin]",
		Short: "Set a user's password: temporary (changed at the next sign-in) unless --permanent",
		Long: `Set a user's password (AdminSetUserPassword), asked for at a no-echo prompt
(twice) or read from stdin's first line with --password-stdin. Without
--permanent it is temporary: the user's next sign-in asks for a new one.
Cognito sends no message.`,
		Args: noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		password, err := a.readNewPassword(ctx, passwordStdin, "--password-stdin", "new password")
		if err != nil {
			return err
		}
		set, human := admin.SetTemporaryPassword, a.tr("%s has a temporary password: their next sign-in asks for a new one.", username)
		if permanent {
			set, human = admin.SetPassword, a.tr("The password of %s is set; they sign in with it.", username)
		}
		if err := set(ctx, username, password); err != nil {
			return err
		}
		return a.emit(human, map[string]any{"username": username, "password_set": true, "permanent": permanent})
	})
	usernameFlag(cmd, &username)
	f := cmd.Flags()
	f.BoolVar(&permanent, "permanent", false, "the password is the user's own (status CONFIRMED), not to be changed at the next sign-in")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the password from stdin's first line")
	return cmd
}

// userAction is an administrator's command that only names a user.
type userAction struct {
	name, short string
	do          func(*cognito.Admin, context.Context, string) error
	done        phrase // what is printed, with the username for %s
	key         string // the --json result's key, true once done
}

var userActions = []userAction{
	{"reset-password", "Make a user reset their password: Cognito sends them a code", (*cognito.Admin).ResetPassword,
		phrase("%s must reset their password: a code was sent to their verified email or phone; they finish with cognito confirm-forgot-password."), "password_reset_required"},
	{"enable", "Let a disabled user sign in again", (*cognito.Admin).EnableUser, phrase("%s is enabled."), "enabled"},
	{"disable", "Stop a user from signing in; their refresh tokens stop working", (*cognito.Admin).DisableUser,
		phrase("%s is disabled: they cannot sign in or refresh their tokens."), "disabled"},
	{"sign-out", "Sign a user out everywhere: their refresh tokens stop working", (*cognito.Admin).SignOut,
		phrase("%s is signed out everywhere: their refresh tokens no longer work; access and ID tokens already issued verify until they expire."), "signed_out"},
	{"confirm", "Confirm a user's sign-up without their code", (*cognito.Admin).ConfirmSignUp, phrase("%s is confirmed."), "confirmed"},
}

func newAdminUserActionCommand(a *app, s userAction) *cobra.Command {
	var username string
	cmd := &cobra.Command{
		Use:   s.name + " --username NAME",
		Short: s.short,
		Args:  noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		if err := s.do(admin, ctx, username); err != nil {
			return err
		}
		return a.emit(sprintf(a.lang, string(s.done), []any{username}), map[string]any{"username": username, s.key: true})
	})
	usernameFlag(cmd, &username)
	return cmd
}

func newAdminUpdateAttributesCommand(a *app) *cobra.Command {
	var (
		username string
		attrs    []string
	)
	cmd := &cobra.Command{
		Use:   "update-attributes --username NAME --attr NAME=VALUE...",
		Short: "Set a user's attributes (email_verified and phone_number_verified too)",
		Args:  noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		attributes, err := parseAttributes(attrs)
		if err != nil {
			return err
		}
		if err := admin.UpdateUserAttributes(ctx, username, attributes); err != nil {
			return err
		}
		names := slices.Sorted(maps.Keys(attributes))
		return a.emit(a.tr("Updated %s of %s.", strings.Join(names, ", "), username),
			map[string]any{"username": username, "updated_attributes": names})
	})
	usernameFlag(cmd, &username)
	cmd.Flags().StringArrayVar(&attrs, "attr", nil, "an attribute, NAME=VALUE (repeatable)")
	_ = cmd.MarkFlagRequired("attr")
	return cmd
}

func newAdminDeleteAttributesCommand(a *app) *cobra.Command {
	var (
		username string
		names    []string
	)
	cmd := &cobra.Command{
		Use:   "delete-attributes --username NAME --attr NAME...",
		Short: "Delete some of a user's attributes",
		Args:  noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		if err := admin.DeleteUserAttributes(ctx, username, names...); err != nil {
			return err
		}
		return a.emit(a.tr("Deleted %s of %s.", strings.Join(names, ", "), username),
			map[string]any{"username": username, "deleted_attributes": names})
	})
	usernameFlag(cmd, &username)
	cmd.Flags().StringArrayVar(&names, "attr", nil, "an attribute's name (repeatable)")
	_ = cmd.MarkFlagRequired("attr")
	return cmd
}

func newAdminDeleteUserCommand(a *app) *cobra.Command {
	var (
		username string
		yes      bool
	)
	cmd := &cobra.Command{
		Use:   "delete --username NAME [--yes]",
		Short: "Delete a user",
		Long: `Delete a user (AdminDeleteUser). It asks for confirmation on the terminal;
--yes confirms in advance (needed when stdin is not a terminal).`,
		Args: noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		if err := a.confirmDeletion(ctx, yes, "the user "+username); err != nil {
			return err
		}
		if err := admin.DeleteUser(ctx, username); err != nil {
			return err
		}
		return a.emit(a.tr("Deleted the user %s.", username), map[string]any{"username": username, "deleted": true})
	})
	usernameFlag(cmd, &username)
	cmd.Flags().BoolVar(&yes, "yes", false, "delete without asking")
	return cmd
}

// confirmDeletion asks whether what is to be deleted, unless yes; a refusal
// is an error.
func (a *app) confirmDeletion(ctx context.Context, yes bool, what string) error {
	if yes {
		return nil
	}
	ok, err := a.confirm(ctx, a.tr("Delete %s? This cannot be undone.", what), "--yes")
	if err != nil {
		return err
	}
	if !ok {
		return failf("not deleted: the deletion was not confirmed")
	}
	return nil
}

func newAdminGroupsCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "groups",
		Short: "Create, list and delete groups, and manage their members",
		Long: adminLong + `

A group's members carry its name in their tokens (cognito:groups) from their
next sign-in or refresh on.`,
		Args: noArgs,
	}
	cmd.AddCommand(
		newAdminCreateGroupCommand(a), newAdminListGroupsCommand(a), newAdminGetGroupCommand(a), newAdminDeleteGroupCommand(a),
		newAdminMembershipCommand(a, true), newAdminMembershipCommand(a, false),
		newAdminListGroupUsersCommand(a), newAdminUserGroupsCommand(a),
	)
	return cmd
}

func newAdminCreateGroupCommand(a *app) *cobra.Command {
	var (
		group, description, roleARN string
		precedence                  int32
	)
	cmd := &cobra.Command{
		Use:   "create --group NAME [--description TEXT] [--precedence N] [--role-arn ARN]",
		Short: "Create a group",
		Args:  noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		var opts []cognito.GroupOption
		f := cmd.Flags()
		if f.Changed("description") {
			opts = append(opts, cognito.GroupDescription(description))
		}
		if f.Changed("precedence") {
			opts = append(opts, cognito.GroupPrecedence(precedence))
		}
		if f.Changed("role-arn") {
			opts = append(opts, cognito.GroupRoleARN(roleARN))
		}
		g, err := admin.CreateGroup(ctx, group, opts...)
		if err != nil {
			return err
		}
		return a.emit(a.tr("Created group %s. Add members with: cognito admin groups add-user --group %s --username NAME", g.Name, shellQuote(g.Name)), g)
	})
	groupFlag(cmd, &group)
	f := cmd.Flags()
	f.StringVar(&description, "description", "", "what the group is for")
	f.Int32Var(&precedence, "precedence", 0, "0 or more: a member's groups are listed lowest first in their tokens")
	f.StringVar(&roleARN, "role-arn", "", "the IAM role of the group's members in an identity pool")
	return cmd
}

func newAdminListGroupsCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the pool's groups",
		Args:  noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		return emitAll(a, admin.ListGroups(ctx), phrase("group"), groupLine)
	})
	return cmd
}

func newAdminGetGroupCommand(a *app) *cobra.Command {
	var group string
	cmd := &cobra.Command{
		Use:   "get --group NAME",
		Short: "Show a group",
		Args:  noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		g, err := admin.GetGroup(ctx, group)
		if err != nil {
			return err
		}
		return a.emit(describeGroup(a, g), g)
	})
	groupFlag(cmd, &group)
	return cmd
}

func newAdminDeleteGroupCommand(a *app) *cobra.Command {
	var (
		group string
		yes   bool
	)
	cmd := &cobra.Command{
		Use:   "delete --group NAME [--yes]",
		Short: "Delete a group (its members stay, without it)",
		Long: `Delete a group (DeleteGroup); its members stay, without it. It asks for
confirmation on the terminal; --yes confirms in advance (needed when stdin is
not a terminal).`,
		Args: noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		if err := a.confirmDeletion(ctx, yes, "the group "+group); err != nil {
			return err
		}
		if err := admin.DeleteGroup(ctx, group); err != nil {
			return err
		}
		return a.emit(a.tr("Deleted the group %s.", group), map[string]any{"group": group, "deleted": true})
	})
	groupFlag(cmd, &group)
	cmd.Flags().BoolVar(&yes, "yes", false, "delete without asking")
	return cmd
}

// newAdminMembershipCommand is add-user (add) or remove-user.
func newAdminMembershipCommand(a *app, add bool) *cobra.Command {
	var group, username string
	cmd := &cobra.Command{
		Use:   "add-user --group NAME --username NAME",
		Short: "Make a user a member of a group",
		Args:  noArgs,
	}
	change, done := (*cognito.Admin).AddUserToGroup, phrase("%s is a member of %s; their tokens carry it from their next sign-in or refresh.")
	if !add {
		cmd.Use, cmd.Short = "remove-user --group NAME --username NAME", "End a user's membership of a group"
		change, done = (*cognito.Admin).RemoveUserFromGroup, phrase("%s is no longer a member of %s; tokens already issued still carry it until they expire.")
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		if err := change(admin, ctx, username, group); err != nil {
			return err
		}
		return a.emit(sprintf(a.lang, string(done), []any{username, group}), map[string]any{"group": group, "username": username, "member": add})
	})
	groupFlag(cmd, &group)
	usernameFlag(cmd, &username)
	return cmd
}

func newAdminListGroupUsersCommand(a *app) *cobra.Command {
	var group string
	cmd := &cobra.Command{
		Use:   "list-users --group NAME",
		Short: "List a group's members",
		Args:  noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		return emitAll(a, admin.ListUsersInGroup(ctx, group), phrase("member"), userLine)
	})
	groupFlag(cmd, &group)
	return cmd
}

func newAdminUserGroupsCommand(a *app) *cobra.Command {
	var username string
	cmd := &cobra.Command{
		Use:   "user-groups --username NAME",
		Short: "List the groups a user is a member of",
		Args:  noArgs,
	}
	cmd.RunE = a.withAdmin(func(ctx context.Context, admin *cognito.Admin) error {
		return emitAll(a, admin.ListGroupsForUser(ctx, username), phrase("group"), groupLine)
	})
	usernameFlag(cmd, &username)
	return cmd
}

// emitAll prints every item seq yields: with --json a JSON array, else a
// count of what ("3 user(s)") and one line per item.
func emitAll[T any](a *app, seq iter.Seq2[T, error], what phrase, line func(*app, *T) string) error {
	items := []T{} // an empty list is [], not null
	for item, err := range seq {
		if err != nil {
			return err
		}
		items = append(items, item)
	}
	lines := []string{a.tr("%d %s(s)", len(items), what)}
	for i := range items {
		lines = append(lines, "  "+line(a, &items[i]))
	}
	return a.emit(strings.Join(lines, "\n"), items)
}

// userLine is a user on one line: username, status, enabled, email.
func userLine(a *app, u *cognito.User) string {
	state := a.tr("enabled")
	if !u.Enabled {
		state = a.tr("disabled")
	}
	line := fmt.Sprintf("%s  %s  %s", u.Username, u.Status, state)
	if email := u.Attributes["email"]; email != "" && email != u.Username {
		line += "  " + email
	}
	return line
}

// describeAdminUser is a user as an administrator sees them, over several
// lines: what userLine says, the dates, the attributes (as whoami shows
// them) and MFA.
func describeAdminUser(a *app, u *cognito.User) string {
	lines := []string{userLine(a, u), a.tr("  created %s, modified %s", date(u.CreationDate), date(u.LastModifiedDate))}
	if _, attrs, ok := strings.Cut(describeUser(u), "\n"); ok {
		lines = append(lines, attrs)
	}
	if len(u.UserMFASettings) > 0 {
		lines = append(lines, a.tr("  MFA: %s (preferred: %s)", strings.Join(u.UserMFASettings, ", "), cmp.Or(u.PreferredMFA, a.tr("none"))))
	}
	return strings.Join(lines, "\n")
}

// groupLine is a group on one line: name, precedence, description.
func groupLine(a *app, g *cognito.Group) string {
	line := g.Name
	if g.Precedence != nil {
		line += a.tr("  precedence %d", *g.Precedence)
	}
	if g.Description != "" {
		line += "  " + g.Description
	}
	return line
}

// describeGroup is a group over several lines.
func describeGroup(a *app, g *cognito.Group) string {
	lines := []string{groupLine(a, g), a.tr("  created %s, modified %s", date(g.CreationDate), date(g.LastModifiedDate))}
	if g.RoleARN != "" {
		lines = append(lines, a.tr("  role: %s", g.RoleARN))
	}
	return strings.Join(lines, "\n")
}

// date formats a time for people, in UTC to the second.
func date(t time.Time) string { return t.UTC().Format(time.DateTime) + " UTC" }
