package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Batches is mfa.BatchStore over a SQL store's tables (migration 0004):
// the statements are the same on both databases but for Dialect. A store
// embeds it over itself, as it does Values.
//
// One open batch at a time is the unique index batches_one_open on
// is_open, which is 1 for a batch whose state is Open and NULL otherwise,
// so the domain alone says which states are open. A conditional change of
// a batch reads its state under Dialect.Lock and writes in the same
// transaction.
type Batches struct {
	Conn    Conn
	Dialect Dialect
}

// CreateBatch inserts b; EConflict when another batch is open or b's id is
// taken.
func (s Batches) CreateBatch(ctx context.Context, b *mfa.Batch) error {
	if b.ID == "" {
		return mfa.Errorf(mfa.EInvalid, "a batch needs an id")
	}
	data, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("encode batch %s: %w", b.ID, err)
	}
	_, err = s.exec(ctx, "create batch", func(err error) error {
		switch {
		case !s.Conn.IsUnique(err):
			return nil
		case strings.Contains(err.Error(), "_open"): // PostgreSQL names the index batches_one_open, SQLite the column batches.is_open
			return openConflict()
		}
		return mfa.Errorf(mfa.EConflict, "batch %s already exists", b.ID)
	}, `INSERT INTO batches (id, state, is_open, created_at, data) VALUES ($1, $2, $3, $4, $5)`,
		b.ID, string(b.State), isOpen(b.State), Nanos(b.CreatedAt), string(data))
	return err
}

// isOpen is the is_open column of a batch in state st: 1 while open, NULL
// (nil) after.
func isOpen(st mfa.BatchState) *int16 {
	if !st.Open() {
		return nil
	}
	one := int16(1)
	return &one
}

// openConflict is the EConflict of a batch that would be open beside
// another (the index batches_one_open refused it).
func openConflict() error {
	return mfa.Errorf(mfa.EConflict, "another incident reset is open: one runs at a time")
}

// GetBatch returns a batch or an *mfa.Error with ENotFound.
func (s Batches) GetBatch(ctx context.Context, id string) (*mfa.Batch, error) {
	q, err := s.Conn.Read("get batch")
	if err != nil {
		return nil, err
	}
	row := q.QueryRow(ctx, `SELECT data FROM batches WHERE id = $1`, id)
	return ScanBatch(row, id, s.Dialect.NoRows, s.fail("get batch"))
}

// UpdateBatch writes b if the stored batch is in one of the states from;
// otherwise EConflict naming the state it is in (ENotFound when there is
// no such batch). A move to an open state while another batch is open is
// EConflict too.
func (s Batches) UpdateBatch(ctx context.Context, b *mfa.Batch, from ...mfa.BatchState) error {
	if len(from) == 0 {
		return mfa.Errorf(mfa.EInvalid, "updating batch %s needs the states it may be in", b.ID)
	}
	return s.Conn.Tx(ctx, "update batch", func(q Querier) error {
		row := q.QueryRow(ctx, `SELECT state, version FROM batches WHERE id = $1`+s.Dialect.Lock, b.ID)
		var (
			cur string
			ver int64
		)
		if err := row.Scan(&cur, &ver); err != nil {
			if errors.Is(err, s.Dialect.NoRows) {
				return BatchNotFound(b.ID)
			}
			return s.Conn.Fail("update batch", err)
		}
		if !slices.Contains(from, mfa.BatchState(cur)) {
			return mfa.Errorf(mfa.EConflict, "batch %s is %s, not %s", b.ID, cur, joinStates(from))
		}
		if ver != b.Version {
			return mfa.Errorf(mfa.EConflict, "batch %s changed since it was read", b.ID)
		}
		next := *b
		next.Version = ver + 1
		data, err := json.Marshal(&next)
		if err != nil {
			return fmt.Errorf("encode batch %s: %w", b.ID, err)
		}
		_, err = q.Exec(ctx, `UPDATE batches SET state = $2, is_open = $3, created_at = $4, data = $5, version = $6 WHERE id = $1`,
			b.ID, string(b.State), isOpen(b.State), Nanos(b.CreatedAt), string(data), next.Version)
		if err == nil {
			b.Version = next.Version
		}
		if s.Conn.IsUnique(err) {
			return openConflict()
		}
		if err != nil {
			return s.Conn.Fail("update batch", err)
		}
		return nil
	})
}

// lockedState reads the state of batch id under Dialect.Lock: writers of
// the batch wait for the transaction q runs in.
func (s Batches) lockedState(ctx context.Context, q Querier, id, op string) (mfa.BatchState, error) {
	row := q.QueryRow(ctx, `SELECT state FROM batches WHERE id = $1`+s.Dialect.Lock, id)
	return scanOne(row, s.Dialect.NoRows, func() error { return BatchNotFound(id) }, s.fail(op),
		func(st string) (mfa.BatchState, error) { return mfa.BatchState(st), nil })
}

// ListBatches returns the batches in any of states (all when none), newest
// first, at most limit (all when 0).
func (s Batches) ListBatches(ctx context.Context, limit int, states ...mfa.BatchState) ([]*mfa.Batch, error) {
	var (
		sb   strings.Builder
		args []any
	)
	sb.WriteString(`SELECT data FROM batches`)
	for i, st := range states {
		args = append(args, string(st))
		sep := `, `
		if i == 0 {
			sep = ` WHERE state IN (`
		}
		sb.WriteString(sep + s.Dialect.Param(len(args)))
	}
	if len(states) > 0 {
		sb.WriteString(`)`)
	}
	sb.WriteString(` ORDER BY created_at DESC, id DESC`)
	if limit > 0 {
		args = append(args, limit)
		sb.WriteString(` LIMIT ` + s.Dialect.Param(len(args)))
	}
	return read(ctx, s, "list batches", ScanBatches, sb.String(), args...)
}

// BatchNotFound is the ENotFound of a batch id the store does not hold.
func BatchNotFound(id string) error {
	return mfa.Errorf(mfa.ENotFound, "batch %s not found", id)
}

// fail is Conn.Fail for op, for the row scanners.
func (s Batches) fail(op string) Fail {
	return func(err error) error { return s.Conn.Fail(op, err) }
}

var _ mfa.BatchStore = Batches{}
