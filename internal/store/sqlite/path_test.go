package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

// The database is the file at exactly the path given, whatever characters
// a URI would read otherwise (? starts a query, # a fragment, % an escape),
// and the store's own settings still apply.
func TestOpensExactlyThePathGiven(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"mfa?bot.db", "mfa#bot.db", "mfa%3Fbot.db", "file:mfa.db", "mfa bot.db"} {
		dir := t.TempDir()
		path := filepath.Join(dir, name)
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := db.AppendAudit(ctx, mfa.AuditEvent{Type: mfa.AuditLookup, Actor: "x"}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var journal string
		if err := db.SQL().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil || journal != "wal" {
			t.Errorf("%s: journal mode %q %v: the store's settings were lost", name, journal, err)
		}
		db.Close()
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: the database is not at the path given: %v", name, err)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name() != name && e.Name() != name+"-wal" && e.Name() != name+"-shm" {
				t.Errorf("%s: a file %q was written beside it", name, e.Name())
			}
		}
	}
}
