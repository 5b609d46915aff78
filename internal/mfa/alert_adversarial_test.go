package mfa_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/mfabot/mfabot/internal/alert"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// Control 5: security alerts reach the webhook and the audit.

// hook is an httptest webhook that records the alerts posted to it.
type hook struct {
	mu     sync.Mutex
	srv    *httptest.Server
	alerts []mfa.Alert
	status int
}

func newHook(t *testing.T) *hook {
	h := &hook{status: http.StatusAccepted}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Type        string    `json:"type"`
			Attachments []any     `json:"attachments"`
			Alert       mfa.Alert `json:"alert"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Type != "message" || len(body.Attachments) != 1 {
			t.Errorf("webhook body is not a Teams message with a card: %v %+v", err, body)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		h.alerts = append(h.alerts, body.Alert)
		w.WriteHeader(h.status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) kinds() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, a := range h.alerts {
		out = append(out, a.Kind)
	}
	return out
}

func TestEveryAlertReachesTheWebhookAndTheAudit(t *testing.T) {
	t.Parallel()
	h := newHook(t)
	g := newRig(t, func(p *mfa.Policy) { p.PerRequesterLimit = 2; p.BreakerLimit = 2 })
	g.alerter = alert.NewWebhook(h.srv.URL + "/workflows/abc?sig=secret")
	g.restart()
	g.note.Reachable[mfatest.AliceID] = true

	// A protected target.
	_, err := g.ask(mfatest.Agent, "gloria@contoso.com")
	wantCode(t, "protected target", err, mfa.EForbidden)
	// The user says No.
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	if _, err := g.svc.Confirm(ctx, mfatest.Alice, r.ID, false); err != nil {
		t.Fatal(err)
	}
	// Someone else answers for the user, and a requester approves their own.
	bob := g.mustAsk(mfatest.Agent2, "bob@contoso.com")
	_, _ = g.svc.Confirm(ctx, mfatest.Agent, bob.ID, true)
	_, _ = g.svc.Approve(ctx, mfatest.Agent2, bob.ID, approveIn())
	// The requester limit (Hanna's third request within the hour).
	g.mustAsk(mfatest.Agent, "mona@contoso.com")
	_, err = g.ask(mfatest.Agent, "eli@contoso.com")
	wantCode(t, "requester limit", err, mfa.ERateLimited)
	// An incomplete reset: the methods go but Graph refuses to revoke the
	// sessions, so the reset ends partial and security is told.
	g.dir.Fail = func(op, user string) error {
		if op == "revoke" {
			return &mfa.DirectoryError{Op: "revoke sessions", Reason: mfa.ReasonForbidden, Permission: "User.RevokeSessions.All"}
		}
		return nil
	}
	if done := g.approveAndRun(bob.ID); done.State != mfa.StatePartial {
		t.Fatalf("bob %s", done.State)
	}
	g.dir.Fail = nil
	g.dir.AddUser(mfa.User{ID: mfatest.BobID, UPN: "bob@contoso.com", DisplayName: "Bob Example", AccountEnabled: true}, mfatest.AuthApp)
	// The per-target limit: Bob again, within the window, asked by an
	// approver who is also a helpdesk agent.
	g.dir.AddMember(mfatest.HelpdeskGroup, mfatest.ApproverID)
	again := g.mustAsk(mfatest.Approver, "bob@contoso.com")
	if !again.NeedsOverride {
		t.Fatal("no override needed")
	}
	// The breaker: a second execution, then any check trips it.
	if _, err := g.svc.Approve(ctx, mfatest.Approver2, again.ID, mfa.ApproveInput{Verification: mfa.VerifiedCallback, Override: "lost again"}); err != nil {
		t.Fatal(err)
	}
	if _, err := g.svc.Execute(ctx, again.ID); err != nil {
		t.Fatal(err)
	}
	_, err = g.ask(mfatest.Agent2, "mona@contoso.com")
	wantCode(t, "breaker", err, mfa.ERateLimited)

	want := []string{"circuit_breaker", "forged_confirmation", "protected_target", "requester_rate_limit",
		"self_approval", "target_rate_limit", "user_denied", "verification_failed"}
	got := slices.Compact(slices.Sorted(slices.Values(h.kinds())))
	if !slices.Equal(got, want) {
		t.Fatalf("webhook got %v\nwant %v", got, want)
	}
	// Each alert the webhook got is in the audit, with its kind.
	var audited []string
	for _, rec := range g.records() {
		if rec.Type == mfa.AuditAlert {
			audited = append(audited, rec.Detail["kind"])
		}
	}
	webhook := h.kinds()
	sort.Strings(audited)
	sort.Strings(webhook)
	if !slices.Equal(audited, webhook) {
		t.Fatalf("audited alerts %v\nwebhook alerts %v", audited, webhook)
	}
}

func TestAlertIsAuditedWhenTheWebhookFails(t *testing.T) {
	t.Parallel()
	h := newHook(t)
	h.status = http.StatusInternalServerError
	g := newRig(t, nil)
	g.alerter = alert.NewWebhook(h.srv.URL + "/hook?sig=topsecret")
	g.restart()
	_, err := g.ask(mfatest.Agent, "breakglass@contoso.com")
	wantCode(t, "protected target", err, mfa.EForbidden)
	if len(h.kinds()) != 1 || g.audited(mfa.AuditAlert, "protected_target") != 1 {
		t.Fatalf("webhook %v, audit %d", h.kinds(), g.audited(mfa.AuditAlert, "protected_target"))
	}
	// The failure is logged, without the URL's secret.
	if !strings.Contains(g.logs.String(), "security alert not delivered") || strings.Contains(g.logs.String(), "topsecret") {
		t.Fatalf("log: %s", g.logs.String())
	}
}
