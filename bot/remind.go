package bot

import (
	"context"
	"fmt"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Remind tells the approvers, once, that r still waits: a message in each
// approver's chat that has its card, and in the approvals conversation
// under the card. It runs in the background: the service calls it from its
// periodic work.
func (b *Messenger) Remind(ctx context.Context, r *mfa.Request) {
	req := *r
	b.background(func(ctx context.Context) { b.remind(ctx, &req) })
}

func (b *Messenger) remind(ctx context.Context, r *mfa.Request) {
	refs, err := b.state.Cards(ctx, r.ID)
	if err != nil {
		b.log.Error("reminder: card references unreadable", "request", r.ID, "err", err)
		return
	}
	text := fmt.Sprintf("Reminder: request %s (MFA reset of %s, asked by %s) still waits for approval. It expires at %s; the card above has the buttons.",
		r.ID, r.Target.DisplayName, r.Requester.Name, cards.FormatTime(r.ExpiresAt))
	sent := 0
	for _, c := range refs {
		if c.Kind != kindRequest || c.Viewer != "" && c.Role != botstate.RoleApprover {
			continue // the requester's and other people's cards
		}
		ref := botframework.ConversationReference{ServiceURL: c.ServiceURL, ChannelID: botframework.ChannelMSTeams,
			Conversation: schema.ConversationAccount{ID: c.ConversationID}}
		if _, err := b.send.ReplyToActivity(ctx, c.ServiceURL, c.ConversationID, c.ActivityID, ref.NewMessage(text)); err != nil {
			b.log.Warn("reminder not delivered", "request", r.ID, "conversation", c.ConversationID, "err", err)
			continue
		}
		sent++
	}
	b.log.Info("approvers reminded", "request", r.ID, "conversations", sent)
}
