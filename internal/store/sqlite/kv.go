package sqlite

import (
	"context"
	"database/sql"

	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// Put stores value under (ns, key), replacing any earlier value.
func (db *DB) Put(ctx context.Context, ns, key string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	return db.write(ctx, "put", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO kv (ns, key, value, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			ns, key, value, db.now().UnixNano())
		if err != nil {
			return unavailable("put", err)
		}
		return nil
	})
}

// Get returns the value under (ns, key) or an *mfa.Error with ENotFound.
func (db *DB) Get(ctx context.Context, ns, key string) ([]byte, error) {
	rd, err := db.reader("get")
	if err != nil {
		return nil, err
	}
	row := rd.QueryRowContext(ctx, `SELECT value FROM kv WHERE ns = ? AND key = ?`, ns, key)
	return sqlstore.ScanValue(row, ns, key, sql.ErrNoRows, failWith("get"))
}

// List returns every key and value of a namespace (an empty map when there
// are none).
func (db *DB) List(ctx context.Context, ns string) (map[string][]byte, error) {
	rd, err := db.reader("list")
	if err != nil {
		return nil, err
	}
	rows, err := rd.QueryContext(ctx, `SELECT key, value FROM kv WHERE ns = ? ORDER BY key`, ns)
	if err != nil {
		return nil, unavailable("list", err)
	}
	defer rows.Close()
	return sqlstore.ScanKV(rows, failWith("list"))
}

// Delete removes (ns, key). Deleting a key that is not there is not an
// error, so callers can clean up without checking first.
func (db *DB) Delete(ctx context.Context, ns, key string) error {
	return db.write(ctx, "delete", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM kv WHERE ns = ? AND key = ?`, ns, key); err != nil {
			return unavailable("delete", err)
		}
		return nil
	})
}
