package mfa

import (
	"context"
	"errors"
	"time"
)

// Directory is what the domain needs from Microsoft Entra ID. internal/graph
// implements it over Microsoft Graph. Errors the directory answers are
// *DirectoryError; a user that does not exist is an *Error with ENotFound.
type Directory interface {
	// FindUser resolves a UPN, a mail address or an object id.
	FindUser(ctx context.Context, key string) (User, error)
	// ListMethods lists the user's registered authentication methods.
	ListMethods(ctx context.Context, userID string) ([]Method, error)
	// DeleteMethod deletes one method through its typed collection. A
	// method that is already gone answers a *DirectoryError with status 404.
	DeleteMethod(ctx context.Context, userID string, m Method) error
	// RevokeSessions invalidates the user's refresh tokens and session cookies.
	RevokeSessions(ctx context.Context, userID string) error
	// CreateTAP issues a Temporary Access Pass.
	CreateTAP(ctx context.Context, userID string, req TAPRequest) (TAP, error)
	// TAPPolicy reads the tenant's Temporary Access Pass policy.
	TAPPolicy(ctx context.Context) (TAPPolicy, error)
	// Privileges reads every path from the user to power (see Privileges)
	// completely (every page) and with strong consistency, and how the user
	// reaches each of the watched groups (the bot's own). What could not be
	// read is named in Unread and the error is non-nil; what was read is
	// returned beside it.
	Privileges(ctx context.Context, userID string, watch []string) (Privileges, error)
	// IsMemberOf reports whether the user is a transitive member of the group.
	IsMemberOf(ctx context.Context, userID, groupID string) (bool, error)
	// GroupMembers lists the users who are transitive members of the
	// group (every page), in the directory's order.
	GroupMembers(ctx context.Context, groupID string) ([]User, error)
	// Manager returns the user's manager; ENotFound when there is none.
	Manager(ctx context.Context, userID string) (User, error)
	// FindGroup resolves a group by object id or exact display name; a
	// name that several groups share is EInvalid (naming how many), none
	// is ENotFound.
	FindGroup(ctx context.Context, key string) (Group, error)
	// EachGroupMember calls f with every user who is a transitive member
	// of the group, page by page as Graph returns them (every page, no
	// cap: a failed page or a looping nextLink is an error), without
	// holding the whole list. An error from f stops the listing and is
	// returned.
	EachGroupMember(ctx context.Context, groupID string, f func(User) error) error
}

// Group is a directory group.
type Group struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Mailer sends mail from a mailbox (Graph sendMail).
type Mailer interface {
	SendMail(ctx context.Context, from string, to []string, subject, text string) error
}

// BulkMailer sends one mail to many people who do not see each other
// (Bcc). A Mailer that is also a BulkMailer sends incident notices in
// groups; otherwise each user gets their own mail.
type BulkMailer interface {
	SendBcc(ctx context.Context, from string, bcc []string, subject, text string) error
}

// Store persists requests, their execution journal, the audit chain and
// the circuit breaker. internal/store implements it; every implementation
// passes the shared suite in internal/store/storetest. (The Teams bot keeps
// its own state behind its own interface, bot/botstate.)
type Store interface {
	// CreateRequest inserts a new request if every limit has room, in one
	// atomic step; a full limit is an ERateLimited *Error caused by a
	// *LimitError, and nothing is inserted.
	CreateRequest(ctx context.Context, r *Request, limits ...Limit) error
	// GetRequest returns a request or an *Error with ENotFound.
	GetRequest(ctx context.Context, id string) (*Request, error)
	// UpdateRequest writes r only if the stored request's state is one of
	// from, atomically; otherwise it returns an *Error with EConflict and
	// leaves the stored request as it was.
	UpdateRequest(ctx context.Context, r *Request, from ...State) error
	// WriteRequest writes r if every part of c holds, in one atomic step:
	// the state (EConflict), the limits (ERateLimited with a *LimitError)
	// and the execution lease (EConflict).
	WriteRequest(ctx context.Context, r *Request, c Cond) error
	// RenewLease extends the execution lease of a request that owner holds
	// and that is still executing, to until; EConflict when the lease is
	// no longer the owner's (taken over) or the request has finished.
	RenewLease(ctx context.Context, id, owner string, until time.Time) error
	// ListRequests returns requests matching f, newest first.
	ListRequests(ctx context.Context, f RequestFilter) ([]*Request, error)
	// CountRequests counts requests matching f.
	CountRequests(ctx context.Context, f RequestFilter) (int, error)

	// RecordStep adds a step to a request's execution journal. Recording the
	// same (request, key) twice is not an error and keeps the first.
	RecordStep(ctx context.Context, requestID string, s Step) error
	// Steps returns a request's journal in the order recorded.
	Steps(ctx context.Context, requestID string) ([]Step, error)

	// AppendAudit appends an event to the hash chain and returns the record.
	AppendAudit(ctx context.Context, e AuditEvent) (AuditRecord, error)
	// AuditRecords returns up to limit records with Seq > after, in order.
	AuditRecords(ctx context.Context, after int64, limit int) ([]AuditRecord, error)

	// Breaker returns the tenant-wide circuit breaker's state, shared by
	// every replica; the zero state when none was saved.
	Breaker(ctx context.Context) (BreakerState, error)
	// SetBreaker saves the circuit breaker's state.
	SetBreaker(ctx context.Context, st BreakerState) error

	// Ping checks the store is reachable (readiness).
	Ping(ctx context.Context) error
	Close() error
}

// RequestFilter selects requests. Zero fields do not filter.
type RequestFilter struct {
	States      []State
	TargetID    string
	RequesterID string
	// Since selects requests created at or after it.
	Since time.Time
	// ExecutedSince selects requests whose execution started at or after it
	// (Result != nil or state executing) — used by the circuit breaker.
	ExecutedSince time.Time
	Limit         int
}

// Step is one entry of a request's execution journal: written as each
// effect completes, so a resumed execution never repeats it.
type Step struct {
	Key    string    `json:"key"`  // "remove:phone/3179…", "revoke", "tap"
	Kind   string    `json:"kind"` // "removed", "revoked", "tap"
	Method *Method   `json:"method,omitempty"`
	At     time.Time `json:"at"`
}

// Notifier tells people about requests. The Teams bot implements it; tests
// use a recorder. It is given to the Service once, at construction. The
// service calls it only after a transition is stored and audited, never in
// the middle of one; whom to tell about a new request (approvers, the
// target user) the caller learns from Recipients and reports back with
// Delivered. Errors are logged and audited by the service, never fatal.
type Notifier interface {
	// RequestChanged is called after every committed transition so cards
	// stay in sync.
	RequestChanged(ctx context.Context, r *Request)
	// Remind tells the approvers that r is still waiting, once, at half
	// its lifetime.
	Remind(ctx context.Context, r *Request)
	// TellTarget tells the target user, after execution, what was reset.
	TellTarget(ctx context.Context, r *Request) error
	// DeliverTAP shows a Temporary Access Pass to the requester alone (a
	// personal chat, or the operator's terminal). It must not log the value.
	DeliverTAP(ctx context.Context, r *Request, tap TAP) error
}

// Alerter raises security alerts (a webhook, behind a queue in serve).
type Alerter interface {
	Alert(ctx context.Context, a Alert) error
}

// ErrAlertQueueFull is returned by an Alerter that queues alerts when its
// queue cannot take another: the alert is in the audit but will not be
// sent, which the service audits and logs.
var ErrAlertQueueFull = errors.New("alert queue full")

// Alert is a security alert.
type Alert struct {
	Kind      string    `json:"kind"`
	Summary   string    `json:"summary"`
	RequestID string    `json:"requestId,omitempty"`
	Target    string    `json:"target,omitempty"`
	Actor     string    `json:"actor,omitempty"`
	At        time.Time `json:"at"`
}

// Clock tells the time; tests inject a fake.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }
