package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store"
	"github.com/mfabot/mfabot/internal/store/postgres"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

var ctx = context.Background()

func TestOpenSQLite(t *testing.T) {
	var logs bytes.Buffer
	path := filepath.Join(t.TempDir(), "mfabot.db")
	st, err := store.Open(ctx, path, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, ok := st.(*sqlite.DB); !ok {
		t.Fatalf("a file path opened a %T, want *sqlite.DB", st)
	}
	if err := st.PutApprover(ctx, "oid", "29:id"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no database file: %v", err)
	}
	if !strings.Contains(logs.String(), "driver=sqlite") || !strings.Contains(logs.String(), path) {
		t.Fatalf("log does not say which store opened: %s", logs.String())
	}
}

func TestOpenFailureIsUnavailableAndRedacted(t *testing.T) {
	for _, dsn := range []string{
		"postgres://mfabot:s3cret@127.0.0.1:1/mfabot?sslmode=disable&connect_timeout=2",
		"POSTGRESQL://mfabot:s3cret@127.0.0.1:1/mfabot?sslmode=disable&connect_timeout=2",
	} {
		_, err := store.Open(ctx, dsn, nil)
		if mfa.Code(err) != mfa.EUnavailable {
			t.Fatalf("%s: %v (code %q), want unavailable", store.Redact(dsn), err, mfa.Code(err))
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Fatalf("error shows the password: %v", err)
		}
		// A PostgreSQL URL must not have fallen through to SQLite.
		if !strings.Contains(err.Error(), "postgres:") {
			t.Fatalf("%s was not opened as PostgreSQL: %v", store.Redact(dsn), err)
		}
	}
	_, err := store.Open(ctx, filepath.Join(t.TempDir(), "no", "such", "dir", "x.db"), nil)
	if mfa.Code(err) != mfa.EUnavailable || !strings.Contains(mfa.Message(err), "x.db") {
		t.Fatalf("open in a missing directory: %v", err)
	}
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"postgres://mfabot:s3cret@db:5432/mfabot?sslmode=require": "postgres://mfabot:xxxxx@db:5432/mfabot?sslmode=require",
		"postgresql://db/mfabot":                                  "postgresql://db/mfabot",
		"/var/lib/mfabot/mfabot.db":                               "/var/lib/mfabot/mfabot.db",
		"postgres://u:p@[::1:bad/x":                               "(unparsable URL)",
		// PostgreSQL also takes the password as a query parameter.
		"postgres://mfabot@db/mfabot?password=s3cret&sslpassword=k3y": "postgres://mfabot@db/mfabot?password=xxxxx&sslpassword=xxxxx",
	}
	for in, want := range cases {
		if got := store.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOpenPostgres runs when a server is at MFABOT_TEST_POSTGRES_URL: a
// postgres:// URL opens the PostgreSQL store on a database of its own.
func TestOpenPostgres(t *testing.T) {
	server := os.Getenv("MFABOT_TEST_POSTGRES_URL")
	if server == "" {
		if os.Getenv("MFABOT_REQUIRE_POSTGRES") == "1" {
			t.Fatal("MFABOT_REQUIRE_POSTGRES=1 but MFABOT_TEST_POSTGRES_URL is not set")
		}
		t.Skip("no PostgreSQL: set MFABOT_TEST_POSTGRES_URL (eval \"$(scripts/postgres.sh)\") to run this test")
	}
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	b := make([]byte, 8)
	rand.Read(b)
	name := "t_open_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name

	var logs bytes.Buffer
	st, err := store.Open(ctx, u.String(), slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, ok := st.(*postgres.DB); !ok {
		t.Fatalf("a postgres URL opened a %T, want *postgres.DB", st)
	}
	if err := st.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "driver=postgres") {
		t.Fatalf("log does not say which store opened: %s", logs.String())
	}
	var e *mfa.Error
	if _, err := st.User(ctx, "missing"); !errors.As(err, &e) || e.Code != mfa.ENotFound {
		t.Fatalf("get on the opened store: %v", err)
	}
}
