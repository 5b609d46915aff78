package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/cli"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

// `audit export --kind lookup` writes the lookups only, whole records, so
// the chain fields stay for whoever verifies them.
func TestExportFiltersByKind(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "mfabot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC)
	for _, typ := range []string{mfa.AuditRequested, mfa.AuditLookup, mfa.AuditRefused, mfa.AuditLookup} {
		if _, err := st.AppendAudit(ctx, mfa.AuditEvent{Time: at, Type: typ, Actor: "oid-hanna", Target: "alice@contoso.com"}); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	n, err := cli.ExportAuditKind(ctx, &out, st, 0, mfa.AuditLookup)
	if err != nil || n != 2 {
		t.Fatalf("exported %d, %v; want the 2 lookups", n, err)
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r mfa.AuditRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.Type != mfa.AuditLookup || r.Hash == "" {
			t.Fatalf("line %s: %v", line, err)
		}
	}
}
