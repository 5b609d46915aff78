package bot

import (
	"context"
	"fmt"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// cmdReset creates a request, delivers it to the approvers and the target
// user, and answers with the requester's card, which says where it went.
// A redelivery of a turn whose card never arrived posts the card of the
// request that turn opened instead of opening a second one (delivering it
// first if that turn did not get so far).
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
	if r.Delivery == nil && r.State == mfa.StatePending {
		r = b.deliver(ctx, r, act)
	}
	ref := requestCardRef(act, actor, cards.ViewRequester)
	id, err := b.replyCardID(ctx, act, b.cardFor(ctx, r, ref))
	if err != nil {
		return err
	}
	ref.ActivityID = id
	b.addCardRef(ctx, r.ID, ref)
	// A change between rendering and recording the card (the user answering
	// "Was this you?" at once) would otherwise be missed.
	if cur, err := b.svc.Get(ctx, r.ID); err == nil && !cur.UpdatedAt.Equal(r.UpdatedAt) {
		b.RequestChanged(ctx, cur)
	}
	return nil
}

// cardFor renders the request card for where it is posted: the viewer's own
// view in a personal chat (as stored with the card), the base card (and
// Teams' refresh) elsewhere.
func (b *Messenger) cardFor(ctx context.Context, r *mfa.Request, c botstate.Card) cards.Card {
	v := cards.RequestView{Role: cards.ViewBase}
	switch {
	case c.Viewer == "":
		for _, m := range c.Mentions {
			v.Mentions = append(v.Mentions, cards.Mention{ID: m.ID, Name: m.Name})
		}
	case c.Role == botstate.RoleApprover:
		v.Role = cards.ViewApprover
	case c.Role == botstate.RoleRequester || c.Role == "" && mfa.SameID(c.Viewer, r.Requester.ID):
		v.Role = cards.ViewRequester
	case c.Role == botstate.RoleOther || mfa.SameID(c.Viewer, r.Target.ID):
		v.Role = cards.ViewOther
	}
	// A card stored without a role keeps the base view: its Refresh asks
	// for the viewer's own.
	return b.requestCard(ctx, r, v)
}

// requestCard renders a request card, with the users Teams refreshes.
func (b *Messenger) requestCard(ctx context.Context, r *mfa.Request, v cards.RequestView) cards.Card {
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
