package bot

import (
	"context"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// auditApprovalsSet is the audit event of a new approvals conversation.
const auditApprovalsSet = "approvals_conversation_set"

// cmdApprovalsHere makes this conversation the one request cards are
// posted to. Only approvers may; the change is audited.
func (b *Bot) cmdApprovalsHere(ctx context.Context, act *botframework.Activity, actor mfa.Actor) error {
	_, approver := b.svc.Roles(ctx, actor)
	b.rememberRole(ctx, actor.ID, act.From.ID, approver)
	if !approver {
		return b.replyText(ctx, act, "Only members of the approver group can choose where approval cards go.")
	}
	if err := b.setApprovals(ctx, act); err != nil {
		return b.replyError(ctx, act, "Approvals here", mfa.Wrap(mfa.EUnavailable, err, "the setting could not be saved."))
	}
	if _, err := b.store.AppendAudit(ctx, mfa.AuditEvent{Time: b.now(), Type: auditApprovalsSet, Actor: actor.ID,
		Detail: map[string]string{"by": actor.String(), "conversation": baseConversationID(act.Conversation.ID), "type": act.Conversation.ConversationType}}); err != nil {
		b.log.Error("audit append failed", "type", auditApprovalsSet, "err", err)
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
