package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// AppendAudit chains e after the last record and returns the stored record.
// The transaction locks audit_head's row first, so appends from every
// connection and every replica run one after another; the hash is computed
// inside the transaction from the head it locked.
func (db *DB) AppendAudit(ctx context.Context, e mfa.AuditEvent) (mfa.AuditRecord, error) {
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return mfa.AuditRecord{}, fmt.Errorf("postgres: append audit: %w", err)
	}
	var rec mfa.AuditRecord
	err = db.tx(ctx, "append audit", func(tx pgx.Tx) error {
		var last int64
		var prev string
		if err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head FOR UPDATE`).Scan(&last, &prev); err != nil {
			return failed("append audit", err)
		}
		rec = mfa.AuditRecord{Seq: last + 1, AuditEvent: e, PrevHash: prev}
		rec.Time = e.Time.UTC()
		rec.Hash = mfa.ChainHash(prev, rec)
		_, err := tx.Exec(ctx, `WITH appended AS (
				INSERT INTO audit (seq, time, type, request_id, actor, target, detail, prev_hash, hash)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			)
			UPDATE audit_head SET seq = $1, hash = $9`,
			rec.Seq, sqlstore.TextTime(rec.Time), rec.Type, rec.RequestID, rec.Actor, rec.Target, string(detail), rec.PrevHash, rec.Hash)
		if err != nil {
			return failed("append audit", err)
		}
		return nil
	})
	if err != nil {
		return mfa.AuditRecord{}, err
	}
	return rec, nil
}

// AuditRecords returns up to limit records with Seq > after, in order;
// limit <= 0 returns all of them.
func (db *DB) AuditRecords(ctx context.Context, after int64, limit int) ([]mfa.AuditRecord, error) {
	pool, err := db.conn("read audit")
	if err != nil {
		return nil, err
	}
	var lim *int // NULL: no limit
	if limit > 0 {
		lim = &limit
	}
	rows, err := pool.Query(ctx, `SELECT `+sqlstore.AuditColumns+` FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2`, after, lim)
	if err != nil {
		return nil, failed("read audit", err)
	}
	defer rows.Close()
	return sqlstore.ScanAudit(rows, failWith("read audit"))
}
