package bot

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Messenger is the bot's outbound side: it posts and updates cards and
// messages people in Teams. It needs nothing from the service, so it is
// built first and handed to mfa.NewService as its Notifier; New then builds
// the Bot over both. It is safe for concurrent use.
type Messenger struct {
	cfg   Config
	state botstate.Store
	send  Sender
	log   *slog.Logger

	// bg is the context of background work (executions, card updates); it
	// is not tied to any HTTP request.
	bg context.Context
	wg sync.WaitGroup

	cards *cardQueue // card syncs, on a bounded pool
	pace  *pacer     // writes per conversation, within Teams' rate
	// latest is the newest state of each request the service published;
	// a card sync renders it, so an older state never overwrites a newer
	// one and the Messenger needs no read of the store.
	latest   *lru[string, *mfa.Request]
	latestMu sync.Mutex
	// batches is the newest status of each incident reset the service
	// published (under latestMu); batchPace holds back its progress.
	batches   *lru[string, *mfa.BatchStatus]
	batchPace *batchPacer

	// channel is the channel reference last stored, so an activity from the
	// same place does not write it again.
	channel atomic.Pointer[botstate.Channel]
	users   *lru[string, botstate.User] // aadObjectId → reference last stored, so a repeat does not read or write the store
}

// maxLatest bounds the request states kept for card syncs, maxBatches the
// incident resets' (one is open at a time).
const (
	maxLatest  = 10_000
	maxBatches = 64
)

var _ mfa.Notifier = (*Messenger)(nil)

// NewMessenger returns the Messenger that sends through sender and keeps
// its own state (how to reach people, posted cards, handled activities) in
// state.
func NewMessenger(cfg Config, state botstate.Store, sender Sender, log *slog.Logger) *Messenger {
	if cfg.Name == "" {
		cfg.Name = "mfabot"
	}
	if cfg.Clock == nil {
		cfg.Clock = mfa.SystemClock{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Messenger{cfg: cfg, state: state, send: sender, log: log.With("component", "bot"), bg: context.Background(),
		users: newLRU[string, botstate.User](maxCachedUsers), pace: newPacer(convBurst, convInterval, maxPaced),
		latest: newLRU[string, *mfa.Request](maxLatest), batches: newLRU[string, *mfa.BatchStatus](maxBatches)}
	every := cfg.BatchUpdateEvery
	if every <= 0 {
		every = mfa.BatchProgressEvery
	}
	m.batchPace = &batchPacer{every: every, batches: map[string]*batchPace{}, track: func(d time.Duration, fn func()) {
		m.wg.Add(1)
		time.AfterFunc(d, func() {
			defer m.wg.Done()
			fn()
		})
	}}
	m.cards = newCardQueue(cardWorkers, maxQueuedSyncs, m.syncCards, func(fn func()) {
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			fn()
		}()
	}, m.log)
	return m
}

// Wait blocks until the background work started so far (executions of
// approved requests, card updates) has finished. Call it on shutdown after
// the HTTP server stopped taking requests.
func (m *Messenger) Wait() { m.wg.Wait() }

func (m *Messenger) now() time.Time { return m.cfg.Clock.Now().UTC() }

// background runs fn off the request, tracked by Wait.
func (m *Messenger) background(fn func(ctx context.Context)) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		fn(m.bg)
	}()
}
