package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/wiring"
)

// checkStep is one thing `mfabot check` tries against Microsoft Graph.
type checkStep struct {
	what string
	run  func(ctx context.Context) (string, error)
}

func runCheck(ctx context.Context, args []string, stdout io.Writer) error {
	var write bool
	var rest []string
	for _, a := range args {
		switch a {
		case "--write", "-write":
			write = true
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) != 1 || strings.HasPrefix(rest[0], "-") {
		return &usageError{usageFor("check")}
	}
	if write {
		cfg, err := config.FromEnvFor(config.Reset)
		if err != nil {
			return err
		}
		w, err := wire(ctx, cfg, stdout)
		if err != nil {
			return err
		}
		defer w.Close()
		return smokeTest(ctx, w, cfg, rest[0], stdout)
	}
	args = rest
	cfg, err := config.FromEnvFor(config.Show)
	if err != nil {
		return err
	}
	dir, _, err := wiring.Directory(cfg)
	if err != nil {
		return err
	}
	return check(ctx, dir, cfg.Policy, args[0], stdout)
}

// check runs, with the deployment's credentials, each read mfabot needs
// before it can reset anyone, and names the permission behind any failure.
// It changes nothing. A failed role lookup refuses every reset (fail
// closed), so this is what to run before going live.
func check(ctx context.Context, dir mfa.Directory, p mfa.Policy, upn string, out io.Writer) error {
	var u mfa.User
	steps := []checkStep{
		{"find the user", func(ctx context.Context) (string, error) {
			var err error
			u, err = dir.FindUser(ctx, upn)
			return u.DisplayName + " (" + u.ID + ")", err
		}},
		{"list their authentication methods", func(ctx context.Context) (string, error) {
			ms, err := dir.ListMethods(ctx, u.ID)
			return fmt.Sprintf("%d method(s)", len(ms)), err
		}},
		{"read every path to power: directory roles (active, eligible now or later, any scope), role-assignable and PIM for Groups memberships, mfabot's own groups, owned apps", func(ctx context.Context) (string, error) {
			pr, err := dir.Privileges(ctx, u.ID, watchedGroups(p))
			if err != nil {
				return "", fmt.Errorf("%w; could not read: %s", err, strings.Join(pr.Unread, "; "))
			}
			if pr.Any() {
				return "the user is privileged, so a reset would be refused", nil
			}
			return "no privileges", nil
		}},
	}
	for _, g := range []struct{ name, id string }{{"helpdesk", p.HelpdeskGroupID}, {"approver", p.ApproverGroupID}, {"protected", p.ProtectedGroupID}, {"TAP issuer", p.TAPGroupID}} {
		if g.id == "" {
			continue
		}
		steps = append(steps, checkStep{"check membership of the " + g.name + " group " + g.id, func(ctx context.Context) (string, error) {
			in, err := dir.IsMemberOf(ctx, u.ID, g.id)
			return map[bool]string{true: "member", false: "not a member"}[in], err
		}})
	}
	fmt.Fprintln(out, "Application permissions mfabot uses (grant each, with admin consent):")
	for _, perm := range graph.Permissions {
		fmt.Fprintf(out, "      %-50s %s\n", perm.Permission, perm.Feature)
	}
	fmt.Fprintln(out)
	failed := 0
	for _, s := range steps {
		got, err := s.run(ctx)
		if err != nil {
			failed++
			fmt.Fprintf(out, "FAIL  %s: %s\n", s.what, failure(err))
			if u.ID == "" {
				break // nothing else can be tried without the user
			}
			continue
		}
		fmt.Fprintf(out, "ok    %s: %s\n", s.what, got)
	}
	if failed > 0 {
		fmt.Fprintf(out, "\n%d check(s) failed: mfabot refuses every reset whose lookups fail. Grant the permissions named above (see README, \"Setting it up in Azure\").\n", failed)
		return &refusedError{"the deployment is not ready"}
	}
	fmt.Fprintln(out, "\nAll lookups work: mfabot can decide about resets in this tenant. (Deletes, revocation and TAPs are not tried: they would change the user.)")
	return nil
}

// watchedGroups are the deployment's own groups, which make their members
// and owners protected targets.
func watchedGroups(p mfa.Policy) []string {
	var ids []string
	for _, id := range []string{p.HelpdeskGroupID, p.ApproverGroupID, p.ProtectedGroupID, p.TAPGroupID} {
		if id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// failure explains a failed step: every unread part of the privilege
// lookup, each naming its missing permission.
func failure(err error) string {
	var parts []string
	for _, e := range unwrapAll(err) {
		var de *mfa.DirectoryError
		if errors.As(e, &de) {
			parts = append(parts, de.Human())
		}
	}
	if len(parts) == 0 {
		return mfa.Message(err)
	}
	return strings.Join(parts, " ")
}

// unwrapAll flattens joined and wrapped errors.
func unwrapAll(err error) []error {
	switch e := err.(type) {
	case interface{ Unwrap() []error }:
		var out []error
		for _, x := range e.Unwrap() {
			out = append(out, unwrapAll(x)...)
		}
		return out
	case interface{ Unwrap() error }:
		if _, ok := err.(*mfa.DirectoryError); ok {
			return []error{err}
		}
		return unwrapAll(e.Unwrap())
	}
	return []error{err}
}
