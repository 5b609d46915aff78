package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

var ctx = context.Background()

func newEnv(t *testing.T, opts graphfake.Options) (*graphfake.Server, *graph.Directory) {
	t.Helper()
	if opts.Tenant.Users == nil {
		opts.Tenant = graphfake.DemoTenant()
	}
	s := graphfake.New(opts)
	t.Cleanup(s.Close)
	d, err := graph.NewAnonymous(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	return s, d
}

func dirErr(t *testing.T, err error) *mfa.DirectoryError {
	t.Helper()
	var de *mfa.DirectoryError
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a DirectoryError", err, err)
	}
	return de
}

func TestFindUser(t *testing.T) {
	_, d := newEnv(t, graphfake.Options{})
	for _, key := range []string{"alice@contoso.com", "ALICE@contoso.com", graphfake.DemoAliceID} {
		u, err := d.FindUser(ctx, key)
		if err != nil || u.ID != graphfake.DemoAliceID || u.DisplayName != "Alice Example" || u.Department != "Sales" ||
			u.JobTitle != "Account Executive" || !u.AccountEnabled || u.UserType != "Member" {
			t.Fatalf("%s: %+v %v", key, u, err)
		}
	}
	// A mail that is not a UPN goes through $filter.
	u, err := d.FindUser(ctx, "gus@fabrikam.com")
	if err != nil || u.ID != graphfake.DemoGuestID || !u.Guest() {
		t.Fatalf("by mail: %+v %v", u, err)
	}
	if u, err := d.FindUser(ctx, "gus_fabrikam.com#EXT#@contoso.com"); err != nil || u.ID != graphfake.DemoGuestID {
		t.Fatalf("guest UPN: %+v %v", u, err)
	}
	if u, _ := d.FindUser(ctx, "dan@contoso.com"); u.AccountEnabled {
		t.Fatal("disabled user reads as enabled")
	}
	_, err = d.FindUser(ctx, "nobody@contoso.com")
	if mfa.Code(err) != mfa.ENotFound || !strings.Contains(mfa.Message(err), "nobody@contoso.com") {
		t.Fatalf("unknown: %v", err)
	}
}

func TestListMethodsMasksPhones(t *testing.T) {
	_, d := newEnv(t, graphfake.Options{})
	ms, err := d.ListMethods(ctx, graphfake.DemoAliceID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, m := range ms {
		kinds = append(kinds, string(m.Kind)+":"+m.PhoneType)
	}
	want := []string{"password:", "phone:mobile", "phone:alternateMobile", "phone:office", "microsoftAuthenticator:", "softwareOath:", "fido2:"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("kinds %v", kinds)
	}
	if ms[1].Label != "+1 ••• ••• 5555" || ms[4].Label != "Alice's iPhone" || ms[1].ID != graphfake.MobilePhoneID {
		t.Fatalf("labels %+v", ms)
	}
	carol, err := d.ListMethods(ctx, graphfake.DemoCarolID)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := json.Marshal(append(ms, carol...))
	for _, full := range []string{"2065555555", "2065555556", "2065555557", "7700900123", "carol.home"} {
		if strings.Contains(string(all), full) {
			t.Fatalf("%s leaked: %s", full, all)
		}
	}
	byKind := map[mfa.MethodKind]mfa.Method{}
	for _, m := range carol {
		byKind[m.Kind] = m
	}
	if byKind[mfa.KindHardwareOATH].Label != "Token 1234" || byKind[mfa.KindEmail].Label != "c•••@example.com" ||
		byKind[mfa.KindWindowsHello].Label != "Carol's Surface" || byKind[mfa.KindPhone].Label != "+44 ••• ••• 0123" {
		t.Fatalf("carol %+v", carol)
	}
}

// TestHardwareOATHTokensAreListedThroughBeta: v1.0 does not list them, so
// the beta collection is read beside it; when it cannot be (a missing
// permission, a cloud without the beta API) the other methods come back
// with an error that names the tokens as unchecked.
func TestHardwareOATHTokensAreListedThroughBeta(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	ms, err := d.ListMethods(ctx, graphfake.DemoCarolID)
	if err != nil || !slices.ContainsFunc(ms, func(m mfa.Method) bool { return m.Kind == mfa.KindHardwareOATH && m.Label == "Token 1234" }) {
		t.Fatalf("%v %+v", err, ms)
	}
	if s.Count("GET", "/users/*/authentication/hardwareOathMethods") != 1 {
		t.Fatal("beta collection not read")
	}
	for _, status := range []int{403, 400} {
		s.FailNext("GET", "/users/*/authentication/hardwareOathMethods", status, "")
		ms, err = d.ListMethods(ctx, graphfake.DemoCarolID)
		var inc *mfa.IncompleteListError
		if !errors.As(err, &inc) || inc.Kind != mfa.KindHardwareOATH || len(ms) != 5 {
			t.Fatalf("%d: %v %+v", status, err, ms)
		}
		if status == 403 && !strings.Contains(inc.Human(), graph.PermHardwareOATH) {
			t.Fatalf("403 does not name the permission: %s", inc.Human())
		}
	}
}

func TestDeleteUsesTypedCollections(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	ms, _ := d.ListMethods(ctx, graphfake.DemoCarolID)
	// The default (Authenticator) last.
	slices.SortStableFunc(ms, func(a, b mfa.Method) int {
		if a.Kind == mfa.KindAuthenticator {
			return 1
		}
		if b.Kind == mfa.KindAuthenticator {
			return -1
		}
		return 0
	})
	for _, m := range ms {
		if m.Kind == mfa.KindPassword {
			if err := d.DeleteMethod(ctx, graphfake.DemoCarolID, m); mfa.Code(err) != mfa.EInvalid {
				t.Fatalf("password: %v", err)
			}
			continue
		}
		if err := d.DeleteMethod(ctx, graphfake.DemoCarolID, m); err != nil {
			t.Fatalf("%s: %v", m.Describe(), err)
		}
	}
	if left := s.Methods(graphfake.DemoCarolID); len(left) != 1 || left[0].Kind != mfa.KindPassword {
		t.Fatalf("left %+v", left)
	}
	var paths []string
	for _, r := range s.Requests() {
		if r.Method == "DELETE" {
			paths = append(paths, r.Path)
		}
	}
	want := []string{
		"/v1.0/users/" + graphfake.DemoCarolID + "/authentication/phoneMethods/" + graphfake.MobilePhoneID,
		"/v1.0/users/" + graphfake.DemoCarolID + "/authentication/windowsHelloForBusinessMethods/b5e01f81-1f81-b5e0-811f-e0b5811fe0b5",
		"/v1.0/users/" + graphfake.DemoCarolID + "/authentication/emailMethods/" + graphfake.EmailMethodID,
		"/beta/users/" + graphfake.DemoCarolID + "/authentication/hardwareOathMethods/aad49556-fd6d-4a8a-9b44-9c4b45e4ac11",
		"/v1.0/users/" + graphfake.DemoCarolID + "/authentication/microsoftAuthenticatorMethods/6803c096-c096-6803-96c0-036896c00368",
	}
	if !slices.Equal(paths, want) {
		t.Fatalf("DELETE paths\n got %q\nwant %q", paths, want)
	}
}

func TestDeleteErrors(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	err := d.DeleteMethod(ctx, graphfake.DemoBobID, mfa.Method{Kind: mfa.KindFIDO2, ID: "gone"})
	if de := dirErr(t, err); de.Reason != mfa.ReasonNotFound || de.Code != "itemNotFound" || !de.NotFound() || de.RequestID == "" {
		t.Fatalf("missing: %+v", de)
	}
	err = d.DeleteMethod(ctx, graphfake.DemoAliceID, mfa.Method{Kind: mfa.KindPhone, ID: graphfake.MobilePhoneID, PhoneType: mfa.PhoneMobile})
	de := dirErr(t, err)
	if de.Reason != mfa.ReasonDefaultMethod || de.Code != "badRequest" || !strings.Contains(de.Message, "Cannot delete default method") || mfa.Code(err) != mfa.EInvalid {
		t.Fatalf("default: %+v", de)
	}
	s.FailNext("DELETE", "/users/*/authentication/fido2Methods/*", 403, "")
	err = d.DeleteMethod(ctx, graphfake.DemoAliceID, mfa.Method{Kind: mfa.KindFIDO2, ID: "-2_GRUg2-HYz6_1YG4YRAQ2"})
	if de := dirErr(t, err); de.Reason != mfa.ReasonForbidden || de.Permission != "UserAuthenticationMethod.ReadWrite.All" ||
		!strings.Contains(mfa.Message(err), "UserAuthenticationMethod.ReadWrite.All") {
		t.Fatalf("403: %+v", de)
	}
}

// TestDefaultMethodIsRecognisedByItsError: only Graph's default-method
// refusal is the default-method rule; any other bad request is Graph
// refusing the call, reported with its own message.
func TestDefaultMethodIsRecognisedByItsError(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	phone := mfa.Method{Kind: mfa.KindPhone, ID: graphfake.OfficePhoneID, PhoneType: mfa.PhoneOffice}
	for _, tc := range []struct {
		body string
		want mfa.DirectoryReason
	}{
		{`{"error":{"code":"badRequest","message":"Cannot delete default method with other methods configured. Please change default method before deletion."}}`, mfa.ReasonDefaultMethod},
		{`{"error":{"code":"badRequest","message":"The requested authentication method id of [e37fc753-ff3b-4958-9484-eaa9425c82bc] matches the user's current default authentication method, and cannot be deleted until the default authentication method is changed"}}`, mfa.ReasonDefaultMethod},
		{`{"error":{"code":"badRequest","message":"Invalid phone method id."}}`, mfa.ReasonRejected},
		{`{"error":{"code":"invalidRequest","message":"Cannot delete default method"}}`, mfa.ReasonRejected},
	} {
		s.FailNext("DELETE", "/users/*/authentication/phoneMethods/*", 400, tc.body)
		err := d.DeleteMethod(ctx, graphfake.DemoAliceID, phone)
		de := dirErr(t, err)
		if de.Reason != tc.want {
			t.Errorf("%s: reason %s, want %s", tc.body, de.Reason, tc.want)
		}
		if tc.want == mfa.ReasonRejected && !strings.Contains(mfa.Message(err), de.Message) {
			t.Errorf("message %q does not report Graph's %q", mfa.Message(err), de.Message)
		}
	}
}

func TestMalformedErrorBodiesDoNotPanic(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	for _, tc := range []struct {
		body   string
		status int
		reason mfa.DirectoryReason
		code   string
	}{
		{`{"error":{"code":"badRequest"}}`, 400, mfa.ReasonRejected, "badRequest"},
		{`{}`, 400, mfa.ReasonRejected, ""},
		{"-", 404, mfa.ReasonNotFound, ""},
		{`{"error":{"message":"no code"}}`, 500, mfa.ReasonUnavailable, ""},
	} {
		s.FailNext("GET", "/users/*/authentication/methods", tc.status, tc.body)
		_, err := d.ListMethods(ctx, graphfake.DemoBobID)
		de := dirErr(t, err)
		if de.Reason != tc.reason || de.Code != tc.code || de.Error() == "" || mfa.Message(err) == "" {
			t.Fatalf("%s: %+v", tc.body, de)
		}
	}
}

func TestThrottlingStormSurfaces(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	s.AddFault(graphfake.Fault{Path: "/users/*/revokeSignInSessions", Status: 429, RetryAfter: "0", Count: -1})
	err := d.RevokeSessions(ctx, graphfake.DemoBobID)
	if de := dirErr(t, err); de.Reason != mfa.ReasonThrottled || de.Code != "TooManyRequests" || mfa.Code(err) != mfa.ERateLimited {
		t.Fatalf("storm: %+v", de)
	}
	if n := s.Count("POST", "/users/*/revokeSignInSessions"); n != 4 {
		t.Fatalf("%d attempts, want 4", n)
	}
}

func TestServerErrorMidPlan(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	s.FailNext("DELETE", "/users/*/authentication/phoneMethods/*", 500, "")
	err := d.DeleteMethod(ctx, graphfake.DemoAliceID, mfa.Method{Kind: mfa.KindPhone, ID: graphfake.OfficePhoneID})
	if de := dirErr(t, err); de.Reason != mfa.ReasonUnavailable || mfa.Code(err) != mfa.EUnavailable {
		t.Fatalf("500: %+v", de)
	}
}

func TestRevokeSessions(t *testing.T) {
	for _, noContent := range []bool{false, true} {
		s, d := newEnv(t, graphfake.Options{RevokeNoContent: noContent})
		if err := d.RevokeSessions(ctx, graphfake.DemoBobID); err != nil {
			t.Fatalf("204=%v: %v", noContent, err)
		}
		if s.Revocations(graphfake.DemoBobID) != 1 {
			t.Fatal("not revoked")
		}
		want := 200
		if noContent {
			want = 204
		}
		if r := s.Requests(); r[len(r)-1].Status != want {
			t.Fatalf("status %d", r[len(r)-1].Status)
		}
	}
}

func TestCreateTAP(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	before := time.Now().UTC()
	tap, err := d.CreateTAP(ctx, graphfake.DemoAliceID, mfa.TAPRequest{Lifetime: 90 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if len(tap.Value) != 8 || tap.OneTime || tap.ExpiresAt.Before(before.Add(89*time.Minute)) || tap.ExpiresAt.After(before.Add(91*time.Minute)) {
		t.Fatalf("tap %+v", tap)
	}
	ms := s.Methods(graphfake.DemoAliceID)
	if ms[len(ms)-1].Kind != mfa.KindTAP || ms[len(ms)-1].Lifetime != 90*time.Minute {
		t.Fatalf("fake has %+v", ms[len(ms)-1])
	}
	_, err = d.CreateTAP(ctx, graphfake.DemoAliceID, mfa.TAPRequest{Lifetime: 5 * time.Minute})
	if de := dirErr(t, err); de.Reason != mfa.ReasonRejected {
		t.Fatalf("short lifetime: %+v", de)
	}
}

func TestMembershipManagerMail(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	if in, err := d.IsMemberOf(ctx, graphfake.DemoAgentID, graphfake.DemoHelpdeskGroupID); err != nil || !in {
		t.Fatalf("agent in helpdesk: %v %v", in, err)
	}
	if in, err := d.IsMemberOf(ctx, graphfake.DemoAgentID, graphfake.DemoApproverGroupID); err != nil || in {
		t.Fatalf("agent in approvers: %v %v", in, err)
	}
	s.FailNext("POST", "/users/*/checkMemberGroups", 403, "")
	if _, err := d.IsMemberOf(ctx, graphfake.DemoAgentID, graphfake.DemoHelpdeskGroupID); dirErr(t, err).Permission != "GroupMember.Read.All" {
		t.Fatalf("403: %v", err)
	}
	m, err := d.Manager(ctx, graphfake.DemoAliceID)
	if err != nil || m.ID != graphfake.DemoManagerID || m.UPN != "mona@contoso.com" {
		t.Fatalf("manager %+v %v", m, err)
	}
	if _, err := d.Manager(ctx, graphfake.DemoManagerID); mfa.Code(err) != mfa.ENotFound {
		t.Fatalf("no manager: %v", err)
	}
	if err := d.SendMail(ctx, "mona@contoso.com", []string{"alice@contoso.com"}, "Your MFA was reset", "Hello"); err != nil {
		t.Fatal(err)
	}
	mails := s.Mails()
	if len(mails) != 1 || mails[0].From != "mona@contoso.com" || mails[0].To[0] != "alice@contoso.com" || mails[0].Body != "Hello" || mails[0].ContentType != "text" {
		t.Fatalf("mails %+v", mails)
	}
}

// staticCredential hands out one token and records the scopes asked for.
type staticCredential struct {
	token  string
	mu     sync.Mutex
	scopes []string
}

func (c *staticCredential) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scopes = o.Scopes
	return azcore.AccessToken{Token: c.token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestTokenReachesAConfiguredHost(t *testing.T) {
	tenant := graphfake.DemoTenant()
	fake := graphfake.NewUnstarted(graphfake.Options{Tenant: tenant, RequireToken: "tok-123"})
	ts := httptest.NewTLSServer(fake.Handler())
	t.Cleanup(ts.Close)
	cred := &staticCredential{token: "tok-123"}
	d, err := graph.New(graph.Config{BaseURL: ts.URL, Credential: cred, HTTPClient: ts.Client()})
	if err != nil {
		t.Fatal(err)
	}
	u, err := d.FindUser(ctx, "bob@contoso.com")
	if err != nil || u.ID != graphfake.DemoBobID {
		t.Fatalf("%+v %v", u, err)
	}
	// The retried, compressed POST also carries the token.
	fake.AddFault(graphfake.Fault{Method: "POST", Status: 503, RetryAfter: "0", Count: 1})
	if err := d.RevokeSessions(ctx, graphfake.DemoBobID); err != nil {
		t.Fatal(err)
	}
	if n := fake.Count("POST", "/users/*/revokeSignInSessions"); n != 2 {
		t.Fatalf("%d revoke attempts, want 2", n)
	}
	for _, r := range fake.Requests() {
		if r.Authorization != "Bearer" {
			t.Fatalf("request without token: %+v", r)
		}
	}
	if want := []string{ts.URL + "/.default"}; !slices.Equal(cred.scopes, want) {
		t.Fatalf("scopes %v, want %v", cred.scopes, want)
	}
	// With another token the fake refuses, so the check above can fail.
	other, _ := graph.New(graph.Config{BaseURL: ts.URL, Credential: &staticCredential{token: "other"}, HTTPClient: ts.Client()})
	if _, err := other.FindUser(ctx, "bob@contoso.com"); !mfa.IsDirectoryReason(err, mfa.ReasonUnauthenticated) || mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("wrong token: %v", err)
	}
}

func TestPermissionsTable(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range graph.Permissions {
		if p.Feature == "" || p.Permission == "" || p.Why == "" || seen[p.Permission] {
			t.Fatalf("bad row %+v", p)
		}
		seen[p.Permission] = true
	}
	for _, p := range []string{graph.PermMethodsWrite, graph.PermRevokeSessions, graph.PermRoleRead, graph.PermGroupMemberRead, graph.PermUserRead} {
		if !seen[p] {
			t.Fatalf("%s missing", p)
		}
	}
}
