package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// Put stores value under (ns, key), replacing any earlier value.
func (db *DB) Put(ctx context.Context, ns, key string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	pool, err := db.conn("put")
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `INSERT INTO kv (ns, key, value, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		ns, key, value, db.now().UnixNano())
	if err != nil {
		return failed("put", err)
	}
	return nil
}

// Get returns the value under (ns, key) or an *mfa.Error with ENotFound.
func (db *DB) Get(ctx context.Context, ns, key string) ([]byte, error) {
	pool, err := db.conn("get")
	if err != nil {
		return nil, err
	}
	row := pool.QueryRow(ctx, `SELECT value FROM kv WHERE ns = $1 AND key = $2`, ns, key)
	return sqlstore.ScanValue(row, ns, key, pgx.ErrNoRows, failWith("get"))
}

// List returns every key and value of a namespace (an empty map when there
// are none).
func (db *DB) List(ctx context.Context, ns string) (map[string][]byte, error) {
	pool, err := db.conn("list")
	if err != nil {
		return nil, err
	}
	rows, err := pool.Query(ctx, `SELECT key, value FROM kv WHERE ns = $1`, ns)
	if err != nil {
		return nil, failed("list", err)
	}
	defer rows.Close()
	return sqlstore.ScanKV(rows, failWith("list"))
}

// Delete removes (ns, key). Deleting a key that is not there is not an
// error, so callers can clean up without checking first.
func (db *DB) Delete(ctx context.Context, ns, key string) error {
	pool, err := db.conn("delete")
	if err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `DELETE FROM kv WHERE ns = $1 AND key = $2`, ns, key); err != nil {
		return failed("delete", err)
	}
	return nil
}
