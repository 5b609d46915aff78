package bot

import (
	"context"
	"sort"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Card kinds, as stored.
const (
	kindRequest = botstate.CardRequest
	kindConfirm = botstate.CardConfirm
)

// account is the stored form of a channel account.
func account(a schema.ChannelAccount) botstate.Account {
	return botstate.Account{ID: a.ID, Name: a.Name, AadObjectID: a.AadObjectID}
}

// channelAccount is the Bot Framework form of a stored account.
func channelAccount(a botstate.Account) schema.ChannelAccount {
	return schema.ChannelAccount{ID: a.ID, Name: a.Name, AadObjectID: a.AadObjectID}
}

// rememberUser stores how to reach the sender of an activity, and where the
// activity came from. It keeps the personal chat id already known when the
// activity comes from elsewhere.
func (b *Messenger) rememberUser(ctx context.Context, act *botframework.Activity) {
	b.rememberChannel(ctx, act)
	oid := act.From.AadObjectID
	if oid == "" || act.From.ID == "" || act.ServiceURL == "" {
		return
	}
	var old *botstate.User
	if c, ok := b.users.Load(oid); ok {
		old = &c
	} else if u, err := b.state.User(ctx, oid); err == nil {
		old = &u
	}
	u := botstate.User{User: botstate.Account{ID: act.From.ID, Name: act.From.Name, AadObjectID: oid},
		Bot: account(act.Recipient), ServiceURL: act.ServiceURL, ChannelID: act.ChannelID, TenantID: act.Tenant()}
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
	if b.putUser(ctx, oid, u) {
		b.users.Store(oid, u)
	}
}

// putUser stores a user reference and reports whether it was stored.
func (b *Messenger) putUser(ctx context.Context, oid string, u botstate.User) bool {
	if err := b.state.PutUser(ctx, oid, u); err != nil {
		b.log.Warn("could not store a user reference", "err", err)
		return false
	}
	return true
}

// rememberChannel stores the service URL, channel and tenant of an
// inbound activity when they differ from the ones stored.
func (b *Messenger) rememberChannel(ctx context.Context, act *botframework.Activity) {
	if act.ServiceURL == "" || act.ChannelID == "" {
		return
	}
	c := botstate.Channel{ServiceURL: act.ServiceURL, ChannelID: act.ChannelID, TenantID: act.Tenant(), Bot: account(act.Recipient)}
	if c.Bot.ID == "" {
		c.Bot = botstate.Account{ID: "28:" + b.cfg.AppID, Name: b.cfg.Name}
	}
	if last := b.channel.Load(); last != nil && *last == c {
		return
	}
	if old, err := b.state.Channel(ctx); err != nil || old != c {
		if err := b.state.PutChannel(ctx, c); err != nil {
			b.log.Warn("could not store the channel reference", "err", err)
		}
	}
	b.channel.Store(&c)
}

// rememberRole keeps the approvers' Teams ids for refresh.userIds.
func (b *Messenger) rememberRole(ctx context.Context, oid, teamsID string, approver bool) {
	if oid == "" || teamsID == "" {
		return
	}
	if approver {
		if all, err := b.state.Approvers(ctx); err == nil && all[oid] == teamsID {
			return
		}
		if err := b.state.PutApprover(ctx, oid, teamsID); err != nil {
			b.log.Warn("could not remember an approver", "err", err)
		}
		return
	}
	if err := b.state.DeleteApprover(ctx, oid); err != nil {
		b.log.Warn("could not forget an approver", "err", err)
	}
}

// refreshUserIDs are the users whose view of r Teams refreshes on its own:
// the requester, then the known approvers, at most 60.
func (b *Messenger) refreshUserIDs(ctx context.Context, r *mfa.Request) []string {
	ids := []string{}
	if u, err := b.state.User(ctx, r.Requester.ID); err == nil && u.User.ID != "" {
		ids = append(ids, u.User.ID)
	}
	all, err := b.state.Approvers(ctx)
	if err != nil {
		b.log.Warn("could not list approvers", "err", err)
		return ids
	}
	var approvers []string
	for oid, teamsID := range all {
		if oid != r.Requester.ID && oid != r.Target.ID {
			approvers = append(approvers, teamsID)
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
func (b *Messenger) addCardRef(ctx context.Context, requestID string, c botstate.Card) {
	if c.ActivityID == "" {
		b.log.Warn("the channel returned no id for a card; it cannot be updated", "request", requestID, "conversation", c.ConversationID)
		return
	}
	if err := b.state.AddCard(ctx, requestID, c); err != nil {
		b.log.Warn("could not store a card reference", "request", requestID, "err", err)
	}
}

// requestCardRef is the reference of a request card about to be posted in
// reply to act: in a personal chat its one reader is the actor, whose view
// is role.
func requestCardRef(act *botframework.Activity, actor mfa.Actor, role cards.Role) botstate.Card {
	ref := botstate.Card{Kind: kindRequest, ServiceURL: act.ServiceURL, ConversationID: act.Conversation.ID}
	if act.Personal() {
		ref.Viewer, ref.ViewerTeams, ref.Role = actor.ID, act.From.ID, roleName(role)
	}
	return ref
}

// roleName is how a view is stored with a card.
func roleName(r cards.Role) string {
	switch r {
	case cards.ViewApprover:
		return botstate.RoleApprover
	case cards.ViewRequester:
		return botstate.RoleRequester
	case cards.ViewOther:
		return botstate.RoleOther
	}
	return ""
}

// approvalsRef returns the approvals conversation, if one is registered.
func (b *Messenger) approvalsRef(ctx context.Context) (botframework.ConversationReference, error) {
	c, err := b.state.Approvals(ctx)
	if err != nil {
		return botframework.ConversationReference{}, err
	}
	return botframework.ConversationReference{
		ServiceURL: c.ServiceURL, ChannelID: c.ChannelID, TenantID: c.TenantID,
		Bot: channelAccount(c.Bot), User: channelAccount(c.User),
		Conversation: schema.ConversationAccount{ID: c.Conversation.ID, ConversationType: c.Conversation.ConversationType,
			TenantID: c.Conversation.TenantID, IsGroup: c.Conversation.IsGroup},
	}, nil
}

// SetApprovalsConversation registers ref as the conversation that receives
// a copy of every request card. The demo uses it to route cards to the
// approver's chat; in Teams an approver types "approvals here", which the
// service authorises and audits first. In a channel the thread suffix is
// dropped, so each request starts its own thread.
func (b *Messenger) SetApprovalsConversation(ctx context.Context, ref botframework.ConversationReference) error {
	c := botstate.Conversation{ServiceURL: ref.ServiceURL, ChannelID: ref.ChannelID, TenantID: ref.TenantID,
		Bot: account(ref.Bot),
		Conversation: botstate.ConversationDetail{ID: baseConversationID(ref.Conversation.ID),
			ConversationType: ref.Conversation.ConversationType, TenantID: ref.Conversation.TenantID, IsGroup: ref.Conversation.IsGroup}}
	if ref.Conversation.ConversationType == "personal" {
		c.User = account(ref.User) // the one reader of a personal chat
	}
	return b.state.SetApprovals(ctx, c)
}

// baseConversationID drops a channel thread's ";messageid=" suffix.
func baseConversationID(id string) string {
	if i := strings.Index(id, ";messageid="); i >= 0 {
		return id[:i]
	}
	return id
}

// KnowPersonalChat records how to reach a user in their personal chat with
// the bot, as their first activity there would (Teams sends one when a user
// installs the app). The demo uses it for each Agents Playground instance,
// which is one person's chat with the bot.
func (b *Messenger) KnowPersonalChat(ctx context.Context, ref botframework.ConversationReference) error {
	oid := ref.User.AadObjectID
	if oid == "" || ref.Conversation.ID == "" {
		return mfa.Errorf(mfa.EInvalid, "a personal chat needs its user's Entra object id and its conversation id")
	}
	u := botstate.User{User: account(ref.User), Bot: account(ref.Bot), ServiceURL: ref.ServiceURL, ChannelID: ref.ChannelID,
		TenantID: ref.TenantID, Personal: ref.Conversation.ID}
	b.users.Delete(oid)
	return b.state.PutUser(ctx, oid, u)
}
