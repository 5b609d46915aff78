package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// askTarget sends the target user "Was this you?" in their personal chat.
// Teams can only reach users who have the app: the bot reaches a user it
// has talked to before, and, with an Installer, one it has not, by
// installing the app for them. It reports whether the question was sent.
func (b *Messenger) askTarget(ctx context.Context, r *mfa.Request) (bool, error) {
	u, conv, err := b.reachUser(ctx, r.Target)
	if err != nil {
		if mfa.Code(err) == mfa.ENotFound && b.cfg.Installer == nil {
			return false, nil // never talked to the bot: not reachable, no error
		}
		return false, err
	}
	act := b.newMessage(u, conv, "", botframework.CardAttachment(cards.Confirm(r, "", "")))
	id, err := b.send.SendToConversation(ctx, u.ServiceURL, conv, act)
	if err != nil {
		return false, fmt.Errorf("ask target: %w", err)
	}
	b.addCardRef(ctx, r.ID, botstate.Card{Kind: kindConfirm, ServiceURL: u.ServiceURL, ConversationID: conv, ActivityID: id})
	return true, nil
}

// reachUser returns how to reach u in their personal chat: the stored
// reference, or, with an Installer, the chat of the app installed for them.
func (b *Messenger) reachUser(ctx context.Context, u mfa.User) (*botstate.User, string, error) {
	ref, err := b.state.User(ctx, u.ID)
	if err == nil {
		conv, err := b.personal(ctx, u.ID, &ref)
		return &ref, conv, err
	}
	if mfa.Code(err) != mfa.ENotFound {
		return nil, "", err
	}
	if b.cfg.Installer == nil {
		return nil, "", mfa.Errorf(mfa.ENotFound, "%s never talked to the bot, so Teams cannot reach them", u.DisplayName)
	}
	return b.installedChat(ctx, u.ID, u.DisplayName)
}

// installedChat reaches a user the bot has never talked to: it installs
// the app for them and returns the 1:1 chat that the installation gives,
// reached through the service URL of the latest activity (the edge accepts
// activities of the bot's own tenant only). The chat is kept as the user's
// personal chat, so later messages (the notice after a reset, the next
// request card) reach them.
func (b *Messenger) installedChat(ctx context.Context, oid, name string) (*botstate.User, string, error) {
	ch, err := b.state.Channel(ctx)
	if err != nil {
		if mfa.Code(err) == mfa.ENotFound {
			return nil, "", mfa.Errorf(mfa.EUnavailable, "the bot has not received anything from Teams yet, so it has no service URL to reach %s", name)
		}
		return nil, "", err
	}
	chat, err := b.cfg.Installer.InstallForUser(ctx, oid)
	if err != nil {
		msg := "the app could not be installed for " + name
		var de *mfa.DirectoryError
		if errors.As(err, &de) {
			msg += ": " + de.Human()
		}
		return nil, "", mfa.Wrap(mfa.Code(err), err, "%s", msg)
	}
	if !personalChatOf(chat, oid) {
		return nil, "", mfa.Errorf(mfa.EInternal, "the app's chat with %s is not a 1:1 chat of theirs; nothing was sent", name)
	}
	u := botstate.User{Bot: ch.Bot, ServiceURL: ch.ServiceURL, ChannelID: ch.ChannelID, TenantID: ch.TenantID, Personal: chat}
	// Keep the chat unless an activity of the user arrived meanwhile (Teams
	// sends one on installation) and stored a fuller reference.
	if _, err := b.state.User(ctx, oid); mfa.Code(err) == mfa.ENotFound {
		// The user's Teams id is unknown until they write; messages to the
		// chat need only its id.
		b.users.Delete(oid)
		b.putUser(ctx, oid, u)
	}
	b.log.Info("reached a user through the chat of the app installed for them", "user", oid)
	return &u, chat, nil
}

// personalChatOf reports whether chat is a 1:1 chat of the user with the
// object id oid: Teams names those "19:{id}_{id}@unq.gbl.spaces", one id
// being the user's.
func personalChatOf(chat, oid string) bool {
	rest, ok := strings.CutPrefix(chat, "19:")
	if !ok {
		return false
	}
	rest, ok = strings.CutSuffix(rest, "@unq.gbl.spaces")
	if !ok || oid == "" {
		return false
	}
	a, c, ok := strings.Cut(rest, "_")
	return ok && (strings.EqualFold(a, oid) || strings.EqualFold(c, oid))
}

// RequestChanged brings every posted card of the request up to date, in the
// background: the service calls it after each committed transition, with
// the request as committed, inside Teams turns that must answer fast.
func (b *Messenger) RequestChanged(ctx context.Context, r *mfa.Request) {
	req := *r
	b.latestMu.Lock()
	if last, ok := b.latest.Load(r.ID); !ok || !versionOf(&req).before(versionOf(last)) {
		b.latest.Store(r.ID, &req)
	}
	b.latestMu.Unlock()
	b.cards.schedule(b.bg, r.ID)
}

// syncVersion orders the states of one request: by the time of the
// transition, then by the lifecycle (a frozen clock gives equal times).
type syncVersion struct {
	at   time.Time
	rank int
}

func versionOf(r *mfa.Request) syncVersion {
	rank := 0
	switch {
	case r.State.Final():
		rank = 3
	case r.State == mfa.StateExecuting:
		rank = 2
	case r.State == mfa.StateApproved:
		rank = 1
	}
	return syncVersion{at: r.UpdatedAt, rank: rank}
}

func (v syncVersion) before(o syncVersion) bool {
	return v.at.Before(o.at) || v.at.Equal(o.at) && v.rank < o.rank
}

// syncCards renders the newest state of the request published and updates
// each of its cards. The card queue runs one sync per request at a time.
func (b *Messenger) syncCards(ctx context.Context, id string) {
	if mfa.IsBatchID(id) {
		b.syncBatchCards(ctx, id)
		return
	}
	b.latestMu.Lock()
	r, ok := b.latest.Load(id)
	b.latestMu.Unlock()
	if !ok {
		return
	}
	b.updateAll(ctx, id, func(c botstate.Card) cards.Card {
		if c.Kind == kindConfirm {
			return cards.Confirm(r, "", "")
		}
		return b.cardFor(ctx, r, c)
	}, func(c botstate.Card) string {
		switch {
		case c.Kind == kindConfirm:
			return kindConfirm
		case c.Viewer != "":
			return ""
		}
		return "base"
	})
}

// updateAll updates every posted card of a request or incident reset id:
// render draws a card for its reference; cards whose share key is the same
// (not "") show one rendering, drawn once.
func (b *Messenger) updateAll(ctx context.Context, id string, render func(botstate.Card) cards.Card, share func(botstate.Card) string) {
	refs, err := b.state.Cards(ctx, id)
	if err != nil {
		b.log.Error("card sync: card references unreadable", "id", id, "err", err)
		return
	}
	drawn := map[string]cards.Card{}
	for _, c := range refs {
		k := share(c)
		card, ok := drawn[k]
		if k == "" || !ok {
			card = render(c)
			if k != "" {
				drawn[k] = card
			}
		}
		b.updateCard(ctx, id, c, card)
	}
}

// TellTarget tells the target user, in their personal chat, what was reset,
// by whom and what to do if it was not them.
func (b *Messenger) TellTarget(ctx context.Context, r *mfa.Request) error {
	u, err := b.reachable(ctx, r.Target.ID, "the user")
	if err != nil {
		return err
	}
	conv, err := b.personal(ctx, r.Target.ID, u)
	if err != nil {
		return err
	}
	subject, text := mfa.TargetNotice(r)
	card := cards.Notice(subject, text)
	if _, err := b.send.SendToConversation(ctx, u.ServiceURL, conv, b.newMessage(u, conv, "", botframework.CardAttachment(card))); err != nil {
		return fmt.Errorf("tell target: %w", err)
	}
	return nil
}

// DeliverTAP shows a Temporary Access Pass to the requester, in their
// personal chat and nowhere else. The value is never logged or stored.
func (b *Messenger) DeliverTAP(ctx context.Context, r *mfa.Request, tap mfa.TAP) error {
	u, err := b.reachable(ctx, r.Requester.ID, "the requester")
	if err != nil {
		return err
	}
	conv, err := b.personal(ctx, r.Requester.ID, u)
	if err != nil {
		return err
	}
	act := b.newMessage(u, conv, "", botframework.CardAttachment(cards.TAP(r, tap)))
	id, err := b.send.SendToConversation(ctx, u.ServiceURL, conv, act)
	if err != nil {
		// The connector's error names the call and status, never the body.
		return mfa.Wrap(mfa.EUnavailable, err, "the pass could not be sent to %s in Teams", r.Requester.String())
	}
	b.rememberTAP(ctx, r, u, conv, id)
	b.log.Info("temporary access pass delivered to the requester's personal chat", "request", r.ID)
	return nil
}

// reachable returns the reference of a user the bot must reach.
func (b *Messenger) reachable(ctx context.Context, oid, who string) (*botstate.User, error) {
	u, err := b.state.User(ctx, oid)
	if err != nil {
		if mfa.Code(err) == mfa.ENotFound {
			return nil, mfa.Errorf(mfa.ENotFound, "%s has never talked to the bot, so Teams cannot reach them", who)
		}
		return nil, err
	}
	return &u, nil
}

// personal returns the user's 1:1 conversation with the bot, creating it
// (Teams answers the existing one) when none is known yet.
func (b *Messenger) personal(ctx context.Context, oid string, u *botstate.User) (string, error) {
	if u.Personal != "" {
		return u.Personal, nil
	}
	bot := channelAccount(u.Bot)
	if bot.ID == "" {
		bot = schema.ChannelAccount{ID: "28:" + b.cfg.AppID, Name: b.cfg.Name}
	}
	id, err := b.send.CreateConversation(ctx, u.ServiceURL, botframework.ConversationParameters{
		Bot: bot, Members: []schema.ChannelAccount{{ID: u.User.ID}}, TenantID: u.TenantID})
	if err != nil {
		return "", fmt.Errorf("create personal chat: %w", err)
	}
	u.Personal = id
	b.users.Delete(oid)
	b.putUser(ctx, oid, *u)
	return id, nil
}

// newMessage addresses a message to a user's personal chat.
func (b *Messenger) newMessage(u *botstate.User, conv, text string, atts ...schema.Attachment) *botframework.Activity {
	ref := botframework.ConversationReference{ServiceURL: u.ServiceURL, ChannelID: u.ChannelID, Bot: channelAccount(u.Bot), User: channelAccount(u.User),
		TenantID: u.TenantID, Conversation: schema.ConversationAccount{ID: conv, ConversationType: "personal", TenantID: u.TenantID}}
	return ref.NewMessage(text, atts...)
}
