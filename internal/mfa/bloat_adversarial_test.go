package mfa_test

import (
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// auditBytes is the size of what the audit keeps of the records.
func auditBytes(rs []mfa.AuditRecord) int {
	n := 0
	for _, r := range rs {
		n += len(r.Target) + len(r.Actor) + len(r.Type)
		for k, v := range r.Detail {
			n += len(k) + len(v)
		}
	}
	return n
}

// A user in no group who types a 20,000-character word is refused for who
// they are, and the audit keeps a bounded form of what they typed.
func TestHugeInputFromAnOutsiderAuditsABoundedForm(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	word := strings.Repeat("x", 20_000)
	for _, target := range []string{word, word + "@contoso.com", "alice@contoso.com"} {
		before := len(g.records())
		_, err := g.svc.Request(ctx, mfatest.Alice, mfa.RequestInput{Target: target, Reason: word})
		wantCode(t, "outsider", err, mfa.EForbidden)
		recs := g.records()[before:]
		if len(recs) != 1 || auditBytes(recs) > 1024 {
			t.Fatalf("%d records, %d bytes of audit for one refused message", len(recs), auditBytes(recs))
		}
		if len(mfa.Message(err)) > 300 {
			t.Fatalf("the refusal echoes the input: %d characters", len(mfa.Message(err)))
		}
	}
}

// A helpdesk agent's over-long input is refused with a clear message
// naming the limit, without echoing it whole, and audited bounded.
func TestInputSizesAreCapped(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	for _, c := range []struct{ target, reason, want string }{
		{strings.Repeat("a", 65) + "@contoso.com", "lost phone", "64"},
		{"a@" + strings.Repeat("b", 250) + ".com", "lost phone", "256"},
		{strings.Repeat("a", 20_000), "lost phone", "256"},
		{"alice@contoso.com", strings.Repeat("r", 501), "500"},
	} {
		before := len(g.records())
		_, err := g.svc.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: c.target, Reason: c.reason})
		wantCode(t, "too long", err, mfa.EInvalid)
		if msg := mfa.Message(err); !strings.Contains(msg, c.want) || len(msg) > 300 {
			t.Fatalf("message %.200q, want the limit %s and no echo", msg, c.want)
		}
		if n := auditBytes(g.records()[before:]); n > 1024 {
			t.Fatalf("%d bytes of audit for one refused request", n)
		}
	}
}
