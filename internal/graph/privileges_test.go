package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

// demoWatch is the demo deployment's own groups.
var demoWatch = []string{graphfake.DemoHelpdeskGroupID, graphfake.DemoApproverGroupID, graphfake.DemoProtectedGroupID}

func has(list []string, sub string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, sub) })
}

func watched(p mfa.Privileges, group, how string) bool {
	return slices.ContainsFunc(p.Watched, func(g mfa.GroupPath) bool { return g.GroupID == group && strings.Contains(g.How, how) })
}

// TestPrivilegesEveryPath reads each path to power from the fake Graph.
func TestPrivilegesEveryPath(t *testing.T) {
	_, d := newEnv(t, graphfake.Options{})
	for _, c := range []struct {
		name, id string
		ok       func(mfa.Privileges) bool
	}{
		{"active role", graphfake.DemoAdminID, func(p mfa.Privileges) bool { return has(p.ActiveRoles, "Global Administrator") }},
		{"protected group", graphfake.DemoBreakGlassID, func(p mfa.Privileges) bool { return watched(p, graphfake.DemoProtectedGroupID, "member") }},
		{"eligible role", graphfake.DemoEligibleID, func(p mfa.Privileges) bool { return has(p.EligibleRoles, "Privileged Role Administrator") }},
		{"eligible from a later date", graphfake.DemoFutureAdminID, func(p mfa.Privileges) bool {
			return has(p.EligibleRoles, "Global Administrator (from 2030-01-01)")
		}},
		{"administrative-unit role", graphfake.DemoUnitAdminID, func(p mfa.Privileges) bool {
			return has(p.ActiveRoles, "User Administrator (scope /administrativeUnits/"+graphfake.DemoParisUnitID+")")
		}},
		{"role-assignable group member", graphfake.DemoTierZeroID, func(p mfa.Privileges) bool { return has(p.RoleAssignableGroups, "Tier 0 Operators") }},
		{"role-assignable group owner", graphfake.DemoGroupOwnerID, func(p mfa.Privileges) bool { return has(p.RoleAssignableGroups, "Tier 0 Operators (owner)") }},
		{"PIM for Groups eligible member", graphfake.DemoPIMGroupID, func(p mfa.Privileges) bool {
			return has(p.EligibleGroups, "Tier 0 Operators (PIM for Groups: eligible member)")
		}},
		{"approver", graphfake.DemoApprover2ID, func(p mfa.Privileges) bool { return watched(p, graphfake.DemoApproverGroupID, "member") }},
		{"nested helpdesk agent", graphfake.DemoAgent2ID, func(p mfa.Privileges) bool { return watched(p, graphfake.DemoHelpdeskGroupID, "member") }},
		{"owner of the approver group", graphfake.DemoApproverOwnerID, func(p mfa.Privileges) bool { return watched(p, graphfake.DemoApproverGroupID, "owner") }},
		{"app owner", graphfake.DemoAppOwnerID, func(p mfa.Privileges) bool {
			return has(p.OwnedApps, "the app Payroll Sync (holds User Administrator, User.ReadWrite.All)")
		}},
		{"ordinary user", graphfake.DemoBobID, func(p mfa.Privileges) bool { return !p.Any() }},
	} {
		p, err := d.Privileges(ctx, c.id, demoWatch)
		if err != nil || len(p.Unread) > 0 || !c.ok(p) {
			t.Errorf("%s: %+v %v", c.name, p, err)
		}
	}
}

// TestPrivilegesThroughPIMForGroupsLaterAndIntoTheBotsGroups: a PIM for
// Groups eligibility that starts later counts (schedules, not only
// instances), and one that leads into the approver group is a path into
// mfabot's own groups.
func TestPrivilegesThroughPIMForGroupsLaterAndIntoTheBotsGroups(t *testing.T) {
	tenant := graphfake.DemoTenant()
	tenant.GroupSchedules = append(tenant.GroupSchedules,
		graphfake.GroupSchedule{ID: "c-later", PrincipalID: graphfake.DemoBobID, GroupID: graphfake.DemoRoleAssignableGroupID, Access: "owner", Eligible: true,
			Start: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
		graphfake.GroupSchedule{ID: "c-approver", PrincipalID: graphfake.DemoCarolID, GroupID: graphfake.DemoApproverGroupID, Access: "member", Eligible: true})
	s, d := newEnv(t, graphfake.Options{Tenant: tenant})
	p, err := d.Privileges(ctx, graphfake.DemoBobID, demoWatch)
	if err != nil || !has(p.EligibleGroups, "Tier 0 Operators (PIM for Groups: eligible owner from 2030-01-01)") {
		t.Fatalf("eligible later: %+v %v", p, err)
	}
	if n := s.Count("GET", "/identityGovernance/privilegedAccess/group/eligibilitySchedules"); n != 1 {
		t.Fatalf("%d reads of eligibilitySchedules", n)
	}
	p, err = d.Privileges(ctx, graphfake.DemoCarolID, demoWatch)
	if err != nil || !watched(p, graphfake.DemoApproverGroupID, "PIM for Groups: eligible member") {
		t.Fatalf("eligible approver: %+v %v", p, err)
	}
}

// TestPrivilegesReadEveryPageWithStrongConsistency: a user in 120 groups
// whose role-assignable group is on the last of 120 one-object pages is
// found (no page cap), and no privilege read asks for eventual
// consistency or uses an OData cast (which needs it).
func TestPrivilegesReadEveryPageWithStrongConsistency(t *testing.T) {
	tenant := graphfake.DemoTenant()
	for i := range 119 {
		tenant.Groups = append(tenant.Groups, graphfake.Group{ID: fmt.Sprintf("0d1e2f30-0000-4000-8000-1%011d", i), DisplayName: fmt.Sprintf("Team %d", i),
			Members: []string{graphfake.DemoBobID}})
	}
	tenant.Groups = append(tenant.Groups, graphfake.Group{ID: "0d1e2f30-0000-4000-8000-ffffffffffff", DisplayName: "Hidden Tier 0",
		IsAssignableToRole: true, Members: []string{graphfake.DemoBobID}})
	s, d := newEnv(t, graphfake.Options{Tenant: tenant, PageSize: 1})
	p, err := d.Privileges(ctx, graphfake.DemoBobID, demoWatch)
	if err != nil || !has(p.RoleAssignableGroups, "Hidden Tier 0") {
		t.Fatalf("group on page 120: %+v %v", p, err)
	}
	if n := s.Count("GET", "/users/*/transitiveMemberOf"); n != 120 {
		t.Fatalf("%d pages of transitiveMemberOf read, want 120", n)
	}
	for _, r := range s.Requests() {
		if r.ConsistencyLevel != "" || strings.Contains(r.Path, "/microsoft.graph.") || strings.Contains(r.Path, "/graph.") {
			t.Errorf("%s %s?%s with ConsistencyLevel %q", r.Method, r.Path, r.Query, r.ConsistencyLevel)
		}
	}
}

// TestPrivilegesFailClosed: a page that fails, a 403 on any listing, a
// group whose isAssignableToRole is missing, a role without a name, a
// permission that cannot be resolved: each is named, and the answer is an
// error the domain refuses on.
func TestPrivilegesFailClosed(t *testing.T) {
	t.Run("third page fails", func(t *testing.T) {
		tenant := graphfake.DemoTenant()
		for i := range 5 {
			tenant.Groups = append(tenant.Groups, graphfake.Group{ID: fmt.Sprintf("g-%d", i), DisplayName: "Team", Members: []string{graphfake.DemoBobID}})
		}
		s, d := newEnv(t, graphfake.Options{Tenant: tenant, PageSize: 2})
		s.AddFault(graphfake.Fault{Method: "GET", Path: "/users/*/transitiveMemberOf", Status: 503, Skip: 2, Count: -1})
		p, err := d.Privileges(ctx, graphfake.DemoBobID, demoWatch)
		if err == nil || !has(p.Unread, "the user's groups and directory roles") || !has(p.Unread, "page 3") {
			t.Fatalf("%+v %v", p, err)
		}
	})
	for _, c := range []struct{ path, perm string }{
		{"/identityGovernance/privilegedAccess/group/eligibilitySchedules", "PrivilegedEligibilitySchedule.Read.AzureADGroup"},
		{"/identityGovernance/privilegedAccess/group/assignmentScheduleInstances", "PrivilegedAssignmentSchedule.Read.AzureADGroup"},
		{"/roleManagement/directory/roleEligibilitySchedules", "RoleEligibilitySchedule.Read.Directory"},
		{"/roleManagement/directory/roleAssignments", "RoleManagement.Read.Directory"},
		{"/users/*/ownedObjects", "User.Read.All"},
	} {
		t.Run("403 on "+c.path, func(t *testing.T) {
			s, d := newEnv(t, graphfake.Options{})
			s.AddFault(graphfake.Fault{Method: "GET", Path: c.path, Status: 403})
			p, err := d.Privileges(ctx, graphfake.DemoBobID, demoWatch)
			if err == nil || !has(p.Unread, c.perm) {
				t.Fatalf("%+v %v", p, err)
			}
		})
	}
	t.Run("missing isAssignableToRole", func(t *testing.T) {
		tenant := graphfake.DemoTenant()
		tenant.Groups = append(tenant.Groups, graphfake.Group{ID: "g-limited", Limited: true, IsAssignableToRole: true, Members: []string{graphfake.DemoBobID}})
		_, d := newEnv(t, graphfake.Options{Tenant: tenant})
		p, err := d.Privileges(ctx, graphfake.DemoBobID, demoWatch)
		if err == nil || !has(p.Unread, "isAssignableToRole missing") {
			t.Fatalf("%+v %v", p, err)
		}
	})
	t.Run("role without a name", func(t *testing.T) {
		tenant := graphfake.DemoTenant()
		tenant.Roles = append(tenant.Roles, graphfake.Role{ID: "r-x", TemplateID: "t-x", Members: []string{graphfake.DemoBobID}})
		_, d := newEnv(t, graphfake.Options{Tenant: tenant})
		p, _ := d.Privileges(ctx, graphfake.DemoBobID, demoWatch)
		if !has(p.ActiveRoles, "could not be read") {
			t.Fatalf("an unnamed role was dropped: %+v", p)
		}
	})
	t.Run("unresolvable app permission", func(t *testing.T) {
		tenant := graphfake.DemoTenant()
		tenant.ServicePrincipals[1].Granted = append(tenant.ServicePrincipals[1].Granted,
			graphfake.AppRoleGrant{ResourceID: graphfake.DemoGraphSPID, AppRoleID: "11111111-1111-4111-8111-111111111111"})
		tenant.Assignments = tenant.Assignments[:1] // the app holds no directory role now
		tenant.ServicePrincipals[1].Granted = tenant.ServicePrincipals[1].Granted[1:]
		_, d := newEnv(t, graphfake.Options{Tenant: tenant})
		p, err := d.Privileges(ctx, graphfake.DemoAppOwnerID, demoWatch)
		if err == nil || !has(p.Unread, "11111111-1111-4111-8111-111111111111") {
			t.Fatalf("%+v %v", p, err)
		}
	})
}

// TestPrivilegesHarmlessAppAndNestedOwner: an app with an ordinary
// permission does not make its owner privileged; the owner of a group
// nested inside the approver group controls who approves, and is.
func TestPrivilegesHarmlessAppAndNestedOwner(t *testing.T) {
	tenant := graphfake.DemoTenant()
	tenant.Assignments = tenant.Assignments[:1]
	tenant.ServicePrincipals[1].Granted = []graphfake.AppRoleGrant{{ResourceID: graphfake.DemoGraphSPID, AppRoleID: graphfake.GraphUserReadAllRole}}
	tenant.Groups = append(tenant.Groups, graphfake.Group{ID: "g-leads", DisplayName: "Service Desk Leads", Owners: []string{graphfake.DemoBobID}})
	for i, g := range tenant.Groups {
		if g.ID == graphfake.DemoApproverGroupID {
			tenant.Groups[i].Members = append(tenant.Groups[i].Members, "g-leads")
		}
	}
	_, d := newEnv(t, graphfake.Options{Tenant: tenant})
	p, err := d.Privileges(ctx, graphfake.DemoAppOwnerID, demoWatch)
	if err != nil || p.Any() {
		t.Fatalf("owner of a harmless app: %+v %v", p, err)
	}
	p, err = d.Privileges(ctx, graphfake.DemoBobID, demoWatch)
	if err != nil || !watched(p, graphfake.DemoApproverGroupID, "owner of the nested group Service Desk Leads") {
		t.Fatalf("owner of a nested group: %+v %v", p, err)
	}
}

// TestExternalMemberIsSeen: Graph's external-identity properties reach
// the domain, which tells an external member from an employee.
func TestExternalMemberIsSeen(t *testing.T) {
	_, d := newEnv(t, graphfake.Options{})
	u, err := d.FindUser(ctx, graphfake.DemoExternalID)
	if err != nil || u.UserType != "Member" || u.External() == "" || !slices.Contains(u.Issuers, "ExternalAzureAD") {
		t.Fatalf("%+v %v", u, err)
	}
	u, err = d.FindUser(ctx, "bob@contoso.com")
	if err != nil || u.External() != "" || !slices.Contains(u.Issuers, "contoso.com") {
		t.Fatalf("%+v (%s) %v", u, u.External(), err)
	}
}

// TestPrivilegesThroughAGroupTheOwnedAppOwns: a service principal can own a
// group, and whoever owns the app acts as it (adds a credential), so they
// decide who is in that group. An app with no role and no strong
// permission that owns the helpdesk group, a role-assignable group, or a
// group nested in the approver group makes its owner privileged.
func TestPrivilegesThroughAGroupTheOwnedAppOwns(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(*graphfake.Tenant)
		want  func(mfa.Privileges) bool
	}{
		{"owner of the helpdesk group", func(tn *graphfake.Tenant) {
			for i, g := range tn.Groups {
				if g.ID == graphfake.DemoHelpdeskGroupID {
					tn.Groups[i].Owners = append(tn.Groups[i].Owners, graphfake.DemoPayrollSPID)
				}
			}
		}, func(p mfa.Privileges) bool {
			return watched(p, graphfake.DemoHelpdeskGroupID, "owner through the app Payroll Sync")
		}},
		{"owner of a role-assignable group", func(tn *graphfake.Tenant) {
			for i, g := range tn.Groups {
				if g.ID == graphfake.DemoRoleAssignableGroupID {
					tn.Groups[i].Owners = append(tn.Groups[i].Owners, graphfake.DemoPayrollSPID)
				}
			}
		}, func(p mfa.Privileges) bool {
			return has(p.RoleAssignableGroups, "Tier 0 Operators (owned by the app Payroll Sync)")
		}},
		{"owner of a group nested in the approver group", func(tn *graphfake.Tenant) {
			tn.Groups = append(tn.Groups, graphfake.Group{ID: "g-leads", DisplayName: "Service Desk Leads", Owners: []string{graphfake.DemoPayrollSPID}})
			for i, g := range tn.Groups {
				if g.ID == graphfake.DemoApproverGroupID {
					tn.Groups[i].Members = append(tn.Groups[i].Members, "g-leads")
				}
			}
		}, func(p mfa.Privileges) bool {
			return watched(p, graphfake.DemoApproverGroupID, "owner of the nested group Service Desk Leads through the app Payroll Sync")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tenant := graphfake.DemoTenant()
			tenant.Assignments = tenant.Assignments[:1] // the app holds no directory role
			tenant.ServicePrincipals[1].Granted = []graphfake.AppRoleGrant{{ResourceID: graphfake.DemoGraphSPID, AppRoleID: graphfake.GraphUserReadAllRole}}
			c.setup(&tenant)
			s, d := newEnv(t, graphfake.Options{Tenant: tenant})
			p, err := d.Privileges(ctx, graphfake.DemoAppOwnerID, demoWatch)
			if err != nil || !c.want(p) {
				t.Fatalf("%+v %v", p, err)
			}
			// What the app owns cannot be read: refused, naming it.
			s.AddFault(graphfake.Fault{Method: "GET", Path: "/servicePrincipals/*/ownedObjects", Status: 403})
			p, err = d.Privileges(ctx, graphfake.DemoAppOwnerID, demoWatch)
			if err == nil || !has(p.Unread, "what the app Payroll Sync (owned by the user) owns") || !has(p.Unread, "Application.Read.All") {
				t.Fatalf("with the listing refused: %+v %v", p, err)
			}
		})
	}
}
