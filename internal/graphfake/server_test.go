package graphfake

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// call sends a request and decodes a JSON answer into a map.
func call(t *testing.T, s *Server, method, path, body string, gz bool) (int, http.Header, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		if gz {
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			zw.Write([]byte(body))
			zw.Close()
			rd = &b
		} else {
			rd = strings.NewReader(body)
		}
	}
	req, _ := http.NewRequest(method, s.URL()+path, rd)
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer t0ken")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s %s: body %q is not JSON", method, path, raw)
		}
	}
	return resp.StatusCode, resp.Header, m
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func errMessage(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	c, _ := e["message"].(string)
	return c
}

func newDemo(t *testing.T, opts Options) *Server {
	opts.Tenant = DemoTenant()
	s := New(opts)
	t.Cleanup(s.Close)
	return s
}

func TestDefaultMethodCannotGoFirst(t *testing.T) {
	s := newDemo(t, Options{})
	base := "/v1.0/users/alice@contoso.com/authentication/"
	st, h, m := call(t, s, "DELETE", base+"phoneMethods/"+MobilePhoneID, "", false)
	if st != 400 || errCode(m) != "badRequest" || !strings.Contains(errMessage(m), "Cannot delete default method") {
		t.Fatalf("got %d %v", st, m)
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "application/json") || h.Get("request-id") == "" {
		t.Fatalf("headers %v", h)
	}
	inner := m["error"].(map[string]any)["innerError"].(map[string]any)
	if inner["request-id"] != h.Get("request-id") || inner["date"] == nil {
		t.Fatalf("innerError %v", inner)
	}
	// Mobile also waits for the alternate; delete the rest, then mobile goes.
	for _, p := range []string{"phoneMethods/" + AlternatePhoneID, "phoneMethods/" + OfficePhoneID,
		"microsoftAuthenticatorMethods/" + demoAuthenticator, "softwareOathMethods/b172893e-893e-b172-3e89-72b13e8972b1"} {
		if st, _, m := call(t, s, "DELETE", base+p, "", false); st != 204 {
			t.Fatalf("%s: %d %v", p, st, m)
		}
	}
	if st, _, m := call(t, s, "DELETE", base+"phoneMethods/"+MobilePhoneID, "", false); st != 204 {
		t.Fatalf("last default: %d %v", st, m)
	}
	left := s.Methods(DemoAliceID)
	if len(left) != 2 || left[0].Kind != mfa.KindPassword || left[1].Kind != mfa.KindFIDO2 {
		t.Fatalf("left %+v", left)
	}
}

func TestStrictDefaultCountsEveryMethod(t *testing.T) {
	s := newDemo(t, Options{AnyMethodBlocksDefault: true})
	// Carol: default Authenticator; delete every second factor but keep Hello, email.
	base := "/v1.0/users/" + DemoCarolID + "/authentication/"
	call(t, s, "DELETE", base+"phoneMethods/"+MobilePhoneID, "", false)
	call(t, s, "DELETE", "/beta/users/"+DemoCarolID+"/authentication/hardwareOathMethods/aad49556-fd6d-4a8a-9b44-9c4b45e4ac11", "", false)
	if st, _, _ := call(t, s, "DELETE", base+"microsoftAuthenticatorMethods/"+demoAuthenticator, "", false); st != 400 {
		t.Fatalf("strict: default deleted while Hello and email remain (%d)", st)
	}
	lax := newDemo(t, Options{})
	call(t, lax, "DELETE", base+"phoneMethods/"+MobilePhoneID, "", false)
	call(t, lax, "DELETE", "/beta/users/"+DemoCarolID+"/authentication/hardwareOathMethods/aad49556-fd6d-4a8a-9b44-9c4b45e4ac11", "", false)
	if st, _, m := call(t, lax, "DELETE", base+"microsoftAuthenticatorMethods/"+demoAuthenticator, "", false); st != 204 {
		t.Fatalf("lax: %d %v", st, m)
	}
}

func TestMobileWaitsForAlternate(t *testing.T) {
	s := newDemo(t, Options{})
	s.SetDefaultMethod(DemoAliceID, demoAuthenticator)
	st, _, m := call(t, s, "DELETE", "/v1.0/users/"+DemoAliceID+"/authentication/phoneMethods/"+MobilePhoneID, "", false)
	if st != 400 || !strings.Contains(errMessage(m), "alternate") {
		t.Fatalf("got %d %v", st, m)
	}
}

func TestNotFound(t *testing.T) {
	s := newDemo(t, Options{})
	st, _, m := call(t, s, "GET", "/v1.0/users/nobody@contoso.com", "", false)
	if st != 404 || errCode(m) != "Request_ResourceNotFound" {
		t.Fatalf("user: %d %v", st, m)
	}
	st, _, m = call(t, s, "DELETE", "/v1.0/users/"+DemoBobID+"/authentication/fido2Methods/nope", "", false)
	if st != 404 || errCode(m) != "itemNotFound" {
		t.Fatalf("method: %d %v", st, m)
	}
	st, _, m = call(t, s, "GET", "/v1.0/users/"+DemoBobID+"/manager", "", false)
	if st != 200 || m["id"] != DemoManagerID {
		t.Fatalf("manager: %d %v", st, m)
	}
	st, _, _ = call(t, s, "GET", "/v1.0/users/"+DemoManagerID+"/manager", "", false)
	if st != 404 {
		t.Fatalf("no manager: %d", st)
	}
}

func TestGenericMethodsAndPasswordRefused(t *testing.T) {
	s := newDemo(t, Options{})
	st, _, m := call(t, s, "DELETE", "/v1.0/users/"+DemoBobID+"/authentication/methods/"+demoAuthenticator, "", false)
	if st == 204 || errCode(m) != "UnknownError" || !strings.Contains(errMessage(m), "No HTTP resource was found") {
		t.Fatalf("generic: %d %v", st, m)
	}
	if st, _, _ := call(t, s, "DELETE", "/v1.0/users/"+DemoBobID+"/authentication/passwordMethods/"+PasswordMethodID, "", false); st != 405 {
		t.Fatalf("password: %d", st)
	}
	if st, _, _ := call(t, s, "DELETE", "/v1.0/users/"+DemoCarolID+"/authentication/hardwareOathMethods/aad49556-fd6d-4a8a-9b44-9c4b45e4ac11", "", false); st != 400 {
		t.Fatalf("hardware OATH on v1.0: %d", st)
	}
	if n := len(s.Methods(DemoBobID)); n != 2 {
		t.Fatalf("bob has %d methods", n)
	}
}

func TestTAPLifetime(t *testing.T) {
	s := newDemo(t, Options{})
	path := "/v1.0/users/bob%40contoso.com/authentication/temporaryAccessPassMethods"
	for _, bad := range []int{9, 43201} {
		st, _, m := call(t, s, "POST", path, `{"lifetimeInMinutes":`+itoa(bad)+`}`, false)
		if st != 400 || errCode(m) != "badRequest" {
			t.Fatalf("lifetime %d: %d %v", bad, st, m)
		}
	}
	st, _, m := call(t, s, "POST", path, `{"@odata.type":"#microsoft.graph.temporaryAccessPassAuthenticationMethod","isUsableOnce":true,"lifetimeInMinutes":60}`, false)
	if st != 201 || m["temporaryAccessPass"] == nil || m["lifetimeInMinutes"] != float64(60) || m["isUsableOnce"] != true {
		t.Fatalf("create: %d %v", st, m)
	}
	first := m["id"]
	if st, _, _ := call(t, s, "POST", path, `{"lifetimeInMinutes":120}`, false); st != 201 {
		t.Fatalf("second pass: %d", st)
	}
	taps := 0
	for _, x := range s.Methods(DemoBobID) {
		if x.Kind == mfa.KindTAP {
			taps++
			if x.ID == first {
				t.Fatal("the new pass did not replace the old")
			}
		}
	}
	if taps != 1 {
		t.Fatalf("%d passes", taps)
	}
	// A read never shows the value.
	_, _, list := call(t, s, "GET", "/v1.0/users/"+DemoBobID+"/authentication/methods", "", false)
	for _, it := range list["value"].([]any) {
		if v := it.(map[string]any)["temporaryAccessPass"]; v != nil {
			t.Fatalf("pass listed: %v", v)
		}
	}
}

// TestCompressedWritesAreRefused: Graph documents no endpoint that takes a
// gzip request body; Microsoft's SDK design expects 415 from one that does
// not (or 400 "Unable to read JSON request payload"), so the fake answers
// 415 to every compressed write and records that it was compressed.
func TestCompressedWritesAreRefused(t *testing.T) {
	s := newDemo(t, Options{})
	for _, path := range []string{
		"/v1.0/users/bob%40contoso.com/authentication/temporaryAccessPassMethods",
		"/v1.0/users/" + DemoBobID + "/revokeSignInSessions",
		"/v1.0/users/" + DemoBobID + "/sendMail",
	} {
		st, _, m := call(t, s, "POST", path, `{"lifetimeInMinutes":60}`, true)
		if st != http.StatusUnsupportedMediaType || errCode(m) == "" {
			t.Errorf("%s: %d %v", path, st, m)
		}
	}
	for _, r := range s.Requests() {
		if !r.Gzip {
			t.Fatalf("gzip not recorded: %+v", r)
		}
	}
	if s.Revocations(DemoBobID) != 0 || len(s.Mails()) != 0 {
		t.Fatal("a refused write was carried out")
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestGzipGarbageIsRefused(t *testing.T) {
	s := newDemo(t, Options{})
	req, _ := http.NewRequest("POST", s.URL()+"/v1.0/users/"+DemoBobID+"/authentication/temporaryAccessPassMethods", strings.NewReader(`{"lifetimeInMinutes":60}`))
	req.Header.Set("Content-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestTokenFaultsAndLog(t *testing.T) {
	s := newDemo(t, Options{RequireToken: "t0ken"})
	req, _ := http.NewRequest("GET", s.URL()+"/v1.0/users/"+DemoBobID, nil)
	resp, _ := http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("no token: %d", resp.StatusCode)
	}
	s.AddFault(Fault{Method: "GET", Path: "/users/*", Status: 429, RetryAfter: "2.128", Count: 2})
	for i := 0; i < 2; i++ {
		st, h, m := call(t, s, "GET", "/v1.0/users/"+DemoBobID, "", false)
		if st != 429 || h.Get("Retry-After") != "2.128" || errCode(m) != "TooManyRequests" {
			t.Fatalf("fault %d: %d %v", i, st, m)
		}
	}
	st, _, m := call(t, s, "GET", "/v1.0/users/"+DemoBobID+"?$select=id,accountEnabled", "", false)
	if st != 200 || m["accountEnabled"] != true || m["displayName"] != nil {
		t.Fatalf("after the storm: %d %v", st, m)
	}
	if s.Count("GET", "/users/*") != 4 || s.CallCount() != 4 || s.Requests()[3].Authorization != "Bearer" {
		t.Fatalf("log %+v", s.Requests())
	}
}

func TestPrivilegeEndpoints(t *testing.T) {
	s := newDemo(t, Options{})
	_, _, m := call(t, s, "GET", "/v1.0/users/"+DemoBreakGlassID+"/transitiveMemberOf/graph.directoryRole", "", false)
	if v := m["value"].([]any); len(v) != 1 || v[0].(map[string]any)["displayName"] != "Global Administrator" {
		t.Fatalf("roles %v", m)
	}
	_, _, m = call(t, s, "GET", "/v1.0/users/"+DemoTierZeroID+"/transitiveMemberOf/microsoft.graph.group", "", false)
	if v := m["value"].([]any); len(v) != 1 || v[0].(map[string]any)["isAssignableToRole"] != true {
		t.Fatalf("groups %v", m)
	}
	_, _, m = call(t, s, "GET", "/v1.0/users/"+DemoGroupOwnerID+"/ownedObjects/graph.group", "", false)
	if v := m["value"].([]any); len(v) != 1 {
		t.Fatalf("owned %v", m)
	}
	_, _, m = call(t, s, "GET", "/v1.0/roleManagement/directory/roleEligibilityScheduleInstances?$filter=principalId+eq+'"+DemoEligibleID+"'&$expand=roleDefinition", "", false)
	if v := m["value"].([]any); len(v) != 1 || v[0].(map[string]any)["roleDefinition"].(map[string]any)["displayName"] != "Privileged Role Administrator" {
		t.Fatalf("eligible %v", m)
	}
	_, _, m = call(t, s, "POST", "/v1.0/users/"+DemoAgentID+"/checkMemberGroups", `{"groupIds":["`+DemoHelpdeskGroupID+`","`+DemoApproverGroupID+`"]}`, false)
	if v := m["value"].([]any); len(v) != 1 || v[0] != DemoHelpdeskGroupID {
		t.Fatalf("checkMemberGroups %v", m)
	}
}

func TestLatency(t *testing.T) {
	s := newDemo(t, Options{})
	s.SetLatency(40 * time.Millisecond)
	start := time.Now()
	if st, _, _ := call(t, s, "GET", "/v1.0/users/"+DemoBobID, "", false); st != 200 {
		t.Fatalf("status %d", st)
	}
	if d := time.Since(start); d < 40*time.Millisecond {
		t.Fatalf("answered in %s", d)
	}
}
