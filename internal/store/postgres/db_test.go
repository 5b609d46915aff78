package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/mfabot/mfabot/internal/store/postgres"
)

// The tests run against the server at MFABOT_TEST_POSTGRES_URL (start one
// with `eval "$(scripts/postgres.sh)"`). Each test gets a database of its
// own, cloned from a template that is migrated once: CREATE DATABASE ...
// TEMPLATE copies files, which is far quicker than running the migrations.

var ctx = context.Background()

var admin struct {
	once sync.Once
	pool *pgxpool.Pool // connected to the server URL's own database
	tmpl string        // the migrated template database
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if admin.pool != nil {
		admin.pool.Close()
	}
	os.Exit(code)
}

// serverURL returns the test server's URL, or skips the test without one
// (fails it when MFABOT_REQUIRE_POSTGRES=1, as in CI).
func serverURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("MFABOT_TEST_POSTGRES_URL")
	if u == "" {
		if os.Getenv("MFABOT_REQUIRE_POSTGRES") == "1" {
			t.Fatal("MFABOT_REQUIRE_POSTGRES=1 but MFABOT_TEST_POSTGRES_URL is not set; start a server with: eval \"$(scripts/postgres.sh)\"")
		}
		t.Skip("no PostgreSQL: set MFABOT_TEST_POSTGRES_URL (eval \"$(scripts/postgres.sh)\") to run the PostgreSQL store tests")
	}
	return u
}

// withDatabase returns server URL u pointing at database name instead.
func withDatabase(t testing.TB, u, name string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatalf("MFABOT_TEST_POSTGRES_URL: %v", err)
	}
	p.Path = "/" + name
	return p.String()
}

// setup connects to the server and makes sure the template of the current
// migrations exists. The template is named after the migrations' digest and
// published by a rename once fully migrated, and an advisory lock keeps two
// test processes from building it at once, so concurrent runs share it.
func setup(t testing.TB) {
	t.Helper()
	u := serverURL(t)
	admin.once.Do(func() {
		admin.pool, admin.err = pgxpool.New(ctx, u)
		if admin.err != nil {
			return
		}
		admin.tmpl = "mfabot_template_" + postgres.MigrationsDigest()[:12]
		admin.err = buildTemplate(withDatabase(t, u, admin.tmpl+"_build"))
	})
	if admin.err != nil {
		t.Fatalf("PostgreSQL at MFABOT_TEST_POSTGRES_URL: %v", admin.err)
	}
}

func buildTemplate(buildURL string) error {
	conn, err := admin.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(4242)`); err != nil {
		return err
	}
	defer conn.Exec(ctx, `SELECT pg_advisory_unlock(4242)`)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, admin.tmpl).Scan(&exists); err != nil || exists {
		return err
	}
	build := pgx.Identifier{admin.tmpl + "_build"}.Sanitize()
	for _, q := range []string{`DROP DATABASE IF EXISTS ` + build + ` WITH (FORCE)`, `CREATE DATABASE ` + build} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return err
		}
	}
	db, err := postgres.Open(ctx, buildURL)
	if err != nil {
		return err
	}
	db.Close()
	_, err = conn.Exec(ctx, `ALTER DATABASE `+build+` RENAME TO `+pgx.Identifier{admin.tmpl}.Sanitize())
	return err
}

// newDatabase creates a database for one test, a clone of the migrated
// template or, if empty is set, a blank one, drops it when the test ends,
// and returns its URL.
func newDatabase(t testing.TB, empty bool) string {
	t.Helper()
	setup(t)
	b := make([]byte, 8)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	q := `CREATE DATABASE ` + name + ` TEMPLATE ` + pgx.Identifier{admin.tmpl}.Sanitize()
	if empty {
		q = `CREATE DATABASE ` + name
	}
	if _, err := admin.pool.Exec(ctx, q); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.pool.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(t, serverURL(t), name)
}

// open opens a store on url and closes it when the test ends (before its
// database is dropped: cleanups run last registered first).
func open(t testing.TB, url string, opts ...postgres.Option) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(ctx, url, opts...)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newDB is a store on a fresh database of its own.
func newDB(t testing.TB, opts ...postgres.Option) *postgres.DB {
	t.Helper()
	return open(t, newDatabase(t, false), opts...)
}

func count(t testing.TB, db *postgres.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Pool().QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
