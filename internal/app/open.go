package app

import (
	"context"
	"io"
	"os"

	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store"
	"github.com/mfabot/mfabot/internal/wiring"
)

// wire builds store, Microsoft Graph directory and service for an operator
// subcommand. terminal, when set, is where the CLI shows a Temporary Access
// Pass.
func wire(ctx context.Context, cfg config.Config, terminal io.Writer) (*wiring.Wiring, error) {
	dir, mail, err := wiring.Directory(cfg)
	if err != nil {
		return nil, err
	}
	return wiring.New(ctx, cfg, wiring.Logger(cfg, os.Stderr), dir, mail, terminalNotifier(terminal))
}

// terminalNotifier is the operator CLI's notifier: a Temporary Access Pass
// is shown on terminal, when there is one.
func terminalNotifier(terminal io.Writer) wiring.NotifierFunc {
	return func(store.Store) mfa.Notifier {
		if terminal == nil {
			return mfa.NopNotifier{}
		}
		return cliNotifier{out: terminal}
	}
}

// runServe is `mfabot serve`: the configuration, then the wiring.
func runServe(ctx context.Context, stderr io.Writer) error {
	cfg, err := config.FromEnvFor(config.Serve)
	if err != nil {
		return err
	}
	return wiring.Serve(ctx, cfg, wiring.Logger(cfg, stderr), Version)
}
