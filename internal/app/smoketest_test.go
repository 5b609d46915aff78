package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/cli"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/wiring"
)

var requestIDLine = regexp.MustCompile(`(?m)^      request-id [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}`)

// auditOf returns the audit records of the wiring's store.
func auditOf(t *testing.T, w *wiring.Wiring) []mfa.AuditRecord {
	t.Helper()
	recs, err := w.Store.AuditRecords(context.Background(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// writes are the fake's requests that change something.
func writes(fake *graphfake.Server) []string {
	var out []string
	for _, r := range fake.Requests() {
		if r.Method != "GET" && !strings.HasSuffix(r.Path, "/checkMemberGroups") {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// phones are the phone methods the fake has for a user.
func phones(fake *graphfake.Server, userID string) []graphfake.Method {
	var out []graphfake.Method
	for _, m := range fake.Methods(userID) {
		if m.Kind == mfa.KindPhone {
			out = append(out, m)
		}
	}
	return out
}

func TestCheckWriteSmokeTestPassesOnAPlainMember(t *testing.T) {
	w, fake, _, _ := cliEnv(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := smokeTest(ctx, w, w.Config, "nora@contoso.com", &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{"ok    1. refuse anything but a plain member", "ok    2. register the test phone +1 ••• ••• 0100 (mobile): registered",
		"ok    3. reset through mfabot's reset service", "completed: 1 method(s) removed", "ok    4. verify the test phone is gone",
		"ok    5. clean up: nothing left", "The smoke test passed"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	// Every step that called Graph shows the request-id of its last call.
	if n := len(requestIDLine.FindAllString(s, -1)); n != 4 {
		t.Errorf("%d request-id lines, want 4:\n%s", n, s)
	}
	if strings.Contains(s, "2065550100") {
		t.Fatalf("full test number shown:\n%s", s)
	}
	if ms := phones(fake, graphfake.DemoNoMethodsID); len(ms) != 0 {
		t.Fatalf("left on the test account: %+v", ms)
	}
	var posted, deleted bool
	for _, r := range fake.Requests() {
		posted = posted || r.Method == "POST" && strings.HasSuffix(r.Path, "/authentication/phoneMethods") && r.Status == 201
		deleted = deleted || r.Method == "DELETE" && strings.Contains(r.Path, "/authentication/phoneMethods/"+graphfake.MobilePhoneID) && r.Status == 204
	}
	if !posted || !deleted {
		t.Fatalf("phone posted %v, deleted by the reset %v", posted, deleted)
	}
	// The audit records the run as an operator smoke test.
	var steps []string
	var requested, approved, alerted bool
	for _, r := range auditOf(t, w) {
		switch {
		case r.Type == mfa.AuditAlert && r.Detail["kind"] == "smoke_test":
			alerted = true
		case r.Type == mfa.AuditSmokeTest && r.Target == "nora@contoso.com":
			steps = append(steps, r.Detail["step"])
		case r.Type == mfa.AuditRequested && r.Detail["smokeTest"] == "true":
			requested = true
		case r.Type == mfa.AuditApproved && r.Detail["smokeTest"] == "true" && strings.Contains(r.Detail["note"], "smoke test"):
			approved = true
		}
	}
	if strings.Join(steps, ",") != "started,passed" || !requested || !approved || !alerted {
		t.Fatalf("audit: smoke_test steps %v, requested marked %v, approved marked %v, security alerted %v", steps, requested, approved, alerted)
	}
	// mfabot audit export --kind smoke_test shows it.
	var exp bytes.Buffer
	if n, err := cli.ExportAuditKind(ctx, &exp, w.Store, 0, mfa.AuditSmokeTest); err != nil || n != 2 ||
		!strings.Contains(exp.String(), `"step":"started"`) || !strings.Contains(exp.String(), `"step":"passed"`) {
		t.Fatalf("export --kind smoke_test: %d %v\n%s", n, err, exp.String())
	}
	// It does not use up the test account's per-target limit (1): a second
	// run needs no override, and neither would a real reset.
	out.Reset()
	if err := smokeTest(ctx, w, w.Config, "nora@contoso.com", &out); err != nil {
		t.Fatalf("second run: %v\n%s", err, out.String())
	}
}

func TestCheckWriteRefusesAnyAccountButAPlainMember(t *testing.T) {
	for upn, why := range map[string]string{
		"gloria@contoso.com":                 "Global Administrator",
		"eli@contoso.com":                    "eligible (PIM)",
		"breakglass@contoso.com":             "break-glass",
		"ada@contoso.com":                    "mfabot's own groups",
		"rita@contoso.com":                   "role-assignable group",
		"andy@contoso.com":                   "owns",
		"gus_fabrikam.com#EXT#@contoso.com":  `userType is "Guest", not Member`,
		"xena_fabrikam.com#EXT#@contoso.com": "external member",
		"dan@contoso.com":                    "the account is disabled",
	} {
		t.Run(upn, func(t *testing.T) {
			w, fake, _, _ := cliEnv(t)
			var out bytes.Buffer
			err := smokeTest(context.Background(), w, w.Config, upn, &out)
			if err == nil || !strings.Contains(err.Error(), "step 1, refuse anything but a plain member") ||
				!strings.Contains(out.String(), "FAIL  1. refuse anything but a plain member") || !strings.Contains(out.String(), why) {
				t.Fatalf("not refused with %q: %v\n%s", why, err, out.String())
			}
			if ws := writes(fake); len(ws) > 0 {
				t.Fatalf("refused account was written to: %v", ws)
			}
			var refused bool
			for _, r := range auditOf(t, w) {
				refused = refused || r.Type == mfa.AuditSmokeTest && r.Detail["step"] == "refused"
				if r.Type == mfa.AuditRequested {
					t.Fatalf("a reset was requested: %+v", r)
				}
			}
			if !refused {
				t.Fatal("the refusal is not audited")
			}
		})
	}
}

func TestCheckWriteStopsWhenThePhoneCannotBeRegistered(t *testing.T) {
	w, fake, _, _ := cliEnv(t)
	fake.AddFault(graphfake.Fault{Method: "POST", Path: "/users/*/authentication/phoneMethods", Status: 403, Count: -1})
	var out bytes.Buffer
	err := smokeTest(context.Background(), w, w.Config, "nora@contoso.com", &out)
	s := out.String()
	if err == nil || !strings.Contains(err.Error(), "step 2, register the test phone") ||
		!strings.Contains(s, "FAIL  2. register the test phone") || !strings.Contains(s, "UserAuthenticationMethod.ReadWrite.All") {
		t.Fatalf("registration failure not reported: %v\n%s", err, s)
	}
	// The failed call's request-id is shown too.
	if !requestIDLine.MatchString(s[strings.Index(s, "FAIL  2."):]) {
		t.Fatalf("no request-id for the failed step:\n%s", s)
	}
	if strings.Contains(s, "3. reset") {
		t.Fatalf("went on after the failed step:\n%s", s)
	}
	rs, lerr := w.Store.ListRequests(context.Background(), mfa.RequestFilter{})
	if lerr != nil || len(rs) != 0 {
		t.Fatalf("a reset request was made: %v %v", rs, lerr)
	}
	var failed bool
	for _, r := range auditOf(t, w) {
		failed = failed || r.Type == mfa.AuditSmokeTest && r.Detail["step"] == "failed" && strings.Contains(r.Detail["failedAt"], "step 2")
	}
	if !failed {
		t.Fatal("the failure is not audited")
	}
}

func TestCheckWriteCleansUpWhenTheResetFails(t *testing.T) {
	w, fake, _, _ := cliEnv(t)
	fake.AddFault(graphfake.Fault{Method: "DELETE", Path: "/users/*/authentication/phoneMethods/*", Status: 403, Count: 1})
	var out bytes.Buffer
	err := smokeTest(context.Background(), w, w.Config, "nora@contoso.com", &out)
	s := out.String()
	if err == nil || !strings.Contains(err.Error(), "step 3, reset") || !strings.Contains(s, "ok    5. clean up: the test phone was removed") {
		t.Fatalf("reset failure: %v\n%s", err, s)
	}
	if ms := phones(fake, graphfake.DemoNoMethodsID); len(ms) != 0 {
		t.Fatalf("left on the test account: %+v", ms)
	}
}

// --write stands before or after the account; anything else is a usage
// error, and without --write check stays read-only (TestCheckPassesAndNamesAMissingPermission).
func TestCheckWriteArguments(t *testing.T) {
	for _, args := range [][]string{{"--write"}, {"a@contoso.com", "b@contoso.com", "--write"}, {"--write", "--force", "a@contoso.com"}} {
		var ue *usageError
		if err := runCheck(context.Background(), args, io.Discard); !errors.As(err, &ue) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	for _, args := range [][]string{{"--write", "a@contoso.com"}, {"a@contoso.com", "--write"}} {
		t.Setenv("MFABOT_OPERATOR", "")
		var ue *usageError
		if err := runCheck(context.Background(), args, io.Discard); err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), "MFABOT_OPERATOR") {
			t.Errorf("%q: %v, want the configuration refused (no operator), not a usage error", args, err)
		}
	}
}
