package graph_test

import (
	"fmt"
	"testing"

	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

// The approver group's members, nested groups included, over every page:
// 1,200 approvers in a nested group take two pages of 999.
func TestGroupMembersEveryPageTransitive(t *testing.T) {
	tenant := graphfake.DemoTenant()
	nested := graphfake.Group{ID: "0d1e2f30-0000-4000-8000-0000000000aa", DisplayName: "Night shift approvers"}
	for i := range 1200 {
		id := fmt.Sprintf("b0000000-0000-4000-8000-%012d", i)
		tenant.Users = append(tenant.Users, graphfake.User{ID: id, UPN: fmt.Sprintf("n%d@contoso.com", i), DisplayName: fmt.Sprintf("Night %d", i), AccountEnabled: true})
		nested.Members = append(nested.Members, id)
	}
	tenant.Groups = append(tenant.Groups, nested)
	s, d := newEnv(t, graphfake.Options{Tenant: tenant})
	s.AddGroupMember(graphfake.DemoApproverGroupID, nested.ID)
	us, err := d.GroupMembers(ctx, graphfake.DemoApproverGroupID)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, u := range us {
		seen[u.ID] = true
		if u.UPN == "" || u.DisplayName == "" {
			t.Fatalf("member without its fields: %+v", u)
		}
	}
	if len(us) != 1202 || len(seen) != 1202 || !seen[graphfake.DemoApproverID] || !seen[graphfake.DemoApprover2ID] {
		t.Fatalf("%d members (%d distinct)", len(us), len(seen))
	}
	if n := s.Count("GET", "/groups/*/transitiveMembers/*"); n != 2 {
		t.Fatalf("%d pages fetched, want 2", n)
	}
	s.FailNext("GET", "/groups/*/transitiveMembers/*", 403, "")
	if _, err := d.GroupMembers(ctx, graphfake.DemoApproverGroupID); dirErr(t, err).Permission != "GroupMember.Read.All" {
		t.Fatalf("403: %v", err)
	}
	if _, err := d.GroupMembers(ctx, "0d1e2f30-0000-4000-8000-0000000000ff"); mfa.Code(err) != mfa.ENotFound || dirErr(t, err).Reason != mfa.ReasonNotFound {
		t.Fatalf("missing group: %v", err)
	}
}
