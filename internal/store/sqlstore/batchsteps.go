package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mfabot/mfabot/internal/mfa"
)

// RecordBatchStep adds a step to one user's journal in a batch; a key
// already recorded for the user in the batch is kept as first written. A
// batch that does not exist is ENotFound.
func (s Batches) RecordBatchStep(ctx context.Context, batchID, userID string, st mfa.Step) error {
	if err := CheckStep(st); err != nil {
		return err
	}
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode step %s: %w", st.Key, err)
	}
	_, err = s.exec(ctx, "record batch step", func(err error) error {
		if s.Conn.IsForeignKey(err) {
			return BatchNotFound(batchID)
		}
		return nil
	}, `INSERT INTO batch_steps (batch_id, user_id, key, data) VALUES ($1, $2, $3, $4)
		ON CONFLICT (batch_id, user_id, key) DO NOTHING`, batchID, userID, st.Key, string(data))
	return err
}

// BatchSteps returns one user's journal in a batch, in the order recorded.
func (s Batches) BatchSteps(ctx context.Context, batchID, userID string) ([]mfa.Step, error) {
	return read(ctx, s, "list batch steps", ScanSteps,
		`SELECT data FROM batch_steps WHERE batch_id = $1 AND user_id = $2 ORDER BY seq`, batchID, userID)
}
