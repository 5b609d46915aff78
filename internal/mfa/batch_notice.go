package mfa

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// noticeGroup is how many users one incident notice is sent to (Bcc).
const noticeGroup = 100

// noticeBatch tells the users a finished batch reset, in groups of
// noticeGroup (one mail each, recipients in Bcc), resumably: the batch
// records how far the notices have gone, so a crash resends at most one
// group. Without a mailbox it does nothing.
func (s *Service) noticeBatch(ctx context.Context, b *Batch) (*Batch, error) {
	if !b.NotifyUsers || s.mail == nil || s.policy.MailFrom == "" {
		return b, nil
	}
	subject, text := BatchNotice(b)
	var (
		group []string
		last  int64
	)
	send := func() error {
		if len(group) == 0 {
			return nil
		}
		var err error
		if bm, ok := s.mail.(BulkMailer); ok {
			err = bm.SendBcc(ctx, s.policy.MailFrom, group, subject, text)
		} else {
			for _, to := range group {
				if e := s.mail.SendMail(ctx, s.policy.MailFrom, []string{to}, subject, text); e != nil {
					err = e
				}
			}
		}
		if err != nil {
			_, _ = s.auditBatch(ctx, AuditNotifyFailed, b, "system", map[string]string{"channel": "mail", "users": strconv.Itoa(len(group)), "error": Message(err)})
			return err
		}
		next := *b
		next.Notified += len(group)
		next.NotifiedThrough = last
		if err := s.batches.UpdateBatch(ctx, &next, b.State); err != nil {
			return err
		}
		_, _ = s.auditBatch(ctx, AuditBatchNotified, &next, "system", map[string]string{"users": strconv.Itoa(len(group)), "through": strconv.FormatInt(last, 10)})
		*b = next
		group = group[:0]
		return nil
	}
	err := s.eachBatchItemAfter(ctx, b.ID, b.NotifiedThrough, func(it BatchItem) error {
		if it.State != ItemDone && it.State != ItemPartial {
			return nil
		}
		to := it.Mail
		if to == "" {
			to = it.UPN
		}
		group, last = append(group, to), it.Seq
		if len(group) == noticeGroup {
			return send()
		}
		return nil
	})
	if err == nil {
		err = send()
	}
	return b, err
}

// BatchNotice is the subject and text of the incident notice: what was
// reset and why, and what to do now. It names nobody else.
func BatchNotice(b *Batch) (subject, text string) {
	subject = "Your multi-factor authentication was reset: set it up again"
	var t strings.Builder
	t.WriteString("Hello,\n\n")
	t.WriteString("During a security incident your IT security team reset the multi-factor authentication (MFA) of your account and signed you out everywhere")
	if tk := b.Ticket(); tk != "" {
		fmt.Fprintf(&t, " (incident %s, reset %s)", tk, b.ID)
	}
	t.WriteString(".\n\n")
	t.WriteString("The next time you sign in you will be asked to set up MFA again. Do it only on a device you hold yourself, and only at your organisation's usual sign-in page.\n\n")
	t.WriteString("If anyone calls, mails or messages you asking for a code or to approve a sign-in, do not: report it to your IT security team.\n")
	return subject, t.String()
}
