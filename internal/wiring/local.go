package wiring

import (
	"context"
	"log/slog"
	"net"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/mfa"
)

// ServeLocal wires the service over dir and serves the bot on ln until ctx
// ends, handing the bot to ready once it accepts requests: the wiring of
// serve, for the demo.
func ServeLocal(ctx context.Context, cfg config.Config, log *slog.Logger, dir mfa.Directory, mail mfa.Mailer,
	ln net.Listener, v *botframework.Validator, sender bot.Sender, ready chan<- *bot.Bot) error {
	o := botOptions{listener: ln, validator: v, sender: sender, name: cfg.BotName, ready: ready}
	w, err := wireBot(ctx, cfg, log, dir, mail, o)
	if err != nil {
		return err
	}
	defer w.Close()
	return runBot(ctx, w, o)
}
