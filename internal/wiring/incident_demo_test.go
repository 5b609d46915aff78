package wiring

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/demo"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

// TestDemoIncidentPlan: in the demo tenant, an incident responder's plan
// for the phished group, by its name, over the real Graph SDK and the fake
// Graph, resets the 300 ordinary users and skips the administrator, the
// PIM-eligible engineer, the break-glass account and the guest; run, it
// removes each of their methods once.
func TestDemoIncidentPlan(t *testing.T) {
	fake := graphfake.New(graphfake.Options{Tenant: graphfake.DemoTenant(), WriteQuota: &graphfake.WriteQuota{}})
	t.Cleanup(fake.Close)
	dir, err := graph.NewAnonymous(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(context.Background(), demo.Config(filepath.Join(t.TempDir(), "mfabot.db")), slog.New(slog.DiscardHandler), dir, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ines := mfa.Actor{ID: graphfake.DemoResponderID, Name: "Ines Incident", Via: "teams"}
	start := time.Now()
	b, err := w.Svc.PlanBatch(context.Background(), ines, mfa.BatchInput{Group: "Phished users (incident demo)", Reason: "INC-1: phishing wave", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("plan of %d users in %s, %d Graph calls", b.Plan.Listed, time.Since(start), fake.CallCount())
	skipped := map[mfa.SkipKind]int{}
	for _, s := range b.Plan.Skipped {
		skipped[s.Kind] = s.Count
	}
	if b.GroupID != graphfake.DemoPhishedGroupID || b.Plan.Listed != graphfake.DemoPhishedUsers+4 || b.Plan.ToReset != graphfake.DemoPhishedUsers ||
		skipped[mfa.SkipPrivileged] != 2 || skipped[mfa.SkipProtected] != 1 || skipped[mfa.SkipGuest] != 1 {
		t.Fatalf("plan %+v", b.Plan)
	}
	// Planned for real, approved by both approvers naming one incident,
	// and run (on a phished group of 60): every ordinary member loses their
	// three methods, once each.
	const phished = 60
	fake = graphfake.New(graphfake.Options{Tenant: graphfake.DemoTenantPhished(phished), WriteQuota: &graphfake.WriteQuota{}})
	t.Cleanup(fake.Close)
	if dir, err = graph.NewAnonymous(fake.URL()); err != nil {
		t.Fatal(err)
	}
	cfg := demo.Config(filepath.Join(t.TempDir(), "run.db"))
	cfg.Policy.IncidentWriteRate = 2000 // Graph's own quota, not the test's patience, is the limit here
	w2, err := New(context.Background(), cfg, slog.New(slog.DiscardHandler), dir, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	b, err = w2.Svc.PlanBatch(context.Background(), ines, mfa.BatchInput{Group: graphfake.DemoPhishedGroupID, Reason: "INC-1: phishing wave"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []mfa.Actor{{ID: graphfake.DemoApproverID, Name: "Ada Approver", Via: "teams"}, {ID: graphfake.DemoApprover2ID, Name: "Abe Approver", Via: "teams"}} {
		if _, err := w2.Svc.ApproveBatch(context.Background(), a, b.ID, "INC-1"); err != nil {
			t.Fatal(err)
		}
	}
	start = time.Now()
	b, err = w2.Svc.RunBatch(context.Background(), b.ID)
	if err != nil || b.State != mfa.BatchCompleted {
		t.Fatalf("%+v %v", b, err)
	}
	st := fake.Stats()
	t.Logf("run of %d users in %s: %+v", phished, time.Since(start), st)
	for _, i := range []int{1, 30, phished} {
		ms := fake.Methods(graphfake.IncidentUserID("phished", i))
		if len(ms) != 1 || ms[0].Kind != mfa.KindPassword || fake.Revocations(graphfake.IncidentUserID("phished", i)) != 1 {
			t.Fatalf("user %d keeps %+v", i, ms)
		}
	}
	if st.MethodsDeleted != 3*phished || st.RepeatDeletes != 0 || st.Throttled != 0 {
		t.Fatalf("%+v", st)
	}
	if ms := fake.Methods(graphfake.DemoAdminID); len(ms) < 2 {
		t.Fatalf("the administrator was reset: %+v", ms)
	}

	// Bob is no incident responder.
	bob := mfa.Actor{ID: graphfake.DemoBobID, Name: "Bob Example", Via: "teams"}
	if _, err := w.Svc.PlanBatch(context.Background(), bob, mfa.BatchInput{Group: graphfake.DemoPhishedGroupID, Reason: "x", DryRun: true}); mfa.Code(err) != mfa.EForbidden {
		t.Fatalf("Bob: %v", err)
	}
}
