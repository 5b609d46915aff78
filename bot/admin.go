package bot

import (
	"context"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// cmdApprovalsHere makes this conversation the one request cards are
// posted to. The service lets approvers only and audits the change before
// the bot saves it.
func (b *Bot) cmdApprovalsHere(ctx context.Context, act *botframework.Activity, actor mfa.Actor) error {
	err := b.svc.SetApprovalsConversation(ctx, actor, mfa.ApprovalsConversation{
		ID: baseConversationID(act.Conversation.ID), Type: act.Conversation.ConversationType})
	switch {
	case mfa.Code(err) == mfa.EForbidden:
		b.rememberRole(ctx, actor.ID, act.From.ID, false)
		return b.replyText(ctx, act, "Only members of the approver group can choose where approval cards go.")
	case err != nil:
		return b.replyError(ctx, act, "Approvals here", err)
	}
	b.rememberRole(ctx, actor.ID, act.From.ID, true)
	if err := b.SetApprovalsConversation(ctx, act.Ref()); err != nil {
		return b.replyError(ctx, act, "Approvals here", mfa.Wrap(mfa.EUnavailable, err, "the setting could not be saved."))
	}
	return b.replyText(ctx, act, "From now on I post every new MFA reset request here for approval.")
}

// cmdResume closes the circuit breaker.
func (b *Bot) cmdResume(ctx context.Context, act *botframework.Activity, actor mfa.Actor, cmd Command) error {
	if err := b.svc.ResumeResets(ctx, actor, cmd.Reason); err != nil {
		return b.replyError(ctx, act, "Resume resets", err)
	}
	return b.replyText(ctx, act, "MFA resets are resumed. Reason recorded: "+cards.Escape(cmd.Reason))
}
