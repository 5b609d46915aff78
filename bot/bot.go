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
	"sync"
	"time"

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
	// Delivery is where request cards go: "personal" (each approver's
	// personal chat), "conversation" (the approvals conversation once one
	// is set; until then the personal chats) or "both", the default.
	Delivery string
	// BatchUpdateEvery is how often at most an incident reset's cards are
	// updated with its progress alone; default mfa.BatchProgressEvery (a
	// change of state goes out at once).
	BatchUpdateEvery time.Duration
}

// Installer installs the bot for a user; internal/wiring implements it over
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

// Bot handles Teams activities: the inbound side, over the service and the
// Messenger it embeds. It is safe for concurrent use.
type Bot struct {
	*Messenger
	svc *mfa.Service

	seen     seenSet // activity ids seen by this replica
	helpOnce sync.Once
	help     botframework.EncodedJSON
}

// New returns the Bot over m, which the service was built with as its
// notifier (mfa.Deps.Notifier): the one wiring, made at construction. The
// bot reads and changes requests through svc only.
func New(m *Messenger, svc *mfa.Service) *Bot {
	return &Bot{Messenger: m, svc: svc}
}
