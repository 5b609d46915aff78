package mfa

import (
	"context"
	"time"
)

// approvedGrace is how long a request may stay approved before
// ResumeApproved runs it: the approving process normally starts the
// execution within a moment, and running it from two places at once only
// costs a conflict.
const approvedGrace = time.Minute

// ResumeApproved executes every request left approved for longer than a
// minute and returns how many it ran. The bot executes a request in the
// background right after its approval, so a crash (or a failed store write)
// in between would leave it approved with nothing to run it; executing it
// is what its approvers asked, and the target is checked again before
// anything is deleted.
func (s *Service) ResumeApproved(ctx context.Context) (int, error) {
	rs, err := s.store.ListRequests(ctx, RequestFilter{States: []State{StateApproved}})
	if err != nil {
		return 0, err
	}
	cutoff := s.clock.Now().Add(-approvedGrace)
	n := 0
	for _, r := range rs {
		if r.UpdatedAt.After(cutoff) {
			continue
		}
		if _, busy := s.running.Load(r.ID); busy {
			continue
		}
		s.log.Info("executing a request left approved", "request", r.ID)
		if _, err := s.Execute(ctx, r.ID); err != nil {
			if Code(err) != EConflict {
				s.log.Error("resume of approved request failed", "request", r.ID, "err", err)
			}
			continue
		}
		n++
	}
	return n, nil
}
