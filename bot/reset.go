package bot

import (
	"context"
	"fmt"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// cmdReset creates a request and posts its card here and, when configured,
// in the approvals conversation.
// A redelivery of a turn whose card never arrived posts the card of the
// request that turn opened instead of opening a second one.
func (b *Bot) cmdReset(ctx context.Context, t *turn, actor mfa.Actor, cmd Command) error {
	act := t.act
	var r *mfa.Request
	var err error
	if t.retry != nil && t.retry.Request != "" {
		r, err = b.svc.Get(ctx, t.retry.Request)
		if err == nil {
			b.log.Info("posting the card of a request whose card did not arrive", "request", r.ID, "activity", act.ID)
		}
	} else {
		r, err = b.svc.Request(ctx, actor, mfa.RequestInput{Target: cmd.Target, Reason: cmd.Reason, Profile: cmd.Profile, TAP: cmd.TAP})
	}
	if err != nil {
		switch mfa.Code(err) {
		case mfa.EUnavailable, mfa.EInternal:
			return b.replyError(ctx, act, "Reset", err)
		}
		b.logError("reset", err, "activity", act.ID)
		return b.replyCard(ctx, act, cards.Refused(cmd.Target, sentence(mfa.Message(err))))
	}
	if t.request == "" && t.retry == nil {
		b.log.Info("request created", "request", r.ID, "activity", act.ID)
	}
	t.request = r.ID
	ref := requestCardRef(act, actor)
	id, err := b.replyCardID(ctx, act, b.cardFor(ctx, r, ref))
	if err != nil {
		return err
	}
	ref.ActivityID = id
	b.addCardRef(ctx, r.ID, ref)
	b.postToApprovals(ctx, r, act.Conversation.ID)
	b.postToManager(ctx, r)
	// A change between rendering and recording the card (the user answering
	// "Was this you?" at once) would otherwise be missed.
	if cur, err := b.svc.Get(ctx, r.ID); err == nil && !cur.UpdatedAt.Equal(r.UpdatedAt) {
		b.RequestChanged(ctx, cur)
	}
	return nil
}

// postToApprovals posts the request card, proactively, to the approvals
// conversation unless the request was made there.
func (b *Bot) postToApprovals(ctx context.Context, r *mfa.Request, from string) {
	ref, err := b.approvalsRef(ctx)
	if err != nil {
		if mfa.Code(err) != mfa.ENotFound {
			b.log.Warn("approvals conversation unreadable", "err", err)
		}
		return
	}
	if baseConversationID(ref.Conversation.ID) == baseConversationID(from) {
		return
	}
	c := botstate.Card{Kind: kindRequest, ServiceURL: ref.ServiceURL, ConversationID: ref.Conversation.ID}
	if ref.Conversation.ConversationType == "personal" && ref.User.AadObjectID != "" {
		c.Viewer, c.ViewerTeams = ref.User.AadObjectID, ref.User.ID
	}
	id, err := b.send.SendToConversation(ctx, ref.ServiceURL, ref.Conversation.ID, ref.NewCardMessage(b.cardFor(ctx, r, c)))
	if err != nil {
		b.log.Error("could not post the request to the approvals conversation", "request", r.ID, "err", err)
		return
	}
	c.ActivityID = id
	b.addCardRef(ctx, r.ID, c)
}

// postToManager posts the request card, with the Approve button, in the
// personal chat of the target's manager when the manager policy gives them
// a part and the bot can reach them.
func (b *Bot) postToManager(ctx context.Context, r *mfa.Request) {
	m, err := b.svc.ApprovingManager(ctx, r)
	if err != nil {
		return
	}
	u, err := b.reachable(ctx, m.ID, "the manager")
	if err != nil {
		b.log.Warn("the target's manager cannot be reached in Teams", "request", r.ID, "err", err)
		return
	}
	conv, err := b.personal(ctx, m.ID, u)
	if err != nil {
		b.log.Warn("no personal chat with the target's manager", "request", r.ID, "err", err)
		return
	}
	c := botstate.Card{Kind: kindRequest, ServiceURL: u.ServiceURL, ConversationID: conv, Viewer: m.ID, ViewerTeams: u.User.ID}
	id, err := b.send.SendToConversation(ctx, u.ServiceURL, conv, b.newMessage(u, conv, "", botframework.CardAttachment(b.cardFor(ctx, r, c))))
	if err != nil {
		b.log.Warn("could not post the request to the target's manager", "request", r.ID, "err", err)
		return
	}
	c.ActivityID = id
	b.addCardRef(ctx, r.ID, c)
}

// cardFor renders the request card for where it is posted: the viewer's own
// view in a personal chat, the base card (and Teams' refresh) elsewhere.
func (b *Bot) cardFor(ctx context.Context, r *mfa.Request, c botstate.Card) cards.Card {
	if c.Viewer == "" {
		return b.requestCard(ctx, r, cards.RequestView{Role: cards.ViewBase})
	}
	role, _ := b.roleOf(ctx, r, mfa.Actor{ID: c.Viewer}, c.ViewerTeams) // the reader of their own chat
	return b.requestCard(ctx, r, cards.RequestView{Role: role})
}

// requestCard renders a request card, with the users Teams refreshes.
func (b *Bot) requestCard(ctx context.Context, r *mfa.Request, v cards.RequestView) cards.Card {
	if r.State == mfa.StatePending {
		v.RefreshUserIDs = b.refreshUserIDs(ctx, r)
	}
	return cards.Request(r, v)
}

// cmdCancel withdraws the actor's own request.
func (b *Bot) cmdCancel(ctx context.Context, act *botframework.Activity, actor mfa.Actor, cmd Command) error {
	r, err := b.svc.Cancel(ctx, actor, cmd.RequestID)
	if err != nil {
		return b.replyError(ctx, act, "Cancel", err)
	}
	return b.replyText(ctx, act, fmt.Sprintf("Request %s (MFA reset of %s) is cancelled.", r.ID, cards.Escape(r.Target.UPN)))
}
