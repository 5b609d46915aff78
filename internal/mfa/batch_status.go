package mfa

import (
	"context"
	"time"
)

// BatchStatus returns a batch with its progress. Anyone in the incident
// or approver group may look; the lookup is audited.
func (s *Service) BatchStatus(ctx context.Context, actor Actor, id string) (*BatchStatus, error) {
	if err := s.mayLookAtBatch(ctx, actor); err != nil {
		return nil, err
	}
	b, err := s.GetBatch(ctx, id)
	if err != nil {
		return nil, err
	}
	_, _ = s.auditBatch(ctx, AuditLookup, b, actor.ID, map[string]string{"what": "incident reset status"})
	return s.batchStatus(ctx, b)
}

// mayLookAtBatch lets incident responders and approvers see batches.
func (s *Service) mayLookAtBatch(ctx context.Context, actor Actor) error {
	if s.policy.IncidentGroupID == "" {
		return Errorf(EForbidden, "incident mode is off: no incident group is configured")
	}
	if s.batches == nil {
		return Errorf(EUnavailable, "this store does not keep incident resets")
	}
	if s.member(ctx, actor.ID, s.policy.IncidentGroupID, "incident") == nil {
		return nil
	}
	return s.member(ctx, actor.ID, s.policy.ApproverGroupID, "approver")
}

// batchStatus counts a batch's users and estimates the rest.
func (s *Service) batchStatus(ctx context.Context, b *Batch) (*BatchStatus, error) {
	c, err := s.batches.BatchCounts(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	st := &BatchStatus{Batch: b, Counts: c, At: now}
	// Users finished since the start, less those the plan skipped.
	finished := c.Done + c.Partial + c.Failed + c.Skipped - b.Plan.SkippedTotal()
	end := now
	if !b.FinishedAt.IsZero() {
		end = b.FinishedAt
	}
	if el := end.Sub(b.StartedAt); !b.StartedAt.IsZero() && el > 0 && finished > 0 {
		st.Rate = float64(finished) / el.Minutes()
		if b.State == BatchRunning && c.Pending > 0 {
			st.ETA = now.Add(time.Duration(float64(c.Pending) / st.Rate * float64(time.Minute)))
		}
	}
	return st, nil
}

// ListBatches returns the newest batches, for `status` without an id.
func (s *Service) ListBatches(ctx context.Context, actor Actor, limit int) ([]*Batch, error) {
	if err := s.mayLookAtBatch(ctx, actor); err != nil {
		return nil, err
	}
	return s.batches.ListBatches(ctx, limit)
}

// ExportBatch calls f with every user of a batch, in the plan's order,
// page by page (the CSV export), and audits the export.
func (s *Service) ExportBatch(ctx context.Context, actor Actor, id string, f func(BatchItem) error) error {
	if s.batches == nil {
		return Errorf(EUnavailable, "this store does not keep incident resets")
	}
	b, err := s.GetBatch(ctx, id)
	if err != nil {
		return err
	}
	_, _ = s.auditBatch(ctx, AuditLookup, b, actor.ID, map[string]string{"what": "incident reset export"})
	return s.eachBatchItem(ctx, b.ID, f)
}

// eachBatchItem pages through a batch's items in seq order.
func (s *Service) eachBatchItem(ctx context.Context, id string, f func(BatchItem) error) error {
	return s.eachBatchItemAfter(ctx, id, 0, f)
}

// eachBatchItemAfter pages through a batch's items with seq > after.
func (s *Service) eachBatchItemAfter(ctx context.Context, id string, after int64, f func(BatchItem) error) error {
	for {
		page, err := s.batches.BatchItems(ctx, id, after, 1000)
		if err != nil {
			return err
		}
		for _, it := range page {
			if err := f(it); err != nil {
				return err
			}
			after = it.Seq
		}
		if len(page) < 1000 {
			return nil
		}
	}
}
