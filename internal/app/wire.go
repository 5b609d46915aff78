package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"time"

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

// wire builds store, directory and service. terminal, when set, is where the
// CLI shows a Temporary Access Pass.
func wire(ctx context.Context, cfg config.Config, terminal io.Writer) (*wiring, error) {
	log := newLogger(cfg, os.Stderr)
	dir, mail, err := newDirectory(cfg)
	if err != nil {
		return nil, err
	}
	return wireWith(ctx, cfg, log, dir, mail, terminal)
}

// wireWith builds the service over a given directory (demo and tests).
func wireWith(ctx context.Context, cfg config.Config, log *slog.Logger, dir mfa.Directory, mail mfa.Mailer, terminal io.Writer) (*wiring, error) {
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
	if terminal != nil {
		notifier = cliNotifier{out: terminal}
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
