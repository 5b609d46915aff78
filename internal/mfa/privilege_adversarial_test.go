package mfa_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// Every path from a helpdesk reset to power is refused: by kind (never by
// message prose), with the path named in the reply and in the audit, and
// with what to do next.

// wantRefusal asks for a reset of target and checks the typed refusal.
func wantRefusal(t *testing.T, g *rig, actor mfa.Actor, target string, kind mfa.RefusalKind, path string) {
	t.Helper()
	_, err := g.ask(actor, target)
	wantCode(t, target, err, mfa.EForbidden)
	rf, ok := mfa.AsRefusal(err)
	if !ok || rf.Kind != kind {
		t.Fatalf("%s: refusal %+v (err %v), want kind %s", target, rf, err, kind)
	}
	if !strings.Contains(mfa.Message(err), path) || rf.Next == "" || !strings.Contains(mfa.Message(err), rf.Next) {
		t.Fatalf("%s: message %q does not name %q and what to do next", target, mfa.Message(err), path)
	}
	found := false
	for _, r := range g.records() {
		if r.Type == mfa.AuditRefused && r.Target == target && r.Detail["kind"] == string(kind) && strings.Contains(r.Detail["paths"], path) {
			found = true
		}
	}
	if !found {
		t.Fatalf("%s: no audited refusal of kind %s naming %q", target, kind, path)
	}
}

// TestBotGroupsAreProtected: an approver, another helpdesk agent, the
// owner of the approver group and a TAP issuer are refused as targets —
// a reset of an approver would hand the approval itself to whoever gets
// the new sign-in (and the pass).
func TestBotGroupsAreProtected(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.TAPGroupID = "g-tap" })
	add := func(id, upn string) {
		g.dir.AddUser(mfa.User{ID: id, UPN: upn, DisplayName: upn, AccountEnabled: true}, mfatest.AuthApp)
	}
	add("u-owner", "owen@contoso.com")
	add("u-tap", "tara@contoso.com")
	g.dir.AddOwner(mfatest.ApproverGroup, "u-owner")
	g.dir.AddMember("g-tap", "u-tap")
	for _, c := range []struct{ target, path string }{
		{"abe@contoso.com", "approver group (member)"},
		{"harry@contoso.com", "helpdesk group (member)"},
		{"owen@contoso.com", "approver group (owner)"},
		{"tara@contoso.com", "TAP issuer group (member)"},
	} {
		wantRefusal(t, g, mfatest.Agent, c.target, mfa.RefuseBotGroup, c.path)
	}
	wantRefusal(t, g, mfatest.Agent, "breakglass@contoso.com", mfa.RefuseProtectedGroup, "protected group")
	if n := g.audited(mfa.AuditAlert, "protected_target"); n != 5 {
		t.Fatalf("%d protected_target alerts, want 5", n)
	}
}

// TestEveryPrivilegePathIsRefused: each kind of privilege the directory
// reports refuses, naming it.
func TestEveryPrivilegePathIsRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		p    mfa.Privileges
		kind mfa.RefusalKind
		path string
	}{
		{"active role", mfa.Privileges{ActiveRoles: []string{"User Administrator (administrative unit Paris)"}}, mfa.RefuseActiveRole, "User Administrator (administrative unit Paris)"},
		{"future eligibility", mfa.Privileges{EligibleRoles: []string{"Global Administrator (from 2027-01-01)"}}, mfa.RefuseEligibleRole, "Global Administrator (from 2027-01-01)"},
		{"role-assignable group", mfa.Privileges{RoleAssignableGroups: []string{"Tier 0"}}, mfa.RefuseRoleGroup, "Tier 0"},
		{"PIM for Groups", mfa.Privileges{EligibleGroups: []string{"Tier 0 (eligible member)"}}, mfa.RefuseEligibleGroup, "Tier 0 (eligible member)"},
		{"app owner", mfa.Privileges{OwnedApps: []string{"the app Payroll Sync (holds Application.ReadWrite.All)"}}, mfa.RefuseAppOwner, "Payroll Sync"},
		{"nested owner of a bot group", mfa.Privileges{Watched: []mfa.GroupPath{{GroupID: mfatest.ApproverGroup, How: "owner of the nested group Leads"}}}, mfa.RefuseBotGroup, "owner of the nested group Leads"},
		{"listing cut short", mfa.Privileges{Unread: []string{"the user's groups (page 51 failed)"}}, mfa.RefuseUnreadable, "page 51 failed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newRig(t, nil)
			g.dir.Privs[mfatest.BobID] = c.p
			wantRefusal(t, g, mfatest.Agent, "bob@contoso.com", c.kind, c.path)
			v, err := g.svc.Describe(ctx, mfatest.Agent, "bob@contoso.com")
			if err != nil || v.Refusal == nil || v.Refusal.Kind != c.kind {
				t.Fatalf("show: %+v %v", v, err)
			}
		})
	}
}

// TestFailedPrivilegeLookupRefusesNamingWhat: a lookup that fails refuses,
// naming what could not be read, even when the rest reads clean.
func TestFailedPrivilegeLookupRefusesNamingWhat(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	g.dir.Fail = func(op, user string) error {
		if op == "privileges" {
			return &mfa.DirectoryError{Op: "list the user's eligible (PIM) roles", Reason: mfa.ReasonForbidden, Permission: "RoleEligibilitySchedule.Read.Directory"}
		}
		return nil
	}
	wantRefusal(t, g, mfatest.Agent, "bob@contoso.com", mfa.RefuseUnreadable, "RoleEligibilitySchedule.Read.Directory")
}

// TestExternalMembersAreRefused: a userType Member who signs in with an
// identity from another organisation (B2B member, cross-tenant sync) is
// refused with the reason; guests stay refused; an ordinary member is not.
func TestExternalMembersAreRefused(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	for i, u := range []mfa.User{
		{UPN: "ximena@contoso.com", Issuers: []string{"contoso.com", "ExternalAzureAD"}},
		{UPN: "yuri_fabrikam.com#EXT#@contoso.com"},
		{UPN: "zoe@contoso.com", ExternalUserState: "Accepted"},
		{UPN: "walt@contoso.com", CreationType: "Invitation"},
	} {
		u.ID, u.UserType, u.AccountEnabled, u.DisplayName = "u-ext-"+string(rune('a'+i)), "Member", true, u.UPN
		g.dir.AddUser(u, mfatest.AuthApp)
		wantRefusal(t, g, mfatest.Agent, u.UPN, mfa.RefuseExternal, "does not end their sessions there")
	}
	wantRefusal(t, g, mfatest.Agent, "gus_fabrikam.com#EXT#@contoso.com", mfa.RefuseGuest, "guest")
	if _, err := g.ask(mfatest.Agent, "bob@contoso.com"); err != nil {
		t.Fatalf("an ordinary member is refused: %v", err)
	}
	if n := g.audited(mfa.AuditAlert, "protected_target"); n != 0 {
		t.Fatalf("%d protected_target alerts for external users, want 0", n)
	}
}

// TestSameRulesJustBeforeDeleting: the rules applied at request time run
// again before anything is deleted: a target who became an approver, an
// app owner, or an external member after approval is not reset.
func TestSameRulesJustBeforeDeleting(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		change func(g *rig)
		kind   string
	}{
		{"joined the approver group", func(g *rig) { g.dir.AddMember(mfatest.ApproverGroup, mfatest.BobID) }, "bot_group"},
		{"became owner of the helpdesk group", func(g *rig) { g.dir.AddOwner(mfatest.HelpdeskGroup, mfatest.BobID) }, "bot_group"},
		{"became an app owner", func(g *rig) {
			g.dir.Privs[mfatest.BobID] = mfa.Privileges{OwnedApps: []string{"the service principal Backup (holds Global Administrator)"}}
		}, "app_owner"},
		{"turned external", func(g *rig) {
			g.dir.AddUser(mfa.User{ID: mfatest.BobID, UPN: "bob@contoso.com", DisplayName: "Bob", AccountEnabled: true, Issuers: []string{"ExternalAzureAD"}}, mfatest.AuthApp)
		}, "external_member"},
		{"cannot be read any more", func(g *rig) {
			g.dir.Fail = func(op, user string) error {
				if op == "find" {
					return errors.New("graph unavailable")
				}
				return nil
			}
		}, "unreadable"},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := newRig(t, nil)
			r := g.mustAsk(mfatest.Agent, "bob@contoso.com")
			if _, err := g.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn()); err != nil {
				t.Fatal(err)
			}
			c.change(g)
			got, err := g.svc.Execute(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != mfa.StateFailed || g.dir.Count("delete") != 0 || g.dir.Revoked[mfatest.BobID] != 0 {
				t.Fatalf("state %s, %d deletes, %d revocations", got.State, g.dir.Count("delete"), g.dir.Revoked[mfatest.BobID])
			}
			found := false
			for _, rec := range g.records() {
				found = found || rec.Type == mfa.AuditRefused && rec.Detail["action"] == "execute" && rec.Detail["kind"] == c.kind
			}
			if !found {
				t.Fatalf("no execute refusal of kind %s audited", c.kind)
			}
		})
	}
}

// TestObjectIDsCompareCaseInsensitively: Graph compares object ids
// case-insensitively, so an id in upper case is the same person: a
// requester approving under an upper-case id is refused, the target's
// answer in upper case counts, and the view policy knows them.
func TestObjectIDsCompareCaseInsensitively(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	// Approver ids in the standard tenant are lower case; the agent is an
	// approver too, so only the four-eyes rule can stop them.
	g.dir.AddMember(mfatest.ApproverGroup, mfatest.AgentID)
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	upper := func(a mfa.Actor) mfa.Actor { a.ID = strings.ToUpper(a.ID); return a }
	_, err := g.svc.Approve(ctx, upper(mfatest.Agent), r.ID, approveIn())
	wantCode(t, "self-approval in upper case", err, mfa.EForbidden)
	if !hasKind(g.alerts, "self_approval") {
		t.Fatal("self-approval in upper case was not alerted")
	}
	if a := g.svc.View(ctx, upper(mfatest.Agent), r); a.As != mfa.ViewRequester {
		t.Fatalf("requester in upper case sees the request as %q", a.As)
	}
	if a := g.svc.View(ctx, upper(mfatest.Alice), r); a.As != mfa.ViewTarget {
		t.Fatalf("target in upper case sees the request as %q", a.As)
	}
	if _, err := g.svc.Confirm(ctx, upper(mfatest.Alice), r.ID, true); err != nil {
		t.Fatalf("target's answer in upper case: %v", err)
	}
	if _, err := g.svc.Cancel(ctx, upper(mfatest.Agent), r.ID); err != nil {
		t.Fatalf("requester's cancel in upper case: %v", err)
	}
	// Resetting oneself under an upper-case id is refused as self.
	wantRefusal(t, g, upper(mfatest.Agent), "hanna@contoso.com", mfa.RefuseSelf, "your own")
	if !mfa.SameID("A0000000-0000-4000-8000-000000000001", "a0000000-0000-4000-8000-000000000001") || mfa.SameID("", "") {
		t.Fatal("SameID")
	}
}

// TestOneViewPolicy: who may see a request, and as whom.
func TestOneViewPolicy(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.Manager = mfa.ManagerMay })
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	for _, c := range []struct {
		who  mfa.Actor
		want mfa.Viewer
	}{
		{mfatest.Agent, mfa.ViewRequester},
		{mfatest.Alice, mfa.ViewTarget},
		{mfatest.Approver, mfa.ViewApprover},
		{mfatest.Manager, mfa.ViewApprover},
		{mfatest.Agent2, mfa.ViewHelpdesk},
		{mfa.Actor{ID: "u-stranger"}, mfa.ViewNone},
	} {
		if a := g.svc.View(ctx, c.who, r); a.As != c.want {
			t.Errorf("%s sees the request as %q, want %q", c.who, a.As, c.want)
		}
	}
	if _, _, err := g.svc.See(ctx, mfa.Actor{ID: "u-stranger"}, r.ID); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("a stranger sees the request: %v", err)
	}
	// A failing group lookup shows nothing (fail closed).
	g.dir.Fail = func(op, user string) error {
		if op == "member" {
			return errors.New("graph unavailable")
		}
		return nil
	}
	if a := g.svc.View(ctx, mfatest.Agent2, r); a.May() {
		t.Fatalf("view while the lookup fails: %q", a.As)
	}
}
