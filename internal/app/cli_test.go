package app

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/cli"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlite"
	"github.com/mfabot/mfabot/internal/wiring"
)

// cliEnv is the CLI's wiring over the fake Graph with the real SDK client.
func cliEnv(t *testing.T) (*wiring.Wiring, *graphfake.Server, *bytes.Buffer, string) {
	t.Helper()
	fake := graphfake.New(graphfake.Options{Tenant: graphfake.DemoTenant()})
	t.Cleanup(fake.Close)
	dir, err := graph.NewAnonymous(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "mfabot.db")
	cfg := demoConfig(db)
	cfg.Operator = "ada@contoso.com"
	var term bytes.Buffer
	w, err := wiring.New(context.Background(), cfg, slog.New(slog.DiscardHandler), dir, dir, terminalNotifier(&term))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, fake, &term, db
}

func TestCLIShowThroughGraph(t *testing.T) {
	w, _, _, _ := cliEnv(t)
	var out bytes.Buffer
	if err := cliShow(context.Background(), w, w.Config, "alice@contoso.com", &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"Alice Example", "Account Executive", "REMOVE  Mobile phone +1 ••• ••• 5555", "kept    FIDO2", "Policy: allowed"} {
		if !strings.Contains(s, want) {
			t.Errorf("show lacks %q:\n%s", want, s)
		}
	}
	if regexp.MustCompile(`\+1 ?\d{10}`).MatchString(s) {
		t.Fatalf("full phone number shown:\n%s", s)
	}
	out.Reset()
	if err := cliShow(context.Background(), w, w.Config, "gloria@contoso.com", &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "REFUSED") || !strings.Contains(out.String(), "Global Administrator") {
		t.Fatalf("protected target:\n%s", out.String())
	}
}

func TestCLIResetThroughGraph(t *testing.T) {
	w, fake, term, _ := cliEnv(t)
	var out bytes.Buffer
	err := cliReset(context.Background(), w, w.Config, resetArgs{target: "alice@contoso.com", reason: "lost phone", tap: true}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "State:         completed") {
		t.Fatalf("reset:\n%s", out.String())
	}
	for _, m := range fake.Methods(graphfake.DemoAliceID) {
		if m.Kind == mfa.KindPhone || m.Kind == mfa.KindAuthenticator || m.Kind == mfa.KindSoftwareOATH {
			t.Errorf("%s still registered", m.Kind)
		}
	}
	if fake.Revocations(graphfake.DemoAliceID) != 1 {
		t.Error("sessions not revoked")
	}
	tap := regexp.MustCompile(`\): (\S+)\n`).FindStringSubmatch(term.String())
	if tap == nil || strings.Contains(out.String(), tap[1]) {
		t.Fatalf("TAP shown on the terminal once and only there? term=%q", term.String())
	}
	// No generic methods/{id} delete, every delete typed.
	for _, r := range fake.Requests() {
		if r.Method == "DELETE" && strings.Contains(r.Path, "/authentication/methods/") {
			t.Fatalf("generic delete %s", r.Path)
		}
	}
	// The audit holds the operator, and no TAP value.
	var exp bytes.Buffer
	if _, err := cli.ExportAudit(context.Background(), &exp, w.Store, 0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(exp.String(), "operator CLI") || strings.Contains(exp.String(), tap[1]) {
		t.Fatalf("audit export:\n%s", exp.String())
	}
	// A protected target is refused by the CLI too.
	out.Reset()
	err = cliReset(context.Background(), w, w.Config, resetArgs{target: "breakglass@contoso.com", reason: "x"}, &out)
	if mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("break-glass: %v", err)
	}
}

func TestAuditVerifyDetectsAnEdit(t *testing.T) {
	w, _, _, db := cliEnv(t)
	var out bytes.Buffer
	if err := cliReset(context.Background(), w, w.Config, resetArgs{target: "bob@contoso.com", reason: "new phone"}, &out); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := cli.VerifyAudit(context.Background(), &out, w.Store); err != nil || !strings.Contains(out.String(), "audit chain OK") {
		t.Fatalf("%v %s", err, out.String())
	}
	w.Close()
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	raw := st.SQL()
	if _, err := raw.Exec(`DROP TRIGGER audit_no_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit SET actor = 'someone-else' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = cli.VerifyAudit(context.Background(), &out, st)
	if err == nil || !strings.Contains(out.String(), "BROKEN at record 3") {
		t.Fatalf("tampering not detected: %v\n%s", err, out.String())
	}
}

// TestCLIObeysThePerTargetLimit: a second reset of one user within the
// window is refused without --override, changing nothing; with it, the
// reset runs and the override is in the audit and alerted.
func TestCLIObeysThePerTargetLimit(t *testing.T) {
	w, fake, _, _ := cliEnv(t)
	var out bytes.Buffer
	if err := cliReset(context.Background(), w, w.Config, resetArgs{target: "bob@contoso.com", reason: "new phone"}, &out); err != nil {
		t.Fatalf("first reset: %v\n%s", err, out.String())
	}
	out.Reset()
	err := cliReset(context.Background(), w, w.Config, resetArgs{target: "bob@contoso.com", reason: "again", tap: true}, &out)
	if mfa.Code(err) != mfa.EForbidden || !strings.Contains(mfa.Message(err), "--override") {
		t.Fatalf("second reset within 24h without --override: %v\n%s", err, out.String())
	}
	if n := fake.Revocations(graphfake.DemoBobID); n != 1 {
		t.Fatalf("sessions revoked %d times", n)
	}
	if open, _ := w.Store.ListRequests(context.Background(), mfa.RequestFilter{States: []mfa.State{mfa.StatePending, mfa.StateApproved}}); len(open) != 0 {
		t.Fatalf("the refusal left %d open requests", len(open))
	}
	out.Reset()
	err = cliReset(context.Background(), w, w.Config, resetArgs{target: "bob@contoso.com", reason: "again", tap: true, override: "lost the new phone too, ticket 4712"}, &out)
	if err != nil {
		t.Fatalf("second reset with --override: %v\n%s", err, out.String())
	}
	if n := fake.Revocations(graphfake.DemoBobID); n != 2 {
		t.Fatalf("sessions revoked %d times", n)
	}
	var exp bytes.Buffer
	if _, err := cli.ExportAudit(context.Background(), &exp, w.Store, 0); err != nil {
		t.Fatal(err)
	}
	if strings.Count(exp.String(), "lost the new phone too, ticket 4712") < 2 || !strings.Contains(exp.String(), "target_rate_limit") {
		t.Fatalf("override not audited on the request and the approval, or not alerted:\n%s", exp.String())
	}
}

func TestResetFlagsTakeOverride(t *testing.T) {
	target, flags := splitTarget([]string{"--override", "ticket 9", "bob@contoso.com", "--reason", "x"})
	if target != "bob@contoso.com" || strings.Join(flags, "|") != "--override|ticket 9|--reason|x" {
		t.Fatalf("target %q flags %q", target, flags)
	}
}
