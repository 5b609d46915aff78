package mfa_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/alert"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// A webhook that never answers does not hold the turn that raised the
// alert: the refusal comes back at once and the alert is in the audit.
func TestHangingWebhookDoesNotHoldTheTurn(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	g := newRig(t, nil)
	q := alert.NewWebhookQueue(srv.URL+"/hook", nil)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = q.Close(ctx)
	}()
	g.alerter = q
	g.restart()
	start := time.Now()
	_, err := g.ask(mfatest.Agent, "breakglass@contoso.com")
	wantCode(t, "protected target", err, mfa.EForbidden)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("the refusal waited %v for the webhook", d)
	}
	if g.audited(mfa.AuditAlert, "protected_target") != 1 {
		t.Fatal("the alert is not in the audit")
	}
}

// fullQueue is an alerter whose queue is always full.
type fullQueue struct{}

func (fullQueue) Alert(context.Context, mfa.Alert) error { return mfa.ErrAlertQueueFull }

// An alert the queue cannot take is audited as dropped, with its kind, and
// logged.
func TestAlertDroppedByAFullQueueIsAudited(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	g.alerter = fullQueue{}
	g.restart()
	_, err := g.ask(mfatest.Agent, "breakglass@contoso.com")
	wantCode(t, "protected target", err, mfa.EForbidden)
	if g.audited(mfa.AuditAlert, "protected_target") != 1 || g.audited(mfa.AuditAlertDropped, "protected_target") != 1 {
		t.Fatalf("audit: alert %d, dropped %d", g.audited(mfa.AuditAlert, "protected_target"), g.audited(mfa.AuditAlertDropped, "protected_target"))
	}
	if !strings.Contains(g.logs.String(), "alert queue full") {
		t.Fatalf("log: %s", g.logs.String())
	}
}
