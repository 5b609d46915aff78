package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Store namespaces of the bot's small state.
const (
	nsUsers     = "teams.users"     // aadObjectId → userRef
	nsApprovers = "teams.approvers" // aadObjectId → Teams user id, of users seen to be approvers
	nsConfig    = "teams.config"    // "approvals" → the approvals conversation; "serviceUrl" → channelRef
	nsCardsPfx  = "teams.cards:"    // + request id: one key per posted card
	keyApproval = "approvals"
	keyChannel  = "serviceUrl"
)

// userRef is how the bot reaches a user: the Teams user id and the service
// URL and tenant from their latest activity, and the personal chat with the
// bot once one is known.
type userRef struct {
	User       schema.ChannelAccount `json:"user"`
	Bot        schema.ChannelAccount `json:"bot"`
	ServiceURL string                `json:"serviceUrl"`
	ChannelID  string                `json:"channelId"`
	TenantID   string                `json:"tenantId,omitzero"`
	// Personal is the id of the 1:1 conversation with the bot.
	Personal string `json:"personal,omitzero"`
}

// cardRef is a posted card the bot keeps in sync with its request.
type cardRef struct {
	// Kind is "request" (the request card) or "confirm" (the question to
	// the target user).
	Kind           string `json:"kind"`
	ServiceURL     string `json:"serviceUrl"`
	ConversationID string `json:"conversationId"`
	ActivityID     string `json:"activityId"`
	// Viewer is the one person who sees a card posted in a personal chat
	// (their Entra object id and Teams id): that card shows their own view,
	// buttons included, instead of the base card every viewer shares.
	Viewer      string `json:"viewer,omitempty"`
	ViewerTeams string `json:"viewerTeams,omitempty"`
}

const (
	kindRequest = "request"
	kindConfirm = "confirm"
)

// channelRef is where the bot last heard from Teams in its tenant: the
// service URL to write to a conversation the bot learns of without an
// activity (a chat made by installing the app through Graph).
type channelRef struct {
	ServiceURL string                `json:"serviceUrl"`
	ChannelID  string                `json:"channelId"`
	TenantID   string                `json:"tenantId,omitzero"`
	Bot        schema.ChannelAccount `json:"bot"`
}

// rememberUser stores how to reach the sender of an activity, and where the
// activity came from. It keeps the personal chat id already known when the
// activity comes from elsewhere.
func (b *Bot) rememberUser(ctx context.Context, act *botframework.Activity) {
	b.rememberChannel(ctx, act)
	oid := act.From.AadObjectID
	if oid == "" || act.From.ID == "" || act.ServiceURL == "" {
		return
	}
	var old *userRef
	if v, ok := b.users.Load(oid); ok {
		c := v.(userRef)
		old = &c
	} else {
		old, _ = b.userRef(ctx, oid)
	}
	u := userRef{User: schema.ChannelAccount{ID: act.From.ID, Name: act.From.Name, AadObjectID: oid},
		Bot: act.Recipient, ServiceURL: act.ServiceURL, ChannelID: act.ChannelID, TenantID: act.Tenant()}
	if old != nil {
		u.Personal = old.Personal
	}
	if act.Personal() && act.Conversation.ID != "" {
		u.Personal = act.Conversation.ID
	}
	if old != nil && *old == u {
		b.users.Store(oid, u)
		return
	}
	if b.putJSON(ctx, nsUsers, oid, u) {
		b.users.Store(oid, u)
	}
}

// rememberChannel stores the service URL, channel and tenant of an
// inbound activity when they differ from the ones stored.
func (b *Bot) rememberChannel(ctx context.Context, act *botframework.Activity) {
	if act.ServiceURL == "" || act.ChannelID == "" {
		return
	}
	c := channelRef{ServiceURL: act.ServiceURL, ChannelID: act.ChannelID, TenantID: act.Tenant(), Bot: act.Recipient}
	if c.Bot.ID == "" {
		c.Bot = schema.ChannelAccount{ID: "28:" + b.cfg.AppID, Name: b.cfg.Name}
	}
	if last := b.channel.Load(); last != nil && *last == c {
		return
	}
	if old, err := b.channelRef(ctx); err != nil || *old != c {
		b.putJSON(ctx, nsConfig, keyChannel, c)
	}
	b.channel.Store(&c)
}

// channelRef returns the channel the bot last heard from; an *mfa.Error
// with ENotFound when no activity ever arrived.
func (b *Bot) channelRef(ctx context.Context) (*channelRef, error) {
	raw, err := b.store.Get(ctx, nsConfig, keyChannel)
	if err != nil {
		return nil, err
	}
	var c channelRef
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("decode channel reference: %w", err)
	}
	return &c, nil
}

func (b *Bot) userRef(ctx context.Context, oid string) (*userRef, error) {
	raw, err := b.store.Get(ctx, nsUsers, oid)
	if err != nil {
		return nil, err
	}
	var u userRef
	if err := json.Unmarshal(raw, &u); err != nil {
		return nil, fmt.Errorf("decode user reference: %w", err)
	}
	return &u, nil
}

// rememberRole keeps the approvers' Teams ids for refresh.userIds.
func (b *Bot) rememberRole(ctx context.Context, oid, teamsID string, approver bool) {
	if oid == "" || teamsID == "" {
		return
	}
	if approver {
		if cur, err := b.store.Get(ctx, nsApprovers, oid); err == nil && string(cur) == teamsID {
			return
		}
		if err := b.store.Put(ctx, nsApprovers, oid, []byte(teamsID)); err != nil {
			b.log.Warn("could not remember an approver", "err", err)
		}
		return
	}
	if err := b.store.Delete(ctx, nsApprovers, oid); err != nil && mfa.Code(err) != mfa.ENotFound {
		b.log.Warn("could not forget an approver", "err", err)
	}
}

// refreshUserIDs are the users whose view of r Teams refreshes on its own:
// the requester, then the known approvers, at most 60.
func (b *Bot) refreshUserIDs(ctx context.Context, r *mfa.Request) []string {
	ids := []string{}
	if u, err := b.userRef(ctx, r.Requester.ID); err == nil && u.User.ID != "" {
		ids = append(ids, u.User.ID)
	}
	all, err := b.store.List(ctx, nsApprovers)
	if err != nil {
		b.log.Warn("could not list approvers", "err", err)
		return ids
	}
	var approvers []string
	for oid, teamsID := range all {
		if oid != r.Requester.ID && oid != r.Target.ID {
			approvers = append(approvers, string(teamsID))
		}
	}
	sort.Strings(approvers)
	ids = append(ids, approvers...)
	if len(ids) > 60 {
		ids = ids[:60]
	}
	return ids
}

// addCardRef records a posted card of a request.
func (b *Bot) addCardRef(ctx context.Context, requestID string, c cardRef) {
	if c.ActivityID == "" {
		b.log.Warn("the channel returned no id for a card; it cannot be updated", "request", requestID, "conversation", c.ConversationID)
		return
	}
	b.putJSON(ctx, nsCardsPfx+requestID, c.ConversationID+" "+c.ActivityID, c)
}

// requestCardRef is the reference of a request card about to be posted in
// reply to act: in a personal chat its one reader is the actor.
func requestCardRef(act *botframework.Activity, actor mfa.Actor) cardRef {
	ref := cardRef{Kind: kindRequest, ServiceURL: act.ServiceURL, ConversationID: act.Conversation.ID}
	if act.Personal() {
		ref.Viewer, ref.ViewerTeams = actor.ID, act.From.ID
	}
	return ref
}

// cardRefs returns the posted cards of a request in a stable order.
func (b *Bot) cardRefs(ctx context.Context, requestID string) ([]cardRef, error) {
	all, err := b.store.List(ctx, nsCardsPfx+requestID)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]cardRef, 0, len(keys))
	for _, k := range keys {
		var c cardRef
		if err := json.Unmarshal(all[k], &c); err != nil {
			b.log.Warn("unreadable card reference", "request", requestID, "err", err)
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// approvalsRef returns the approvals conversation, if one is registered.
func (b *Bot) approvalsRef(ctx context.Context) (*botframework.ConversationReference, error) {
	raw, err := b.store.Get(ctx, nsConfig, keyApproval)
	if err != nil {
		return nil, err
	}
	var ref botframework.ConversationReference
	if err := json.Unmarshal(raw, &ref); err != nil {
		return nil, fmt.Errorf("decode approvals conversation: %w", err)
	}
	return &ref, nil
}

// setApprovals registers the activity's conversation as the approvals
// conversation. In a channel the thread suffix is dropped, so each request
// starts its own thread.
func (b *Bot) setApprovals(ctx context.Context, act *botframework.Activity) error {
	return b.SetApprovalsConversation(ctx, act.Ref())
}

// SetApprovalsConversation registers ref as the conversation that receives
// a copy of every request card. The demo uses it to route cards to the
// approver's chat; in Teams an approver types "approvals here".
func (b *Bot) SetApprovalsConversation(ctx context.Context, ref botframework.ConversationReference) error {
	ref.ActivityID = ""
	if ref.Conversation.ConversationType != "personal" {
		ref.User = schema.ChannelAccount{} // keep the one reader of a personal chat
	}
	ref.Conversation.ID = baseConversationID(ref.Conversation.ID)
	raw, err := json.Marshal(ref)
	if err != nil {
		return err
	}
	return b.store.Put(ctx, nsConfig, keyApproval, raw)
}

// putJSON stores v and reports whether it was stored.
func (b *Bot) putJSON(ctx context.Context, ns, key string, v any) bool {
	raw, err := json.Marshal(v)
	if err == nil {
		err = b.store.Put(ctx, ns, key, raw)
	}
	if err != nil {
		b.log.Warn("could not store a reference", "ns", ns, "err", err)
		return false
	}
	return true
}

// baseConversationID drops a channel thread's ";messageid=" suffix.
func baseConversationID(id string) string {
	if i := strings.Index(id, ";messageid="); i >= 0 {
		return id[:i]
	}
	return id
}
