package sqlite

import (
	"context"
	"embed"
	"errors"
	"fmt"

	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrSchemaTooNew is returned by Open for a database that a newer mfabot
// has migrated past what this binary knows.
var ErrSchemaTooNew = errors.New("the database schema is newer than this mfabot knows; upgrade mfabot")

// schema is the store's embedded migrations.
var schema = sqlstore.Schema{FS: migrationFS, Dir: "migrations", TooNew: ErrSchemaTooNew}

// SchemaVersion is the newest schema version this binary knows.
func SchemaVersion() int { return schema.Version() }

// migrate brings the schema up to date in one transaction, or refuses a
// schema newer than it knows.
func (db *DB) migrate(ctx context.Context) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var cur int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	pending, err := schema.Pending(cur)
	if err != nil {
		return err
	}
	for _, m := range pending {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.Version, m.Name, db.now().UTC().UnixNano()); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
