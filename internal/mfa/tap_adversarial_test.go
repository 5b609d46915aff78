package mfa_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// Control 6: the Temporary Access Pass goes to the requester alone.

func askTAP(g *rig, actor mfa.Actor, target string, tap bool) (*mfa.Request, error) {
	return g.svc.Request(ctx, actor, mfa.RequestInput{Target: target, Reason: "new phone", TAP: &tap})
}

func TestTAPOffRefusesEveryPass(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.TAPEnabled = false })
	_, err := askTAP(g, mfatest.Agent, "bob@contoso.com", true)
	wantCode(t, "--tap with MFABOT_TAP=off", err, mfa.EForbidden)
	r, err := askTAP(g, mfatest.Agent, "bob@contoso.com", false)
	if err != nil || r.IssueTAP {
		t.Fatalf("reset without a pass: %v", err)
	}
	g.approveAndRun(r.ID)
	if g.dir.Count("tap") != 0 {
		t.Fatal("a pass was created with TAPs off")
	}
}

func TestTAPLimitedToItsGroup(t *testing.T) {
	t.Parallel()
	const tapGroup = "g-tap-issuers"
	g := newRig(t, func(p *mfa.Policy) { p.TAPGroupID = tapGroup })
	g.dir.AddMember(tapGroup, mfatest.Agent2ID)
	_, err := askTAP(g, mfatest.Agent, "bob@contoso.com", true)
	wantCode(t, "--tap by an agent outside the TAP group", err, mfa.EForbidden)
	if !strings.Contains(mfa.Message(err), "Temporary Access Pass") {
		t.Fatalf("refusal does not say why: %s", mfa.Message(err))
	}
	// Without a pass the same agent may ask; a member of the group may ask
	// with one.
	if _, err := askTAP(g, mfatest.Agent, "alice@contoso.com", false); err != nil {
		t.Fatal(err)
	}
	r, err := askTAP(g, mfatest.Agent2, "bob@contoso.com", true)
	if err != nil || !r.IssueTAP {
		t.Fatalf("TAP group member: %v", err)
	}
	// "always" makes every request ask for a pass: outside the group, the
	// agent must say --no-tap.
	g2 := newRig(t, func(p *mfa.Policy) { p.TAPGroupID = tapGroup; p.TAPDefault = true })
	_, err = g2.ask(mfatest.Agent, "bob@contoso.com")
	wantCode(t, "default pass outside the TAP group", err, mfa.EForbidden)
	if g.audited(mfa.AuditRefused, "") != 1 || g2.audited(mfa.AuditRefused, "") != 1 {
		t.Fatal("refusals not audited")
	}
}

func TestTAPValueNeverStoredLoggedOrAudited(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.MailFrom = "it-security@contoso.com" })
	r, err := askTAP(g, mfatest.Agent, "alice@contoso.com", true)
	if err != nil {
		t.Fatal(err)
	}
	done := g.approveAndRun(r.ID)
	tap := g.note.TAPs[r.ID]
	if tap == "" || !done.Result.TAPIssued || done.Result.TAPExpires.IsZero() {
		t.Fatalf("no pass delivered: %+v", done.Result)
	}
	// The service logs little on this path; the bot's test checks its log,
	// which does record the delivery.
	if strings.Contains(g.logs.String(), tap) {
		t.Fatal("TAP value in the log")
	}
	for _, rec := range g.records() {
		b := rec.Type + rec.Target + rec.Actor
		for k, v := range rec.Detail {
			b += k + v
		}
		if strings.Contains(b, tap) {
			t.Fatalf("TAP value in audit record %d (%s)", rec.Seq, rec.Type)
		}
	}
	for _, m := range g.mail.sent() {
		if strings.Contains(m.Text, tap) {
			t.Fatal("TAP value mailed to the user")
		}
	}
	// Not in any byte the database wrote (the file and its write-ahead log).
	if err := g.store.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(g.path + "*")
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), tap) {
			t.Fatalf("TAP value stored in %s", filepath.Base(f))
		}
	}
	g.open() // for the cleanup
}

func TestTAPUndeliverableIsReportedAndNotKept(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	g.note.TAPErr = mfa.Errorf(mfa.EUnavailable, "Teams is down")
	r, err := askTAP(g, mfatest.Agent, "bob@contoso.com", true)
	if err != nil {
		t.Fatal(err)
	}
	done := g.approveAndRun(r.ID)
	if !strings.Contains(done.Result.TAPError, "could not be delivered") || !strings.Contains(done.Result.TAPError, "issue a new one") {
		t.Fatalf("state %s, tap error %q", done.State, done.Result.TAPError)
	}
	if done.State != mfa.StatePartial {
		t.Fatalf("state %s, want partial: the reset did not give the requester what it promised", done.State)
	}
	if len(g.note.TAPs) != 0 {
		t.Fatal("pass recorded as delivered")
	}
	var delivery string
	for _, rec := range g.records() {
		if rec.Type == mfa.AuditTAPIssued {
			delivery = rec.Detail["delivery"]
		}
	}
	if delivery != "failed" {
		t.Fatalf("tap_issued delivery %q, want failed", delivery)
	}
}
