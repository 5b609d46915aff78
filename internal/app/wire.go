package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/alert"
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store"
)

// wiring is the domain service and what it was built from.
type wiring struct {
	cfg   config.Config
	log   *slog.Logger
	store store.Store
	dir   mfa.Directory
	mail  mfa.Mailer
	svc   *mfa.Service
	// msgr and reg are the Teams side the service notifies, and the
	// metrics it counts into (wireBot only).
	msgr *bot.Messenger
	reg  *prometheus.Registry
	// alerts delivers security alerts in the background; nil without a
	// webhook.
	alerts *alert.Queue
}

// Close delivers the alerts still queued (for at most 10 seconds; each is
// in the audit already) and releases the store.
func (w *wiring) Close() error {
	if w.alerts != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := w.alerts.Close(ctx); err != nil {
			w.log.Error("security alerts not delivered at shutdown", "err", err)
		}
	}
	return w.store.Close()
}

// notifierFunc builds the service's notifier over the opened store: the
// one notifier, given to the service at construction.
type notifierFunc func(st store.Store) mfa.Notifier

// terminalNotifier is the operator CLI's notifier: a Temporary Access Pass
// is shown on terminal, when there is one.
func terminalNotifier(terminal io.Writer) notifierFunc {
	return func(store.Store) mfa.Notifier {
		if terminal == nil {
			return mfa.NopNotifier{}
		}
		return cliNotifier{out: terminal}
	}
}

// wire builds store, directory and service. terminal, when set, is where the
// CLI shows a Temporary Access Pass.
func wire(ctx context.Context, cfg config.Config, terminal io.Writer) (*wiring, error) {
	log := newLogger(cfg, os.Stderr)
	dir, mail, err := newDirectory(cfg)
	if err != nil {
		return nil, err
	}
	return wireWith(ctx, cfg, log, dir, mail, terminalNotifier(terminal))
}

// wireBot builds the service for the bot: its notifier is the bot's
// Messenger, counted for /metrics, wired once, here.
func wireBot(ctx context.Context, cfg config.Config, log *slog.Logger, dir mfa.Directory, mail mfa.Mailer, o botOptions) (*wiring, error) {
	reg := prometheus.NewRegistry()
	var m *bot.Messenger
	w, err := wireWith(ctx, cfg, log, dir, mail, func(st store.Store) mfa.Notifier {
		m = bot.NewMessenger(bot.Config{AppID: cfg.Bot.AppID, Name: o.name, Installer: o.installer, Delivery: cfg.ApprovalDelivery}, st, o.sender, log)
		return newCountingNotifier(m, reg)
	})
	if err != nil {
		return nil, err
	}
	w.msgr, w.reg = m, reg
	return w, nil
}

// wireWith builds the service over a given directory (demo and tests), with
// the notifier notify builds (nil: none).
func wireWith(ctx context.Context, cfg config.Config, log *slog.Logger, dir mfa.Directory, mail mfa.Mailer, notify notifierFunc) (*wiring, error) {
	st, err := openStore(ctx, cfg.Database, log)
	if err != nil {
		return nil, err
	}
	var alerter mfa.Alerter
	var alerts *alert.Queue
	if cfg.AlertWebhook != "" {
		alerts = alert.NewWebhookQueue(cfg.AlertWebhook, log)
		alerter = alerts
	}
	var notifier mfa.Notifier = mfa.NopNotifier{}
	if notify != nil {
		notifier = notify(st)
	}
	svc := mfa.NewService(cfg.Policy, mfa.Deps{Directory: dir, Store: st, Notifier: notifier, Alerter: alerter, Mailer: mail, Log: log})
	return &wiring{cfg: cfg, log: log, store: st, dir: dir, mail: mail, svc: svc, alerts: alerts}, nil
}

// openStore opens the configured database: PostgreSQL for a postgres://
// URL, SQLite for a file.
func openStore(ctx context.Context, dsn string, log *slog.Logger) (store.Store, error) {
	return store.Open(ctx, dsn, log)
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
