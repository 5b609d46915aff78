// Package botstate is the bot's own state and the small store interface
// that keeps it: how to reach people in Teams, the cards posted for each
// request, the approvals conversation, and the ids of activities already
// handled. Both stores (internal/store/sqlite and internal/store/postgres)
// implement Store and pass the shared suite in internal/store/storetest.
//
// The types are plain structs of this package, not Bot Framework SDK types,
// so the storage format does not follow an SDK. Their JSON names match the
// Bot Framework's, which is how earlier versions stored them.
package botstate

import (
	"context"
	"time"
)

// Store keeps the bot's state. A value that was never stored is an
// *mfa.Error with ENotFound.
type Store interface {
	// User returns how to reach the user with the Entra object id oid.
	User(ctx context.Context, oid string) (User, error)
	// PutUser stores how to reach the user with the Entra object id oid.
	PutUser(ctx context.Context, oid string, u User) error

	// Channel returns where the bot last heard from Teams.
	Channel(ctx context.Context) (Channel, error)
	// PutChannel stores where the bot last heard from Teams.
	PutChannel(ctx context.Context, c Channel) error

	// Approvers returns the users seen to be approvers: Entra object id →
	// Teams user id (an empty map when there are none).
	Approvers(ctx context.Context) (map[string]string, error)
	// PutApprover records that oid, with the Teams id teamsID, is an approver.
	PutApprover(ctx context.Context, oid, teamsID string) error
	// DeleteApprover forgets an approver; forgetting one never recorded is
	// not an error.
	DeleteApprover(ctx context.Context, oid string) error

	// AddCard records a card posted for a request (or an incident reset:
	// requestID is then the batch id). The bot keeps one card
	// per request and conversation up to date: a card recorded in a
	// conversation that already has one replaces it (the later card is the
	// one kept), so asking for a request's status again and again does not
	// multiply the updates of every change.
	AddCard(ctx context.Context, requestID string, c Card) error
	// Cards returns the cards posted for a request, ordered by conversation
	// (an empty slice when there are none).
	Cards(ctx context.Context, requestID string) ([]Card, error)

	// FailedTurn returns what the failed turn of an activity left behind
	// (ENotFound when its turn did not fail or has since succeeded).
	FailedTurn(ctx context.Context, activityID string) (FailedTurn, error)
	// PutFailedTurn records that the turn of an activity failed.
	PutFailedTurn(ctx context.Context, activityID string, f FailedTurn) error
	// DeleteFailedTurn forgets a failed turn; forgetting one never
	// recorded is not an error.
	DeleteFailedTurn(ctx context.Context, activityID string) error

	// Approvals returns the conversation that receives a copy of every
	// request card.
	Approvals(ctx context.Context) (Conversation, error)
	// SetApprovals registers the approvals conversation.
	SetApprovals(ctx context.Context, c Conversation) error

	// Once records key and reports whether this is its first sighting
	// within ttl (a positive duration); the bot handles a redelivered
	// activity once, across replicas.
	Once(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// Account is a user or a bot in a channel.
type Account struct {
	// ID is the channel's id of the account ("29:…" for a Teams user,
	// "28:…" for a bot).
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	// AadObjectID is the user's Entra object id.
	AadObjectID string `json:"aadObjectId,omitempty"`
}

// User is how the bot reaches a user: the Teams user id and the service
// URL and tenant from their latest activity, and the personal chat with the
// bot once one is known.
type User struct {
	User       Account `json:"user"`
	Bot        Account `json:"bot"`
	ServiceURL string  `json:"serviceUrl"`
	ChannelID  string  `json:"channelId"`
	TenantID   string  `json:"tenantId,omitzero"`
	// Personal is the id of the 1:1 conversation with the bot.
	Personal string `json:"personal,omitzero"`
}

// Channel is where the bot last heard from Teams in its tenant: the service
// URL to write to a conversation the bot learns of without an activity (a
// chat made by installing the app through Graph).
type Channel struct {
	ServiceURL string  `json:"serviceUrl"`
	ChannelID  string  `json:"channelId"`
	TenantID   string  `json:"tenantId,omitzero"`
	Bot        Account `json:"bot"`
}

// Card kinds.
const (
	// CardRequest is a request card.
	CardRequest = "request"
	// CardConfirm is the "Was this you?" question to the target user.
	CardConfirm = "confirm"
	// CardBatch is an incident reset's card (plan, progress, summary),
	// recorded under the batch id (B-…) as a request card is under the
	// request id.
	CardBatch = "batch"
)

// Card is a posted card the bot keeps in sync with its request.
type Card struct {
	// Kind is CardRequest, CardConfirm or CardBatch.
	Kind           string `json:"kind"`
	ServiceURL     string `json:"serviceUrl"`
	ConversationID string `json:"conversationId"`
	ActivityID     string `json:"activityId"`
	// Viewer is the one person who sees a card posted in a personal chat
	// (their Entra object id and Teams id): that card shows their own view,
	// buttons included, instead of the base card every viewer shares.
	Viewer      string `json:"viewer,omitempty"`
	ViewerTeams string `json:"viewerTeams,omitempty"`
	// Role is the viewer's part in the request when the card was posted
	// (RoleApprover, RoleRequester, RoleOther), so an update renders their
	// view without asking the directory again. The service checks every
	// action anyway: a button left to someone who left the group does
	// nothing.
	Role string `json:"role,omitempty"`
	// Mentions are the approvers a card in a channel or group chat
	// @mentions while the request waits.
	Mentions []Mention `json:"mentions,omitempty"`
}

// Viewer roles of a Card.
const (
	RoleApprover  = "approver"
	RoleRequester = "requester"
	RoleOther     = "other"
)

// Mention is a person a card @mentions: their Teams id when known, else
// their Entra object id, and their name.
type Mention struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Conversation is a conversation the bot writes to without being spoken
// to: where it lives and, for a personal chat, its one reader.
type Conversation struct {
	ServiceURL   string             `json:"serviceUrl"`
	ChannelID    string             `json:"channelId"`
	Conversation ConversationDetail `json:"conversation"`
	Bot          Account            `json:"bot"`
	User         Account            `json:"user,omitzero"`
	TenantID     string             `json:"tenantId,omitzero"`
}

// ConversationDetail identifies a conversation.
type ConversationDetail struct {
	ID string `json:"id,omitempty"`
	// ConversationType is "personal", "groupChat" or "channel".
	ConversationType string `json:"conversationType,omitempty"`
	TenantID         string `json:"tenantId,omitempty"`
	IsGroup          bool   `json:"isGroup,omitempty"`
}

// FailedTurn is what the failed turn of an activity left behind: the bot
// answered the Connector with an error, so Teams delivers the activity
// again, and the redelivery is run instead of being dropped as a repeat.
type FailedTurn struct {
	// Request is the request the turn opened before it failed (its card
	// never arrived): a redelivery posts that card instead of asking for a
	// second request.
	Request string `json:"request,omitempty"`
	// Attempt counts the failed deliveries, so each redelivery is run by
	// one replica.
	Attempt int `json:"attempt"`
	// At is when the turn last failed.
	At time.Time `json:"at"`
}
