package bot

import (
	"context"
	"errors"
	"time"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// dedupeTTL is how long an activity id is remembered: Teams redelivers a
// slow activity about 15 and 30 seconds later.
const dedupeTTL = 10 * time.Minute

// HandleActivity handles one authenticated activity. For an invoke it
// returns the response to write as the HTTP body (HTTP status 200); for
// everything else it answers through the connector and returns nil.
func (b *Bot) HandleActivity(ctx context.Context, act *botframework.Activity) (*botframework.InvokeResponse, error) {
	if act == nil {
		return nil, errors.New("handle activity: nil activity")
	}
	b.rememberUser(ctx, act)
	switch act.Type {
	case botframework.TypeMessage:
		return nil, b.onMessage(ctx, act)
	case botframework.TypeInvoke:
		return b.onInvoke(ctx, act), nil
	case botframework.TypeConversationUpdate:
		return nil, b.onConversationUpdate(ctx, act)
	case botframework.TypeInstallationUpdate:
		return nil, b.onInstallationUpdate(ctx, act)
	}
	return nil, nil
}

// firstSighting reports whether the activity is new: first in this
// replica's memory, then, for activities with effects (durable), in the
// store shared by every replica. A store failure lets it through (every
// state change is conditional, so a repeat has no effect).
func (b *Bot) firstSighting(ctx context.Context, key string, durable bool) bool {
	if !b.seen.first(key, b.now(), dedupeTTL) {
		return false
	}
	if !durable {
		return true
	}
	ok, err := b.state.Once(ctx, key, dedupeTTL)
	if err != nil {
		b.log.Warn("dedupe check failed; processing anyway", "key", key, "err", err)
		return true
	}
	return ok
}

// actorOf is the person behind an activity.
func actorOf(act *botframework.Activity) (mfa.Actor, bool) {
	if act.From.AadObjectID == "" {
		return mfa.Actor{}, false
	}
	return mfa.Actor{ID: act.From.AadObjectID, Name: act.From.Name, Via: "teams"}, true
}

const noIdentity = "I can't tell who you are: this message came without a Microsoft Entra identity. Use me from Microsoft Teams in your organisation."

// onMessage parses and runs a command.
func (b *Bot) onMessage(ctx context.Context, act *botframework.Activity) error {
	cmd, perr := Parse(botframework.StripMentions(act))
	durable := perr == nil && cmd.Verb.changes()
	var retry *failedTurn
	if act.ID != "" && !b.firstSighting(ctx, activityKey(act), durable) {
		if retry = b.retryOf(ctx, act); retry == nil {
			b.log.Info("redelivered message ignored", "activity", act.ID)
			return nil
		}
		b.log.Info("redelivery of a failed turn", "activity", act.ID, "attempt", retry.Attempt, "request", retry.Request)
	}
	t := &turn{act: act, retry: retry}
	err := b.runMessage(ctx, t, cmd, perr)
	switch {
	case err != nil:
		b.turnFailed(ctx, act, t.request, durable)
	case retry != nil:
		b.turnDone(ctx, act)
	}
	return err
}

// turn is one message being handled.
type turn struct {
	act *botframework.Activity
	// retry is the failed earlier delivery of the same activity, if any.
	retry *failedTurn
	// request is the request this turn opened (or found opened by retry).
	request string
}

// runMessage runs a parsed message.
func (b *Bot) runMessage(ctx context.Context, t *turn, cmd Command, perr error) error {
	act := t.act
	actor, ok := actorOf(act)
	if !ok {
		return b.replyText(ctx, act, noIdentity)
	}
	if perr != nil {
		return b.replyParseError(ctx, act, perr)
	}
	b.log.Info("command", "activity", act.ID, "command", string(cmd.Verb), "actor", actor.ID)
	s, _ := specOf(cmd.Verb)
	return s.run(b, ctx, t, actor, cmd)
}

// cmdHelp answers with the help card.
func (b *Bot) cmdHelp(ctx context.Context, act *botframework.Activity, _ mfa.Actor, _ Command) error {
	_, err := b.reply(ctx, act, act.Ref().NewCardMessage(b.helpCard()))
	return err
}

// helpCard is the help card as JSON, built and encoded once: it depends on
// configuration only, and encoding a card is most of a reply's cost.
func (b *Bot) helpCard() botframework.EncodedJSON {
	b.helpOnce.Do(func() {
		raw, err := botframework.EncodeJSON(cards.Help("", b.cfg.HelpText, commandList()))
		if err != nil {
			panic("bot: help card: " + err.Error()) // maps of strings: cannot fail
		}
		b.help = raw
	})
	return b.help
}

func (b *Bot) replyParseError(ctx context.Context, act *botframework.Activity, err error) error {
	var unknown *UnknownError
	var usage *UsageError
	switch {
	case errors.As(err, &unknown):
		lead := "I don't know that command."
		if unknown.Suggestion != "" {
			lead = "I don't know that command. Did you mean: " + Usage(unknown.Suggestion)
		}
		return b.replyCard(ctx, act, cards.Help(lead, b.cfg.HelpText, commandList()))
	case errors.As(err, &usage):
		return b.replyText(ctx, act, sentence(cards.Escape(usage.Problem))+"\n\nUsage: `"+Usage(usage.Verb)+"`")
	}
	return b.replyText(ctx, act, cards.Escape(err.Error()))
}

// commandList is the help's list of commands.
func commandList() []cards.Command {
	out := make([]cards.Command, len(commands))
	for i, s := range commands {
		out[i] = cards.Command{Usage: Usage(s.Verb), What: s.What}
	}
	return out
}
