package mfa

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// GetBatch returns a batch, expiring it first if its approvals came too
// late.
func (s *Service) GetBatch(ctx context.Context, id string) (*Batch, error) {
	if s.batches == nil {
		return nil, Errorf(EUnavailable, "this store does not keep incident resets")
	}
	b, err := s.batches.GetBatch(ctx, normalizeID(id))
	if err != nil {
		return nil, err
	}
	return s.expireBatchIfDue(ctx, b)
}

// expireBatchIfDue expires a planned batch past its time.
func (s *Service) expireBatchIfDue(ctx context.Context, b *Batch) (*Batch, error) {
	if b.State != BatchPlanned || s.clock.Now().Before(b.ExpiresAt) {
		return b, nil
	}
	next := *b
	next.State, next.UpdatedAt, next.FinishedAt = BatchExpired, s.clock.Now().UTC(), s.clock.Now().UTC()
	next.Note = "the approvals did not come in time"
	if err := s.batches.UpdateBatch(ctx, &next, BatchPlanned); err != nil {
		if Code(err) == EConflict {
			return s.batches.GetBatch(ctx, b.ID)
		}
		return b, err
	}
	_, _ = s.auditBatch(ctx, AuditBatchExpired, &next, "system", nil)
	s.batchChanged(ctx, &next)
	return &next, nil
}

// ApproveBatch records one approver's decision, naming the incident
// (ticket). A batch needs two different approvers, neither the requester,
// both naming the same incident; the second approval starts it.
func (s *Service) ApproveBatch(ctx context.Context, actor Actor, id, ticket string) (*Batch, error) {
	ticket = strings.TrimSpace(ticket)
	switch {
	case ticket == "":
		return nil, Errorf(EInvalid, "name the incident (ticket) you approve this for")
	case utf8.RuneCountInString(ticket) > MaxTicket:
		return nil, Errorf(EInvalid, "an incident reference has at most %d characters", MaxTicket)
	}
	// Two approvers answering at once, on two replicas, may both write
	// over the same stored approvals: each checks its approval is there
	// afterwards and tries again if the other's write replaced it.
	for range 5 {
		b, err := s.GetBatch(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.mayApproveBatch(ctx, actor, b, ticket); err != nil {
			return b, err
		}
		next := *b
		next.Approvals = append(append([]BatchApproval(nil), b.Approvals...), BatchApproval{Approver: actor, Ticket: ticket, At: s.clock.Now().UTC()})
		next.UpdatedAt = s.clock.Now().UTC()
		if len(next.Approvals) >= BatchApprovals {
			next.State, next.StartedAt = BatchRunning, next.UpdatedAt
		}
		if err := s.batches.UpdateBatch(ctx, &next, BatchPlanned); err != nil {
			if Code(err) == EConflict {
				continue
			}
			return b, err
		}
		stored, err := s.batches.GetBatch(ctx, next.ID)
		if err != nil {
			return nil, err
		}
		if !approvedBy(stored, actor) {
			continue
		}
		detail := map[string]string{"by": actor.String(), "ticket": ticket, "approval": strings.Repeat("I", len(next.Approvals))}
		if _, err := s.auditBatch(ctx, AuditBatchApproved, stored, actor.ID, detail); err != nil {
			return stored, err
		}
		if stored.State == BatchRunning {
			_, _ = s.auditBatch(ctx, AuditBatchStarted, stored, "system", map[string]string{"ticket": ticket,
				"approvedBy": stored.Approvals[0].Approver.String() + ", " + stored.Approvals[1].Approver.String()})
		}
		s.batchChanged(ctx, stored)
		return stored, nil
	}
	return nil, Errorf(EConflict, "the incident reset changed while you approved it: look at its card again")
}

// mayApproveBatch applies the two-approver rule.
func (s *Service) mayApproveBatch(ctx context.Context, actor Actor, b *Batch, ticket string) error {
	switch {
	case b.State != BatchPlanned:
		return Errorf(EConflict, "incident reset %s is %s, not waiting for approval", b.ID, b.State)
	case SameID(actor.ID, b.Requester.ID):
		return Errorf(EForbidden, "you asked for incident reset %s: two other people must approve it", b.ID)
	case approvedBy(b, actor):
		return Errorf(EForbidden, "you already approved incident reset %s: a second, different approver is needed", b.ID)
	case len(b.Approvals) > 0 && !strings.EqualFold(b.Approvals[0].Ticket, ticket):
		return Errorf(EInvalid, "the first approver named incident %q; both approvals must name the same incident", b.Approvals[0].Ticket)
	}
	return s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver")
}

func approvedBy(b *Batch, a Actor) bool {
	for _, x := range b.Approvals {
		if SameID(x.Approver.ID, a.ID) {
			return true
		}
	}
	return false
}

// PauseBatch stops a running batch from starting more users (those under
// way finish). Approvers only.
func (s *Service) PauseBatch(ctx context.Context, actor Actor, id string) (*Batch, error) {
	return s.stopOrGo(ctx, actor, id, BatchPaused, AuditBatchPaused, BatchRunning)
}

// ResumeBatch lets a paused batch go on. Approvers only.
func (s *Service) ResumeBatch(ctx context.Context, actor Actor, id string) (*Batch, error) {
	return s.stopOrGo(ctx, actor, id, BatchRunning, AuditBatchResumed, BatchPaused)
}

// CancelBatch ends a batch for good: users not yet started stay as they
// are. Approvers may cancel any open batch; the requester may withdraw
// one that waits for approval.
func (s *Service) CancelBatch(ctx context.Context, actor Actor, id string) (*Batch, error) {
	return s.stopOrGo(ctx, actor, id, BatchCancelled, AuditBatchCancelled, BatchPlanned, BatchRunning, BatchPaused)
}

func (s *Service) stopOrGo(ctx context.Context, actor Actor, id string, to BatchState, typ string, from ...BatchState) (*Batch, error) {
	b, err := s.GetBatch(ctx, id)
	if err != nil {
		return nil, err
	}
	ok := false
	for _, f := range from {
		ok = ok || b.State == f
	}
	if !ok {
		return b, Errorf(EConflict, "incident reset %s is %s", b.ID, b.State)
	}
	withdraw := to == BatchCancelled && b.State == BatchPlanned && SameID(actor.ID, b.Requester.ID)
	if !withdraw {
		if err := s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver"); err != nil {
			return b, err
		}
	}
	next := *b
	now := s.clock.Now().UTC()
	next.State, next.UpdatedAt = to, now
	if to != BatchRunning {
		next.StoppedBy = &actor
	}
	if to == BatchCancelled {
		next.FinishedAt, next.Note = now, "cancelled by "+actor.String()
	}
	if err := s.batches.UpdateBatch(ctx, &next, b.State); err != nil {
		return b, err
	}
	if _, err := s.auditBatch(ctx, typ, &next, actor.ID, map[string]string{"by": actor.String()}); err != nil {
		return &next, err
	}
	s.batchChanged(ctx, &next)
	if to == BatchCancelled && b.State != BatchPlanned && next.NotifyUsers {
		// Users reset before the cancel are told, once the ones under way
		// (which always finish) are done.
		cancelled := next // the caller gets next; the notices work on their own copy
		go func() {
			_ = sleepCtx(context.Background(), cancelNoticeDelay)
			if _, err := s.noticeBatch(context.WithoutCancel(ctx), &cancelled); err != nil {
				s.log.Error("incident notices failed", "batch", cancelled.ID, "err", err)
			}
		}()
	}
	return &next, nil
}

// cancelNoticeDelay is how long after a cancel the notices go out: users
// under way finish within it at Graph's usual latency; one finishing later
// is in the export but not mailed.
const cancelNoticeDelay = 15 * time.Second

// ExpireBatches expires planned batches whose approvals came too late,
// and closes plans left unfinished by a process that died.
func (s *Service) ExpireBatches(ctx context.Context) (int, error) {
	if s.batches == nil {
		return 0, nil
	}
	bs, err := s.batches.ListBatches(ctx, 0, BatchPlanned, BatchPlanning)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, b := range bs {
		if b.State == BatchPlanning {
			if s.closeStalePlan(ctx, b) {
				n++
			}
			continue
		}
		if next, err := s.expireBatchIfDue(ctx, b); err == nil && next.State == BatchExpired {
			n++
		}
	}
	return n, nil
}

// closeStalePlan cancels a plan whose maker stopped storing it (the
// process died mid-plan) and reports whether it did.
func (s *Service) closeStalePlan(ctx context.Context, b *Batch) bool {
	now := s.clock.Now().UTC()
	if now.Sub(b.UpdatedAt) < planStale {
		return false
	}
	next := *b
	next.State, next.UpdatedAt, next.FinishedAt = BatchCancelled, now, now
	next.Note = "the plan was interrupted (the process making it stopped): ask again"
	if err := s.batches.UpdateBatch(ctx, &next, BatchPlanning); err != nil {
		return false
	}
	_, _ = s.auditBatch(ctx, AuditBatchCancelled, &next, "system", map[string]string{"reason": next.Note})
	s.batchChanged(ctx, &next)
	return true
}

// auditBatch appends an event about a batch (its id in the request id).
func (s *Service) auditBatch(ctx context.Context, typ string, b *Batch, actor string, detail map[string]string) (AuditRecord, error) {
	e := AuditEvent{Time: s.clock.Now().UTC(), Type: typ, Actor: actor, RequestID: b.ID, Detail: detail}
	rec, err := s.store.AppendAudit(context.WithoutCancel(ctx), e)
	if err != nil {
		s.log.Error("audit append failed", "type", typ, "batch", b.ID, "err", err)
		return rec, Wrap(EUnavailable, err, "the audit log could not be written")
	}
	return rec, nil
}
