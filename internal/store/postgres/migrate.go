package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrSchemaTooNew is returned by Open for a database that a newer mfabot
// has migrated past what this binary knows.
var ErrSchemaTooNew = errors.New("the database schema is newer than this mfabot knows; upgrade mfabot")

// migrationLock is the pg_advisory_xact_lock key that serialises migrations
// of one database ("mfabot" in ASCII). Advisory locks are per database, so
// databases on one server do not wait for each other.
const migrationLock int64 = 0x6d6661626f74

// schema is the store's embedded migrations.
var schema = sqlstore.Schema{FS: migrationFS, Dir: "migrations", TooNew: ErrSchemaTooNew}

// SchemaVersion is the newest schema version this binary knows.
func SchemaVersion() int { return schema.Version() }

// migrate brings the schema up to date in one transaction, or refuses a
// schema newer than it knows. The advisory lock is taken first, before
// schema_migrations may be created, so replicas opening the database at the
// same time apply each migration once: the second waits for the first to
// commit and then finds nothing left to do.
func (db *DB) migrate(ctx context.Context) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at bigint NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var cur int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	pending, err := schema.Pending(cur)
	if err != nil {
		return err
	}
	for _, m := range pending {
		if err := apply(ctx, tx, m, db.now().UTC().UnixNano()); err != nil {
			return err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

func apply(ctx context.Context, tx pgx.Tx, m sqlstore.Migration, at int64) error {
	// Without arguments, pgx sends the file through the simple protocol,
	// which runs several statements.
	if _, err := tx.Exec(ctx, m.SQL); err != nil {
		return fmt.Errorf("migrate: %s: %w", m.Name, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.Version, m.Name, at); err != nil {
		return fmt.Errorf("migrate: %s: %w", m.Name, err)
	}
	return nil
}
