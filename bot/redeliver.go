package bot

import (
	"context"
	"strconv"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// An activity is handled only when its work is done. A turn that fails
// (the bot answers the Connector with an error, so Teams delivers the
// activity again) is recorded as a botstate.FailedTurn, and its redelivery
// is run again instead of being dropped as a repeat.
type failedTurn = botstate.FailedTurn

// turnFailed records that act's turn did not finish, so its redelivery is
// run again: forgotten by this replica's memory and recorded in the store
// for every replica. requestID is the request the turn opened, if any.
func (b *Bot) turnFailed(ctx context.Context, act *botframework.Activity, requestID string, durable bool) {
	if act.ID == "" {
		return
	}
	key := activityKey(act)
	b.seen.forget(key)
	if !durable {
		return
	}
	f := failedTurn{Request: requestID, Attempt: 1, At: b.now()}
	if prev, err := b.state.FailedTurn(ctx, act.ID); err == nil {
		f.Attempt = prev.Attempt + 1
		if f.Request == "" {
			f.Request = prev.Request
		}
	}
	if err := b.state.PutFailedTurn(context.WithoutCancel(ctx), act.ID, f); err != nil {
		b.log.Error("a failed turn could not be recorded; its redelivery will be ignored", "activity", act.ID, "request", requestID, "err", err)
	}
}

// retryOf returns the failed turn of a redelivered activity when this
// replica is the one to run it again; nil when the activity was handled.
func (b *Bot) retryOf(ctx context.Context, act *botframework.Activity) *failedTurn {
	f, err := b.state.FailedTurn(ctx, act.ID)
	if err != nil {
		if mfa.Code(err) != mfa.ENotFound {
			b.log.Warn("failed turns unreadable", "activity", act.ID, "err", err)
		}
		return nil
	}
	ok, err := b.state.Once(ctx, activityKey(act)+":retry:"+strconv.Itoa(f.Attempt), dedupeTTL)
	if err != nil || !ok {
		return nil
	}
	return &f
}

// turnDone forgets a failed turn that has now succeeded.
func (b *Bot) turnDone(ctx context.Context, act *botframework.Activity) {
	if err := b.state.DeleteFailedTurn(ctx, act.ID); err != nil {
		b.log.Warn("could not forget a failed turn", "activity", act.ID, "err", err)
	}
}

func activityKey(act *botframework.Activity) string { return "activity:" + act.ID }
