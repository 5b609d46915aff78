// Package bot is the Teams side of mfabot: it turns Bot Framework
// activities into calls of the shared reset service, renders requests as
// Adaptive Cards with a view per user (Universal Actions), keeps every
// posted card in sync as a request changes, and delivers the proactive
// messages the service asks for (the "Was this you?" question, the notice
// to the user, the Temporary Access Pass to the requester alone).
//
// It speaks Bot Framework through internal/botframework and knows nothing of
// Microsoft Graph: everything about users and methods comes from the service.
package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// maxCachedUsers bounds the in-memory copy of user references (a few
// hundred bytes each); the store keeps them all.
const maxCachedUsers = 4096

// Config configures the bot.
type Config struct {
	// AppID is the bot's Microsoft App ID; its Teams id is "28:"+AppID.
	AppID string
	// Name is the bot's display name, used in the welcome.
	Name string
	// HelpText is shown in the welcome and the help: who may use the bot
	// and whom to ask (e.g. "Questions: helpdesk-leads@contoso.com").
	HelpText string
	// Clock stamps the bot's own audit events; default the system clock.
	Clock mfa.Clock
	// Installer, when set, installs the app for a target user the bot has
	// never talked to, so they can be asked "Was this you?". Nil leaves
	// such users unreachable.
	Installer Installer
}

// Installer installs the bot for a user; internal/app implements it over
// Microsoft Graph.
type Installer interface {
	// InstallForUser installs the app in the personal scope of the user
	// with the Entra object id userID (an app already installed is fine)
	// and returns the id of the 1:1 chat between the user and the bot.
	InstallForUser(ctx context.Context, userID string) (chatID string, err error)
}

// Sender is what the bot needs from the Bot Connector client;
// *botframework.Connector implements it.
type Sender interface {
	SendToConversation(ctx context.Context, serviceURL, conversationID string, act *botframework.Activity) (string, error)
	ReplyToActivity(ctx context.Context, serviceURL, conversationID, replyToID string, act *botframework.Activity) (string, error)
	UpdateActivity(ctx context.Context, serviceURL, conversationID, activityID string, act *botframework.Activity) error
	CreateConversation(ctx context.Context, serviceURL string, params botframework.ConversationParameters) (string, error)
}

var _ Sender = (*botframework.Connector)(nil)

// Bot handles Teams activities. It is safe for concurrent use.
type Bot struct {
	cfg   Config
	svc   *mfa.Service
	state botstate.Store
	send  Sender
	log   *slog.Logger

	// bg is the context of background work (executions, card updates); it
	// is not tied to any HTTP request.
	bg context.Context
	wg sync.WaitGroup

	cards *cardQueue // card syncs, on a bounded pool
	pace  *pacer     // writes per conversation, within Teams' rate

	// channel is the channel reference last stored, so an activity from the
	// same place does not write it again.
	channel atomic.Pointer[botstate.Channel]

	seen     seenSet                     // activity ids seen by this replica
	users    *lru[string, botstate.User] // aadObjectId → reference last stored, so a repeat does not read or write the store
	helpOnce sync.Once
	help     json.RawMessage
}

var _ mfa.Notifier = (*Bot)(nil)

// New returns a Bot and makes it the service's notifier. The bot reads and
// changes requests through svc only; state keeps its own state (how to
// reach people, posted cards, handled activities).
func New(cfg Config, svc *mfa.Service, state botstate.Store, sender Sender, log *slog.Logger) *Bot {
	if cfg.Name == "" {
		cfg.Name = "mfabot"
	}
	if cfg.Clock == nil {
		cfg.Clock = mfa.SystemClock{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &Bot{cfg: cfg, svc: svc, state: state, send: sender, log: log.With("component", "bot"), bg: context.Background(),
		users: newLRU[string, botstate.User](maxCachedUsers), pace: newPacer(convBurst, convInterval, maxPaced)}
	b.cards = newCardQueue(cardWorkers, maxQueuedSyncs, b.syncCards, func(fn func()) {
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			fn()
		}()
	}, b.log)
	svc.SetNotifier(b)
	return b
}

// Wait blocks until the background work started so far (executions of
// approved requests, card updates) has finished. Call it on shutdown after
// the HTTP server stopped taking requests.
func (b *Bot) Wait() { b.wg.Wait() }

func (b *Bot) now() time.Time { return b.cfg.Clock.Now().UTC() }

// background runs fn off the request, tracked by Wait.
func (b *Bot) background(fn func(ctx context.Context)) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		fn(b.bg)
	}()
}
