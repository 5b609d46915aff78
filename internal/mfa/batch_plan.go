package mfa

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Plan sizes.
const (
	// planChunk is how many planned items are stored in one write.
	planChunk = 500
	// planSample is how many names the plan shows of those to be reset,
	// and of those skipped.
	planSample = 10
	// MaxTicket is the longest incident (ticket) reference accepted.
	MaxTicket = 64
)

// NewBatchID returns a short random batch id such as "B-7K3QW9".
func NewBatchID() string { return "B-" + strings.TrimPrefix(NewRequestID(), "R-") }

// batchIDPattern is the form of NewBatchID's ids.
var batchIDPattern = regexp.MustCompile(`^B-[2-9A-HJ-NP-Z]{6}$`)

// IsBatchID reports whether id names a batch (B-…) rather than a request
// (R-…), as typed: case and surrounding space do not matter.
func IsBatchID(id string) bool { return strings.HasPrefix(normalizeID(id), "B-") }

// PlanBatch makes the plan of an incident reset: it resolves every user the
// input names (a group's transitive members, every page, or a list),
// applies the same target rules as a single reset to each, and stores the
// batch with its users, waiting for two approvals. With in.DryRun nothing
// is stored and the plan is returned. Only members of the incident group
// may ask; a source naming more than the policy's IncidentMax users is
// refused.
func (s *Service) PlanBatch(ctx context.Context, actor Actor, in BatchInput) (*Batch, error) {
	if err := s.mayAskBatch(ctx, actor); err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		return nil, Errorf(EInvalid, "say why: an incident reset needs a reason (the incident, what happened)")
	}
	if in.Group != "" && len(in.Users) > 0 || in.Group == "" && len(in.Users) == 0 {
		return nil, Errorf(EInvalid, "name either a group or a list of users")
	}
	if len(in.Users) > s.policy.IncidentMax {
		return nil, s.refuseBatch(ctx, actor, in, fmt.Sprintf("the list names %d users; an incident reset may name at most %d", len(in.Users), s.policy.IncidentMax))
	}
	if !in.DryRun {
		if open, err := s.batches.ListBatches(ctx, 1, OpenBatchStates...); err != nil {
			return nil, err
		} else if len(open) > 0 {
			return nil, Errorf(EConflict, "incident reset %s is %s: one incident reset at a time (cancel it, or wait for it to finish)", open[0].ID, open[0].State)
		}
	}
	id := NewBatchID()
	if in.ID != "" {
		if !batchIDPattern.MatchString(in.ID) {
			return nil, Errorf(EInvalid, "%q is not a batch id such as B-7K3QW9", Bounded(in.ID))
		}
		id = in.ID
	}
	now := s.clock.Now().UTC()
	b := &Batch{ID: id, State: BatchPlanning, Requester: actor, Reason: Bounded(reason), Profile: s.policy.Profile,
		RevokeSessions: true, NotifyUsers: s.mail != nil && s.policy.MailFrom != "",
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(s.policy.RequestTTL)}
	if in.Group != "" {
		g, err := s.dir.FindGroup(ctx, strings.TrimSpace(in.Group))
		if err != nil {
			return nil, err
		}
		b.GroupID = g.ID
		b.Source = "group " + g.Name + " (" + g.ID + ")"
		if g.Name == "" {
			b.Source = "group " + g.ID
		}
	} else {
		name := in.SourceName
		if name == "" {
			name = "a list"
		}
		b.Source = "file " + Bounded(name)
	}
	if !in.DryRun {
		if err := s.batches.CreateBatch(ctx, b); err != nil {
			return nil, err
		}
	}
	p := &planner{s: s, b: b, actor: actor, dry: in.DryRun, seen: map[string]bool{}, skips: map[SkipKind]int{}}
	var (
		beat     sync.WaitGroup
		stopBeat = make(chan struct{})
	)
	if !in.DryRun {
		beat.Go(func() { s.planHeartbeat(ctx, b, stopBeat) })
	}
	err := p.run(ctx, in)
	close(stopBeat)
	beat.Wait()
	if err != nil {
		if in.DryRun {
			return nil, err
		}
		b.State, b.Note, b.FinishedAt = BatchCancelled, "the plan could not be made: "+Message(err), s.clock.Now().UTC()
		_ = s.batches.UpdateBatch(context.WithoutCancel(ctx), b, BatchPlanning)
		_, _ = s.auditBatch(ctx, AuditBatchRefused, b, actor.ID, map[string]string{"reason": b.Note})
		return nil, err
	}
	b.Plan = p.summary()
	if in.DryRun {
		return b, nil
	}
	b.State, b.UpdatedAt = BatchPlanned, s.clock.Now().UTC()
	if err := s.batches.UpdateBatch(ctx, b, BatchPlanning); err != nil {
		return nil, err
	}
	if _, err := s.auditBatch(ctx, AuditBatchPlanned, b, actor.ID, map[string]string{
		"source": b.Source, "reason": b.Reason, "listed": strconv.Itoa(b.Plan.Listed), "toReset": strconv.Itoa(b.Plan.ToReset),
		"skipped": skipSummary(b.Plan.Skipped), "profile": string(b.Profile)}); err != nil {
		return nil, err
	}
	s.batchChanged(ctx, b)
	return b, nil
}

// Planning liveness: a plan being made is stored again every
// planBeat; one not stored for planStale was left by a process that died
// and is closed by ExpireBatches, so it does not keep every later
// incident reset out.
const (
	planBeat  = time.Minute
	planStale = 5 * time.Minute
)

// planHeartbeat stores b (planning) every planBeat until stop closes.
func (s *Service) planHeartbeat(ctx context.Context, b *Batch, stop <-chan struct{}) {
	t := time.NewTicker(planBeat)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			b.UpdatedAt = s.clock.Now().UTC()
			if err := s.batches.UpdateBatch(context.WithoutCancel(ctx), b, BatchPlanning); err != nil {
				s.log.Error("incident reset plan heartbeat failed", "batch", b.ID, "err", err)
			}
		}
	}
}

// mayAskBatch checks incident mode is on and the actor is in its group.
func (s *Service) mayAskBatch(ctx context.Context, actor Actor) error {
	if s.policy.IncidentGroupID == "" {
		return Errorf(EForbidden, "incident mode is off: no incident group is configured")
	}
	if s.batches == nil {
		return Errorf(EUnavailable, "this store does not keep incident resets")
	}
	return s.member(ctx, actor.ID, s.policy.IncidentGroupID, "incident")
}

// refuseBatch audits a refused incident reset and returns the refusal.
func (s *Service) refuseBatch(ctx context.Context, actor Actor, in BatchInput, why string) error {
	src := "group " + in.Group
	if in.Group == "" {
		src = "file " + in.SourceName
	}
	s.auditTarget(ctx, AuditBatchRefused, "", actor, map[string]string{"source": Bounded(src), "reason": why})
	return Errorf(EInvalid, "%s", why)
}

// planner evaluates the users of a batch concurrently and stores them in
// chunks, in the order listed.
type planner struct {
	s     *Service
	b     *Batch
	actor Actor
	dry   bool

	mu      sync.Mutex
	seq     int64
	seen    map[string]bool // canonical ids listed so far
	listed  int
	toReset int
	skips   map[SkipKind]int
	sample  []string
	skipped []string
	chunk   []BatchItem
	err     error
}

// run lists the source and evaluates each user with IncidentWorkers
// workers.
func (p *planner) run(ctx context.Context, in BatchInput) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan BatchItem)
	var wg sync.WaitGroup
	for range p.s.policy.IncidentWorkers {
		wg.Go(func() {
			for it := range work {
				p.evaluate(ctx, it)
			}
		})
	}
	var err error
	if in.Group != "" {
		err = p.s.dir.EachGroupMember(ctx, p.b.GroupID, func(u User) error {
			return p.list(ctx, work, BatchItem{UserID: u.ID, UPN: u.UPN, Name: u.DisplayName, Mail: u.Mail})
		})
	} else {
		err = p.listKeys(ctx, work, in.Users)
	}
	close(work)
	wg.Wait()
	if err == nil {
		p.flush(ctx)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil {
		err = p.err
	}
	return err
}

// list numbers one listed user and hands it to a worker; more users than
// the policy allows stop the listing.
func (p *planner) list(ctx context.Context, work chan<- BatchItem, it BatchItem) error {
	p.mu.Lock()
	p.listed++
	p.seq++
	it.Seq, it.BatchID = p.seq, p.b.ID
	n, failed := p.listed, p.err
	p.mu.Unlock()
	if failed != nil {
		return failed
	}
	if n > p.s.policy.IncidentMax {
		return Errorf(EInvalid, "the group has more than %d members; an incident reset may name at most %d users", p.s.policy.IncidentMax, p.s.policy.IncidentMax)
	}
	select {
	case work <- it:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// listKeys lists a file's users, each line a UPN or an object id; the
// directory resolves them in the workers.
func (p *planner) listKeys(ctx context.Context, work chan<- BatchItem, keys []string) error {
	for _, k := range keys {
		k = strings.TrimSpace(k)
		if k == "" || strings.HasPrefix(k, "#") {
			continue
		}
		if err := p.list(ctx, work, BatchItem{UPN: k}); err != nil {
			return err
		}
	}
	return nil
}

// evaluate applies the target rules to one user and adds the item.
func (p *planner) evaluate(ctx context.Context, it BatchItem) {
	var u User
	if it.UserID == "" { // a line of a file: resolve it
		key, err := ValidateTarget(it.UPN)
		if err == nil {
			u, err = p.s.dir.FindUser(ctx, key)
		}
		switch {
		case Code(err) == ENotFound || Code(err) == EInvalid:
			it.UPN = Bounded(it.UPN)
			p.add(ctx, skip(it, SkipNotFound, Message(err)))
			return
		case err != nil:
			p.add(ctx, skip(it, SkipUnreadable, "the user could not be looked up: "+Message(err)))
			return
		}
		it.UserID, it.UPN, it.Name, it.Mail = u.ID, u.UPN, u.DisplayName, u.Mail
	} else {
		u = User{ID: it.UserID, UPN: it.UPN, DisplayName: it.Name, Mail: it.Mail}
	}
	if p.duplicate(it.UserID) {
		p.add(ctx, skip(it, SkipDuplicate, "named more than once"))
		return
	}
	// A listed member carries no user type or identities: read the user
	// as a single reset does, so guests and external members are known.
	rs, _ := p.s.refusalsFor(ctx, p.actor, u, true)
	if len(rs) > 0 {
		first := rs.first()
		p.add(ctx, skip(it, skipKind(first.Kind), first.Why))
		return
	}
	it.State = ItemPending
	p.add(ctx, it)
}

// duplicate reports whether the user was already listed (another line,
// another name for the same object).
func (p *planner) duplicate(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := CanonicalID(id)
	if p.seen[k] {
		return true
	}
	p.seen[k] = true
	return false
}

func skip(it BatchItem, k SkipKind, why string) BatchItem {
	it.State, it.Skip, it.Detail = ItemSkipped, k, why
	return it
}

// add counts an evaluated item and stores a full chunk.
func (p *planner) add(ctx context.Context, it BatchItem) {
	p.mu.Lock()
	name := it.UPN
	if it.Name != "" {
		name = it.Name + " <" + it.UPN + ">"
	}
	if it.State == ItemSkipped {
		p.skips[it.Skip]++
		if len(p.skipped) < planSample {
			p.skipped = append(p.skipped, name+": "+it.Skip.Describe())
		}
	} else {
		p.toReset++
		if len(p.sample) < planSample {
			p.sample = append(p.sample, name)
		}
	}
	if p.dry {
		p.mu.Unlock()
		return
	}
	p.chunk = append(p.chunk, it)
	var full []BatchItem
	if len(p.chunk) >= planChunk {
		full, p.chunk = p.chunk, nil
	}
	p.mu.Unlock()
	if full != nil {
		p.store(ctx, full)
	}
}

// flush stores the last, partial chunk.
func (p *planner) flush(ctx context.Context) {
	p.mu.Lock()
	rest := p.chunk
	p.chunk = nil
	p.mu.Unlock()
	if len(rest) > 0 && !p.dry {
		p.store(ctx, rest)
	}
}

func (p *planner) store(ctx context.Context, items []BatchItem) {
	if err := p.s.batches.AddBatchItems(ctx, p.b.ID, items); err != nil {
		p.mu.Lock()
		if p.err == nil {
			p.err = err
		}
		p.mu.Unlock()
	}
}

// summary is the plan the approvers see.
func (p *planner) summary() BatchPlan {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := BatchPlan{Listed: p.listed, ToReset: p.toReset, Sample: p.sample, SkipSample: p.skipped}
	for _, k := range []SkipKind{SkipPrivileged, SkipProtected, SkipGuest, SkipNotFound, SkipUnreadable, SkipSelf, SkipDuplicate} {
		if n := p.skips[k]; n > 0 {
			out.Skipped = append(out.Skipped, SkipCount{Kind: k, Count: n})
		}
	}
	return out
}

// skipKind maps a target rule's refusal to a batch's skip reason.
func skipKind(k RefusalKind) SkipKind {
	switch k {
	case RefuseSelf:
		return SkipSelf
	case RefuseGuest, RefuseExternal:
		return SkipGuest
	case RefuseProtectedGroup, RefuseBotGroup:
		return SkipProtected
	case RefuseUnreadable:
		return SkipUnreadable
	}
	return SkipPrivileged
}

// skipSummary is "privileged 3, guest 2" for the audit.
func skipSummary(cs []SkipCount) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = string(c.Kind) + " " + strconv.Itoa(c.Count)
	}
	return strings.Join(parts, ", ")
}
