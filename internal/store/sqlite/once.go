package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// Once records key for ttl and reports whether this is its first sighting:
// true for a new key or one whose earlier ttl has run out, false while it
// is still recorded.
func (db *DB) Once(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := sqlstore.CheckTTL(ttl); err != nil {
		return false, err
	}
	now := db.now().UnixNano()
	var first bool
	err := db.write(ctx, "once", func(tx *sql.Tx) error {
		if db.purge.Due(now) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM once WHERE expires_at <= ?`, now); err != nil {
				return unavailable("once", err)
			}
			db.purge.Done(now)
		}
		// The upsert only overwrites an expired key, so exactly one caller
		// changes a row for a live key: the first.
		res, err := tx.ExecContext(ctx, `INSERT INTO once (key, expires_at) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE once.expires_at <= ?`,
			key, now+int64(ttl), now)
		if err != nil {
			return unavailable("once", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return unavailable("once", err)
		}
		first = n == 1
		return nil
	})
	return first, err
}

// onceKeys counts the rows of the once table (tests check the purge).
func (db *DB) onceKeys(ctx context.Context) (int, error) {
	var n int
	err := db.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM once`).Scan(&n)
	return n, err
}
