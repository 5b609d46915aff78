package mfa_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// Control 4: the user is told afterwards, in Teams and by mail.

func TestUserIsToldInTeamsAndByMail(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.MailFrom = "it-security@contoso.com" })
	r := g.mustAsk(mfatest.Agent, "alice@contoso.com")
	done := g.approveAndRun(r.ID)
	if !slices.Contains(g.note.Told, r.ID) {
		t.Fatal("not told in Teams")
	}
	mail := g.mail.sent()
	if len(mail) != 1 || mail[0].From != "it-security@contoso.com" || !slices.Equal(mail[0].To, []string{"alice@contoso.com"}) {
		t.Fatalf("mail %+v", mail)
	}
	m := mail[0]
	for _, want := range []string{r.ID, "Hanna Helpdesk", "Ada Approver", "If you did not ask for this"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("mail lacks %q:\n%s", want, m.Text)
		}
	}
	// Phone numbers only masked: the labels hold no more than the last digits.
	if strings.Contains(m.Text, "2065555555") || !strings.Contains(m.Text, "•••") {
		t.Errorf("mail shows phone numbers unmasked or not at all:\n%s", m.Text)
	}
	var notified []string
	for _, rec := range g.records() {
		if rec.Type == mfa.AuditUserNotified && rec.RequestID == r.ID {
			notified = append(notified, rec.Detail["channels"])
		}
	}
	if !slices.Equal(notified, []string{"teams,mail"}) || done.State != mfa.StateCompleted {
		t.Fatalf("user_notified %v, state %s", notified, done.State)
	}
}

func TestNotificationFailuresAreAuditedNotFatal(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.MailFrom = "it-security@contoso.com" })
	g.mail.Err = &mfa.DirectoryError{Op: "send mail", Reason: mfa.ReasonForbidden, Permission: "Mail.Send"}
	r := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	if done := g.approveAndRun(r.ID); done.State != mfa.StateCompleted {
		t.Fatalf("state %s", done.State)
	}
	var failed []string
	for _, rec := range g.records() {
		if rec.Type == mfa.AuditNotifyFailed {
			failed = append(failed, rec.Detail["channel"]+": "+rec.Detail["error"])
		}
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "mail: ") || !strings.Contains(failed[0], "Mail.Send") {
		t.Fatalf("notify_failed %v", failed)
	}
	if g.audited(mfa.AuditUserNotified, "") != 1 {
		t.Fatal("the Teams notice that did go out is not audited")
	}
}

func TestNoMailWithoutAMailbox(t *testing.T) {
	t.Parallel()
	g := newRig(t, nil)
	r := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	g.approveAndRun(r.ID)
	if len(g.mail.sent()) != 0 {
		t.Fatal("mail sent with MFABOT_MAIL_FROM unset")
	}
}

func TestNobodyIsToldOfAResetThatDidNothing(t *testing.T) {
	t.Parallel()
	g := newRig(t, func(p *mfa.Policy) { p.MailFrom = "it-security@contoso.com" })
	r := g.mustAsk(mfatest.Agent, "bob@contoso.com")
	g.dir.Fail = func(op, user string) error {
		if op == "list" || op == "revoke" {
			return errors.New("graph down")
		}
		return nil
	}
	if _, err := g.svc.Approve(ctx, mfatest.Approver, r.ID, approveIn()); err != nil {
		t.Fatal(err)
	}
	done, err := g.svc.Execute(ctx, r.ID)
	if err != nil || done.State != mfa.StateFailed {
		t.Fatalf("state %v %v", done, err)
	}
	if len(g.note.Told)+len(g.mail.sent()) != 0 {
		t.Fatal("told about a reset that changed nothing")
	}
}
