package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// RecordStep adds a step to a request's journal; a step whose key is
// already recorded for the request is kept as first written, whichever
// replica wrote it. A request that does not exist is ENotFound.
func (db *DB) RecordStep(ctx context.Context, requestID string, s mfa.Step) error {
	if err := sqlstore.CheckStep(s); err != nil {
		return err
	}
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("postgres: record step %s: %w", s.Key, err)
	}
	pool, err := db.conn("record step")
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `INSERT INTO steps (request_id, key, data, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (request_id, key) DO NOTHING`, requestID, s.Key, string(data), sqlstore.Nanos(s.At))
	if isForeignKey(err) {
		return sqlstore.RequestNotFound(requestID)
	}
	if err != nil {
		return failed("record step", err)
	}
	return nil
}

// Steps returns a request's journal in the order recorded (empty for a
// request with no steps or no such request).
func (db *DB) Steps(ctx context.Context, requestID string) ([]mfa.Step, error) {
	pool, err := db.conn("list steps")
	if err != nil {
		return nil, err
	}
	rows, err := pool.Query(ctx, `SELECT data FROM steps WHERE request_id = $1 ORDER BY seq`, requestID)
	if err != nil {
		return nil, failed("list steps", err)
	}
	defer rows.Close()
	return sqlstore.ScanSteps(rows, failWith("list steps"))
}
