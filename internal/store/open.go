// Package store opens the Store that a database setting names: the
// PostgreSQL store (internal/store/postgres) for a postgres:// or
// postgresql:// URL, the SQLite store (internal/store/sqlite) for anything
// else, which is a file path.
package store

import (
	"context"
	"log/slog"
	"strings"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/redact"
	"github.com/mfabot/mfabot/internal/store/postgres"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

// Store is what both stores implement: the domain's ports (requests,
// journal, audit, breaker; incident mode's batches) and the bot's (its own
// state).
type Store interface {
	mfa.Store
	mfa.BatchStore
	botstate.Store
}

var (
	_ Store = (*postgres.DB)(nil)
	_ Store = (*sqlite.DB)(nil)
)

// IsPostgres reports whether dsn is a PostgreSQL URL.
func IsPostgres(dsn string) bool {
	s := strings.ToLower(dsn)
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact returns dsn fit for logs and messages: a URL loses its password,
// a file path is returned as it is.
func Redact(dsn string) string { return redact.URL(dsn) }

// Open opens and migrates the store dsn names, and logs which one it
// opened (without the password). A failure is an *mfa.Error with
// EUnavailable whose message names the database, redacted; its cause keeps
// the driver's error, so errors.Is finds sqlite.ErrSchemaTooNew or
// postgres.ErrSchemaTooNew.
func Open(ctx context.Context, dsn string, log *slog.Logger) (Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	driver := "sqlite"
	var (
		st      Store
		err     error
		version int
	)
	if IsPostgres(dsn) {
		driver, version = "postgres", postgres.SchemaVersion()
		st, err = postgres.Open(ctx, dsn)
	} else {
		version = sqlite.SchemaVersion()
		st, err = sqlite.Open(ctx, dsn)
	}
	if err != nil {
		return nil, mfa.Wrap(mfa.EUnavailable, err, "could not open the database %s", Redact(dsn))
	}
	log.Info("store opened", "component", "store", "driver", driver, "database", Redact(dsn), "schema", version)
	return st, nil
}
