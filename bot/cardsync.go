package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/mfabot/mfabot/internal/retryafter"
)

// Bounds of card updates.
const (
	// cardWorkers bounds the card syncs that run at once: a start-up
	// catch-up of hundreds of requests must not open hundreds of
	// connections to the Connector.
	cardWorkers = 4
	// maxQueuedSyncs bounds the requests waiting for a card sync.
	maxQueuedSyncs = 10_000
	// Teams limits what a bot sends to one conversation (7 operations per
	// second, 60 per 30 seconds, 1800 per hour at the time of writing:
	// https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit).
	// The bot writes to a conversation in bursts of at most convBurst and
	// then one per convInterval, which stays under all three.
	convBurst    = 7
	convInterval = 2 * time.Second
	maxPaced     = 10_000 // conversations whose pace is remembered
	// held429 is how long a conversation is left alone after the
	// Connector still answered 429 when its retries (which honour
	// Retry-After) were spent.
	held429 = 30 * time.Second
)

// cardQueue runs card syncs on a bounded pool. A request is synced by one
// worker at a time; a change while it is queued is the same sync (each
// sync renders the latest state), a change while it runs queues it once
// more, so the last state always reaches the cards.
type cardQueue struct {
	mu      sync.Mutex
	order   []string
	queued  map[string]bool
	running map[string]bool
	again   map[string]bool
	workers int

	max, maxQueued int
	run            func(ctx context.Context, id string)
	spawn          func(func())
	log            *slog.Logger
}

func newCardQueue(workers, maxQueued int, run func(context.Context, string), spawn func(func()), log *slog.Logger) *cardQueue {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &cardQueue{queued: map[string]bool{}, running: map[string]bool{}, again: map[string]bool{},
		max: workers, maxQueued: maxQueued, run: run, spawn: spawn, log: log}
}

// schedule asks for a sync of request id's cards.
func (q *cardQueue) schedule(ctx context.Context, id string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.running[id]:
		q.again[id] = true
		return
	case q.queued[id]:
		return
	case len(q.order) >= q.maxQueued:
		q.log.Error("card update dropped: too many requests waiting for their cards", "request", id, "queued", len(q.order))
		return
	}
	q.queued[id] = true
	q.order = append(q.order, id)
	if q.workers < q.max {
		q.workers++
		q.spawn(func() { q.work(context.WithoutCancel(ctx)) })
	}
}

func (q *cardQueue) work(ctx context.Context) {
	for {
		q.mu.Lock()
		if len(q.order) == 0 {
			q.workers--
			q.mu.Unlock()
			return
		}
		id := q.order[0]
		q.order = q.order[1:]
		delete(q.queued, id)
		q.running[id] = true
		q.mu.Unlock()

		q.run(ctx, id)

		q.mu.Lock()
		delete(q.running, id)
		if q.again[id] {
			delete(q.again, id)
			q.queued[id] = true
			q.order = append(q.order, id)
		}
		q.mu.Unlock()
	}
}

// pacer spaces the bot's writes to each conversation: a token bucket per
// conversation (burst, then one per interval), remembered for the most
// recently written maxPaced conversations.
type pacer struct {
	burst    int
	interval time.Duration
	convs    *lru[string, *convPace]
}

type convPace struct {
	mu     sync.Mutex
	tokens float64
	last   time.Time
	until  time.Time // held (after a 429) until then
}

func newPacer(burst int, interval time.Duration, max int) *pacer {
	return &pacer{burst: burst, interval: interval, convs: newLRU[string, *convPace](max)}
}

func (p *pacer) conv(id string) *convPace {
	// Two writers racing on a new conversation may each make one; the
	// pace is then approximate for that moment, never unbounded.
	if c, ok := p.convs.Load(id); ok {
		return c
	}
	c := &convPace{tokens: float64(p.burst), last: time.Now()}
	p.convs.Store(id, c)
	return c
}

// wait blocks until the conversation may be written to.
func (p *pacer) wait(ctx context.Context, id string) error {
	c := p.conv(id)
	c.mu.Lock()
	now := time.Now()
	c.tokens = min(float64(p.burst), c.tokens+float64(now.Sub(c.last))/float64(p.interval))
	c.last = now
	var d time.Duration
	if c.tokens >= 1 {
		c.tokens--
	} else {
		d = time.Duration((1 - c.tokens) * float64(p.interval))
		c.tokens-- // the slot is taken now; the next writer waits behind it
	}
	if h := c.until.Sub(now); h > d {
		d = h
	}
	c.mu.Unlock()
	return retryafter.Sleep(ctx, d)
}

// hold leaves the conversation alone for d (the Connector answered 429).
func (p *pacer) hold(id string, d time.Duration) {
	c := p.conv(id)
	c.mu.Lock()
	defer c.mu.Unlock()
	if u := time.Now().Add(d); u.After(c.until) {
		c.until = u
	}
}
