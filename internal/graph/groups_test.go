package graph_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

func TestFindGroupByIDAndName(t *testing.T) {
	tenant := graphfake.DemoTenant()
	tenant.Groups = append(tenant.Groups,
		graphfake.Group{ID: "0d1e2f30-0000-4000-8000-0000000000b1", DisplayName: "Phished"},
		graphfake.Group{ID: "0d1e2f30-0000-4000-8000-0000000000b2", DisplayName: "Phished"},
		graphfake.Group{ID: "0d1e2f30-0000-4000-8000-0000000000b3", DisplayName: "O'Brien's team"})
	s, d := newEnv(t, graphfake.Options{Tenant: tenant})

	g, err := d.FindGroup(ctx, graphfake.DemoApproverGroupID)
	if err != nil || g.ID != graphfake.DemoApproverGroupID || g.Name != "MFA Approvers" {
		t.Fatalf("by id: %+v %v", g, err)
	}
	if n := s.Count("GET", "/groups/"+graphfake.DemoApproverGroupID); n != 1 {
		t.Fatalf("by id: %d GET /groups/{id}", n)
	}
	g, err = d.FindGroup(ctx, "MFA Approvers")
	if err != nil || g.ID != graphfake.DemoApproverGroupID || g.Name != "MFA Approvers" {
		t.Fatalf("by name: %+v %v", g, err)
	}
	// The name is an OData string literal: its quote is doubled, or
	// Graph (and the fake) answers 400.
	g, err = d.FindGroup(ctx, "O'Brien's team")
	if err != nil || g.ID != "0d1e2f30-0000-4000-8000-0000000000b3" {
		t.Fatalf("quoted name: %+v %v", g, err)
	}
	for _, r := range s.Requests() {
		if r.Path == "/v1.0/groups" && r.ConsistencyLevel != "" {
			t.Fatalf("a displayName eq filter needs no advanced query: %+v", r)
		}
	}

	_, err = d.FindGroup(ctx, "Phished")
	if mfa.Code(err) != mfa.EInvalid || !strings.Contains(mfa.Message(err), "2 groups") || !strings.Contains(mfa.Message(err), "object id") {
		t.Fatalf("ambiguous: %v", err)
	}
	_, err = d.FindGroup(ctx, "Nobody's group")
	if mfa.Code(err) != mfa.ENotFound || !strings.Contains(mfa.Message(err), "Nobody's group") {
		t.Fatalf("missing name: %v", err)
	}
	missing := "0d1e2f30-0000-4000-8000-0000000000ff"
	_, err = d.FindGroup(ctx, missing)
	if mfa.Code(err) != mfa.ENotFound || !strings.Contains(mfa.Message(err), missing) || dirErr(t, err).Reason != mfa.ReasonNotFound {
		t.Fatalf("missing id: %v", err)
	}
	if _, err := d.FindGroup(ctx, "  "); mfa.Code(err) != mfa.EInvalid {
		t.Fatalf("empty: %v", err)
	}
	s.FailNext("GET", "/groups", 403, "")
	if _, err := d.FindGroup(ctx, "MFA Approvers"); dirErr(t, err).Permission != "GroupMember.Read.All" {
		t.Fatalf("403: %v", err)
	}
}

// FindGroup reads every page of the name's listing: 120 groups of one name
// take two pages of 100 and the count names them all.
func TestFindGroupCountsEveryPage(t *testing.T) {
	tenant := graphfake.DemoTenant()
	for i := range 120 {
		tenant.Groups = append(tenant.Groups, graphfake.Group{ID: fmt.Sprintf("0d1e2f30-0000-4000-8000-%012d", 1000+i), DisplayName: "Sales"})
	}
	s, d := newEnv(t, graphfake.Options{Tenant: tenant})
	_, err := d.FindGroup(ctx, "Sales")
	if mfa.Code(err) != mfa.EInvalid || !strings.Contains(mfa.Message(err), "120 groups") {
		t.Fatalf("%v", err)
	}
	if n := s.Count("GET", "/groups"); n != 2 {
		t.Fatalf("%d pages", n)
	}
}

// incidentTenant is the demo tenant with n more users in one group.
func incidentTenant(n int) (graphfake.Tenant, string) {
	tenant := graphfake.DemoTenant()
	g := graphfake.Group{ID: "0d1e2f30-0000-4000-8000-0000000000c1", DisplayName: "Phished users"}
	for i := range n {
		id := fmt.Sprintf("c0000000-0000-4000-8000-%012d", i)
		tenant.Users = append(tenant.Users, graphfake.User{ID: id, UPN: fmt.Sprintf("p%05d@contoso.com", i), DisplayName: fmt.Sprintf("Phished %d", i), AccountEnabled: true})
		g.Members = append(g.Members, id)
	}
	tenant.Groups = append(tenant.Groups, g)
	return tenant, g.ID
}

// 2,500 members come in three pages of 999, each handed to f before the
// next page is asked for.
func TestEachGroupMemberStreamsEveryPage(t *testing.T) {
	tenant, gid := incidentTenant(2500)
	s, d := newEnv(t, graphfake.Options{Tenant: tenant})
	seen := map[string]bool{}
	pages := "/groups/" + gid + "/transitiveMembers/*"
	err := d.EachGroupMember(ctx, gid, func(u mfa.User) error {
		if u.UPN == "" || u.DisplayName == "" {
			return fmt.Errorf("member without its fields: %+v", u)
		}
		// The n-th user arrives while only its own page was fetched.
		if want := len(seen)/999 + 1; s.Count("GET", pages) != want {
			return fmt.Errorf("user %d handed over after %d pages, want %d", len(seen), s.Count("GET", pages), want)
		}
		seen[u.ID] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2500 {
		t.Fatalf("%d members", len(seen))
	}
	if n := s.Count("GET", pages); n != 3 {
		t.Fatalf("%d pages, want 3", n)
	}
	us, err := d.GroupMembers(ctx, gid)
	if err != nil || len(us) != 2500 {
		t.Fatalf("GroupMembers: %d %v", len(us), err)
	}
}

func TestEachGroupMemberStopsAtFsError(t *testing.T) {
	tenant, gid := incidentTenant(2500)
	s, d := newEnv(t, graphfake.Options{Tenant: tenant})
	stop := errors.New("enough")
	n := 0
	err := d.EachGroupMember(ctx, gid, func(mfa.User) error {
		n++
		if n == 5 {
			return stop
		}
		return nil
	})
	if err != stop || n != 5 {
		t.Fatalf("err %v after %d users", err, n)
	}
	if c := s.Count("GET", "/groups/*/transitiveMembers/*"); c != 1 {
		t.Fatalf("%d pages fetched after f stopped", c)
	}
}

// A page that fails fails the listing; so does a nextLink that comes back
// (it would never end). Neither is mistaken for the end of the group.
func TestEachGroupMemberFailures(t *testing.T) {
	tenant, gid := incidentTenant(2500)
	s, d := newEnv(t, graphfake.Options{Tenant: tenant})
	count := func() (int, error) {
		n := 0
		err := d.EachGroupMember(ctx, gid, func(mfa.User) error { n++; return nil })
		return n, err
	}
	s.AddFault(graphfake.Fault{Method: "GET", Path: "/groups/*/transitiveMembers/*", Status: 500, Skip: 1, Count: -1})
	n, err := count()
	if err == nil || n != 999 || !strings.Contains(err.Error(), "page 2") || mfa.Code(err) == mfa.ENotFound {
		t.Fatalf("failed page 2: %d users, %v", n, err)
	}
	s.ClearFaults()
	s.AddFault(graphfake.Fault{Method: "GET", Path: "/groups/*/transitiveMembers/*", Status: 404, Skip: 1})
	if _, err := count(); err == nil || strings.Contains(mfa.Message(err), "there is no group") || !strings.Contains(err.Error(), "page 2") {
		t.Fatalf("404 on page 2 is not a missing group: %v", err)
	}

	s.ClearFaults()
	loop := s.URL() + "/v1.0/groups/" + gid + "/transitiveMembers/microsoft.graph.user?$skiptoken=again"
	body := fmt.Sprintf(`{"value":[{"@odata.type":"#microsoft.graph.user","id":"c0000000-0000-4000-8000-000000000001","userPrincipalName":"p1@contoso.com"}],"@odata.nextLink":%q}`, loop)
	s.AddFault(graphfake.Fault{Method: "GET", Path: "/groups/*/transitiveMembers/*", Status: 200, Body: body, Count: 50})
	n, err = count()
	if err == nil || !strings.Contains(err.Error(), "links back") {
		t.Fatalf("loop: %d users, %v", n, err)
	}
	if c := s.Count("GET", "/groups/*/transitiveMembers/*"); c > 10 {
		t.Fatalf("loop followed %d times", c)
	}

	s.ClearFaults()
	if _, err := count(); err != nil {
		t.Fatal(err)
	}
	if err := d.EachGroupMember(ctx, "0d1e2f30-0000-4000-8000-0000000000ff", func(mfa.User) error { return nil }); mfa.Code(err) != mfa.ENotFound {
		t.Fatalf("missing group: %v", err)
	}
}

// A member reads as the same mfa.User as FindUser gives (the listing
// decodes its pages itself): guests, external members, disabled accounts,
// mail and job included.
func TestEachGroupMemberReadsUsersAsFindUser(t *testing.T) {
	tenant := graphfake.DemoTenant()
	ids := []string{graphfake.DemoAliceID, graphfake.DemoGuestID, graphfake.DemoExternalID, graphfake.DemoDisabledID, graphfake.DemoNoMethodsID}
	tenant.Groups = append(tenant.Groups, graphfake.Group{ID: "0d1e2f30-0000-4000-8000-0000000000c2", DisplayName: "Mixed", Members: ids})
	_, d := newEnv(t, graphfake.Options{Tenant: tenant})
	got := map[string]mfa.User{}
	if err := d.EachGroupMember(ctx, "0d1e2f30-0000-4000-8000-0000000000c2", func(u mfa.User) error { got[u.ID] = u; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		want, err := d.FindUser(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if g := got[id]; !reflect.DeepEqual(g, want) {
			t.Errorf("member %+v, FindUser %+v", g, want)
		}
	}
	if !got[graphfake.DemoGuestID].Guest() || len(got[graphfake.DemoExternalID].Issuers) == 0 || got[graphfake.DemoDisabledID].AccountEnabled {
		t.Fatalf("%+v", got)
	}
}
