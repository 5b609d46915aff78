package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// Once records key for ttl and reports whether this is its first sighting:
// true for a new key or one whose earlier ttl has run out, false while it
// is still recorded. Replicas share the keys, so an activity redelivered to
// another replica is also seen once.
func (db *DB) Once(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if err := sqlstore.CheckTTL(ttl); err != nil {
		return false, err
	}
	now := db.now().UnixNano()
	var first bool
	err := db.tx(ctx, "once", func(tx pgx.Tx) error {
		if db.purge.Due(now) {
			if _, err := tx.Exec(ctx, `DELETE FROM once WHERE expires_at <= $1`, now); err != nil {
				return failed("once", err)
			}
			db.purge.Done(now)
		}
		// The upsert only overwrites an expired key. Callers racing on one
		// key queue on its index entry and re-check the condition on the row
		// the winner wrote, so exactly one changes a row for a live key.
		tag, err := tx.Exec(ctx, `INSERT INTO once (key, expires_at) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE once.expires_at <= $3`,
			key, now+int64(ttl), now)
		if err != nil {
			return failed("once", err)
		}
		first = tag.RowsAffected() == 1
		return nil
	})
	return first, err
}

// onceKeys counts the rows of the once table (tests check the purge).
func (db *DB) onceKeys(ctx context.Context) (int, error) {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT COUNT(*) FROM once`).Scan(&n)
	return n, err
}
