package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// CreateRequest inserts a new request if every limit has room; an existing
// id is an EConflict. The count and the insert are one write transaction
// (BEGIN IMMEDIATE), which other connections and processes on the file
// cannot interleave with.
func (db *DB) CreateRequest(ctx context.Context, r *mfa.Request, limits ...mfa.Limit) error {
	if err := sqlstore.CheckNewRequest(r); err != nil {
		return err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("sqlite: create request %s: %w", r.ID, err)
	}
	return db.write(ctx, "create request", func(tx *sql.Tx) error {
		if err := checkLimits(ctx, tx, limits); err != nil {
			return err
		}
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
	return db.WriteRequest(ctx, r, mfa.Cond{From: from})
}

// WriteRequest writes r if its state is one of c.From, every limit of c has
// room and, with c.Lease, no other owner's lease runs: all decided in one
// write transaction (BEGIN IMMEDIATE).
func (db *DB) WriteRequest(ctx context.Context, r *mfa.Request, c mfa.Cond) error {
	if err := sqlstore.CheckUpdate(r, c.From); err != nil {
		return err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("sqlite: update request %s: %w", r.ID, err)
	}
	args := []any{string(r.State), r.Target.ID, r.Target.UPN, r.Requester.ID,
		sqlstore.Nanos(r.CreatedAt), sqlstore.Nanos(r.ExpiresAt), sqlstore.Nanos(r.UpdatedAt),
		sqlstore.ExecutedAt(r, db.now), string(data)}
	lease := ``
	mode := sqlstore.ModeOf(r, c)
	switch mode {
	case sqlstore.LeaseTake:
		lease = `, lease_owner = ?, lease_until = ?`
		args = append(args, c.Lease.Owner, sqlstore.Nanos(c.Lease.Until))
	case sqlstore.LeaseClear:
		lease = `, lease_owner = NULL, lease_until = NULL`
	}
	args = append(args, r.ID)
	for _, s := range c.From {
		args = append(args, string(s))
	}
	held := ``
	if c.Lease != nil {
		held = ` AND (lease_owner IS NULL AND (state <> 'executing' OR updated_at <= ?) OR lease_until <= ? OR lease_owner = ?)`
		args = append(args, sqlstore.IdleSince(c.Lease), sqlstore.Nanos(c.Lease.Now), c.Lease.Owner)
	}
	q := `UPDATE requests SET state = ?, target_id = ?, target_upn = ?, requester_id = ?,
		created_at = ?, expires_at = ?, updated_at = ?, executed_at = COALESCE(executed_at, ?), data = ?` + lease + `
		WHERE id = ? AND state IN (` + placeholders(len(c.From)) + `)` + held
	return db.write(ctx, "update request", func(tx *sql.Tx) error {
		if err := checkLimits(ctx, tx, c.Limits); err != nil {
			return err
		}
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
		var (
			cur   string
			until sql.NullInt64
		)
		err = tx.QueryRowContext(ctx, `SELECT state, lease_until FROM requests WHERE id = ?`, r.ID).Scan(&cur, &until)
		if errors.Is(err, sql.ErrNoRows) {
			return sqlstore.RequestNotFound(r.ID)
		}
		if err != nil {
			return unavailable("update request", err)
		}
		if slices.Contains(c.From, mfa.State(cur)) {
			return sqlstore.LeaseConflict(r.ID, sqlstore.FromNanos(until.Int64)) // zero: an older mfabot's run
		}
		return sqlstore.UpdateConflict(r.ID, cur, c.From)
	})
}

// RenewLease extends owner's lease of an executing request to until.
func (db *DB) RenewLease(ctx context.Context, id, owner string, until time.Time) error {
	return db.write(ctx, "renew lease", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE requests SET lease_until = ? WHERE id = ? AND lease_owner = ? AND state = ?`,
			sqlstore.Nanos(until), id, owner, string(mfa.StateExecuting))
		if err != nil {
			return unavailable("renew lease", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return unavailable("renew lease", err)
		} else if n != 1 {
			return sqlstore.LeaseLost(id)
		}
		return nil
	})
}

// checkLimits counts, inside the write transaction tx, the requests of each
// limit and refuses the write when one has no room.
func checkLimits(ctx context.Context, tx *sql.Tx, limits []mfa.Limit) error {
	for _, l := range limits {
		total := 0
		for _, f := range l.Count {
			w, args := where(f)
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM requests`+w, args...).Scan(&n); err != nil {
				return unavailable("count for a limit", err)
			}
			total += n
		}
		if total >= l.Max {
			return mfa.LimitReached(l, total)
		}
	}
	return nil
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
