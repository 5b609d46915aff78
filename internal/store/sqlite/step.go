package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// RecordStep adds a step to a request's journal; a step whose key is
// already recorded for the request is kept as first written. A request that
// does not exist is ENotFound.
func (db *DB) RecordStep(ctx context.Context, requestID string, s mfa.Step) error {
	if err := sqlstore.CheckStep(s); err != nil {
		return err
	}
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("sqlite: record step %s: %w", s.Key, err)
	}
	return db.write(ctx, "record step", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO steps (request_id, key, data, at) VALUES (?, ?, ?, ?)
			ON CONFLICT (request_id, key) DO NOTHING`, requestID, s.Key, string(data), sqlstore.Nanos(s.At))
		if isForeignKey(err) {
			return sqlstore.RequestNotFound(requestID)
		}
		if err != nil {
			return unavailable("record step", err)
		}
		return nil
	})
}

// Steps returns a request's journal in the order recorded (empty for a
// request with no steps or no such request).
func (db *DB) Steps(ctx context.Context, requestID string) ([]mfa.Step, error) {
	rd, err := db.reader("list steps")
	if err != nil {
		return nil, err
	}
	rows, err := rd.QueryContext(ctx, `SELECT data FROM steps WHERE request_id = ? ORDER BY seq`, requestID)
	if err != nil {
		return nil, unavailable("list steps", err)
	}
	defer rows.Close()
	return sqlstore.ScanSteps(rows, failWith("list steps"))
}
