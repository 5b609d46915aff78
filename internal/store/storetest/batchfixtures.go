package storetest

import (
	"fmt"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// fullBatch builds a batch with every field set, its times in loc.
func fullBatch(id string, loc *time.Location) *mfa.Batch {
	at := func(d time.Duration) time.Time { return base.Add(d).In(loc) }
	return &mfa.Batch{
		ID:             id,
		State:          mfa.BatchRunning,
		Requester:      mfa.Actor{ID: "agent-1", Name: "Hank Helpdesk", UPN: "hank@contoso.com", Via: "teams"},
		Reason:         "phishing campaign, incident 4711 — «ünïcode» ok",
		Source:         "group Phished (0b7c…)",
		GroupID:        "0b7c5f6e-1a2b-4c3d-8e9f-a0b1c2d3e4f5",
		Profile:        mfa.ProfileAll,
		RevokeSessions: true,
		NotifyUsers:    true,
		Plan: mfa.BatchPlan{Listed: 120, ToReset: 110,
			Skipped:    []mfa.SkipCount{{Kind: mfa.SkipPrivileged, Count: 7}, {Kind: mfa.SkipGuest, Count: 3}},
			Sample:     []string{"Alice Adams <alice@contoso.com>", "Bob Brown <bob@contoso.com>"},
			SkipSample: []string{"Gina Global <gina@contoso.com>: privileged"}},
		Approvals: []mfa.BatchApproval{
			{Approver: mfa.Actor{ID: "approver-1", Name: "Ada Approver", Via: "teams"}, Ticket: "INC-4711", At: at(time.Minute)},
			{Approver: mfa.Actor{ID: "approver-2", UPN: "abe@contoso.com", Via: "cli"}, Ticket: "INC-4711", At: at(2*time.Minute + 1)},
		},
		StoppedBy:       &mfa.Actor{ID: "agent-2", Name: "Paula Pause"},
		Note:            "resumed after the incident call",
		CreatedAt:       at(0),
		ExpiresAt:       at(time.Hour),
		UpdatedAt:       at(3*time.Minute + 3),
		StartedAt:       at(2*time.Minute + 2),
		FinishedAt:      at(time.Hour + 5),
		Notified:        5,
		NotifiedThrough: 17,
	}
}

// planningBatch builds a batch created at created whose plan is being
// made: the state in which its items are added.
func planningBatch(id string, created time.Time) *mfa.Batch {
	b := plannedBatch(id, created)
	b.State = mfa.BatchPlanning
	return b
}

// plannedBatch builds a fresh planned batch created at created.
func plannedBatch(id string, created time.Time) *mfa.Batch {
	return &mfa.Batch{ID: id, State: mfa.BatchPlanned, Requester: mfa.Actor{ID: "agent-1", Via: "teams"},
		Reason: "incident", Source: "file users.csv", Profile: mfa.ProfileAll, RevokeSessions: true,
		Plan: mfa.BatchPlan{Listed: 3, ToReset: 3}, CreatedAt: created, ExpiresAt: created.Add(time.Hour), UpdatedAt: created}
}

// pendingItems builds the pending items from..to of batch batchID, of
// users u-<seq>.
func pendingItems(batchID string, from, to int64) []mfa.BatchItem {
	var out []mfa.BatchItem
	for seq := from; seq <= to; seq++ {
		out = append(out, mfa.BatchItem{BatchID: batchID, Seq: seq, UserID: fmt.Sprintf("u-%d", seq),
			UPN: fmt.Sprintf("user%d@contoso.com", seq), State: mfa.ItemPending})
	}
	return out
}

// NewBatch creates in s a batch id, created at base, with n pending items
// (seq 1..n, users u-<seq>), planned as the service plans: created
// planning, the items added, then planned.
func NewBatch(s mfa.BatchStore, id string, n int) error {
	b := planningBatch(id, base)
	if err := s.CreateBatch(ctx, b); err != nil {
		return err
	}
	if err := s.AddBatchItems(ctx, id, pendingItems(id, 1, int64(n))); err != nil {
		return err
	}
	b.State = mfa.BatchPlanned
	return s.UpdateBatch(ctx, b, mfa.BatchPlanning)
}

// closeBatch moves batch id of s, open, to completed, so another may open.
func closeBatch(s mfa.BatchStore, id string) error {
	b, err := s.GetBatch(ctx, id)
	if err != nil {
		return err
	}
	b.State = mfa.BatchCompleted
	return s.UpdateBatch(ctx, b, mfa.OpenBatchStates...)
}
