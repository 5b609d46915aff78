package bot

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// nsFailed holds the activities whose turn failed (the bot answered the
// Connector with an error, so Teams delivers them again): activity id →
// failedTurn. An activity is handled only when its work is done; until
// then its redelivery is run again instead of being dropped as a repeat.
const nsFailed = "teams.failed"

// failedTurn is what a failed turn left behind.
type failedTurn struct {
	// Request is the request the turn opened before it failed (its card
	// never arrived); a redelivery posts that card instead of asking the
	// service for a second request.
	Request string `json:"request,omitempty"`
	// Attempt counts the failed deliveries, so each redelivery is claimed
	// once across replicas.
	Attempt int `json:"attempt"`
}

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
	prev, _ := b.failedTurn(ctx, act.ID)
	f := failedTurn{Request: requestID, Attempt: 1}
	if prev != nil {
		f.Attempt = prev.Attempt + 1
		if f.Request == "" {
			f.Request = prev.Request
		}
	}
	if !b.putJSON(context.WithoutCancel(ctx), nsFailed, act.ID, f) {
		b.log.Error("a failed turn could not be recorded; its redelivery will be ignored", "activity", act.ID, "request", requestID)
	}
}

// retryOf returns the failed turn of a redelivered activity when this
// replica is the one to run it again; nil when the activity was handled.
func (b *Bot) retryOf(ctx context.Context, act *botframework.Activity) *failedTurn {
	f, err := b.failedTurn(ctx, act.ID)
	if err != nil {
		if mfa.Code(err) != mfa.ENotFound {
			b.log.Warn("failed turns unreadable", "activity", act.ID, "err", err)
		}
		return nil
	}
	ok, err := b.store.Once(ctx, activityKey(act)+":retry:"+strconv.Itoa(f.Attempt), dedupeTTL)
	if err != nil || !ok {
		return nil
	}
	return f
}

// turnDone forgets a failed turn that has now succeeded.
func (b *Bot) turnDone(ctx context.Context, act *botframework.Activity) {
	if err := b.store.Delete(ctx, nsFailed, act.ID); err != nil && mfa.Code(err) != mfa.ENotFound {
		b.log.Warn("could not forget a failed turn", "activity", act.ID, "err", err)
	}
}

func (b *Bot) failedTurn(ctx context.Context, activityID string) (*failedTurn, error) {
	raw, err := b.store.Get(ctx, nsFailed, activityID)
	if err != nil {
		return nil, err
	}
	var f failedTurn
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

func activityKey(act *botframework.Activity) string { return "activity:" + act.ID }
