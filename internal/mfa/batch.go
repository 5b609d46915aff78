package mfa

import (
	"context"
	"time"
)

// Incident mode: one audited decision resets the MFA of many users (every
// member of a group, or a list), at the rate Graph allows. A Batch is that
// decision; its BatchItems are the users, one work-queue entry each.

// BatchState is where a batch is in its lifecycle:
//
//	planning → planned → running ⇄ paused → completed
//	planning → cancelled (the plan failed or was refused, see Note)
//	planned | running | paused → cancelled;  planned → expired
type BatchState string

// Batch states.
const (
	BatchPlanning  BatchState = "planning" // the plan is being made: nobody can approve it yet
	BatchPlanned   BatchState = "planned"  // waiting for two approvals
	BatchRunning   BatchState = "running"
	BatchPaused    BatchState = "paused"
	BatchCompleted BatchState = "completed"
	BatchCancelled BatchState = "cancelled"
	BatchExpired   BatchState = "expired"
)

// Open reports whether the batch may still change (planning, planned,
// running or paused). One batch is open at a time, tenant-wide.
func (s BatchState) Open() bool {
	return s == BatchPlanning || s == BatchPlanned || s == BatchRunning || s == BatchPaused
}

// OpenBatchStates are the states of an open batch.
var OpenBatchStates = []BatchState{BatchPlanning, BatchPlanned, BatchRunning, BatchPaused}

// BatchApprovals is how many different approvers a batch needs.
const BatchApprovals = 2

// Batch is an incident reset: who asked, why, of whom (the plan), who
// approved it naming which incident, and where it is.
type Batch struct {
	ID        string     `json:"id"` // "B-7K3QW9"
	State     BatchState `json:"state"`
	Requester Actor      `json:"requester"`
	Reason    string     `json:"reason"`
	// Source names where the users came from, for people: "group Phished
	// (0b7c…)" or "file users.csv".
	Source string `json:"source"`
	// GroupID is the group's object id when the source is a group.
	GroupID string  `json:"groupId,omitempty"`
	Profile Profile `json:"profile"`
	// RevokeSessions is always true in incident mode: stolen sessions are
	// what the reset is for. Kept so a record says what was done.
	RevokeSessions bool `json:"revokeSessions"`
	// NotifyUsers says whether users are told by mail (batched) when the
	// batch ends; true when a mailbox is configured.
	NotifyUsers bool `json:"notifyUsers"`

	Plan      BatchPlan       `json:"plan"`
	Approvals []BatchApproval `json:"approvals,omitempty"`
	// StoppedBy is who paused or cancelled it last.
	StoppedBy *Actor `json:"stoppedBy,omitempty"`
	// Note says why a batch ended the way it did ("the group has more
	// than 50,000 members", "cancelled by …"), for people.
	Note string `json:"note,omitempty"`

	CreatedAt  time.Time `json:"createdAt"`
	ExpiresAt  time.Time `json:"expiresAt"` // approvals must come before
	UpdatedAt  time.Time `json:"updatedAt"`
	StartedAt  time.Time `json:"startedAt,omitzero"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
	// Notified is how many of the reset users have been sent the notice;
	// NotifiedThrough is the last item sequence the notices have covered
	// (they are sent after the batch ends, in groups, resumably).
	Notified        int   `json:"notified,omitempty"`
	NotifiedThrough int64 `json:"notifiedThrough,omitempty"`
	// Version counts the stored batch's changes: UpdateBatch refuses a
	// change made from an older read, so two approvers answering at once
	// cannot write over each other.
	Version int64 `json:"version"`
}

// Ticket is the incident the approvals named (the same for both).
func (b *Batch) Ticket() string {
	if len(b.Approvals) == 0 {
		return ""
	}
	return b.Approvals[0].Ticket
}

// BatchApproval is one approver's decision and the incident they named.
type BatchApproval struct {
	Approver Actor     `json:"approver"`
	Ticket   string    `json:"ticket"`
	At       time.Time `json:"at"`
}

// BatchPlan is what the approvers decide on: how many users are reset, how
// many are skipped and why, and a sample of names.
type BatchPlan struct {
	// Listed is how many users the source named (group members or file
	// lines, duplicates removed).
	Listed  int         `json:"listed"`
	ToReset int         `json:"toReset"`
	Skipped []SkipCount `json:"skipped,omitempty"`
	// Sample names a few of the users to be reset ("Alice Adams
	// <alice@contoso.com>").
	Sample []string `json:"sample,omitempty"`
	// SkipSample names a few skipped users with their reason.
	SkipSample []string `json:"skipSample,omitempty"`
}

// SkippedTotal is how many users the plan skips.
func (p BatchPlan) SkippedTotal() int {
	n := 0
	for _, s := range p.Skipped {
		n += s.Count
	}
	return n
}

// SkipCount is how many users are skipped for one reason.
type SkipCount struct {
	Kind  SkipKind `json:"kind"`
	Count int      `json:"count"`
}

// SkipKind is why a user of a batch is not reset. A refused target's
// RefusalKind maps to one of these.
type SkipKind string

// Skip reasons.
const (
	SkipPrivileged SkipKind = "privileged" // roles, eligibility, role-assignable groups, app ownership
	SkipProtected  SkipKind = "protected"  // the protected group, or the bot's own groups
	SkipGuest      SkipKind = "guest"      // guests and external members
	SkipNotFound   SkipKind = "not_found"  // a file line naming nobody
	SkipUnreadable SkipKind = "unreadable" // what makes a user privileged could not be read
	SkipSelf       SkipKind = "self"       // the requester
	SkipDuplicate  SkipKind = "duplicate"  // named twice (another name for the same user)
)

// Describe is the reason for people.
func (k SkipKind) Describe() string {
	switch k {
	case SkipPrivileged:
		return "privileged (roles, PIM eligibility, role-assignable groups, app owners)"
	case SkipProtected:
		return "protected or mfabot's own groups"
	case SkipGuest:
		return "guests and external members"
	case SkipNotFound:
		return "not found"
	case SkipUnreadable:
		return "could not be checked"
	case SkipSelf:
		return "the requester"
	case SkipDuplicate:
		return "named twice"
	}
	return string(k)
}

// ItemState is where one user of a batch is.
type ItemState string

// Item states. Pending items are the work queue; the others are final.
const (
	ItemPending ItemState = "pending"
	ItemSkipped ItemState = "skipped" // by the plan, or refused when about to run
	ItemDone    ItemState = "done"
	ItemPartial ItemState = "partial" // something remains or failed; see Detail
	ItemFailed  ItemState = "failed"  // nothing was removed
)

// BatchItem is one user of a batch: a work-queue entry while pending, the
// user's outcome once final.
type BatchItem struct {
	BatchID string    `json:"batchId"`
	Seq     int64     `json:"seq"` // 1.., the plan's order
	UserID  string    `json:"userId"`
	UPN     string    `json:"upn"`
	Name    string    `json:"name,omitempty"`
	Mail    string    `json:"mail,omitempty"`
	State   ItemState `json:"state"`
	// Skip is why a skipped item is skipped; Detail is the reason in words
	// (a skip's refusal, a failure's message).
	Skip   SkipKind `json:"skip,omitempty"`
	Detail string   `json:"detail,omitempty"`
	// Removed describes the methods removed ("Microsoft Authenticator
	// (Pixel 8); Phone (mobile, +1 ••• ••• 0100)").
	Removed         []string `json:"removed,omitempty"`
	SessionsRevoked bool     `json:"sessionsRevoked,omitempty"`
	// GraphRequestID is the request-id of the last Graph write for the
	// user (or of the call that failed).
	GraphRequestID string    `json:"graphRequestId,omitempty"`
	FinishedAt     time.Time `json:"finishedAt,omitzero"`

	// The work-queue lease, while a worker holds the item.
	LeaseOwner string    `json:"-"`
	LeaseUntil time.Time `json:"-"`
}

// BatchCounts counts a batch's items by state.
type BatchCounts struct {
	Pending int `json:"pending"`
	Skipped int `json:"skipped"`
	Done    int `json:"done"`
	Partial int `json:"partial"`
	Failed  int `json:"failed"`
}

// Total is every item.
func (c BatchCounts) Total() int { return c.Pending + c.Skipped + c.Done + c.Partial + c.Failed }

// BatchStore is the store's part for incident mode: batches, their work
// queue, the per-user journal and the write throttle shared by every
// replica. Both stores implement it and pass internal/store/storetest.
type BatchStore interface {
	// CreateBatch inserts a batch; EConflict when another batch is open
	// (one open batch at a time, tenant-wide, atomically across replicas).
	CreateBatch(ctx context.Context, b *Batch) error
	// AddBatchItems inserts items of a batch whose plan is being made
	// (planning) in one atomic step;
	// an item whose (batch, seq) exists is EConflict and nothing is added.
	AddBatchItems(ctx context.Context, batchID string, items []BatchItem) error
	// GetBatch returns a batch or an *Error with ENotFound.
	GetBatch(ctx context.Context, id string) (*Batch, error)
	// UpdateBatch writes b only if the stored batch's state is one of from
	// and its Version is b's (nobody wrote it since b was read),
	// atomically, and then sets b.Version to the stored one; otherwise
	// EConflict and nothing changes.
	UpdateBatch(ctx context.Context, b *Batch, from ...BatchState) error
	// ListBatches returns batches in any of states (all when none), newest
	// first, at most limit (all when 0).
	ListBatches(ctx context.Context, limit int, states ...BatchState) ([]*Batch, error)

	// ClaimBatchItems leases up to n pending items of the batch that no
	// live lease holds (none, or LeaseUntil ≤ now) to owner until until,
	// in seq order, and returns them. Concurrent claimers — in this process
	// or any replica — never get the same item while its lease runs
	// (PostgreSQL: FOR UPDATE SKIP LOCKED).
	ClaimBatchItems(ctx context.Context, batchID, owner string, n int, now, until time.Time) ([]BatchItem, error)
	// RenewBatchItems extends owner's leases on the batch's pending items
	// to until and returns how many it extended.
	RenewBatchItems(ctx context.Context, batchID, owner string, until time.Time) (int, error)
	// ReleaseBatchItems drops owner's leases on the batch's pending items
	// (they stay pending, for anyone).
	ReleaseBatchItems(ctx context.Context, batchID, owner string) error
	// FinishBatchItem stores a final item (State not pending) if owner
	// still holds its lease, clearing the lease; EConflict otherwise.
	FinishBatchItem(ctx context.Context, it BatchItem, owner string) error
	// BatchCounts counts the batch's items by state.
	BatchCounts(ctx context.Context, batchID string) (BatchCounts, error)
	// BatchItems returns up to limit items with seq > after, in seq order
	// (a page of the export, the notices, the plan's review).
	BatchItems(ctx context.Context, batchID string, after int64, limit int) ([]BatchItem, error)

	// RecordBatchStep adds a step to one user's journal in a batch;
	// recording the same key twice keeps the first.
	RecordBatchStep(ctx context.Context, batchID, userID string, s Step) error
	// BatchSteps returns one user's journal in a batch, in order.
	BatchSteps(ctx context.Context, batchID, userID string) ([]Step, error)

	// ReserveWrites reserves n write slots spaced every apart on the
	// throttle named key, shared by every replica, and returns when the
	// first slot starts: max(now, the end of the last reservation, any
	// hold), atomically. The reservation moves the throttle's end by
	// n·every.
	ReserveWrites(ctx context.Context, key string, n int, every time.Duration, now time.Time) (time.Time, error)
	// HoldWrites makes the throttle's next slot start no earlier than
	// until (Graph answered 429 with Retry-After): every replica waits.
	HoldWrites(ctx context.Context, key string, until time.Time) error
}

// throttleKey is a context key for ReportThrottle.
type throttleKey struct{}

// WithThrottleReport returns ctx carrying f, which the directory calls
// each time Graph answers 429 (or 503) with how long it asked to wait, so a
// batch slows every worker down, not just the call that was throttled.
func WithThrottleReport(ctx context.Context, f func(retryAfter time.Duration)) context.Context {
	return context.WithValue(ctx, throttleKey{}, f)
}

// ReportThrottle tells the batch running in ctx, if any, that Graph asked
// to wait retryAfter. The directory adapter calls it before its own retry.
func ReportThrottle(ctx context.Context, retryAfter time.Duration) {
	if f, ok := ctx.Value(throttleKey{}).(func(time.Duration)); ok && f != nil {
		f(retryAfter)
	}
}

// BatchStatus is a batch with its progress, for cards and `status`.
type BatchStatus struct {
	Batch  *Batch      `json:"batch"`
	Counts BatchCounts `json:"counts"`
	// Rate is users finished per minute since the batch started; ETA is
	// when the pending users are expected to be done at that rate (zero
	// when unknown).
	Rate float64   `json:"rate"`
	ETA  time.Time `json:"eta,omitzero"`
	At   time.Time `json:"at"`
}

// BatchNotifier is what the Teams bot does for batches, besides Notifier:
// keep the plan and progress cards in step. The service calls it after
// every committed change and, while running, at most every
// BatchProgressEvery.
type BatchNotifier interface {
	BatchChanged(ctx context.Context, st *BatchStatus)
}

// BatchProgressEvery is how often a running batch's progress is published.
const BatchProgressEvery = 5 * time.Second

// BatchInput is what a requester asks for: a group (id or name) or a list
// of users (one UPN or object id each), and why.
type BatchInput struct {
	// ID is the new batch's id when the caller announces it before the
	// plan is made (the bot's "Planning B-…" reply): a NewBatchID. Empty:
	// PlanBatch makes one.
	ID    string
	Group string
	Users []string
	// SourceName names the list for people (the file's name).
	SourceName string
	Reason     string
	// DryRun plans and returns the plan without storing anything.
	DryRun bool
}

// requestIDKey is a context key for ReportRequestID.
type requestIDKey struct{}

// WithRequestIDReport returns ctx carrying f, which the directory calls
// with the HTTP method and the request-id of every Graph response, so a
// batch can record, per user, the id Microsoft support asks for.
func WithRequestIDReport(ctx context.Context, f func(method, requestID string)) context.Context {
	return context.WithValue(ctx, requestIDKey{}, f)
}

// ReportRequestID tells the batch running in ctx, if any, a Graph
// response's request-id.
func ReportRequestID(ctx context.Context, method, requestID string) {
	if f, ok := ctx.Value(requestIDKey{}).(func(string, string)); ok && f != nil && requestID != "" {
		f(method, requestID)
	}
}
