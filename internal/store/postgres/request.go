package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// CreateRequest inserts a new request; an existing id is an EConflict.
func (db *DB) CreateRequest(ctx context.Context, r *mfa.Request) error {
	if err := sqlstore.CheckNewRequest(r); err != nil {
		return err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("postgres: create request %s: %w", r.ID, err)
	}
	pool, err := db.conn("create request")
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `INSERT INTO requests
		(id, state, target_id, target_upn, requester_id, created_at, expires_at, updated_at, executed_at, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		r.ID, string(r.State), r.Target.ID, r.Target.UPN, r.Requester.ID,
		sqlstore.Nanos(r.CreatedAt), sqlstore.Nanos(r.ExpiresAt), sqlstore.Nanos(r.UpdatedAt),
		sqlstore.ExecutedAt(r, db.now), string(data))
	if isUnique(err) {
		return sqlstore.CreateConflict(r, err)
	}
	if err != nil {
		return failed("create request", err)
	}
	return nil
}

// GetRequest returns a request or an *mfa.Error with ENotFound.
func (db *DB) GetRequest(ctx context.Context, id string) (*mfa.Request, error) {
	pool, err := db.conn("get request")
	if err != nil {
		return nil, err
	}
	row := pool.QueryRow(ctx, `SELECT data FROM requests WHERE id = $1`, id)
	return sqlstore.ScanRequest(row, id, pgx.ErrNoRows, failWith("get request"))
}

// UpdateRequest writes r if the stored request is in one of the states from;
// otherwise it returns EConflict naming the current state (ENotFound when
// there is no such request). The first time r is executing, its UpdatedAt
// becomes the request's execution start.
//
// The write is one UPDATE ... WHERE state = ANY(from): a concurrent writer
// holding the row makes it wait, and PostgreSQL then re-checks the state on
// the row as that writer left it, so two replicas cannot both win.
func (db *DB) UpdateRequest(ctx context.Context, r *mfa.Request, from ...mfa.State) error {
	if err := sqlstore.CheckUpdate(r, from); err != nil {
		return err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("postgres: update request %s: %w", r.ID, err)
	}
	pool, err := db.conn("update request")
	if err != nil {
		return err
	}
	tag, err := pool.Exec(ctx, `UPDATE requests SET state = $1, target_id = $2, target_upn = $3, requester_id = $4,
		created_at = $5, expires_at = $6, updated_at = $7, executed_at = COALESCE(executed_at, $8), data = $9
		WHERE id = $10 AND state = ANY($11)`,
		string(r.State), r.Target.ID, r.Target.UPN, r.Requester.ID,
		sqlstore.Nanos(r.CreatedAt), sqlstore.Nanos(r.ExpiresAt), sqlstore.Nanos(r.UpdatedAt),
		sqlstore.ExecutedAt(r, db.now), string(data),
		r.ID, sqlstore.StateStrings(from))
	if err != nil {
		return failed("update request", err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var cur string
	err = pool.QueryRow(ctx, `SELECT state FROM requests WHERE id = $1`, r.ID).Scan(&cur)
	if errors.Is(err, pgx.ErrNoRows) {
		return sqlstore.RequestNotFound(r.ID)
	}
	if err != nil {
		return failed("update request", err)
	}
	return sqlstore.UpdateConflict(r.ID, cur, from)
}

// where renders f as a WHERE clause and its arguments, numbered from $1.
func where(f mfa.RequestFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if len(f.States) > 0 {
		add("state = ANY($?)", sqlstore.StateStrings(f.States))
	}
	if f.TargetID != "" {
		add("target_id = $?", f.TargetID)
	}
	if f.RequesterID != "" {
		add("requester_id = $?", f.RequesterID)
	}
	if !f.Since.IsZero() {
		add("created_at >= $?", sqlstore.Nanos(f.Since))
	}
	if !f.ExecutedSince.IsZero() {
		add("executed_at >= $?", sqlstore.Nanos(f.ExecutedSince))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListRequests returns the requests matching f, newest first.
func (db *DB) ListRequests(ctx context.Context, f mfa.RequestFilter) ([]*mfa.Request, error) {
	pool, err := db.conn("list requests")
	if err != nil {
		return nil, err
	}
	w, args := where(f)
	q := `SELECT data FROM requests` + w + ` ORDER BY created_at DESC, id DESC`
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += ` LIMIT $` + strconv.Itoa(len(args))
	}
	rows, err := pool.Query(ctx, q, args...)
	if err != nil {
		return nil, failed("list requests", err)
	}
	defer rows.Close()
	return sqlstore.ScanRequests(rows, failWith("list requests"))
}

// CountRequests counts the requests matching f; f.Limit caps the count.
func (db *DB) CountRequests(ctx context.Context, f mfa.RequestFilter) (int, error) {
	pool, err := db.conn("count requests")
	if err != nil {
		return 0, err
	}
	w, args := where(f)
	q := `SELECT COUNT(*) FROM requests` + w
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q = `SELECT COUNT(*) FROM (SELECT 1 FROM requests` + w + ` LIMIT $` + strconv.Itoa(len(args)) + `) AS capped`
	}
	var n int
	if err := pool.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, failed("count requests", err)
	}
	return n, nil
}
