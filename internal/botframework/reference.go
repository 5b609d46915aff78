package botframework

import "github.com/infracloudio/msbotbuilder-go/schema"

// ConversationReference is what the bot keeps to write into a conversation
// later (proactive messages, card updates): where the conversation lives and
// who is in it.
type ConversationReference struct {
	ServiceURL   string                     `json:"serviceUrl"`
	ChannelID    string                     `json:"channelId"`
	Conversation schema.ConversationAccount `json:"conversation"`
	Bot          schema.ChannelAccount      `json:"bot"`
	User         schema.ChannelAccount      `json:"user,omitzero"`
	TenantID     string                     `json:"tenantId,omitzero"`
	// ActivityID is the activity the reference was taken from.
	ActivityID string `json:"activityId,omitzero"`
}

// Ref returns the conversation reference of an inbound activity.
func (a *Activity) Ref() ConversationReference {
	return ConversationReference{
		ServiceURL:   a.ServiceURL,
		ChannelID:    a.ChannelID,
		Conversation: a.Conversation,
		Bot:          a.Recipient,
		User:         a.From,
		TenantID:     a.Tenant(),
		ActivityID:   a.ID,
	}
}

// NewMessage returns a message activity addressed to the conversation, with
// text (may be empty) and attachments.
func (r ConversationReference) NewMessage(text string, attachments ...schema.Attachment) *Activity {
	act := &Activity{
		Type:         TypeMessage,
		ChannelID:    r.ChannelID,
		ServiceURL:   r.ServiceURL,
		From:         r.Bot,
		Recipient:    r.User,
		Conversation: r.Conversation,
		Text:         text,
		Attachments:  attachments,
	}
	if text != "" {
		act.TextFormat = "markdown"
	}
	return act
}

// NewCardMessage returns a message activity carrying one Adaptive Card.
func (r ConversationReference) NewCardMessage(card any) *Activity {
	return r.NewMessage("", CardAttachment(card))
}
