package wiring

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mfabot/mfabot/internal/mfa"
)

// batchRecorder is a notifier that follows incident resets.
type batchRecorder struct {
	mfa.NopNotifier
	got []string
}

func (r *batchRecorder) BatchChanged(_ context.Context, st *mfa.BatchStatus) {
	r.got = append(r.got, st.Batch.ID)
}

// The metrics wrapper around the bot's notifier passes incident resets'
// changes on: the service looks for BatchChanged on what it was given.
func TestCountingNotifierPassesBatchChangesOn(t *testing.T) {
	rec := &batchRecorder{}
	var n mfa.Notifier = newCountingNotifier(rec, prometheus.NewRegistry())
	bn, ok := n.(mfa.BatchNotifier)
	if !ok {
		t.Fatal("the wrapped notifier hides BatchChanged")
	}
	bn.BatchChanged(context.Background(), &mfa.BatchStatus{Batch: &mfa.Batch{ID: "B-7K3QW9"}})
	if len(rec.got) != 1 || rec.got[0] != "B-7K3QW9" {
		t.Fatalf("passed on %v", rec.got)
	}
	// A notifier that does not follow batches is left alone.
	newCountingNotifier(mfa.NopNotifier{}, prometheus.NewRegistry()).BatchChanged(context.Background(), &mfa.BatchStatus{Batch: &mfa.Batch{ID: "B-7K3QW9"}})
}
