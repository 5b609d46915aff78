package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

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
		return fmt.Errorf("sqlite: create request %s: %w", r.ID, err)
	}
	return db.write(ctx, "create request", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO requests
			(id, state, target_id, target_upn, requester_id, created_at, expires_at, updated_at, executed_at, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, string(r.State), r.Target.ID, r.Target.UPN, r.Requester.ID,
			sqlstore.Nanos(r.CreatedAt), sqlstore.Nanos(r.ExpiresAt), sqlstore.Nanos(r.UpdatedAt),
			sqlstore.ExecutedAt(r, db.now), string(data))
		if isConstraint(err) {
			return sqlstore.CreateConflict(r, err)
		}
		if err != nil {
			return unavailable("create request", err)
		}
		return nil
	})
}

// GetRequest returns a request or an *mfa.Error with ENotFound.
func (db *DB) GetRequest(ctx context.Context, id string) (*mfa.Request, error) {
	rd, err := db.reader("get request")
	if err != nil {
		return nil, err
	}
	row := rd.QueryRowContext(ctx, `SELECT data FROM requests WHERE id = ?`, id)
	return sqlstore.ScanRequest(row, id, sql.ErrNoRows, failWith("get request"))
}

// UpdateRequest writes r if the stored request is in one of the states from;
// otherwise it returns EConflict naming the current state (ENotFound when
// there is no such request). The first time r is executing, its UpdatedAt
// becomes the request's execution start.
func (db *DB) UpdateRequest(ctx context.Context, r *mfa.Request, from ...mfa.State) error {
	if err := sqlstore.CheckUpdate(r, from); err != nil {
		return err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("sqlite: update request %s: %w", r.ID, err)
	}
	args := []any{string(r.State), r.Target.ID, r.Target.UPN, r.Requester.ID,
		sqlstore.Nanos(r.CreatedAt), sqlstore.Nanos(r.ExpiresAt), sqlstore.Nanos(r.UpdatedAt),
		sqlstore.ExecutedAt(r, db.now), string(data), r.ID}
	for _, s := range from {
		args = append(args, string(s))
	}
	q := `UPDATE requests SET state = ?, target_id = ?, target_upn = ?, requester_id = ?,
		created_at = ?, expires_at = ?, updated_at = ?, executed_at = COALESCE(executed_at, ?), data = ?
		WHERE id = ? AND state IN (` + placeholders(len(from)) + `)`
	return db.write(ctx, "update request", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return unavailable("update request", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return unavailable("update request", err)
		}
		if n == 1 {
			return nil
		}
		var cur string
		err = tx.QueryRowContext(ctx, `SELECT state FROM requests WHERE id = ?`, r.ID).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return sqlstore.RequestNotFound(r.ID)
		}
		if err != nil {
			return unavailable("update request", err)
		}
		return sqlstore.UpdateConflict(r.ID, cur, from)
	})
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// where renders f as a WHERE clause and its arguments.
func where(f mfa.RequestFilter) (string, []any) {
	var conds []string
	var args []any
	if len(f.States) > 0 {
		conds = append(conds, "state IN ("+placeholders(len(f.States))+")")
		for _, s := range f.States {
			args = append(args, string(s))
		}
	}
	if f.TargetID != "" {
		conds = append(conds, "target_id = ?")
		args = append(args, f.TargetID)
	}
	if f.RequesterID != "" {
		conds = append(conds, "requester_id = ?")
		args = append(args, f.RequesterID)
	}
	if !f.Since.IsZero() {
		conds = append(conds, "created_at >= ?")
		args = append(args, sqlstore.Nanos(f.Since))
	}
	if !f.ExecutedSince.IsZero() {
		conds = append(conds, "executed_at >= ?")
		args = append(args, sqlstore.Nanos(f.ExecutedSince))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListRequests returns the requests matching f, newest first.
func (db *DB) ListRequests(ctx context.Context, f mfa.RequestFilter) ([]*mfa.Request, error) {
	rd, err := db.reader("list requests")
	if err != nil {
		return nil, err
	}
	w, args := where(f)
	q := `SELECT data FROM requests` + w + ` ORDER BY created_at DESC, id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := rd.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, unavailable("list requests", err)
	}
	defer rows.Close()
	return sqlstore.ScanRequests(rows, failWith("list requests"))
}

// CountRequests counts the requests matching f; f.Limit caps the count.
func (db *DB) CountRequests(ctx context.Context, f mfa.RequestFilter) (int, error) {
	rd, err := db.reader("count requests")
	if err != nil {
		return 0, err
	}
	w, args := where(f)
	q := `SELECT COUNT(*) FROM requests` + w
	if f.Limit > 0 {
		q = `SELECT COUNT(*) FROM (SELECT 1 FROM requests` + w + ` LIMIT ?)`
		args = append(args, f.Limit)
	}
	var n int
	if err := rd.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, unavailable("count requests", err)
	}
	return n, nil
}
