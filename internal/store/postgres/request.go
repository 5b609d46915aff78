package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// CreateRequest inserts a new request if every limit has room; an existing
// id is an EConflict. The count and the insert are one transaction under
// the limits' advisory lock, which every replica takes for such writes.
func (db *DB) CreateRequest(ctx context.Context, r *mfa.Request, limits ...mfa.Limit) error {
	if err := sqlstore.CheckNewRequest(r); err != nil {
		return err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("postgres: create request %s: %w", r.ID, err)
	}
	return db.tx(ctx, "create request", func(tx pgx.Tx) error {
		if err := checkLimits(ctx, tx, limits, true); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO requests
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
	})
}

// limitsLock is the key of the transaction-scoped advisory lock under which
// every replica counts for a limit and writes: the count and the write of
// one transaction cannot interleave with another's ("mfabot limits").
const limitsLock = 0x6d6661626f74

// checkLimits counts, inside tx, the requests of each limit and refuses the
// write when one has no room. It first takes the limits' advisory lock
// (held to the end of tx) when there are limits or always is set: a
// statement run after the lock is granted sees every write committed under
// it before.
func checkLimits(ctx context.Context, tx pgx.Tx, limits []mfa.Limit, always bool) error {
	if len(limits) == 0 && !always {
		return nil
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(limitsLock)); err != nil {
		return failed("lock for a limit", err)
	}
	for _, l := range limits {
		total := 0
		for _, f := range l.Count {
			w, args := where(f)
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM requests`+w, args...).Scan(&n); err != nil {
				return failed("count for a limit", err)
			}
			total += n
		}
		if total >= l.Max {
			return mfa.LimitReached(l, total)
		}
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
func (db *DB) UpdateRequest(ctx context.Context, r *mfa.Request, from ...mfa.State) error {
	return db.WriteRequest(ctx, r, mfa.Cond{From: from})
}

// WriteRequest writes r if its state is one of c.From, every limit of c has
// room and, with c.Lease, no other owner's lease runs, in one transaction.
//
// The write is one UPDATE ... WHERE state = ANY(from) [AND lease free]: a
// concurrent writer holding the row makes it wait, and PostgreSQL then
// re-checks the condition on the row as that writer left it, so two
// replicas cannot both win. Limits are counted first, under the limits'
// advisory lock.
func (db *DB) WriteRequest(ctx context.Context, r *mfa.Request, c mfa.Cond) error {
	if err := sqlstore.CheckUpdate(r, c.From); err != nil {
		return err
	}
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("postgres: update request %s: %w", r.ID, err)
	}
	args := []any{string(r.State), r.Target.ID, r.Target.UPN, r.Requester.ID,
		sqlstore.Nanos(r.CreatedAt), sqlstore.Nanos(r.ExpiresAt), sqlstore.Nanos(r.UpdatedAt),
		sqlstore.ExecutedAt(r, db.now), string(data), r.ID, sqlstore.StateStrings(c.From)}
	lease, held := ``, ``
	switch sqlstore.ModeOf(r, c) {
	case sqlstore.LeaseTake:
		args = append(args, c.Lease.Owner, sqlstore.Nanos(c.Lease.Until))
		lease = `, lease_owner = $12, lease_until = $13`
	case sqlstore.LeaseClear:
		lease = `, lease_owner = NULL, lease_until = NULL`
	}
	if c.Lease != nil {
		args = append(args, sqlstore.IdleSince(c.Lease), sqlstore.Nanos(c.Lease.Now), c.Lease.Owner)
		n := len(args)
		held = ` AND (lease_owner IS NULL AND (state <> 'executing' OR updated_at <= $` + strconv.Itoa(n-2) +
			`) OR lease_until <= $` + strconv.Itoa(n-1) + ` OR lease_owner = $` + strconv.Itoa(n) + `)`
	}
	q := `UPDATE requests SET state = $1, target_id = $2, target_upn = $3, requester_id = $4,
		created_at = $5, expires_at = $6, updated_at = $7, executed_at = COALESCE(executed_at, $8), data = $9` + lease + `
		WHERE id = $10 AND state = ANY($11)` + held
	return db.tx(ctx, "update request", func(tx pgx.Tx) error {
		if err := checkLimits(ctx, tx, c.Limits, false); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return failed("update request", err)
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		var (
			cur   string
			until *int64
		)
		err = tx.QueryRow(ctx, `SELECT state, lease_until FROM requests WHERE id = $1`, r.ID).Scan(&cur, &until)
		if errors.Is(err, pgx.ErrNoRows) {
			return sqlstore.RequestNotFound(r.ID)
		}
		if err != nil {
			return failed("update request", err)
		}
		if slices.Contains(c.From, mfa.State(cur)) {
			var u int64 // none: an older mfabot's run
			if until != nil {
				u = *until
			}
			return sqlstore.LeaseConflict(r.ID, sqlstore.FromNanos(u))
		}
		return sqlstore.UpdateConflict(r.ID, cur, c.From)
	})
}

// RenewLease extends owner's lease of an executing request to until.
func (db *DB) RenewLease(ctx context.Context, id, owner string, until time.Time) error {
	pool, err := db.conn("renew lease")
	if err != nil {
		return err
	}
	tag, err := pool.Exec(ctx, `UPDATE requests SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND state = $4`,
		sqlstore.Nanos(until), id, owner, string(mfa.StateExecuting))
	if err != nil {
		return failed("renew lease", err)
	}
	if tag.RowsAffected() != 1 {
		return sqlstore.LeaseLost(id)
	}
	return nil
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
