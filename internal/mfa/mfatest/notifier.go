package mfatest

import (
	"context"
	"sync"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Notifier records what the service tells people.
type Notifier struct {
	mu        sync.Mutex
	Reachable map[string]bool // target ids the bot can reach
	Asked     []string        // request ids
	Changes   []mfa.State
	Told      []string
	TAPs      map[string]string // request id → TAP value delivered
	TAPErr    error
}

var _ mfa.Notifier = (*Notifier)(nil)

// NewNotifier returns an empty recorder.
func NewNotifier() *Notifier {
	return &Notifier{Reachable: map[string]bool{}, TAPs: map[string]string{}}
}

// AskTarget records the question.
func (n *Notifier) AskTarget(ctx context.Context, r *mfa.Request) (bool, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.Reachable[r.Target.ID] {
		return false, nil
	}
	n.Asked = append(n.Asked, r.ID)
	return true, nil
}

// RequestChanged records the state.
func (n *Notifier) RequestChanged(ctx context.Context, r *mfa.Request) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.Changes = append(n.Changes, r.State)
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
