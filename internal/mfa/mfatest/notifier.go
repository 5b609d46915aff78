package mfatest

import (
	"context"
	"sync"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Notifier records what the service tells people, and plays the bot's part
// after a request is made (Deliver).
type Notifier struct {
	mu        sync.Mutex
	Reachable map[string]bool // user ids the bot can reach (targets and approvers)
	Asked     []string        // request ids
	Changes   []mfa.State
	Reminded  []string // request ids
	Told      []string
	TAPs      map[string]string // request id → TAP value delivered
	TAPErr    error
}

var _ mfa.Notifier = (*Notifier)(nil)

// NewNotifier returns an empty recorder.
func NewNotifier() *Notifier {
	return &Notifier{Reachable: map[string]bool{}, TAPs: map[string]string{}}
}

// Deliver does what the bot does after a request is made: it asks the
// service whom to tell, "reaches" the ones marked Reachable (every approver
// when approvers is true) and records the outcome with Delivered.
func (n *Notifier) Deliver(ctx context.Context, svc *mfa.Service, r *mfa.Request, approvers bool) (*mfa.Request, error) {
	rc, _ := svc.Recipients(ctx, r) // a failed listing reaches nobody
	d := mfa.Delivery{Eligible: len(rc.Approvers)}
	n.mu.Lock()
	for _, a := range rc.Approvers {
		if approvers || n.Reachable[a.ID] {
			d.Approvers++
		} else {
			d.Unreachable++
		}
	}
	ask := mfa.TargetAsk{Tried: rc.AskTarget}
	if rc.AskTarget && n.Reachable[r.Target.ID] {
		ask.Reached = true
		n.Asked = append(n.Asked, r.ID)
	}
	n.mu.Unlock()
	return svc.Delivered(ctx, r.ID, d, ask)
}

// RequestChanged records the state.
func (n *Notifier) RequestChanged(ctx context.Context, r *mfa.Request) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.Changes = append(n.Changes, r.State)
}

// Remind records the reminder.
func (n *Notifier) Remind(ctx context.Context, r *mfa.Request) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.Reminded = append(n.Reminded, r.ID)
}

// TellTarget records the notice.
func (n *Notifier) TellTarget(ctx context.Context, r *mfa.Request) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.Told = append(n.Told, r.ID)
	return nil
}

// DeliverTAP records the pass.
func (n *Notifier) DeliverTAP(ctx context.Context, r *mfa.Request, t mfa.TAP) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.TAPErr != nil {
		return n.TAPErr
	}
	n.TAPs[r.ID] = t.Value
	return nil
}

// Alerter records alerts.
type Alerter struct {
	mu     sync.Mutex
	Alerts []mfa.Alert
}

// Alert records a.
func (a *Alerter) Alert(ctx context.Context, al mfa.Alert) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.Alerts = append(a.Alerts, al)
	return nil
}

// Kinds lists the alert kinds raised, in order.
func (a *Alerter) Kinds() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, x := range a.Alerts {
		out = append(out, x.Kind)
	}
	return out
}
