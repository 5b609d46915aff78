package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// reply posts out in answer to act (into the same thread) and returns the
// id the channel gave it.
func (b *Bot) reply(ctx context.Context, act *botframework.Activity, out *botframework.Activity) (string, error) {
	if act.ID != "" {
		return b.send.ReplyToActivity(ctx, act.ServiceURL, act.Conversation.ID, act.ID, out)
	}
	return b.send.SendToConversation(ctx, act.ServiceURL, act.Conversation.ID, out)
}

// replyText answers with text. In group chats and channels it mentions the
// sender, so the answer reaches them.
func (b *Bot) replyText(ctx context.Context, act *botframework.Activity, text string) error {
	out := act.Ref().NewMessage(text)
	if !act.Personal() && act.From.ID != "" && act.From.Name != "" {
		tag := "<at>" + act.From.Name + "</at>"
		out.Text = tag + " " + text
		out.Entities = []botframework.Entity{{Type: "mention", Text: tag,
			Mentioned: schema.ChannelAccount{ID: act.From.ID, Name: act.From.Name}}}
	}
	if _, err := b.reply(ctx, act, out); err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	return nil
}

// replyCard answers with a card and returns nothing but the error.
func (b *Bot) replyCard(ctx context.Context, act *botframework.Activity, card cards.Card) error {
	_, err := b.replyCardID(ctx, act, card)
	return err
}

// replyCardID answers with a card and returns the posted card's id.
func (b *Bot) replyCardID(ctx context.Context, act *botframework.Activity, card cards.Card) (string, error) {
	id, err := b.reply(ctx, act, act.Ref().NewCardMessage(card))
	if err != nil {
		return "", fmt.Errorf("reply card: %w", err)
	}
	return id, nil
}

// replyError answers a failed command: the user reads the human message,
// the log gets the cause.
func (b *Bot) replyError(ctx context.Context, act *botframework.Activity, what string, err error) error {
	b.logError(what, err, "activity", act.ID)
	// A text reply is Markdown and the message may quote what was typed or
	// what the directory holds (a request id, a user, a group's name), so
	// it is shown as text. Cards escape it themselves.
	return b.replyText(ctx, act, cards.Escape(humanError(what, err)))
}

// humanError is the one translation of a domain error into words for Teams,
// as plain text: a text reply escapes it (replyError), a card's builders do.
func humanError(what string, err error) string {
	msg := period(mfa.Message(err))
	switch mfa.Code(err) {
	case mfa.EForbidden:
		return what + " refused: " + msg
	case mfa.ENotFound, mfa.EInvalid:
		return what + ": " + msg
	case mfa.EConflict:
		return what + " not possible now: " + msg
	case mfa.ERateLimited:
		return what + " refused for now: " + msg
	case mfa.EUnavailable:
		return what + " failed: " + msg + " Try again in a minute."
	}
	return what + " failed: something went wrong inside mfabot; the details are in its log."
}

// period ends s with a full stop unless it already ends a sentence.
func period(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsRune(".!?", rune(s[len(s)-1])) {
		return s
	}
	return s + "."
}

// sentence makes a domain message, which reads as a clause ("there is no
// user …"), a sentence of its own: a first word of lowercase letters is
// capitalised (a UPN or an id stays as it is), and it ends with a stop.
func sentence(s string) string {
	s = period(s)
	first, _, _ := strings.Cut(s, " ")
	first = strings.TrimRight(first, ".,;:")
	if first == "" || strings.Trim(first, "abcdefghijklmnopqrstuvwxyz") != "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// logError logs a failed action at a level matching its cause: the user's
// mistakes and policy refusals are info, the rest errors.
func (b *Bot) logError(what string, err error, args ...any) {
	args = append(args, "action", what, "code", string(mfa.Code(err)), "err", err)
	switch mfa.Code(err) {
	case mfa.EUnavailable, mfa.EInternal:
		b.log.Error("action failed", args...)
	default:
		b.log.Info("action refused", args...)
	}
}
