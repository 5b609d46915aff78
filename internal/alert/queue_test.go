package alert_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/alert"
	"github.com/mfabot/mfabot/internal/mfa"
)

// hanging is an alerter whose every call waits until released.
type hanging struct {
	release chan struct{}
	mu      sync.Mutex
	got     []string
}

func (h *hanging) Alert(ctx context.Context, a mfa.Alert) error {
	select {
	case <-h.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.got = append(h.got, a.Kind)
	return nil
}

// A hanging webhook does not hold the caller: Alert returns at once, and
// the alerts are delivered when the webhook answers.
func TestQueueDoesNotWaitForTheWebhook(t *testing.T) {
	h := &hanging{release: make(chan struct{})}
	q := alert.NewQueue(h, alert.QueueConfig{Size: 4, Timeout: time.Minute})
	start := time.Now()
	for _, k := range []string{"a", "b"} {
		if err := q.Alert(context.Background(), mfa.Alert{Kind: k}); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Alert waited %v for a hanging webhook", d)
	}
	close(h.release)
	if err := q.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(h.got) != 2 {
		t.Fatalf("delivered %v", h.got)
	}
}

// A full queue refuses at once with ErrQueueFull, so the caller can record
// the alert that was not queued.
func TestFullQueueRefusesAtOnce(t *testing.T) {
	h := &hanging{release: make(chan struct{})}
	q := alert.NewQueue(h, alert.QueueConfig{Size: 2, Timeout: time.Minute})
	var full int
	for range 10 {
		if err := q.Alert(context.Background(), mfa.Alert{Kind: "x"}); errors.Is(err, mfa.ErrAlertQueueFull) {
			full++
		}
	}
	// One in the worker's hands, two queued: seven refused.
	if full < 7 {
		t.Fatalf("%d of 10 refused, want at least 7", full)
	}
	close(h.release)
	_ = q.Close(context.Background())
}

// Close gives up on a webhook that never answers when its context ends.
func TestCloseStopsAtItsDeadline(t *testing.T) {
	h := &hanging{release: make(chan struct{})}
	q := alert.NewQueue(h, alert.QueueConfig{Size: 2, Timeout: time.Minute})
	_ = q.Alert(context.Background(), mfa.Alert{Kind: "x"})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := q.Close(ctx); err == nil {
		t.Fatal("Close returned nil while an alert was still undelivered")
	}
}
