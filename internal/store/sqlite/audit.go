package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// AppendAudit chains e after the last record in one write transaction and
// returns the stored record. Appends are serialised by the single writer
// connection, so concurrent appends form one valid chain.
func (db *DB) AppendAudit(ctx context.Context, e mfa.AuditEvent) (mfa.AuditRecord, error) {
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return mfa.AuditRecord{}, fmt.Errorf("sqlite: append audit: %w", err)
	}
	var rec mfa.AuditRecord
	err = db.write(ctx, "append audit", func(tx *sql.Tx) error {
		var last int64
		prev := mfa.GenesisHash
		err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&last, &prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return unavailable("append audit", err)
		}
		rec = mfa.AuditRecord{Seq: last + 1, AuditEvent: e, PrevHash: prev}
		rec.Time = e.Time.UTC()
		rec.Hash = mfa.ChainHash(prev, rec)
		_, err = tx.ExecContext(ctx, `INSERT INTO audit (seq, time, type, request_id, actor, target, detail, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			rec.Seq, sqlstore.TextTime(rec.Time), rec.Type, rec.RequestID, rec.Actor, rec.Target, string(detail), rec.PrevHash, rec.Hash)
		if err != nil {
			return unavailable("append audit", err)
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
	rd, err := db.reader("read audit")
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := rd.QueryContext(ctx, `SELECT `+sqlstore.AuditColumns+` FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, unavailable("read audit", err)
	}
	defer rows.Close()
	return sqlstore.ScanAudit(rows, failWith("read audit"))
}
