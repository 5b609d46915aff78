package alert

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// QueueConfig sizes a Queue. Zero fields take the defaults shown.
type QueueConfig struct {
	Size    int           // alerts waiting at most (256)
	Timeout time.Duration // per delivery (10 s)
	Log     *slog.Logger
}

// Queue delivers alerts in the background, one at a time, so a slow or
// hanging webhook never holds a Teams turn. The caller audits each alert
// before queueing it; a full queue refuses with mfa.ErrAlertQueueFull.
type Queue struct {
	next     mfa.Alerter
	cfg      QueueConfig
	ch       chan mfa.Alert
	done     chan struct{}
	closing  sync.Once
	stopping sync.Once
	stop     chan struct{}
}

var _ mfa.Alerter = (*Queue)(nil)

// NewQueue starts a queue in front of next.
func NewQueue(next mfa.Alerter, cfg QueueConfig) *Queue {
	if cfg.Size <= 0 {
		cfg.Size = 256
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	q := &Queue{next: next, cfg: cfg, ch: make(chan mfa.Alert, cfg.Size), done: make(chan struct{}), stop: make(chan struct{})}
	go q.run()
	return q
}

// Alert queues a without waiting; mfa.ErrAlertQueueFull when the queue is
// full or closed.
func (q *Queue) Alert(_ context.Context, a mfa.Alert) (err error) {
	defer func() {
		if recover() != nil { // sent on a closed queue
			err = mfa.ErrAlertQueueFull
		}
	}()
	select {
	case q.ch <- a:
		return nil
	default:
		return mfa.ErrAlertQueueFull
	}
}

func (q *Queue) run() {
	defer close(q.done)
	for a := range q.ch {
		ctx, cancel := context.WithTimeout(context.Background(), q.cfg.Timeout)
		go func() {
			select {
			case <-q.stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		if err := q.next.Alert(ctx, a); err != nil {
			q.cfg.Log.Error("security alert not delivered", "kind", a.Kind, "request", a.RequestID, "err", err)
		}
		cancel()
	}
}

// Close stops taking alerts and delivers those queued until ctx ends; then
// it abandons the rest (each is in the audit already) and says how many.
func (q *Queue) Close(ctx context.Context) error {
	q.closing.Do(func() { close(q.ch) })
	select {
	case <-q.done:
		return nil
	case <-ctx.Done():
		left := len(q.ch)
		q.stopping.Do(func() { close(q.stop) })
		return fmt.Errorf("alert queue: %d alert(s) not delivered before shutdown: %w", left+1, ctx.Err())
	}
}

// NewWebhookQueue is the alerter serve uses: a webhook behind a queue.
func NewWebhookQueue(url string, log *slog.Logger) *Queue {
	return NewQueue(NewWebhook(url), QueueConfig{Log: log})
}
