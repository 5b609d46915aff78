package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// cmdShow shows a user's methods and whether a reset is allowed.
func (b *Bot) cmdShow(ctx context.Context, act *botframework.Activity, actor mfa.Actor, cmd Command) error {
	v, err := b.svc.Describe(ctx, actor, cmd.Target)
	if err != nil {
		return b.replyError(ctx, act, "Show", err)
	}
	return b.replyLookup(ctx, act, actor, cards.Target(v))
}

// cmdHistory lists the requests about a user.
func (b *Bot) cmdHistory(ctx context.Context, act *botframework.Activity, actor mfa.Actor, cmd Command) error {
	u, rs, err := b.svc.History(ctx, actor, cmd.Target)
	if err != nil {
		return b.replyError(ctx, act, "History", err)
	}
	return b.replyLookup(ctx, act, actor, cards.History(u, rs))
}

// replyLookup answers a lookup of a person (their methods, privileges,
// history). Everyone in a team channel or group chat reads the bot's
// answers there, helpdesk or not, so there the answer goes to the asker's
// personal chat, unless the conversation is the one an approver chose for
// approvals ("approvals here").
func (b *Bot) replyLookup(ctx context.Context, act *botframework.Activity, actor mfa.Actor, card cards.Card) error {
	if act.Personal() || b.isApprovalsConversation(ctx, act) {
		return b.replyCard(ctx, act, card)
	}
	u, err := b.reachable(ctx, actor.ID, "you")
	conv := ""
	if err == nil {
		conv, err = b.personal(ctx, actor.ID, u)
	}
	if err == nil {
		_, err = b.send.SendToConversation(ctx, u.ServiceURL, conv, b.newMessage(u, conv, "", botframework.CardAttachment(card)))
	}
	if err != nil {
		b.log.Warn("lookup answer not delivered to the personal chat", "activity", act.ID, "err", err)
		return b.replyText(ctx, act, "Everyone here would read the answer, and I could not reach you in our personal chat: ask me there.")
	}
	return b.replyText(ctx, act, "Everyone here would read the answer, so I sent it to you in our personal chat.")
}

// isApprovalsConversation reports whether act comes from the conversation
// chosen for approvals; an unreadable setting answers false.
func (b *Bot) isApprovalsConversation(ctx context.Context, act *botframework.Activity) bool {
	c, err := b.state.Approvals(ctx)
	return err == nil && c.Conversation.ID != "" && c.Conversation.ID == baseConversationID(act.Conversation.ID)
}

// cmdStatus posts one request's or incident reset's card (kept in sync
// like the original), or lists the actor's open requests, for approvers
// the pending ones, and the open incident reset for those who may see it.
func (b *Bot) cmdStatus(ctx context.Context, act *botframework.Activity, actor mfa.Actor, cmd Command) error {
	if mfa.IsBatchID(cmd.RequestID) {
		return b.postBatchStatus(ctx, act, actor, cmd.RequestID, true)
	}
	_, approver := b.svc.Roles(ctx, actor)
	b.rememberRole(ctx, actor.ID, act.From.ID, approver)
	if cmd.RequestID == "" {
		return b.statusList(ctx, act, actor, approver)
	}
	r, access, err := b.svc.See(ctx, actor, cmd.RequestID)
	if err != nil {
		return b.replyError(ctx, act, "Status", err)
	}
	if err := b.svc.Looked(ctx, actor, r, "status"); err != nil {
		return b.replyError(ctx, act, "Status", err)
	}
	ref := requestCardRef(act, actor, roleOfAccess(access))
	id, err := b.replyCardID(ctx, act, b.cardFor(ctx, r, ref))
	if err != nil {
		return err
	}
	if !r.State.Final() {
		ref.ActivityID = id
		b.addCardRef(ctx, r.ID, ref)
	}
	return nil
}

var openStates = []mfa.State{mfa.StatePending, mfa.StateApproved, mfa.StateExecuting}

func (b *Bot) statusList(ctx context.Context, act *botframework.Activity, actor mfa.Actor, approver bool) error {
	mine, err := b.svc.List(ctx, mfa.RequestFilter{RequesterID: actor.ID, States: openStates, Limit: 20})
	if err != nil {
		return b.replyError(ctx, act, "Status", err)
	}
	var lines []string
	for _, r := range mine {
		lines = append(lines, statusLine(r))
	}
	text := "You have no open requests."
	if len(lines) > 0 {
		text = "Your open requests:\n\n" + strings.Join(lines, "\n\n")
	}
	if approver {
		pending, err := b.svc.List(ctx, mfa.RequestFilter{States: []mfa.State{mfa.StatePending}, Limit: 20})
		if err != nil {
			return b.replyError(ctx, act, "Status", err)
		}
		var others []string
		for _, r := range pending {
			if !mfa.SameID(r.Requester.ID, actor.ID) && !mfa.SameID(r.Target.ID, actor.ID) {
				others = append(others, statusLine(r))
			}
		}
		if len(others) > 0 {
			text += "\n\nWaiting for your approval:\n\n" + strings.Join(others, "\n\n")
		} else {
			text += "\n\nNothing waits for your approval."
		}
	}
	if bs, err := b.svc.ListBatches(ctx, actor, 5); err == nil {
		var open []string
		for _, x := range bs {
			if x.State.Open() {
				open = append(open, fmt.Sprintf("- %s · %s · %s · by %s · %s", x.ID, cards.Escape(x.Source), x.State, cards.Escape(x.Requester.String()), cards.FormatTime(x.CreatedAt)))
			}
		}
		if len(open) > 0 {
			text += "\n\nIncident reset:\n\n" + strings.Join(open, "\n\n")
		}
	}
	return b.replyText(ctx, act, text+"\n\nSay `status <request id>` to see one.")
}

func statusLine(r *mfa.Request) string {
	// The message is Markdown: names and UPNs from the directory are
	// shown as text.
	return fmt.Sprintf("- %s · %s · %s · by %s · %s", r.ID, cards.Escape(r.Target.UPN), r.State, cards.Escape(r.Requester.String()), cards.FormatTime(r.CreatedAt))
}
