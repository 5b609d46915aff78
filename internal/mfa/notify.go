package mfa

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// tellTarget tells the target user what happened, in Teams and by mail when
// a mailbox is configured. Failures are audited, never fatal.
func (s *Service) tellTarget(ctx context.Context, r *Request) {
	if r.Result == nil || len(r.Result.Removed) == 0 && !r.Result.TAPIssued && !r.Result.SessionsRevoked {
		return
	}
	channels := []string{}
	if err := s.notify.TellTarget(ctx, r); err != nil {
		_, _ = s.audit(ctx, AuditNotifyFailed, r, "system", map[string]string{"channel": "teams", "error": err.Error()})
	} else {
		channels = append(channels, "teams")
	}
	if s.mail != nil && s.policy.MailFrom != "" {
		to := r.Target.Mail
		if to == "" {
			to = r.Target.UPN
		}
		subject, body := TargetNotice(r)
		if err := s.mail.SendMail(ctx, s.policy.MailFrom, []string{to}, subject, body); err != nil {
			_, _ = s.audit(ctx, AuditNotifyFailed, r, "system", map[string]string{"channel": "mail", "error": Message(err)})
		} else {
			channels = append(channels, "mail")
		}
	}
	if len(channels) > 0 {
		_, _ = s.audit(ctx, AuditUserNotified, r, "system", map[string]string{"channels": strings.Join(channels, ",")})
	}
}

// TargetNotice is the subject and text that tell a user their MFA was
// reset: what, by whom, approved by whom, when, and what to do if it was
// not them. It names no phone number in full and no TAP.
func TargetNotice(r *Request) (subject, text string) {
	subject = "Your multi-factor authentication was reset"
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n", r.Target.DisplayName)
	fmt.Fprintf(&b, "Your IT helpdesk reset your multi-factor authentication (request %s).\n\n", r.ID)
	when := time.Time{}
	if r.Result != nil {
		when = r.Result.FinishedAt
	}
	fmt.Fprintf(&b, "When: %s\n", when.UTC().Format("Mon 2 Jan 2006 15:04 MST"))
	fmt.Fprintf(&b, "Asked for by: %s\n", r.Requester)
	if by := r.ApprovedBy(); by != "" {
		fmt.Fprintf(&b, "Approved by: %s\n", by)
	}
	if r.Reason != "" {
		fmt.Fprintf(&b, "Reason given: %s\n", r.Reason)
	}
	if r.Result != nil {
		if len(r.Result.Removed) > 0 {
			b.WriteString("Removed:\n")
			for _, m := range r.Result.Removed {
				fmt.Fprintf(&b, "  - %s\n", m.Describe())
			}
		}
		if r.Result.SessionsRevoked {
			b.WriteString("You were signed out of your sessions.\n")
		}
		if r.Result.TAPIssued {
			b.WriteString("A one-time Temporary Access Pass was given to the helpdesk agent to help you register again.\n")
		}
	}
	b.WriteString("\nNext time you sign in you will be asked to set up your sign-in methods again.\n\n")
	b.WriteString("If you did not ask for this, contact your security team at once: someone may be trying to take over your account.\n")
	return subject, b.String()
}
