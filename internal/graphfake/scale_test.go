package graphfake

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"
)

// lookup is one request the reset makes for each user of a batch.
type lookup struct {
	name, method, path, body string
}

// perUserLookups are the reads (and the one POST) the reset makes for
// every user: the user, its methods, and every path to power
// (internal/graph's Privileges and IsMemberOf).
func perUserLookups(id, upn string) []lookup {
	pf := "?$filter=" + url.QueryEscape("principalId eq '"+id+"'")
	return []lookup{
		{"user", "GET", "/v1.0/users/" + id + "?$select=id,userPrincipalName,mail,displayName,accountEnabled,userType", ""},
		{"user by UPN", "GET", "/v1.0/users/" + upn, ""},
		{"user by mail", "GET", "/v1.0/users?$filter=" + url.QueryEscape("mail eq '"+upn+"'"), ""},
		{"methods", "GET", "/v1.0/users/" + id + "/authentication/methods", ""},
		{"transitiveMemberOf", "GET", "/v1.0/users/" + id + "/transitiveMemberOf?$select=id,displayName,isAssignableToRole", ""},
		{"ownedObjects", "GET", "/v1.0/users/" + id + "/ownedObjects?$select=id,displayName,isAssignableToRole,appId", ""},
		{"roleAssignments", "GET", "/v1.0/roleManagement/directory/roleAssignments" + pf + "&$expand=roleDefinition", ""},
		{"roleEligibilitySchedules", "GET", "/v1.0/roleManagement/directory/roleEligibilitySchedules" + pf + "&$expand=roleDefinition", ""},
		{"roleEligibilityScheduleInstances", "GET", "/v1.0/roleManagement/directory/roleEligibilityScheduleInstances" + pf + "&$expand=roleDefinition", ""},
		{"PIM groups eligibilitySchedules", "GET", "/v1.0/identityGovernance/privilegedAccess/group/eligibilitySchedules" + pf, ""},
		{"PIM groups eligibilityScheduleInstances", "GET", "/v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances" + pf, ""},
		{"PIM groups assignmentSchedules", "GET", "/v1.0/identityGovernance/privilegedAccess/group/assignmentSchedules" + pf, ""},
		{"PIM groups assignmentScheduleInstances", "GET", "/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleInstances" + pf, ""},
		{"checkMemberGroups", "POST", "/v1.0/users/" + id + "/checkMemberGroups", `{"groupIds":["` + DemoProtectedGroupID + `","` + DemoApproverGroupID + `"]}`},
	}
}

// serveDirect runs one request through the fake's handler, without a
// network, and fails on an error status.
func serveDirect(tb testing.TB, h http.Handler, l lookup) {
	var body *strings.Reader
	if l.body != "" {
		body = strings.NewReader(l.body)
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(l.method, l.path, body)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 300 {
		tb.Fatalf("%s %s: %d %s", l.method, l.path, rec.Code, rec.Body.String())
	}
}

// lookupTimes is, for each per-user lookup, the shortest over a few rounds
// of its mean time over 20 users spread over the tenant.
func lookupTimes(tb testing.TB, users int) map[string]time.Duration {
	s := NewUnstarted(Options{Tenant: IncidentTenant(users), MaxRequests: -1})
	h := s.Handler()
	best := map[string]time.Duration{}
	for range 5 {
		sum := map[string]time.Duration{}
		for k := range 20 {
			i := 1 + k*(users-1)/19
			for _, l := range perUserLookups(IncidentUserID("", i), IncidentUserUPN("", "", i)) {
				start := time.Now()
				serveDirect(tb, h, l)
				sum[l.name] += time.Since(start)
			}
		}
		for name, d := range sum {
			if b, ok := best[name]; !ok || d/20 < b {
				best[name] = d / 20
			}
		}
	}
	return best
}

// TestPerUserLookupsDoNotScanTheTenant: each lookup the reset makes for a
// user costs about as much in a tenant of 10,000 users as in one of 100 —
// none goes through every user or group. (Going through 10,000 users costs
// a hundred times what going through 100 does.)
func TestPerUserLookupsDoNotScanTheTenant(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 10,000 users")
	}
	small := lookupTimes(t, 100)
	large := lookupTimes(t, 10000)
	for _, l := range perUserLookups("x", "x") {
		t.Logf("%-40s %8s at 100 users, %8s at 10,000", l.name, small[l.name], large[l.name])
		// 50 µs of slack for a noisy machine.
		if large[l.name] > 4*small[l.name]+50*time.Microsecond {
			t.Errorf("%s costs %s at 10,000 users, %s at 100: it grows with the tenant", l.name, large[l.name], small[l.name])
		}
	}
}

// TestIncidentTenantListsEveryMember: the seeded group lists all its
// users, page by page, each with three methods beside the password.
func TestIncidentTenantListsEveryMember(t *testing.T) {
	s := New(Options{Tenant: IncidentTenant(2500)})
	t.Cleanup(s.Close)
	_, _, m := call(t, s, "GET", "/v1.0/groups?$filter="+url.QueryEscape("displayName eq 'Phished users'")+"&$select=id,displayName", "", false)
	if v := m["value"].([]any); len(v) != 1 || v[0].(map[string]any)["id"] != IncidentGroupID {
		t.Fatalf("group %v", m)
	}
	next := "/v1.0/groups/" + IncidentGroupID + "/transitiveMembers/microsoft.graph.user?$top=999&$select=id,userPrincipalName"
	seen := map[string]bool{}
	for next != "" {
		_, _, m := call(t, s, "GET", next, "", false)
		for _, v := range m["value"].([]any) {
			seen[v.(map[string]any)["userPrincipalName"].(string)] = true
		}
		next, _ = m["@odata.nextLink"].(string)
		next = strings.TrimPrefix(next, s.URL())
	}
	if len(seen) != 2500 || !seen["incident-00001@contoso.com"] || !seen["incident-02500@contoso.com"] {
		t.Fatalf("%d members", len(seen))
	}
	_, _, m = call(t, s, "GET", "/v1.0/users/incident-00042@contoso.com/authentication/methods", "", false)
	if v := m["value"].([]any); len(v) != 4 {
		t.Fatalf("methods %v", m)
	}
}

// BenchmarkPerUserLookups10k measures each per-user lookup in a tenant of
// 10,000 users, through the handler (no network).
func BenchmarkPerUserLookups10k(b *testing.B) {
	s := NewUnstarted(Options{Tenant: IncidentTenant(10000), MaxRequests: -1})
	h := s.Handler()
	for _, l := range perUserLookups(IncidentUserID("", 5000), IncidentUserUPN("", "", 5000)) {
		b.Run(l.name, func(b *testing.B) {
			for b.Loop() {
				serveDirect(b, h, l)
			}
		})
	}
	b.Run("member page of 999", func(b *testing.B) {
		l := lookup{"page", "GET", "/v1.0/groups/" + IncidentGroupID + "/transitiveMembers/microsoft.graph.user?$top=999&$skiptoken=skip-4995", ""}
		for b.Loop() {
			serveDirect(b, h, l)
		}
	})
}

// BenchmarkSeed10k measures seeding a tenant of 10,000 incident users and
// the heap it keeps.
func BenchmarkSeed10k(b *testing.B) {
	var keep *Server
	for b.Loop() {
		keep = NewUnstarted(Options{Tenant: IncidentTenant(10000)})
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
	runtime.KeepAlive(keep)
}
