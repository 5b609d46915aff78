package sqlstore

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// itemsPerInsert is how many items one INSERT of AddBatchItems adds: 1000
// rows of five parameters stay far below SQLite's limit of 32,766
// parameters and PostgreSQL's of 65,535.
const itemsPerInsert = 1000

// AddBatchItems inserts items of batch batchID, whose plan is being made,
// in one transaction: an item whose (batch, seq) exists is EConflict and
// nothing is added. A batch past planning is EConflict: the users the
// approvers decide on, once planned, do not change.
func (s Batches) AddBatchItems(ctx context.Context, batchID string, items []mfa.BatchItem) error {
	rows := make([][]any, len(items))
	for i, it := range items {
		if it.Seq < 1 || countOf(&mfa.BatchCounts{}, it.State) == nil || (it.BatchID != "" && it.BatchID != batchID) {
			return mfa.Errorf(mfa.EInvalid, "item %d of batch %s needs a sequence number from 1, a known state and the batch's id", it.Seq, batchID)
		}
		data, err := encodeItem(batchID, it)
		if err != nil {
			return err
		}
		rows[i] = []any{it.Seq, it.UserID, string(it.State), data}
	}
	if len(rows) == 0 {
		return nil
	}
	const op = "add batch items"
	return s.Conn.Tx(ctx, op, func(q Querier) error {
		cur, err := s.lockedState(ctx, q, batchID, op)
		if err != nil {
			return err
		}
		if cur != mfa.BatchPlanning {
			return mfa.Errorf(mfa.EConflict, "batch %s is %s: users are added to a batch only while its plan is made", batchID, cur)
		}
		for chunk := range slices.Chunk(rows, itemsPerInsert) {
			stmt, args := s.insertItems(batchID, chunk)
			_, err := q.Exec(ctx, stmt, args...)
			if s.Conn.IsUnique(err) {
				return mfa.Errorf(mfa.EConflict, "batch %s already has an item of one of these sequence numbers", batchID)
			}
			if err != nil {
				return s.Conn.Fail(op, err)
			}
		}
		return nil
	})
}

// insertItems is one INSERT of rows (seq, user id, state, data) of batch
// batchID, and its arguments, numbered in order.
func (s Batches) insertItems(batchID string, rows [][]any) (string, []any) {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO batch_items (batch_id, seq, user_id, state, data) VALUES `)
	args := make([]any, 0, 5*len(rows))
	p := s.Dialect.Param
	for i, r := range rows {
		if i > 0 {
			sb.WriteString(`, `)
		}
		n := len(args)
		sb.WriteString(`(` + p(n+1) + `, ` + p(n+2) + `, ` + p(n+3) + `, ` + p(n+4) + `, ` + p(n+5) + `)`)
		args = append(append(args, batchID), r...)
	}
	return sb.String(), args
}

// ClaimBatchItems leases to owner until until up to n pending items of the
// batch that no live lease holds, and returns them in seq order. The one
// statement is Dialect.Claim: on PostgreSQL its SELECT ... FOR UPDATE SKIP
// LOCKED passes over the rows a concurrent claim is taking, and re-checks
// the lease on rows one committed meanwhile; on SQLite it runs in the write
// transaction, which no other claim can interleave with.
func (s Batches) ClaimBatchItems(ctx context.Context, batchID, owner string, n int, now, until time.Time) ([]mfa.BatchItem, error) {
	if owner == "" || !until.After(now) {
		return nil, mfa.Errorf(mfa.EInvalid, "a claim of batch items needs an owner and a lease that ends after now")
	}
	if n <= 0 {
		return nil, nil
	}
	const op = "claim batch items"
	var items []mfa.BatchItem
	err := s.Conn.Write(ctx, op, func(q Querier) error {
		var err error
		items, err = query(ctx, s, q, op, ScanBatchItems, s.Dialect.Claim, batchID, owner, Nanos(until), Nanos(now), n)
		return err
	})
	return items, err
}

// RenewBatchItems extends owner's leases on the batch's pending items to
// until and returns how many it extended.
func (s Batches) RenewBatchItems(ctx context.Context, batchID, owner string, until time.Time) (int, error) {
	n, err := s.exec(ctx, "renew batch items", nil, `UPDATE batch_items SET lease_until = $3
		WHERE batch_id = $1 AND lease_owner = $2 AND state = 'pending'`, batchID, owner, Nanos(until))
	return int(n), err
}

// ReleaseBatchItems drops owner's leases on the batch's pending items.
func (s Batches) ReleaseBatchItems(ctx context.Context, batchID, owner string) error {
	_, err := s.exec(ctx, "release batch items", nil, `UPDATE batch_items SET lease_owner = NULL, lease_until = NULL
		WHERE batch_id = $1 AND lease_owner = $2 AND state = 'pending'`, batchID, owner)
	return err
}

// FinishBatchItem stores it, in a final state, if owner still holds its
// lease, and clears the lease; EConflict when the item was taken over,
// released or finished meanwhile.
func (s Batches) FinishBatchItem(ctx context.Context, it mfa.BatchItem, owner string) error {
	if it.State == mfa.ItemPending || countOf(&mfa.BatchCounts{}, it.State) == nil {
		return mfa.Errorf(mfa.EInvalid, "item %d of batch %s is finished in a final state, not %q", it.Seq, it.BatchID, it.State)
	}
	data, err := encodeItem(it.BatchID, it)
	if err != nil {
		return err
	}
	n, err := s.exec(ctx, "finish batch item", nil, `UPDATE batch_items SET state = $4, data = $5, lease_owner = NULL, lease_until = NULL
		WHERE batch_id = $1 AND seq = $2 AND lease_owner = $3 AND state = 'pending'`, it.BatchID, it.Seq, owner, string(it.State), data)
	if err != nil {
		return err
	}
	if n != 1 {
		return mfa.Errorf(mfa.EConflict, "item %d of batch %s is not leased by %s (taken over, released or finished)", it.Seq, it.BatchID, owner)
	}
	return nil
}

// BatchCounts counts the batch's items by state.
func (s Batches) BatchCounts(ctx context.Context, batchID string) (mfa.BatchCounts, error) {
	return read(ctx, s, "count batch items", ScanBatchCounts,
		`SELECT state, COUNT(*) FROM batch_items WHERE batch_id = $1 GROUP BY state`, batchID)
}

// BatchItems returns up to limit items of the batch with seq > after, in
// seq order; limit <= 0 returns all of them.
func (s Batches) BatchItems(ctx context.Context, batchID string, after int64, limit int) ([]mfa.BatchItem, error) {
	stmt := `SELECT ` + BatchItemColumns + ` FROM batch_items WHERE batch_id = $1 AND seq > $2 ORDER BY seq`
	args := []any{batchID, after}
	if limit > 0 {
		stmt += ` LIMIT $3`
		args = append(args, limit)
	}
	return read(ctx, s, "list batch items", ScanBatchItems, stmt, args...)
}

// exec runs one statement as a write and returns how many rows it changed.
// refused, when set, turns a refusal of the database it knows into the
// store's error (nil: not one it knows).
func (s Batches) exec(ctx context.Context, op string, refused func(err error) error, stmt string, args ...any) (int64, error) {
	var n int64
	err := s.Conn.Write(ctx, op, func(q Querier) error {
		var err error
		if n, err = q.Exec(ctx, stmt, args...); err == nil {
			return nil
		}
		if refused != nil {
			if e := refused(err); e != nil {
				return e
			}
		}
		return s.Conn.Fail(op, err)
	})
	return n, err
}

// query runs stmt on q and decodes its rows with scan.
func query[T any](ctx context.Context, s Batches, q Querier, op string, scan func(Rows, Fail) (T, error), stmt string, args ...any) (T, error) {
	rows, err := q.Query(ctx, stmt, args...)
	if err != nil {
		var zero T
		return zero, s.Conn.Fail(op, err)
	}
	defer rows.Close()
	return scan(rows, s.fail(op))
}

// read runs stmt on a connection for reads and decodes its rows with scan.
func read[T any](ctx context.Context, s Batches, op string, scan func(Rows, Fail) (T, error), stmt string, args ...any) (T, error) {
	q, err := s.Conn.Read(op)
	if err != nil {
		var zero T
		return zero, err
	}
	return query(ctx, s, q, op, scan, stmt, args...)
}
