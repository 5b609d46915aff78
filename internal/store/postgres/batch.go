package postgres

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// dialect is PostgreSQL's part of the batch statements. A conditional
// change of a batch locks its row (FOR NO KEY UPDATE). A claim locks the
// claimable rows with FOR UPDATE SKIP LOCKED, passing over those a
// concurrent claim of any replica is taking, and re-checks the lease of a
// row that one committed meanwhile; the CTE is MATERIALIZED so the locking
// SELECT runs once, and the UPDATE leases exactly the rows it locked.
var dialect = sqlstore.Dialect{
	NoRows: pgx.ErrNoRows,
	Lock:   ` FOR NO KEY UPDATE`,
	Param:  func(n int) string { return "$" + strconv.Itoa(n) },
	Claim: `WITH claimed AS MATERIALIZED (
			SELECT seq FROM batch_items
			WHERE batch_id = $1 AND state = 'pending' AND (lease_owner IS NULL OR lease_until <= $4)
			ORDER BY seq LIMIT $5
			FOR UPDATE SKIP LOCKED
		)
		UPDATE batch_items AS i SET lease_owner = $2, lease_until = $3
		FROM claimed WHERE i.batch_id = $1 AND i.seq = claimed.seq
		RETURNING i.lease_owner, i.lease_until, i.data`,
}

// conn lends the store to sqlstore.Batches.
type conn struct{ db *DB }

func (c conn) Tx(ctx context.Context, op string, fn func(sqlstore.Querier) error) error {
	return c.db.tx(ctx, op, func(tx pgx.Tx) error { return fn(querier{tx}) })
}

// Write runs the one statement of fn on the pool, outside a transaction.
func (c conn) Write(ctx context.Context, op string, fn func(sqlstore.Querier) error) error {
	q, err := c.Read(op)
	if err != nil {
		return err
	}
	return fn(q)
}

func (c conn) Read(op string) (sqlstore.Querier, error) {
	pool, err := c.db.conn(op)
	if err != nil {
		return nil, err
	}
	return querier{pool}, nil
}

func (conn) Fail(op string, err error) error { return failed(op, err) }
func (conn) IsUnique(err error) bool         { return isUnique(err) }
func (conn) IsForeignKey(err error) bool     { return isForeignKey(err) }

// querier runs statements on a transaction or the pool.
type querier struct {
	q interface {
		Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
		Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
		QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	}
}

func (q querier) Exec(ctx context.Context, stmt string, args ...any) (int64, error) {
	tag, err := q.q.Exec(ctx, stmt, args...)
	return tag.RowsAffected(), err
}

func (q querier) Query(ctx context.Context, stmt string, args ...any) (sqlstore.ClosingRows, error) {
	return q.q.Query(ctx, stmt, args...)
}

func (q querier) QueryRow(ctx context.Context, stmt string, args ...any) sqlstore.Row {
	return q.q.QueryRow(ctx, stmt, args...)
}
