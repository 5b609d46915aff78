package bot

import (
	"context"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
)

// onConversationUpdate welcomes a conversation the bot was added to, and a
// user who joined the bot's personal chat.
func (b *Bot) onConversationUpdate(ctx context.Context, act *botframework.Activity) error {
	for _, m := range act.MembersAdded {
		if m.ID == act.Recipient.ID || act.Personal() {
			return b.welcome(ctx, act)
		}
	}
	return nil
}

// onInstallationUpdate welcomes a new installation.
func (b *Bot) onInstallationUpdate(ctx context.Context, act *botframework.Activity) error {
	if act.Action != "add" {
		return nil
	}
	return b.welcome(ctx, act)
}

// welcome sends the welcome card once per conversation: Teams sends both a
// conversationUpdate and an installationUpdate for one install.
func (b *Bot) welcome(ctx context.Context, act *botframework.Activity) error {
	if !b.firstSighting(ctx, "welcome:"+baseConversationID(act.Conversation.ID), true) {
		return nil
	}
	card := cards.Welcome(b.cfg.Name, b.cfg.HelpText, commandList())
	_, err := b.send.SendToConversation(ctx, act.ServiceURL, act.Conversation.ID, act.Ref().NewCardMessage(card))
	return err
}
