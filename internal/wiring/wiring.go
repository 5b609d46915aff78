// Package wiring builds mfabot from a config.Config: the store, the
// Microsoft Graph directory, the domain service, the bot's Messenger, the
// metrics registry and the HTTP server; and runs the bot until its context
// ends. internal/app's subcommands parse their flags and call it; the demo
// calls ServeLocal.
package wiring

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/alert"
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store"
)

// Wiring is the domain service and what it was built from.
type Wiring struct {
	Config config.Config
	Log    *slog.Logger
	Store  store.Store
	Dir    mfa.Directory
	Mail   mfa.Mailer
	Svc    *mfa.Service
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
func (w *Wiring) Close() error {
	if w.alerts != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := w.alerts.Close(ctx); err != nil {
			w.Log.Error("security alerts not delivered at shutdown", "err", err)
		}
	}
	return w.Store.Close()
}

// NotifierFunc builds the service's notifier over the opened store: the
// one notifier, given to the service at construction.
type NotifierFunc func(st store.Store) mfa.Notifier

// wireBot builds the service for the bot: its notifier is the bot's
// Messenger, counted for /metrics, wired once, here.
func wireBot(ctx context.Context, cfg config.Config, log *slog.Logger, dir mfa.Directory, mail mfa.Mailer, o botOptions) (*Wiring, error) {
	reg := prometheus.NewRegistry()
	var m *bot.Messenger
	w, err := New(ctx, cfg, log, dir, mail, func(st store.Store) mfa.Notifier {
		m = bot.NewMessenger(bot.Config{AppID: cfg.Bot.AppID, Name: o.name, Installer: o.installer, Delivery: cfg.ApprovalDelivery}, st, o.sender, log)
		return newCountingNotifier(m, reg)
	})
	if err != nil {
		return nil, err
	}
	w.msgr, w.reg = m, reg
	return w, nil
}

// New builds the store and the service over dir (Directory's, the demo's
// or a test's), with the notifier notify builds (nil: none).
func New(ctx context.Context, cfg config.Config, log *slog.Logger, dir mfa.Directory, mail mfa.Mailer, notify NotifierFunc) (*Wiring, error) {
	st, err := store.Open(ctx, cfg.Database, log)
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
	return &Wiring{Config: cfg, Log: log, Store: st, Dir: dir, Mail: mail, Svc: svc, alerts: alerts}, nil
}

// Logger is the configured logger (MFABOT_LOG_LEVEL, MFABOT_LOG_FORMAT)
// writing to w.
func Logger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
