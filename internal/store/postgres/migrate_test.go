package postgres_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/mfabot/mfabot/internal/store/postgres"
)

// TestConcurrentOpenMigratesOnce opens a blank database from several
// "replicas" at once: every Open succeeds and each migration is applied
// exactly once.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	url := newDatabase(t, true)
	const n = 6
	dbs := make([]*postgres.DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			dbs[i], errs[i] = postgres.Open(ctx, url)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("open #%d: %v", i, err)
		}
		t.Cleanup(func() { dbs[i].Close() })
	}
	db := dbs[0]
	if got := count(t, db, `SELECT COUNT(*) FROM schema_migrations`); got != postgres.SchemaVersion() {
		t.Fatalf("%d migrations recorded, want %d", got, postgres.SchemaVersion())
	}
	if got := count(t, db, `SELECT COUNT(*) FROM audit_head`); got != 1 {
		t.Fatalf("audit_head has %d rows, want 1", got)
	}
	for i, d := range dbs {
		if err := d.Ping(ctx); err != nil {
			t.Fatalf("store #%d: %v", i, err)
		}
	}
}

func TestMigrationsIdempotentOnReopen(t *testing.T) {
	url := newDatabase(t, true)
	for i := range 3 {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM schema_migrations`); n != postgres.SchemaVersion() {
			t.Fatalf("open #%d: %d migrations recorded, want %d", i+1, n, postgres.SchemaVersion())
		}
		db.Close()
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	url := newDatabase(t, false)
	db := open(t, url)
	if _, err := db.Pool().Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future.sql', 0)`,
		postgres.SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, err := postgres.Open(ctx, url)
	if !errors.Is(err, postgres.ErrSchemaTooNew) {
		t.Fatalf("open of a newer schema: %v, want ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), "upgrade mfabot") {
		t.Fatalf("error %q does not say what to do", err)
	}
}
