package wiring

import (
	"context"
	"time"
)

// maintain does the service's periodic work until ctx ends: at once and
// then every interval it finishes resets a crash left executing, runs
// requests left approved, reminds the approvers of requests pending for
// half their lifetime, expires pending requests whose time is up, and
// expires incident resets whose two approvals did not come in time.
func maintain(ctx context.Context, w *Wiring, every time.Duration) {
	jobs := []struct {
		what string
		run  func(context.Context) (int, error)
	}{
		{"resumed interrupted resets", w.Svc.Resume},
		{"ran requests left approved", w.Svc.ResumeApproved},
		{"reminded approvers of requests at half-life", w.Svc.RemindDue},
		{"expired requests", w.Svc.ExpireDue},
		{"expired incident resets", w.Svc.ExpireBatches},
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for _, j := range jobs {
			if n, err := j.run(ctx); err != nil {
				w.Log.Error("periodic work failed", "job", j.what, "err", err)
			} else if n > 0 {
				w.Log.Info(j.what, "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// every runs f at once and then every interval until ctx ends.
func every(ctx context.Context, interval time.Duration, f func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		f()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// runBatches works on running incident resets until ctx ends (every
// replica does; they share the work through the store's leases and the
// Graph writes through its throttle). It returns once the users under way
// when ctx ended are finished: stopping one halfway would leave them
// half-reset, and their outcome unrecorded until another replica's lease
// on them ran out.
func runBatches(ctx context.Context, w *Wiring) {
	if err := w.Svc.RunBatches(ctx); err != nil {
		w.Log.Error("incident resets stopped", "err", err)
	}
}
