package mfa

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"
)

// The execution lease makes one process, of any number sharing a database,
// the executor of a request: Execute takes it with the move to executing,
// the executor renews it while it works (a heartbeat), and Resume takes
// over only a request whose lease has run out — its executor died or hung.
// An executor that finds its lease gone (taken over, or run out without a
// renewal) starts no further effect and does not record an outcome.

// newOwner names this Service instance as a lease owner: host and process
// for people reading the database, and a random part, because two Services
// of one process (or a restarted process with the same pid) are different
// owners.
func newOwner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), randomHex(6))
}

// newLease is a lease for this Service from now.
func (s *Service) newLease() Lease {
	now := s.clock.Now().UTC()
	return Lease{Owner: s.owner, Now: now, Until: now.Add(s.policy.ExecutionLease)}
}

// reserve marks a request as run by this process; false when it already is.
func (s *Service) reserve(id string) bool {
	_, busy := s.running.LoadOrStore(id, (*execution)(nil))
	return !busy
}

// RenewLeases renews the lease of every request this Service is executing
// and returns how many it renewed. Each execution also renews its own
// lease in the background; this is for callers with their own schedule.
func (s *Service) RenewLeases(ctx context.Context) int {
	n := 0
	s.running.Range(func(_, v any) bool {
		if ex, _ := v.(*execution); ex != nil && ex.renew(ctx) {
			n++
		}
		return true
	})
	return n
}

// leaseState is an execution's view of its lease.
type leaseState struct {
	mu    sync.Mutex
	lease Lease
	lost  bool
}

// held reports whether the execution may still act: its lease was not
// lost to another owner and has not run out without a renewal.
func (ex *execution) held() bool {
	ex.ls.mu.Lock()
	defer ex.ls.mu.Unlock()
	return !ex.ls.lost && ex.s.clock.Now().Before(ex.ls.lease.Until)
}

// renew extends the lease from now. A refusal (taken over, finished) loses
// it for good; a store that cannot be reached leaves it to run out.
func (ex *execution) renew(ctx context.Context) bool {
	ex.ls.mu.Lock()
	defer ex.ls.mu.Unlock()
	if ex.ls.lost {
		return false
	}
	until := ex.s.clock.Now().UTC().Add(ex.s.policy.ExecutionLease)
	err := ex.s.store.RenewLease(ctx, ex.r.ID, ex.ls.lease.Owner, until)
	switch {
	case err == nil:
		ex.ls.lease.Until = until
		return true
	case Code(err) == EConflict:
		ex.ls.lost = true
		ex.s.log.Error("execution lease lost", "request", ex.r.ID, "err", err)
	default:
		ex.s.log.Warn("execution lease not renewed", "request", ex.r.ID, "err", err)
	}
	return false
}

// heartbeat renews the lease every third of its length until the returned
// stop is called.
func (ex *execution) heartbeat(ctx context.Context) (stop func()) {
	every := ex.s.policy.ExecutionLease / 3
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				ex.renew(ctx)
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// leaseCond is the condition of the executor's own writes: the request is
// still executing and the lease still its own.
func (ex *execution) leaseCond() Cond {
	ex.ls.mu.Lock()
	defer ex.ls.mu.Unlock()
	l := ex.ls.lease
	l.Now = ex.s.clock.Now().UTC()
	return Cond{From: []State{StateExecuting}, Lease: &l}
}

// abandon records that this executor lost its lease and stops, leaving the
// outcome to the one that holds it now.
func (ex *execution) abandon(ctx context.Context) (*Request, error) {
	s, r := ex.s, ex.r
	_, _ = s.audit(ctx, AuditLeaseLost, r, "system", map[string]string{"owner": ex.ls.lease.Owner,
		"note": "this executor lost its lease (another process took the request over); it started nothing more and left the outcome to the new executor"})
	return r, Errorf(EConflict, "request %s was taken over by another process; this one stopped", r.ID)
}
