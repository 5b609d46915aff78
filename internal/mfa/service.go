package mfa

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Service is the shared reset service: the Teams bot and the operator CLI
// both call it. It enforces policy, drives the request lifecycle, executes
// the plan and writes the audit trail.
type Service struct {
	dir   Directory
	store Store
	// batches is the store's incident-mode part; nil when it has none.
	batches BatchStore
	// throttle spaces batches' Graph writes, shared with other replicas.
	throttle *writeThrottle
	notify   Notifier
	alert    Alerter
	mail     Mailer
	clock    Clock
	policy   Policy
	log      *slog.Logger
	newID    func() string

	owner   string   // this instance's name as an execution lease owner
	running sync.Map // request id → *execution (nil while starting): executions in this process
	// targetLocks serialise "no open request for this target" with the
	// insert, so concurrent requesters get one open request per target.
	targetLocks [64]sync.Mutex
}

// lockTarget locks the stripe of a target id and returns its unlock.
func (s *Service) lockTarget(id string) func() {
	h := fnv.New32a()
	h.Write([]byte(id))
	mu := &s.targetLocks[h.Sum32()%uint32(len(s.targetLocks))]
	mu.Lock()
	return mu.Unlock
}

// Deps are the Service's collaborators. Directory and Store are required;
// the rest default to no-ops.
type Deps struct {
	Directory Directory
	Store     Store
	// Batches is the store's incident-mode part; when nil, Store is used
	// if it implements BatchStore.
	Batches  BatchStore
	Notifier Notifier
	Alerter  Alerter
	Mailer   Mailer
	Clock    Clock
	Log      *slog.Logger
	NewID    func() string
}

// NewService wires a Service. It panics on a policy with a zero limit,
// window or lifetime: that is a wiring mistake (start from
// config.DefaultPolicy), and running with it would refuse or allow
// everything.
func NewService(p Policy, d Deps) *Service {
	if m := p.missing(); len(m) > 0 {
		panic("mfa.NewService: the policy leaves " + strings.Join(m, ", ") + " at zero; start from config.DefaultPolicy()")
	}
	s := &Service{dir: d.Directory, store: d.Store, notify: d.Notifier, alert: d.Alerter, mail: d.Mailer,
		clock: d.Clock, policy: p, log: d.Log, newID: d.NewID}
	if s.notify == nil {
		s.notify = NopNotifier{}
	}
	if s.clock == nil {
		s.clock = SystemClock{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.newID == nil {
		s.newID = NewRequestID
	}
	s.batches = d.Batches
	if s.batches == nil {
		s.batches, _ = d.Store.(BatchStore)
	}
	if s.batches != nil && p.IncidentWriteRate > 0 {
		s.throttle = newWriteThrottle(s.batches, s.clock, p.IncidentWriteRate)
	}
	s.owner = newOwner()
	s.log = s.log.With("component", "mfa")
	return s
}

// Policy returns the effective policy.
func (s *Service) Policy() Policy { return s.policy }

// NewRequestID returns a short random request id such as "R-7K3QW9".
func NewRequestID() string {
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ" // no 0/O, 1/I
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	out := []byte("R-")
	for _, c := range b {
		out = append(out, alphabet[int(c)%len(alphabet)])
	}
	return string(out)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// audit appends an event; a failure is logged and returned.
func (s *Service) audit(ctx context.Context, typ string, r *Request, actor string, detail map[string]string) (AuditRecord, error) {
	e := AuditEvent{Time: s.clock.Now().UTC(), Type: typ, Actor: actor, Detail: detail}
	if r != nil {
		e.RequestID, e.Target = r.ID, r.Target.UPN
	}
	rec, err := s.store.AppendAudit(context.WithoutCancel(ctx), e)
	if err != nil {
		s.log.Error("audit append failed", "type", typ, "request", e.RequestID, "err", err)
		return rec, Wrap(EUnavailable, err, "the audit log could not be written, so nothing was done")
	}
	return rec, nil
}

// auditTarget appends an event about a target that has no request (refusals).
func (s *Service) auditTarget(ctx context.Context, typ, target string, actor Actor, detail map[string]string) {
	e := AuditEvent{Time: s.clock.Now().UTC(), Type: typ, Actor: actor.ID, Target: target, Detail: detail}
	if _, err := s.store.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("audit append failed", "type", typ, "err", err)
	}
}

// raise sends a security alert and audits it.
func (s *Service) raise(ctx context.Context, a Alert) {
	a.At = s.clock.Now().UTC()
	d := map[string]string{"kind": a.Kind, "summary": a.Summary}
	e := AuditEvent{Time: a.At, Type: AuditAlert, RequestID: a.RequestID, Target: a.Target, Actor: a.Actor, Detail: d}
	if _, err := s.store.AppendAudit(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("audit append failed", "type", AuditAlert, "err", err)
	}
	if s.alert == nil {
		return
	}
	// Alerts leave the request's context: a cancelled turn must not drop one.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.alert.Alert(actx, a); err != nil {
		s.log.Error("security alert not delivered", "kind", a.Kind, "request", a.RequestID, "err", err)
		if errors.Is(err, ErrAlertQueueFull) {
			_, _ = s.audit(ctx, AuditAlertDropped, nil, "system", map[string]string{"kind": a.Kind, "reason": "alert queue full"})
		}
	}
}

// batchChanged publishes a batch's status to the notifier, if it cares
// about batches, off the caller's context.
func (s *Service) batchChanged(ctx context.Context, b *Batch) {
	bn, ok := s.notify.(BatchNotifier)
	if !ok {
		return
	}
	ctx = context.WithoutCancel(ctx)
	st, err := s.batchStatus(ctx, b)
	if err != nil {
		s.log.Error("batch status failed", "batch", b.ID, "err", err)
		return
	}
	bn.BatchChanged(ctx, st)
}

// changed tells the notifier about a transition, off the caller's context.
func (s *Service) changed(ctx context.Context, r *Request) {
	s.notify.RequestChanged(context.WithoutCancel(ctx), r)
}

// Get returns a request, expiring it first if its time is up.
func (s *Service) Get(ctx context.Context, id string) (*Request, error) {
	r, err := s.store.GetRequest(ctx, normalizeID(id))
	if err != nil {
		return nil, err
	}
	return s.expireIfDue(ctx, r)
}

// List returns requests matching f.
func (s *Service) List(ctx context.Context, f RequestFilter) ([]*Request, error) {
	return s.store.ListRequests(ctx, f)
}

func normalizeID(id string) string { return strings.ToUpper(strings.TrimSpace(id)) }

// NopNotifier does nothing.
type NopNotifier struct{}

// RequestChanged does nothing.
func (NopNotifier) RequestChanged(context.Context, *Request) {}

// Remind does nothing.
func (NopNotifier) Remind(context.Context, *Request) {}

// TellTarget does nothing.
func (NopNotifier) TellTarget(context.Context, *Request) error { return nil }

// DeliverTAP refuses: with no way to reach the requester a TAP would be lost.
func (NopNotifier) DeliverTAP(context.Context, *Request, TAP) error {
	return Errorf(EInternal, "no channel to deliver a Temporary Access Pass")
}
