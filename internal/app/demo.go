package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/mfa"
)

// DemoFunc runs `mfabot demo`.
type DemoFunc func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// demoRunner is the demo, in binaries built with the "demo" build tag
// (cmd/mfabot/demo.go sets it). The production binary has none: the fake
// Graph and the Playground launcher (internal/demo) are not linked into it.
var demoRunner DemoFunc

// SetDemo installs the demo subcommand.
func SetDemo(run DemoFunc) { demoRunner = run }

// runDemo runs the demo, or says how to get one.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if demoRunner == nil {
		return &usageError{"this mfabot is a production build, without the demo; run the demo with: go run -tags demo ./cmd/mfabot demo\n" + usageFor("demo")}
	}
	err := demoRunner(ctx, args, stdout, stderr)
	var mistake interface{ UsageMistake() }
	if errors.As(err, &mistake) {
		return &usageError{fmt.Sprintf("%v\n%s", err, usageFor("demo"))}
	}
	return err
}

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
