package app

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
)

func TestCheckPassesAndNamesAMissingPermission(t *testing.T) {
	fake := graphfake.New(graphfake.Options{Tenant: graphfake.DemoTenant()})
	defer fake.Close()
	dir, err := graph.NewAnonymous(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	p := demoConfig("").Policy
	var out bytes.Buffer
	if err := check(context.Background(), dir, p, "bob@contoso.com", &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "All lookups work") || strings.Contains(out.String(), "FAIL") {
		t.Fatalf("check:\n%s", out.String())
	}
	// Without the role permission (or Entra ID P2 for PIM), the role lookup
	// fails: check says so and names the permission.
	for _, perm := range graph.Permissions {
		if !strings.Contains(out.String(), perm.Permission) {
			t.Errorf("check does not name the permission %s", perm.Permission)
		}
	}
	fake.AddFault(graphfake.Fault{Method: "GET", Path: "/roleManagement/directory/roleEligibilitySchedules", Status: 403, Count: -1})
	fake.AddFault(graphfake.Fault{Method: "GET", Path: "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances", Status: 403, Count: -1})
	out.Reset()
	err = check(context.Background(), dir, p, "bob@contoso.com", &out)
	if err == nil || !strings.Contains(out.String(), "FAIL  read every path to power") ||
		!strings.Contains(out.String(), "the app lacks the permission RoleEligibilitySchedule.Read.Directory") ||
		!strings.Contains(out.String(), "the app lacks the permission PrivilegedEligibilitySchedule.Read.AzureADGroup") {
		t.Fatalf("missing permissions not reported: %v\n%s", err, out.String())
	}
}
