package sqlstore

import (
	"encoding/json"

	"github.com/mfabot/mfabot/internal/mfa"
)

// AuditColumns are the columns of the audit table ScanAudit reads, in its
// order.
const AuditColumns = "seq, time, type, request_id, actor, target, detail, prev_hash, hash"

// ScanAudit decodes rows of AuditColumns, in order. A record whose time or
// detail is unreadable is EInternal naming its sequence number.
func ScanAudit(rows Rows, fail Fail) ([]mfa.AuditRecord, error) {
	var out []mfa.AuditRecord
	for rows.Next() {
		var rec mfa.AuditRecord
		var tm, detail string
		if err := rows.Scan(&rec.Seq, &tm, &rec.Type, &rec.RequestID, &rec.Actor, &rec.Target, &detail, &rec.PrevHash, &rec.Hash); err != nil {
			return nil, fail(err)
		}
		var err error
		if rec.Time, err = ParseTextTime(tm); err != nil {
			return nil, mfa.Wrap(mfa.EInternal, err, "audit record %d is unreadable", rec.Seq)
		}
		if err := json.Unmarshal([]byte(detail), &rec.Detail); err != nil {
			return nil, mfa.Wrap(mfa.EInternal, err, "audit record %d is unreadable", rec.Seq)
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(err)
	}
	return out, nil
}
