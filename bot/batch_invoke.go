package bot

import (
	"context"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// onBatchInvoke answers an action on an incident reset's card with the
// card in the clicking user's view, the outcome (or the service's refusal)
// on top. The action carries the batch id and, for Approve, the incident
// the approver named; everything else is read from the store, and the
// service decides who may do what.
func (b *Bot) onBatchInvoke(ctx context.Context, act *botframework.Activity, actor mfa.Actor, verb string, d actionData) *botframework.InvokeResponse {
	if d.BatchID == "" || !mfa.IsBatchID(d.BatchID) {
		resp := botframework.MessageResponse("This card names no incident reset.")
		return &resp
	}
	first := act.ID == "" || b.firstSighting(ctx, "activity:"+act.ID, true)
	log := b.log.With("activity", act.ID, "verb", verb, "batch", d.BatchID, "actor", actor.ID)
	if !first {
		log.Info("redelivered card action answered with the current card")
		verb = cards.VerbBatchRefresh
	} else {
		log.Info("card action")
	}
	resp := b.batchAction(ctx, act, actor, verb, d)
	return &resp
}

// batchAction performs one verb on a batch and renders the clicking user's
// card.
func (b *Bot) batchAction(ctx context.Context, act *botframework.Activity, actor mfa.Actor, verb string, d actionData) botframework.InvokeResponse {
	var (
		batch *mfa.Batch
		err   error
		what  = "Action"
		done  string
	)
	switch verb {
	case cards.VerbBatchRefresh:
		what = "Refresh"
	case cards.VerbBatchApprove:
		what = "Approve"
		batch, err = b.svc.ApproveBatch(ctx, actor, d.BatchID, d.Ticket)
		if err == nil {
			done = "You approved this incident reset. One more approver must approve it, naming the same incident."
			if batch.State == mfa.BatchRunning {
				done = "You gave the second approval: the incident reset is running. This card shows its progress."
			}
		}
	case cards.VerbBatchPause:
		what = "Pause"
		_, err = b.svc.PauseBatch(ctx, actor, d.BatchID)
		done = "You paused this incident reset: users under way finish, no new user is started."
	case cards.VerbBatchResume:
		what = "Resume"
		_, err = b.svc.ResumeBatch(ctx, actor, d.BatchID)
		done = "You resumed this incident reset."
	case cards.VerbBatchCancel:
		what = "Cancel"
		_, err = b.svc.CancelBatch(ctx, actor, d.BatchID)
		done = "You cancelled this incident reset: users not yet started are left as they are."
	}
	notice, style := done, "good"
	if err != nil {
		b.logError(what, err, "activity", act.ID, "batch", d.BatchID)
		notice, style = humanError(what, err), "attention"
	}
	st, access, serr := b.svc.SeeBatch(ctx, actor, d.BatchID)
	if serr != nil {
		if err == nil {
			err, what = serr, "Refresh"
		}
		b.logError(what, serr, "activity", act.ID, "batch", d.BatchID)
		return botframework.MessageResponse(humanError(what, err))
	}
	if act.From.ID != "" {
		b.rememberRole(ctx, actor.ID, act.From.ID, access.Approver)
	}
	v := cards.BatchView{Role: batchRole(st.Batch, access), Notice: notice, NoticeStyle: style, Viewer: actor.ID}
	if notice == "" {
		v.NoticeStyle = ""
	}
	return botframework.CardResponse(b.batchCard(ctx, st, v))
}
