package mfa

import (
	"strings"
	"time"
)

// State is a request's place in its lifecycle.
type State string

// Request states. pending → approved → executing → completed | partial |
// failed; pending → rejected | cancelled | expired | blocked.
const (
	StatePending   State = "pending"
	StateApproved  State = "approved"
	StateExecuting State = "executing"
	StateCompleted State = "completed"
	StatePartial   State = "partial"
	StateFailed    State = "failed"
	StateRejected  State = "rejected"
	StateCancelled State = "cancelled"
	StateExpired   State = "expired"
	// StateBlocked is a request the target user said they did not ask for.
	StateBlocked State = "blocked"
)

// Final reports whether no transition leaves the state.
func (s State) Final() bool {
	switch s {
	case StatePending, StateApproved, StateExecuting:
		return false
	}
	return true
}

// Verification is how the approver says the caller's identity was checked.
type Verification string

// The accepted ways of verifying a caller.
const (
	VerifiedVideoID  Verification = "video_id"
	VerifiedCallback Verification = "callback"
	VerifiedManager  Verification = "manager"
	VerifiedInPerson Verification = "in_person"
	// VerifiedOperator marks a reset run by an operator at the CLI.
	VerifiedOperator Verification = "operator"
)

// Verifications lists the choices an approver has, in display order.
var Verifications = []Verification{VerifiedVideoID, VerifiedCallback, VerifiedManager, VerifiedInPerson}

// Describe is the human text of a verification.
func (v Verification) Describe() string {
	switch v {
	case VerifiedVideoID:
		return "Video call with photo ID"
	case VerifiedCallback:
		return "Call-back to the number on record"
	case VerifiedManager:
		return "Manager confirmed"
	case VerifiedInPerson:
		return "In person"
	case VerifiedOperator:
		return "Operator at the CLI"
	}
	return string(v)
}

// ParseVerification validates an approver's choice.
func ParseVerification(s string) (Verification, error) {
	for _, v := range Verifications {
		if string(v) == s {
			return v, nil
		}
	}
	return "", Errorf(EInvalid, "say how the caller's identity was verified before approving")
}

// Confirmation is the target user's answer to "Was this you?".
type Confirmation string

// Confirmation states.
const (
	ConfirmNotAsked    Confirmation = ""            // policy off, or the user is not reachable
	ConfirmAsked       Confirmation = "asked"       // waiting for the user
	ConfirmYes         Confirmation = "yes"         // the user confirmed
	ConfirmNo          Confirmation = "no"          // the user denied: the request is blocked
	ConfirmUnreachable Confirmation = "unreachable" // the user could not be asked
)

// Request is one MFA reset request. It is persisted; every change of State
// is a conditional update in the Store.
type Request struct {
	ID        string  `json:"id"`
	State     State   `json:"state"`
	Target    User    `json:"target"`
	Requester Actor   `json:"requester"`
	Reason    string  `json:"reason"`
	Profile   Profile `json:"profile"`
	IssueTAP  bool    `json:"issueTap"`
	// TAP is what the tenant's policy allowed when the request was made:
	// the pass's lifetime (clamped to the policy) and one-time use, or why
	// no pass can be issued.
	TAP TAPOffer `json:"tap,omitzero"`
	// Methods are the methods registered when the request was made.
	Methods []Method `json:"methods"`

	Approver     *Actor       `json:"approver,omitempty"`
	Verification Verification `json:"verification,omitempty"`
	// ManagerApproval is set when the target's manager approved.
	Manager         *Actor       `json:"manager,omitempty"`
	ManagerApproved bool         `json:"managerApproved,omitempty"`
	Confirmation    Confirmation `json:"confirmation,omitempty"`
	DecidedBy       *Actor       `json:"decidedBy,omitempty"` // who rejected or cancelled
	DecisionNote    string       `json:"decisionNote,omitempty"`
	// NeedsOverride is set when the target was reset within the per-target
	// window: an approver must give Override, a reason, to approve.
	NeedsOverride bool   `json:"needsOverride,omitempty"`
	Override      string `json:"override,omitempty"`
	// SmokeTest marks the operator's smoke test of a test account before
	// go-live (`mfabot check --write`): audited as such, and not counted
	// against the target's per-target limit.
	SmokeTest bool `json:"smokeTest,omitempty"`

	Result *Result `json:"result,omitempty"`

	// Delivery is where the request card went, once the bot recorded it.
	Delivery *Delivery `json:"delivery,omitempty"`
	// Reminded is set once the approvers were reminded at half-life.
	Reminded bool `json:"reminded,omitempty"`

	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// ApprovedBy names who approved: the approver, the target's manager, or
// both under a co-approval policy.
func (r *Request) ApprovedBy() string {
	var who []string
	if r.Approver != nil {
		who = append(who, r.Approver.String())
	}
	if r.ManagerApproved && r.Manager != nil && (r.Approver == nil || !SameID(r.Manager.ID, r.Approver.ID)) {
		who = append(who, r.Manager.String()+" (manager)")
	}
	return strings.Join(who, " and ")
}

// Planned returns the methods the request will remove, from the snapshot.
func (r *Request) Planned() []Method { return r.Profile.Select(r.Methods) }

// Result is what an execution did.
type Result struct {
	Removed         []Method        `json:"removed,omitempty"`
	Failed          []MethodFailure `json:"failed,omitempty"`
	Remaining       []Method        `json:"remaining,omitempty"`
	SessionsRevoked bool            `json:"sessionsRevoked"`
	RevokeError     string          `json:"revokeError,omitempty"`
	TAPIssued       bool            `json:"tapIssued"`
	TAPExpires      time.Time       `json:"tapExpires,omitzero"`
	TAPError        string          `json:"tapError,omitempty"`
	Error           string          `json:"error,omitempty"`
	// Unchecked names a kind of method that could not be listed (hardware
	// OATH tokens through Graph's beta API), so the reset cannot say it is
	// gone: the result is partial.
	Unchecked  string    `json:"unchecked,omitempty"`
	AuditRef   string    `json:"auditRef,omitempty"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
}

// MethodFailure is a method Graph refused to delete, with why.
type MethodFailure struct {
	Method    Method `json:"method"`
	Reason    string `json:"reason,omitempty"` // a DirectoryReason
	Code      string `json:"code,omitempty"`
	Message   string `json:"message"`
	RequestID string `json:"requestId,omitempty"`
}

// TAP is a Temporary Access Pass as created. Its Value is shown once, to the
// requester, and never stored, logged or audited.
type TAP struct {
	Value     string        `json:"-"`
	Lifetime  time.Duration `json:"lifetime"`
	OneTime   bool          `json:"oneTime"`
	ExpiresAt time.Time     `json:"expiresAt"`
}

// TAPRequest asks the directory for a TAP.
type TAPRequest struct {
	Lifetime time.Duration
	OneTime  bool
}
