package mfa

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEvent is something that happened, before it is chained.
type AuditEvent struct {
	Time      time.Time         `json:"time"`
	Type      string            `json:"type"`
	RequestID string            `json:"requestId,omitempty"`
	Actor     string            `json:"actor,omitempty"`  // object id or "system"
	Target    string            `json:"target,omitempty"` // UPN
	Detail    map[string]string `json:"detail,omitempty"`
}

// AuditRecord is an event in the append-only chain: Hash is SHA-256 over the
// previous record's hash and this record's canonical JSON.
type AuditRecord struct {
	Seq int64 `json:"seq"`
	AuditEvent
	PrevHash string `json:"prevHash"`
	Hash     string `json:"hash"`
}

// Audit event types.
const (
	AuditRequested       = "requested"
	AuditRefused         = "refused"
	AuditApproved        = "approved"
	AuditManagerApproved = "manager_approved"
	AuditRejected        = "rejected"
	AuditCancelled       = "cancelled"
	AuditExpired         = "expired"
	AuditConfirmAsked    = "confirmation_asked"
	AuditConfirmed       = "confirmed"
	AuditDenied          = "denied_by_user"
	AuditExecuting       = "executing"
	AuditResumed         = "resumed"
	AuditLeaseLost       = "lease_lost"
	AuditMethodRemoved   = "method_removed"
	AuditMethodFailed    = "method_failed"
	AuditSessionsRevoked = "sessions_revoked"
	AuditRevokeFailed    = "revoke_failed"
	AuditTAPIssued       = "tap_issued"
	AuditTAPFailed       = "tap_failed"
	AuditVerified        = "verified"
	AuditCompleted       = "completed"
	AuditFailed          = "failed"
	AuditAlert           = "alert"
	AuditAlertDropped    = "alert_dropped"
	// AuditLookup is someone looking at another person: their methods
	// (show mfa), their reset history, or a request about them (status).
	AuditLookup         = "lookup"
	AuditRateLimited    = "rate_limited"
	AuditBreakerTripped = "breaker_tripped"
	AuditBreakerResumed = "breaker_resumed"
	AuditUserNotified   = "user_notified"
	AuditNotifyFailed   = "notify_failed"
	AuditApprovalsSet   = "approvals_conversation_set"
	AuditDelivered      = "delivered"
	AuditReminded       = "reminded"
	// AuditSmokeTest is a step of the operator's smoke test of a test
	// account before go-live (`mfabot check --write`): refused, started,
	// passed or failed (naming the step). The reset it runs is audited as
	// every reset is, its records marked smokeTest=true.
	AuditSmokeTest = "smoke_test"

	// Incident mode: the batch's decisions (its id in the request id) and
	// one record per user's outcome (the user in the target).
	AuditBatchPlanned   = "batch_planned"
	AuditBatchRefused   = "batch_refused"
	AuditBatchApproved  = "batch_approved"
	AuditBatchStarted   = "batch_started"
	AuditBatchPaused    = "batch_paused"
	AuditBatchResumed   = "batch_resumed"
	AuditBatchCancelled = "batch_cancelled"
	AuditBatchExpired   = "batch_expired"
	AuditBatchCompleted = "batch_completed"
	AuditBatchUser      = "batch_user"
	AuditBatchNotified  = "batch_notified"
)

// GenesisHash is the PrevHash of the first record.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ChainHash computes a record's hash from the previous hash and the record's
// content (Seq and event; the Hash field itself is not included). Times are
// hashed in UTC with nanoseconds, so a store must keep them exactly.
func ChainHash(prev string, r AuditRecord) string {
	body := struct {
		Seq      int64             `json:"seq"`
		Time     string            `json:"time"`
		Type     string            `json:"type"`
		Request  string            `json:"requestId"`
		Actor    string            `json:"actor"`
		Target   string            `json:"target"`
		Detail   map[string]string `json:"detail"` // encoding/json sorts map keys
		PrevHash string            `json:"prevHash"`
	}{r.Seq, r.Time.UTC().Format(time.RFC3339Nano), r.Type, r.RequestID, r.Actor, r.Target, r.Detail, prev}
	b, err := json.Marshal(body)
	if err != nil {
		panic(fmt.Sprintf("audit: marshal: %v", err)) // only strings: cannot fail
	}
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// ChainBreak describes the first record whose link does not hold.
type ChainBreak struct {
	Seq    int64
	Reason string
}

func (b *ChainBreak) Error() string {
	return fmt.Sprintf("audit chain broken at record %d: %s", b.Seq, b.Reason)
}

// ChainVerifier checks records one at a time, in order.
type ChainVerifier struct {
	prev    string
	lastSeq int64
	count   int64
}

// NewChainVerifier starts at the genesis hash.
func NewChainVerifier() *ChainVerifier { return &ChainVerifier{prev: GenesisHash} }

// Check verifies the next record; it returns a *ChainBreak on the first
// record that was edited, removed, reordered or inserted.
func (v *ChainVerifier) Check(r AuditRecord) error {
	if r.Seq != v.lastSeq+1 {
		return &ChainBreak{Seq: r.Seq, Reason: fmt.Sprintf("expected record %d next (a record was removed or reordered)", v.lastSeq+1)}
	}
	if r.PrevHash != v.prev {
		return &ChainBreak{Seq: r.Seq, Reason: "its previous-hash does not match the record before it"}
	}
	if want := ChainHash(v.prev, r); r.Hash != want {
		return &ChainBreak{Seq: r.Seq, Reason: "its content does not match its hash (the record was edited)"}
	}
	v.prev, v.lastSeq = r.Hash, r.Seq
	v.count++
	return nil
}

// Count is how many records passed.
func (v *ChainVerifier) Count() int64 { return v.count }

// Head is the hash of the last record that passed.
func (v *ChainVerifier) Head() string { return v.prev }
