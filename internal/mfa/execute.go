package mfa

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Execute runs an approved request: approved → executing → completed |
// partial | failed. The move to executing takes the execution lease in the
// same store write, so it runs once, however many callers — in this
// process or others sharing the database — race. A TAP, when issued, goes
// to the requester through the Notifier and nowhere else.
func (s *Service) Execute(ctx context.Context, id string) (*Request, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.State != StateApproved {
		return r, Errorf(EConflict, "request %s is %s, not approved", r.ID, r.State)
	}
	if !s.reserve(r.ID) {
		return r, Errorf(EConflict, "request %s is already running", r.ID)
	}
	defer s.running.Delete(r.ID)
	l := s.newLease()
	next, err := s.transitionIf(ctx, r, func(n *Request) { n.State = StateExecuting }, Cond{From: []State{StateApproved}, Lease: &l})
	if err != nil {
		return next, err
	}
	if _, err := s.audit(ctx, AuditExecuting, next, "system", map[string]string{"approvedBy": next.ApprovedBy()}); err != nil {
		return next, err
	}
	s.changed(ctx, next)
	return s.run(ctx, next, l)
}

// Resume finishes every request left executing by an executor that is gone:
// one whose execution lease has run out. A request whose lease runs is
// being executed by another process (the operator CLI, another replica) and
// is left alone. Each resumed plan skips what the journal records and
// treats 404 as done.
func (s *Service) Resume(ctx context.Context) (int, error) {
	rs, err := s.store.ListRequests(ctx, RequestFilter{States: []State{StateExecuting}})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		if s.resume(ctx, r) {
			n++
		}
	}
	return n, nil
}

// resume takes r over if its lease has run out, and runs it.
func (s *Service) resume(ctx context.Context, r *Request) bool {
	if !s.reserve(r.ID) {
		return false
	}
	defer s.running.Delete(r.ID)
	l := s.newLease()
	next, err := s.transitionIf(ctx, r, func(*Request) {}, Cond{From: []State{StateExecuting}, Lease: &l})
	if err != nil {
		if Code(err) != EConflict {
			s.log.Error("resume failed", "request", r.ID, "err", err)
		}
		return false
	}
	_, _ = s.audit(ctx, AuditResumed, next, "system", map[string]string{"owner": l.Owner})
	if _, err := s.run(ctx, next, l); err != nil {
		s.log.Error("resume failed", "request", r.ID, "err", err)
		return false
	}
	return true
}

// run executes the plan of an executing request under lease l, which the
// caller took, and records the result. The caller has reserved r.ID.
func (s *Service) run(ctx context.Context, r *Request, l Lease) (*Request, error) {
	// The plan must finish even if the caller's context ends (a Teams turn,
	// a CLI interrupt): stopping halfway would leave a half-reset user.
	ctx = context.WithoutCancel(ctx)
	ex := &execution{s: s, r: r, res: &Result{}, errs: map[string]error{}}
	ex.ls.lease = l
	s.running.Store(r.ID, ex)
	stop := ex.heartbeat(ctx)
	ex.plan(ctx)
	stop()
	if !ex.held() {
		return ex.abandon(ctx)
	}
	return s.finish(ctx, ex)
}

// execution is one run of a request's plan.
type execution struct {
	s    *Service
	r    *Request
	mu   sync.Mutex
	res  *Result
	done map[string]Step
	errs map[string]error // last default-method refusal per method key
	// refused is set when the target may no longer be reset.
	refused bool
	ls      leaseState
}

func (ex *execution) plan(ctx context.Context) {
	s, r := ex.s, ex.r
	steps, err := s.store.Steps(ctx, r.ID)
	if err != nil {
		ex.res.Error = "the execution journal could not be read: " + Message(err)
		return
	}
	ex.done = map[string]Step{}
	for _, st := range steps {
		ex.done[st.Key] = st
		if st.Kind == "removed" && st.Method != nil {
			ex.res.Removed = append(ex.res.Removed, *st.Method)
		}
	}
	// Round trip 1: what is registered now and, beside it, whether the
	// target is still allowed to be reset: roles or group memberships
	// gained since the request was made refuse it here, before anything
	// is deleted. A failed lookup refuses too.
	var (
		wg sync.WaitGroup
		rs refusals
	)
	wg.Go(func() { rs, _ = s.refusalsFor(ctx, r.Requester, r.Target, true) })
	current, err := s.dir.ListMethods(ctx, r.Target.ID)
	unchecked, err := incomplete(err)
	if r.Profile.IncludesKind(KindHardwareOATH) {
		ex.res.Unchecked = unchecked
	}
	wg.Wait()
	if len(rs) > 0 {
		ex.refuse(ctx, rs)
		return
	}
	if err != nil {
		ex.res.Error = "could not list the user's methods: " + Message(err)
		return
	}
	// Round trip 2, when a pass was asked for: issue it before anything is
	// deleted, so a user is never left with a password only. If Graph
	// refuses it, nothing is deleted and the request fails with Graph's
	// reason.
	if r.IssueTAP && !ex.issueTAP(ctx) {
		ex.res.Error = "the Temporary Access Pass could not be issued, so nothing was deleted: " + ex.res.TAPError
		ex.res.TAPError = ""
		return
	}
	todo := r.Profile.Select(current)
	if r.IssueTAP {
		// The new pass has replaced any older one (Graph keeps one per user).
		todo = slices.DeleteFunc(todo, func(m Method) bool { return m.Kind == KindTAP })
	}
	for _, m := range removeInWaves(todo, nil, func(ms []Method) []Method { return ex.deleteAll(ctx, ms) }, func() { ex.revoke(ctx) }) {
		ex.fail(ctx, m, ex.lastErr(m))
	}
	// Last: verification (a pass is never counted as remaining
	// when the request asked for one).
	ex.verify(ctx)
}

// refuse ends the run before any delete because the target may no longer
// be reset; it is audited and alerted as a protected target.
func (ex *execution) refuse(ctx context.Context, rs refusals) {
	s, r := ex.s, ex.r
	first := rs.first()
	ex.refused = true
	ex.res.Error = "the reset was refused when it was about to run: " + first.String()
	_, _ = s.audit(ctx, AuditRefused, r, "system", map[string]string{"action": "execute", "reason": first.Why, "kind": string(first.Kind), "paths": rs.paths()})
	s.raise(ctx, Alert{Kind: "protected_target", RequestID: r.ID, Target: r.Target.UPN, Actor: r.Requester.String(),
		Summary: fmt.Sprintf("The approved MFA reset %s of %s, requested by %s, was refused when it was about to run: %s", r.ID, r.Target.UPN, r.Requester, rs.paths())})
}

// deleteAll deletes ms concurrently and returns the methods Graph refused
// as the user's default method (kept while other methods remain) for a
// later wave. Any other refusal is recorded as a failure at once, with
// Graph's own reason.
func (ex *execution) deleteAll(ctx context.Context, ms []Method) []Method {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var refused []Method
	for _, m := range ms {
		if _, ok := ex.done["remove:"+m.Key()]; ok {
			continue
		}
		if !ex.held() {
			break // another process has the request now: start nothing
		}
		wg.Add(1)
		go func(m Method) {
			defer wg.Done()
			err := ex.s.dir.DeleteMethod(ctx, ex.r.Target.ID, m)
			switch {
			case err == nil || IsDirectoryReason(err, ReasonNotFound):
				ex.removed(ctx, m, err != nil)
			case IsDirectoryReason(err, ReasonDefaultMethod):
				mu.Lock()
				refused = append(refused, m)
				mu.Unlock()
				ex.setErr(m, err)
			default:
				ex.fail(ctx, m, err)
			}
		}(m)
	}
	wg.Wait()
	return refused
}

// setErr remembers why Graph refused a method, for when it is refused again.
func (ex *execution) setErr(m Method, err error) {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	ex.errs[m.Key()] = err
}

func (ex *execution) lastErr(m Method) error {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	return ex.errs[m.Key()]
}

func (ex *execution) removed(ctx context.Context, m Method, wasGone bool) {
	st := Step{Key: "remove:" + m.Key(), Kind: "removed", Method: &m, At: ex.s.clock.Now().UTC()}
	if err := ex.s.store.RecordStep(ctx, ex.r.ID, st); err != nil {
		ex.s.log.Error("journal write failed", "request", ex.r.ID, "err", err)
	}
	d := map[string]string{"method": m.Describe(), "kind": string(m.Kind), "id": m.ID}
	if wasGone {
		d["note"] = "already gone (404)"
	}
	_, _ = ex.s.audit(ctx, AuditMethodRemoved, ex.r, "system", d)
	ex.mu.Lock()
	ex.res.Removed = append(ex.res.Removed, m)
	ex.mu.Unlock()
}

func (ex *execution) fail(ctx context.Context, m Method, err error) {
	f := MethodFailure{Method: m, Message: Message(err)}
	var d *DirectoryError
	if errors.As(err, &d) {
		f.Reason, f.Code, f.RequestID = string(d.Reason), d.Code, d.RequestID
		if d.Reason == ReasonDefaultMethod {
			f.Message = strings.TrimSpace(d.Message + " This is most likely the user's default sign-in method, which Graph keeps while other methods remain: reset with profile \"all\", or have the user change their default method, then reset again.")
		}
	}
	_, _ = ex.s.audit(ctx, AuditMethodFailed, ex.r, "system", map[string]string{
		"method": m.Describe(), "reason": f.Reason, "code": f.Code, "message": f.Message, "graphRequestId": f.RequestID})
	ex.mu.Lock()
	ex.res.Failed = append(ex.res.Failed, f)
	ex.mu.Unlock()
}

func (ex *execution) revoke(ctx context.Context) {
	if _, ok := ex.done["revoke"]; ok {
		ex.mu.Lock()
		ex.res.SessionsRevoked = true
		ex.mu.Unlock()
		return
	}
	if !ex.held() {
		return
	}
	err := ex.s.dir.RevokeSessions(ctx, ex.r.Target.ID)
	ex.mu.Lock()
	defer ex.mu.Unlock()
	if err != nil {
		ex.res.RevokeError = Message(err)
		_, _ = ex.s.audit(ctx, AuditRevokeFailed, ex.r, "system", map[string]string{"error": ex.res.RevokeError})
		return
	}
	ex.res.SessionsRevoked = true
	_ = ex.s.store.RecordStep(ctx, ex.r.ID, Step{Key: "revoke", Kind: "revoked", At: ex.s.clock.Now().UTC()})
	_, _ = ex.s.audit(ctx, AuditSessionsRevoked, ex.r, "system", nil)
}

// issueTAP issues the pass with the lifetime and use the tenant's policy
// allowed when the request was made, and reports whether it was issued.
func (ex *execution) issueTAP(ctx context.Context) bool {
	s := ex.s
	if _, ok := ex.done["tap"]; ok {
		ex.res.TAPIssued = true // delivered before the crash; never issue twice
		return true
	}
	if !ex.held() {
		return false
	}
	req := TAPRequest{Lifetime: ex.r.TAP.Lifetime, OneTime: ex.r.TAP.OneTime}
	if req.Lifetime == 0 { // a request made before the policy was read
		req = TAPRequest{Lifetime: s.policy.TAPLifetime, OneTime: s.policy.TAPOneTime}
	}
	tap, err := s.dir.CreateTAP(ctx, ex.r.Target.ID, req)
	if err != nil {
		ex.res.TAPError = Message(err)
		_, _ = s.audit(ctx, AuditTAPFailed, ex.r, "system", map[string]string{"error": ex.res.TAPError})
		return false
	}
	_ = s.store.RecordStep(ctx, ex.r.ID, Step{Key: "tap", Kind: "tap", At: s.clock.Now().UTC()})
	ex.res.TAPIssued, ex.res.TAPExpires = true, tap.ExpiresAt
	d := map[string]string{"expires": tap.ExpiresAt.Format(time.RFC3339), "oneTime": strconv.FormatBool(tap.OneTime), "lifetime": tap.Lifetime.String()}
	if err := s.notify.DeliverTAP(ctx, ex.r, tap); err != nil {
		ex.res.TAPError = "the pass was issued but could not be delivered to the requester (" + Message(err) + "); issue a new one"
		d["delivery"] = "failed"
	} else {
		d["delivery"] = "requester only"
	}
	_, _ = s.audit(ctx, AuditTAPIssued, ex.r, "system", d)
	return true
}

// verify lists the methods again: anything of the profile still there makes
// the result partial.
func (ex *execution) verify(ctx context.Context) {
	ms, err := ex.s.dir.ListMethods(ctx, ex.r.Target.ID)
	unchecked, err := incomplete(err)
	if err != nil {
		ex.res.Error = "could not verify the result: " + Message(err)
		return
	}
	if ex.r.Profile.IncludesKind(KindHardwareOATH) {
		// What the verification could (not) list is what counts.
		ex.mu.Lock()
		ex.res.Unchecked = unchecked
		ex.mu.Unlock()
	}
	for _, m := range ex.r.Profile.Select(ms) {
		if m.Kind == KindTAP && ex.r.IssueTAP {
			continue // the pass this run issues (a new pass replaces any old one)
		}
		ex.res.Remaining = append(ex.res.Remaining, m)
	}
	_, _ = ex.s.audit(ctx, AuditVerified, ex.r, "system", map[string]string{"remaining": describeMethods(ex.res.Remaining)})
}

// finish decides the outcome, audits it and stores it, if the execution
// still holds its lease. ex.refused says the run was refused before it
// started (already alerted as such).
func (s *Service) finish(ctx context.Context, ex *execution) (*Request, error) {
	r, res, refused := ex.r, ex.res, ex.refused
	final := StateCompleted
	switch {
	case res.Error != "" && len(res.Removed) == 0:
		final = StateFailed
	case len(res.Failed) > 0 && len(res.Removed) == 0 && len(r.Planned()) > 0:
		final = StateFailed
	case res.Error != "", res.Unchecked != "", len(res.Failed) > 0, len(res.Remaining) > 0, res.RevokeError != "", r.IssueTAP && !res.TAPIssued, res.TAPError != "":
		final = StatePartial
	}
	res.FinishedAt = s.clock.Now().UTC()
	typ := AuditCompleted
	if final == StateFailed {
		typ = AuditFailed
	}
	rec, err := s.audit(ctx, typ, r, "system", map[string]string{
		"state": string(final), "removed": describeMethods(res.Removed), "remaining": describeMethods(res.Remaining),
		"failed": strconv.Itoa(len(res.Failed)), "sessionsRevoked": strconv.FormatBool(res.SessionsRevoked), "tapIssued": strconv.FormatBool(res.TAPIssued), "error": res.Error, "unchecked": res.Unchecked})
	if err == nil {
		res.AuditRef = fmt.Sprintf("%s #%d", rec.Hash[:12], rec.Seq)
	}
	next, terr := s.transitionIf(ctx, r, func(n *Request) { n.State, n.Result = final, res }, ex.leaseCond())
	if terr != nil {
		return next, terr
	}
	s.changed(ctx, next)
	if final != StateCompleted && !refused {
		s.raise(ctx, Alert{Kind: "verification_failed", RequestID: r.ID, Target: r.Target.UPN, Actor: r.Requester.String(),
			Summary: fmt.Sprintf("The MFA reset of %s ended %s: %s", r.Target.UPN, final, outcomeSummary(res))})
	}
	s.tellTarget(ctx, next)
	return next, nil
}

func outcomeSummary(res *Result) string {
	switch {
	case res.Error != "":
		return res.Error
	case len(res.Remaining) > 0:
		return "still registered: " + describeMethods(res.Remaining)
	case res.Unchecked != "":
		return res.Unchecked
	case len(res.Failed) > 0:
		return fmt.Sprintf("%d method(s) could not be removed", len(res.Failed))
	case res.RevokeError != "":
		return "sessions not revoked: " + res.RevokeError
	case res.TAPError != "":
		return res.TAPError
	}
	return "done"
}
