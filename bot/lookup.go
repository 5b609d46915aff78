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
	return b.replyCard(ctx, act, cards.Target(v))
}

// cmdHistory lists the requests about a user.
func (b *Bot) cmdHistory(ctx context.Context, act *botframework.Activity, actor mfa.Actor, cmd Command) error {
	u, rs, err := b.svc.History(ctx, actor, cmd.Target)
	if err != nil {
		return b.replyError(ctx, act, "History", err)
	}
	return b.replyCard(ctx, act, cards.History(u, rs))
}

// cmdStatus posts one request's card (kept in sync like the original), or
// lists the actor's open requests and, for approvers, the pending ones.
func (b *Bot) cmdStatus(ctx context.Context, act *botframework.Activity, actor mfa.Actor, cmd Command) error {
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
	return b.replyText(ctx, act, text+"\n\nSay `status <request id>` to see one.")
}

func statusLine(r *mfa.Request) string {
	// The message is Markdown: names and UPNs from the directory are
	// shown as text.
	return fmt.Sprintf("- %s · %s · %s · by %s · %s", r.ID, cards.Escape(r.Target.UPN), r.State, cards.Escape(r.Requester.String()), cards.FormatTime(r.CreatedAt))
}
