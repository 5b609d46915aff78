package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/mfabot/mfabot/internal/mfa"
)

// auditPage is how many records are read at a time.
const auditPage = 1000

// VerifyAudit walks the whole chain and reports the first broken link. It
// returns a *mfa.ChainBreak when the chain does not hold.
func VerifyAudit(ctx context.Context, w io.Writer, s mfa.Store) error {
	v := mfa.NewChainVerifier()
	var after int64
	for {
		recs, err := s.AuditRecords(ctx, after, auditPage)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := v.Check(r); err != nil {
				var b *mfa.ChainBreak
				if errors.As(err, &b) {
					fmt.Fprintf(w, "audit chain BROKEN at record %d: %s\n", b.Seq, b.Reason)
					fmt.Fprintf(w, "%d record(s) before it verified.\n", v.Count())
				}
				return err
			}
			after = r.Seq
		}
		if len(recs) < auditPage {
			break
		}
	}
	fmt.Fprintf(w, "audit chain OK: %d record(s), head %s\n", v.Count(), v.Head())
	return nil
}

// ExportAudit writes records after a sequence number as JSON lines.
func ExportAudit(ctx context.Context, w io.Writer, s mfa.Store, after int64) (int, error) {
	return ExportAuditKind(ctx, w, s, after, "")
}

// ExportAuditKind writes the records of one type ("lookup", "refused", …;
// every type when kind is empty) after a sequence number as JSON lines,
// whole, so their chain fields can still be checked.
func ExportAuditKind(ctx context.Context, w io.Writer, s mfa.Store, after int64, kind string) (int, error) {
	enc := json.NewEncoder(w)
	n := 0
	for {
		recs, err := s.AuditRecords(ctx, after, auditPage)
		if err != nil {
			return n, err
		}
		for _, r := range recs {
			after = r.Seq
			if kind != "" && r.Type != kind {
				continue
			}
			if err := enc.Encode(r); err != nil {
				return n, fmt.Errorf("audit export: %w", err)
			}
			n++
		}
		if len(recs) < auditPage {
			return n, nil
		}
	}
}
