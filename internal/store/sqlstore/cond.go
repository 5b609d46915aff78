package sqlstore

import (
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// LeaseMode says what a conditional write does to the lease columns.
type LeaseMode int

// Lease modes.
const (
	LeaseKeep  LeaseMode = iota // an update of an executing request without a lease
	LeaseTake                   // the write takes or keeps the lease (c.Lease set)
	LeaseClear                  // the request leaves executing: the lease is freed
)

// ModeOf returns what a write of r under c does to the lease.
func ModeOf(r *mfa.Request, c mfa.Cond) LeaseMode {
	switch {
	case r.State != mfa.StateExecuting:
		return LeaseClear
	case c.Lease != nil:
		return LeaseTake
	}
	return LeaseKeep
}

// LeaseConflict is the EConflict of a write refused because another owner's
// execution lease on request id runs until until.
func LeaseConflict(id string, until time.Time) error {
	return mfa.Errorf(mfa.EConflict, "request %s is being executed by another process (its lease runs until %s)", id, until.UTC().Format(time.RFC3339))
}

// LeaseLost is the EConflict of a renewal by an owner that no longer holds
// the lease of request id.
func LeaseLost(id string) error {
	return mfa.Errorf(mfa.EConflict, "request %s is no longer executed under this lease (taken over or finished)", id)
}

// IdleSince is, for a claim under lease l, the latest last update of a
// request executing without any lease (written by an mfabot from before
// leases) that the claim may take over: such a request counts as leased
// for the length of l from its last update.
func IdleSince(l *mfa.Lease) int64 {
	return Nanos(l.Now) - int64(l.Until.Sub(l.Now))
}
