package mfa

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// batchPoll is how often an idle runner looks for running batches, and a
// busy one for a pause or cancel.
const batchPoll = time.Second

// batchLease is how long a worker holds a user of a batch without
// renewing (every third of it): a replica killed mid-run leaves its users
// to the others this long after its last renewal. A user's reset takes a
// few Graph round trips, far less.
const batchLease = 30 * time.Second

// transientTries is how often a user whose writes Graph still refused as
// throttled or unavailable (after the directory's own retries) is tried
// again, after the hold, before the outcome is recorded; the journal
// makes each try skip what an earlier one did.
const transientTries = 5

// RunBatches works on running batches until ctx ends: this replica's share
// of the work queue. Every replica (and the CLI) may run it; they share the
// queue through the store's leases and the writes through its throttle.
func (s *Service) RunBatches(ctx context.Context) error {
	if s.batches == nil {
		return nil
	}
	for {
		bs, err := s.batches.ListBatches(ctx, 0, BatchRunning)
		if err != nil && ctx.Err() == nil {
			s.log.Error("listing incident resets failed", "err", err)
		}
		for _, b := range bs {
			if _, err := s.RunBatch(ctx, b.ID); err != nil && ctx.Err() == nil {
				s.log.Error("incident reset failed", "batch", b.ID, "err", err)
			}
		}
		if err := sleepCtx(ctx, batchPoll); err != nil {
			return nil
		}
	}
}

// RunBatch works on one running batch until no pending user is left that
// this replica can take, the batch is paused or cancelled, or ctx ends;
// users under way always finish. The replica that sees the queue empty
// completes the batch and sends the users' notices. It returns the batch
// as it left it.
func (s *Service) RunBatch(ctx context.Context, id string) (*Batch, error) {
	b, err := s.GetBatch(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.State != BatchRunning {
		return b, nil
	}
	r := &batchRun{s: s, b: b, owner: s.owner, lease: min(batchLease, s.policy.ExecutionLease), defaults: map[string]int{}}
	r.state.Store(string(BatchRunning))
	wctx, stop := context.WithCancel(ctx)
	var watch sync.WaitGroup
	watch.Go(func() { r.watch(wctx) })
	r.work(ctx)
	stop()
	watch.Wait()
	return s.settleBatch(ctx, b.ID)
}

// batchRun is one replica's work on a batch.
type batchRun struct {
	s     *Service
	b     *Batch
	owner string
	lease time.Duration
	state atomic.Value // the batch's state, as last read

	mu sync.Mutex
	// defaults counts, by kind of method, Graph's refusals of a user's
	// default method in this batch: the kind refused most often is held
	// back to the second wave for the next users, which saves the
	// refused write whenever users share their default (Graph v1.0 does
	// not say which method is the default).
	defaults map[string]int
}

// defaultKey is a method's kind as Graph's default-method refusals are
// counted: the kind, and the phone's type.
func defaultKey(m Method) string { return string(m.Kind) + "/" + string(m.PhoneType) }

// sawDefault counts a refusal of m as the user's default method.
func (r *batchRun) sawDefault(m Method) {
	r.mu.Lock()
	r.defaults[defaultKey(m)]++
	r.mu.Unlock()
}

// likelyDefault is the kind refused as the default most often so far,
// once seen three times; "" before.
func (r *batchRun) likelyDefault() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	best, n := "", 2
	for k, c := range r.defaults {
		if c > n || c == n && k < best {
			best, n = k, c
		}
	}
	return best
}

func (r *batchRun) running() bool { return r.state.Load() == string(BatchRunning) }

// work claims users while the batch runs, up to one per worker, and resets
// each; it returns when the queue has nothing this replica can take.
func (r *batchRun) work(ctx context.Context) {
	s := r.s
	workers := s.policy.IncidentWorkers
	done := make(chan struct{}, workers)
	inflight := 0
	defer func() {
		for ; inflight > 0; inflight-- {
			<-done
		}
	}()
	for ctx.Err() == nil && r.running() {
		if inflight == workers {
			<-done
			inflight--
			continue
		}
		// A pause or cancel stops the next claim, on every replica.
		if b, err := s.batches.GetBatch(ctx, r.b.ID); err == nil {
			r.state.Store(string(b.State))
			if !r.running() {
				return
			}
		}
		now := s.clock.Now()
		items, err := s.batches.ClaimBatchItems(ctx, r.b.ID, r.owner, workers-inflight, now, now.Add(r.lease))
		if err != nil {
			s.log.Error("claiming users of an incident reset failed", "batch", r.b.ID, "err", err)
			if sleepCtx(ctx, batchPoll) != nil {
				return
			}
			continue
		}
		if len(items) == 0 {
			if inflight > 0 {
				<-done
				inflight--
				continue
			}
			c, err := s.batches.BatchCounts(ctx, r.b.ID)
			if err == nil && c.Pending == 0 {
				return
			}
			// Others hold the rest: wait, and take over what their
			// leases leave when they run out.
			if sleepCtx(ctx, batchPoll) != nil {
				return
			}
			continue
		}
		for _, it := range items {
			inflight++
			go func(it BatchItem) {
				// A user under way finishes even if ctx ends: stopping
				// halfway would leave them half-reset.
				r.reset(context.WithoutCancel(ctx), it)
				done <- struct{}{}
			}(it)
		}
	}
}

// watch follows the batch's state (pause, cancel), renews this replica's
// leases and publishes progress, until ctx ends.
func (r *batchRun) watch(ctx context.Context) {
	s := r.s
	renew := time.NewTicker(max(r.lease/3, time.Second))
	defer renew.Stop()
	poll := time.NewTicker(batchPoll)
	defer poll.Stop()
	published := s.clock.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-renew.C:
			if _, err := s.batches.RenewBatchItems(ctx, r.b.ID, r.owner, s.clock.Now().Add(r.lease)); err != nil && ctx.Err() == nil {
				s.log.Error("renewing incident reset leases failed", "batch", r.b.ID, "err", err)
			}
		case <-poll.C:
			b, err := s.batches.GetBatch(ctx, r.b.ID)
			if err != nil {
				continue
			}
			r.state.Store(string(b.State))
			if now := s.clock.Now(); b.State == BatchRunning && now.Sub(published) >= BatchProgressEvery {
				published = now
				s.batchChanged(ctx, b)
			}
		}
	}
}

// settleBatch completes a running batch whose queue is empty; the one
// replica that wins the completion sends the users' notices.
func (s *Service) settleBatch(ctx context.Context, id string) (*Batch, error) {
	ctx = context.WithoutCancel(ctx)
	b, err := s.batches.GetBatch(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.State == BatchRunning {
		c, err := s.batches.BatchCounts(ctx, id)
		if err != nil || c.Pending > 0 {
			return b, err
		}
		next := *b
		now := s.clock.Now().UTC()
		next.State, next.UpdatedAt, next.FinishedAt = BatchCompleted, now, now
		if err := s.batches.UpdateBatch(ctx, &next, BatchRunning); err != nil {
			if Code(err) == EConflict {
				return s.batches.GetBatch(ctx, id)
			}
			return b, err
		}
		_, _ = s.auditBatch(ctx, AuditBatchCompleted, &next, "system", map[string]string{
			"done": strconv.Itoa(c.Done), "partial": strconv.Itoa(c.Partial), "failed": strconv.Itoa(c.Failed), "skipped": strconv.Itoa(c.Skipped),
			"ticket": next.Ticket()})
		if c.Partial+c.Failed > 0 {
			s.raise(ctx, Alert{Kind: "incident_reset_incomplete", RequestID: next.ID, Actor: next.Requester.String(),
				Summary: "Incident reset " + next.ID + " finished with " + strconv.Itoa(c.Partial+c.Failed) + " user(s) not fully reset: export it to see who"})
		}
		s.batchChanged(ctx, &next)
		// The replica that completed the batch, and only it, tells the
		// users.
		return s.noticeBatch(ctx, &next)
	}
	return b, nil
}

// reset resets one user of the batch: the same target rules with a fresh
// read, the profile's methods deleted in Graph's order through the shared
// throttle, sessions revoked, the result verified — each effect in the
// user's journal, so a user taken over after a crash is never deleted
// from twice — and one audit record with the outcome.
func (r *batchRun) reset(ctx context.Context, it BatchItem) {
	s := r.s
	u := &userReset{r: r, it: it, done: map[string]bool{}, errs: map[string]error{}}
	ctx = WithThrottleReport(ctx, func(d time.Duration) { s.throttle.Hold(ctx, d) })
	ctx = WithRequestIDReport(ctx, u.requestID)
	for try := 1; ; try++ {
		s.throttle.WaitHeld(ctx)
		u.run(ctx)
		if !u.transient || try == transientTries {
			break
		}
		u.again()
	}
	u.finish(ctx)
}

// userReset is one user's reset within a batch.
type userReset struct {
	r  *batchRun
	it BatchItem

	mu        sync.Mutex
	done      map[string]bool // journal keys
	removed   []Method
	failed    []string
	errs      map[string]error // last default-method refusal per method key
	remaining []Method
	revoked   bool
	problem   string // what stopped or spoiled the run
	skip      *Refusal
	lastWrite string
	// transient is set when a write failed as throttled or unavailable:
	// the user is tried again.
	transient bool
}

// again clears what a try found, for the next: the journal tells it what
// is done.
func (u *userReset) again() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.done, u.errs = map[string]bool{}, map[string]error{}
	u.removed, u.failed, u.remaining = nil, nil, nil
	u.revoked, u.problem, u.skip, u.transient = false, "", nil, false
}

// requestID keeps the request-id of the user's last Graph write.
func (u *userReset) requestID(method, id string) {
	if method == "GET" {
		return
	}
	u.mu.Lock()
	u.lastWrite = id
	u.mu.Unlock()
}

func (u *userReset) run(ctx context.Context) {
	s, b := u.r.s, u.r.b
	steps, err := s.batches.BatchSteps(ctx, b.ID, u.it.UserID)
	if err != nil {
		u.problem = "the journal could not be read: " + Message(err)
		return
	}
	for _, st := range steps {
		u.done[st.Key] = true
		if st.Kind == "removed" && st.Method != nil {
			u.removed = append(u.removed, *st.Method)
		}
		if st.Kind == "revoked" {
			u.revoked = true
		}
	}
	var (
		wg sync.WaitGroup
		rs refusals
	)
	wg.Go(func() {
		rs, _ = s.refusalsFor(ctx, b.Requester, User{ID: u.it.UserID, UPN: u.it.UPN, DisplayName: u.it.Name}, true)
	})
	current, err := s.dir.ListMethods(ctx, u.it.UserID)
	unchecked, err := incomplete(err)
	wg.Wait()
	if len(rs) > 0 {
		u.skip = rs.first()
		return
	}
	if err != nil {
		u.problem = "could not list the user's methods: " + Message(err)
		return
	}
	todo := b.Profile.Select(current)
	// The kind most often refused as the default so far goes in the
	// second wave, after the others.
	var hold func(Method) bool
	if k := u.r.likelyDefault(); k != "" {
		hold = func(m Method) bool { return defaultKey(m) == k }
	}
	for _, m := range removeInWaves(todo, hold, func(ms []Method) []Method { return u.deleteAll(ctx, ms) }, func() { u.revoke(ctx) }) {
		u.fail(m, u.errs[m.Key()])
	}
	ms, err := s.dir.ListMethods(ctx, u.it.UserID)
	if again, err2 := incomplete(err); err2 != nil {
		u.problem = "could not verify the result: " + Message(err2)
		return
	} else if again != "" {
		unchecked = again
	}
	u.remaining = b.Profile.Select(ms)
	if unchecked != "" && b.Profile.IncludesKind(KindHardwareOATH) {
		u.problem = unchecked
	}
}

// deleteAll deletes ms concurrently, each write through the throttle, and
// returns those Graph refused as the default method.
func (u *userReset) deleteAll(ctx context.Context, ms []Method) []Method {
	s := u.r.s
	var (
		wg      sync.WaitGroup
		refused []Method
	)
	for _, m := range ms {
		if u.done["remove:"+m.Key()] {
			continue
		}
		wg.Go(func() {
			err := s.throttle.Wait(ctx)
			if err == nil {
				err = s.dir.DeleteMethod(ctx, u.it.UserID, m)
			}
			u.mu.Lock()
			defer u.mu.Unlock()
			switch {
			case err == nil || IsDirectoryReason(err, ReasonNotFound):
				u.removed = append(u.removed, m)
				st := Step{Key: "remove:" + m.Key(), Kind: "removed", Method: &m, At: s.clock.Now().UTC()}
				if err := s.batches.RecordBatchStep(ctx, u.r.b.ID, u.it.UserID, st); err != nil {
					s.log.Error("journal write failed", "batch", u.r.b.ID, "err", err)
				}
			case IsDirectoryReason(err, ReasonDefaultMethod):
				refused = append(refused, m)
				u.errs[m.Key()] = err
				u.r.sawDefault(m)
			default:
				u.failLocked(m, err)
			}
		})
	}
	wg.Wait()
	return refused
}

func (u *userReset) revoke(ctx context.Context) {
	s := u.r.s
	if u.revoked {
		return
	}
	err := s.throttle.Wait(ctx)
	if err == nil {
		err = s.dir.RevokeSessions(ctx, u.it.UserID)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if err != nil {
		u.failed = append(u.failed, "sessions not revoked: "+Message(err))
		u.transient = u.transient || isTransient(err)
		return
	}
	u.revoked = true
	_ = s.batches.RecordBatchStep(ctx, u.r.b.ID, u.it.UserID, Step{Key: "revoke", Kind: "revoked", At: s.clock.Now().UTC()})
}

func (u *userReset) fail(m Method, err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.failLocked(m, err)
}

func (u *userReset) failLocked(m Method, err error) {
	msg := "not removed"
	if err != nil {
		msg = Message(err)
		var d *DirectoryError
		if errors.As(err, &d) && d.RequestID != "" {
			u.lastWrite = d.RequestID
		}
		u.transient = u.transient || isTransient(err)
	}
	u.failed = append(u.failed, m.Describe()+": "+msg)
}

// isTransient reports whether Graph refused for now, not for good.
func isTransient(err error) bool {
	return IsDirectoryReason(err, ReasonThrottled) || IsDirectoryReason(err, ReasonUnavailable)
}

// finish stores the user's outcome, if this replica still holds the user,
// and audits it.
func (u *userReset) finish(ctx context.Context) {
	s, b := u.r.s, u.r.b
	it := u.it
	u.mu.Lock()
	it.FinishedAt = s.clock.Now().UTC()
	it.SessionsRevoked = u.revoked
	it.GraphRequestID = u.lastWrite
	it.Removed = describeEach(u.removed)
	var detail []string
	switch {
	case u.skip != nil:
		it.State, it.Skip, it.Detail = ItemSkipped, skipKind(u.skip.Kind), "refused when about to run: "+u.skip.Why
	default:
		if len(u.remaining) > 0 {
			detail = append(detail, "still registered: "+describeMethods(u.remaining))
		}
		detail = append(detail, u.failed...)
		if u.problem != "" {
			detail = append(detail, u.problem)
		}
		switch {
		case len(detail) == 0 && u.revoked:
			it.State = ItemDone
		case len(u.removed) == 0 && !u.revoked:
			it.State = ItemFailed
		default:
			it.State = ItemPartial
		}
		it.Detail = strings.Join(detail, "; ")
	}
	u.mu.Unlock()
	if err := s.batches.FinishBatchItem(ctx, it, u.r.owner); err != nil {
		// Another replica took the user over (this one was too slow to
		// renew): its run records the outcome.
		s.log.Warn("incident reset user taken over", "batch", b.ID, "err", err)
		return
	}
	d := map[string]string{"state": string(it.State), "removed": strings.Join(it.Removed, "; "),
		"sessionsRevoked": strconv.FormatBool(it.SessionsRevoked), "graphRequestId": it.GraphRequestID}
	if it.Detail != "" {
		d["detail"] = it.Detail
	}
	if it.Skip != "" {
		d["skip"] = string(it.Skip)
	}
	e := AuditEvent{Time: it.FinishedAt, Type: AuditBatchUser, Actor: "system", RequestID: b.ID, Target: it.UPN, Detail: d}
	if _, err := s.store.AppendAudit(ctx, e); err != nil {
		s.log.Error("audit append failed", "type", AuditBatchUser, "batch", b.ID, "err", err)
	}
}

// describeEach describes each method for people.
func describeEach(ms []Method) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Describe()
	}
	return out
}
