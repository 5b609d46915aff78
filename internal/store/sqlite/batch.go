package sqlite

import (
	"context"
	"database/sql"

	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// dialect is SQLite's part of the batch statements. The write transaction
// (BEGIN IMMEDIATE, on the single writer connection) keeps every other
// writer, of this process or another, out: a SELECT needs no lock, and a
// claim reads and leases in one statement no other claim interleaves with.
var dialect = sqlstore.Dialect{
	NoRows: sql.ErrNoRows,
	Param:  func(int) string { return "?" },
	Claim: `UPDATE batch_items SET lease_owner = $2, lease_until = $3
		WHERE batch_id = $1 AND seq IN (
			SELECT seq FROM batch_items
			WHERE batch_id = $1 AND state = 'pending' AND (lease_owner IS NULL OR lease_until <= $4)
			ORDER BY seq LIMIT $5)
		RETURNING ` + sqlstore.BatchItemColumns,
}

// conn lends the store to sqlstore.Batches.
type conn struct{ db *DB }

func (c conn) Tx(ctx context.Context, op string, fn func(sqlstore.Querier) error) error {
	return c.db.write(ctx, op, func(tx *sql.Tx) error { return fn(querier{tx}) })
}

// Write is Tx: every write of the store is a write transaction.
func (c conn) Write(ctx context.Context, op string, fn func(sqlstore.Querier) error) error {
	return c.Tx(ctx, op, fn)
}

func (c conn) Read(op string) (sqlstore.Querier, error) {
	rd, err := c.db.reader(op)
	if err != nil {
		return nil, err
	}
	return querier{rd}, nil
}

func (conn) Fail(op string, err error) error { return unavailable(op, err) }
func (conn) IsUnique(err error) bool         { return isUnique(err) }
func (conn) IsForeignKey(err error) bool     { return isForeignKey(err) }

// querier runs statements on a transaction or a pool.
type querier struct {
	q interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}
}

func (q querier) Exec(ctx context.Context, stmt string, args ...any) (int64, error) {
	res, err := q.q.ExecContext(ctx, stmt, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (q querier) Query(ctx context.Context, stmt string, args ...any) (sqlstore.ClosingRows, error) {
	rows, err := q.q.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	return closingRows{rows}, nil
}

func (q querier) QueryRow(ctx context.Context, stmt string, args ...any) sqlstore.Row {
	return q.q.QueryRowContext(ctx, stmt, args...)
}

// closingRows closes *sql.Rows as sqlstore.ClosingRows does, without an
// error: what went wrong while reading, rows.Err has reported.
type closingRows struct{ *sql.Rows }

func (r closingRows) Close() { _ = r.Rows.Close() }
