package mfa

import (
	"fmt"
	"time"
)

// Cond is the condition of a store write of a request. The store decides
// every part of it and the write in one atomic step (one transaction that
// no other writer of the database interleaves with), so concurrent callers —
// goroutines, processes, replicas — can never together pass a limit, and
// at most one holds an execution lease.
type Cond struct {
	// From lists the states the stored request may be in (required for an
	// update; ignored by CreateRequest).
	From []State
	// Limits must each have room: the requests matching a limit number
	// fewer than its Max, counted before the write.
	Limits []Limit
	// Lease, when set, takes or keeps the request's execution lease for
	// Lease.Owner: the write fails with EConflict while another owner's
	// lease runs. A write that leaves the request in any state but
	// executing frees the lease.
	Lease *Lease
}

// Limit bounds a write by a count of stored requests.
type Limit struct {
	// Name says which limit refused, in the *LimitError.
	Name string
	// Count lists filters whose counts are added up; they should not
	// overlap (RequestFilter.Limit is ignored).
	Count []RequestFilter
	// Max is the most requests the count may reach with the write.
	Max int
}

// Limit names.
const (
	LimitRequester = "requester" // requests per requester per window
	LimitBreaker   = "breaker"   // resets tenant-wide per window
)

// LimitError is the cause of the ERateLimited *Error a store returns when
// a Limit refused a write.
type LimitError struct {
	Limit string
	Count int // the count the store found
	Max   int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("limit %s reached: %d of %d", e.Limit, e.Count, e.Max)
}

// LimitReached is the error a store returns for a limit that has no room.
func LimitReached(l Limit, n int) error {
	return Wrap(ERateLimited, &LimitError{Limit: l.Name, Count: n, Max: l.Max}, "the %s limit of %d is reached", l.Name, l.Max)
}

// Lease is an execution lease: while it runs, only its owner executes the
// request. The owner renews it (a heartbeat) while it works; a process that
// dies stops renewing, and once Until has passed another may take over.
type Lease struct {
	// Owner names the process and service instance that holds the lease.
	Owner string
	// Until is when the lease runs out unless renewed.
	Until time.Time
	// Now is the time of the claim: a stored lease with Until at or before
	// Now has run out and may be taken over.
	Now time.Time
}
