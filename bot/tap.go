package bot

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Kinds of the recorded TAP message: where the pass was shown, and that
// it has since been replaced by a card without it.
const (
	kindTAP        = "tap"
	kindTAPRemoved = "tap_removed"
)

// tapSweepWindow bounds the requests the expiry sweep looks at, by when
// they ran: a pass is issued as the request runs and lives at most what
// the tenant's policy allows, up to 43,200 minutes (30 days), whatever
// MFABOT_TAP_LIFETIME says, since the policy's minimum lifetime wins.
// https://learn.microsoft.com/en-us/graph/api/resources/temporaryaccesspassauthenticationmethodconfiguration
const tapSweepWindow = 30*24*time.Hour + 2*time.Hour

// tapKey is where the reference of a request's TAP message is kept: apart
// from the request's cards (one per conversation), since the pass is shown
// in the requester's personal chat next to their request card. Only the
// conversation and activity ids are kept, never the pass.
func tapKey(requestID string) string { return requestID + "#tap" }

// rememberTAP records where a pass was shown, so the message can be
// replaced when the pass expires or is passed on.
func (b *Messenger) rememberTAP(ctx context.Context, r *mfa.Request, u *botstate.User, conv, activityID string) {
	if activityID == "" {
		b.log.Warn("the channel returned no id for the temporary access pass message; it cannot be removed from the chat later", "request", r.ID)
		return
	}
	c := botstate.Card{Kind: kindTAP, ServiceURL: u.ServiceURL, ConversationID: conv, ActivityID: activityID, Viewer: r.Requester.ID}
	if err := b.state.AddCard(ctx, tapKey(r.ID), c); err != nil {
		b.log.Error("temporary access pass message not recorded; it cannot be removed from the chat later", "request", r.ID, "err", err)
	}
}

// removeTAP replaces the TAP message with a card without the pass and
// records that it did. It reports whether a message was replaced.
func (b *Messenger) removeTAP(ctx context.Context, r *mfa.Request, why string) (bool, error) {
	refs, err := b.state.Cards(ctx, tapKey(r.ID))
	if err != nil {
		return false, err
	}
	done := false
	var errs []error
	for _, c := range refs {
		if c.Kind != kindTAP {
			continue
		}
		act := &botframework.Activity{Type: botframework.TypeMessage, ID: c.ActivityID,
			Conversation: schema.ConversationAccount{ID: c.ConversationID},
			Attachments:  []schema.Attachment{botframework.CardAttachment(cards.TAPRemoved(r, why))}}
		if err := b.send.UpdateActivity(ctx, c.ServiceURL, c.ConversationID, c.ActivityID, act); err != nil {
			errs = append(errs, err)
			continue
		}
		c.Kind = kindTAPRemoved
		if err := b.state.AddCard(ctx, tapKey(r.ID), c); err != nil {
			errs = append(errs, err)
		}
		done = true
		b.log.Info("temporary access pass removed from the requester's chat", "request", r.ID)
	}
	return done, errors.Join(errs...)
}

// RedactExpiredTAPs replaces the message of every pass that has expired
// with a card without it, and returns how many it replaced. The bot's
// periodic work calls it every minute; a message already replaced is not
// touched again.
func (b *Bot) RedactExpiredTAPs(ctx context.Context) (int, error) {
	now := b.now()
	rs, err := b.svc.List(ctx, mfa.RequestFilter{ExecutedSince: now.Add(-tapSweepWindow)})
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, r := range rs {
		if r.Result == nil || !r.Result.TAPIssued || r.Result.TAPExpires.After(now) {
			continue
		}
		done, err := b.removeTAP(ctx, r, "The pass expired "+cards.FormatTime(r.Result.TAPExpires)+".")
		if err != nil {
			errs = append(errs, err)
		}
		if done {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// tapPassedOn is the requester's "Passed on": the pass leaves the chat at
// once. Only the requester, to whom alone the pass was shown, may do it.
func (b *Bot) tapPassedOn(ctx context.Context, actor mfa.Actor, requestID string) botframework.InvokeResponse {
	r, err := b.svc.Get(ctx, requestID)
	if err != nil {
		return botframework.MessageResponse(humanError("Passed on", err))
	}
	if !strings.EqualFold(actor.ID, r.Requester.ID) {
		b.log.Warn("passed on refused: not the requester", "request", r.ID, "actor", actor.ID)
		return botframework.MessageResponse("Only " + r.Requester.Name + ", who was shown the pass, can remove it.")
	}
	why := "Passed on by you " + cards.FormatTime(b.now()) + "."
	if _, err := b.removeTAP(ctx, r, why); err != nil {
		b.logError("Passed on", err, "request", r.ID)
	}
	// The answer replaces the card the requester clicked, whatever the
	// update above did.
	return botframework.CardResponse(cards.TAPRemoved(r, why))
}
