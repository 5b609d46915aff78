package wiring

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mfabot/mfabot/internal/mfa"
)

// countingNotifier counts requests by the final state they reach, for
// /metrics, and passes every notification on.
type countingNotifier struct {
	mfa.Notifier
	final *prometheus.CounterVec
}

func newCountingNotifier(next mfa.Notifier, reg *prometheus.Registry) *countingNotifier {
	c := &countingNotifier{Notifier: next, final: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mfabot_requests_finished_total",
		Help: "Reset requests by the final state they reached (completed, partial, failed, rejected, cancelled, expired, blocked).",
	}, []string{"state"})}
	reg.MustRegister(c.final)
	return c
}

// RequestChanged counts a request reaching a final state. The service calls
// it once per transition, and a final state is reached once.
func (c *countingNotifier) RequestChanged(ctx context.Context, r *mfa.Request) {
	if r.State.Final() {
		c.final.WithLabelValues(string(r.State)).Inc()
	}
	c.Notifier.RequestChanged(ctx, r)
}

// BatchChanged passes an incident reset's change on to the wrapped
// notifier when it follows incident resets (the bot does): the service
// finds BatchChanged on the notifier it was given, so a wrapper that hid
// it would leave every incident reset card as first posted.
func (c *countingNotifier) BatchChanged(ctx context.Context, st *mfa.BatchStatus) {
	if bn, ok := c.Notifier.(mfa.BatchNotifier); ok {
		bn.BatchChanged(ctx, st)
	}
}

var _ mfa.BatchNotifier = (*countingNotifier)(nil)
