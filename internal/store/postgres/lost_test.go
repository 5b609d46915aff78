package postgres_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/postgres"
)

// TestLostDatabase drops the database under an open store: every method
// answers EUnavailable with the one message, instead of hanging or
// panicking.
func TestLostDatabase(t *testing.T) {
	url := newDatabase(t, false)
	db := open(t, url)
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	name := url[strings.LastIndex(url, "/")+1:]
	if i := strings.Index(name, "?"); i >= 0 {
		name = name[:i]
	}
	if _, err := admin.pool.Exec(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"Ping":       func() error { return db.Ping(ctx) },
		"GetRequest": func() error { _, err := db.GetRequest(ctx, "x"); return err },
		"AppendAudit": func() error {
			_, err := db.AppendAudit(ctx, mfa.AuditEvent{Time: time.Unix(1, 0), Type: mfa.AuditAlert})
			return err
		},
		"Once": func() error { _, err := db.Once(ctx, "k", time.Minute); return err },
		"Put":  func() error { return db.Put(ctx, "ns", "k", nil) },
	}
	for name, call := range calls {
		err := call()
		if mfa.Code(err) != mfa.EUnavailable || mfa.Message(err) != "the request store is unavailable" {
			t.Fatalf("%s on a lost database: %v (code %q), want unavailable", name, err, mfa.Code(err))
		}
	}
}

// TestOpenErrors needs no server: bad URLs and an unreachable server fail
// Open, and the error never shows the password.
func TestOpenErrors(t *testing.T) {
	if _, err := postgres.Open(ctx, ""); err == nil {
		t.Fatal("open with no URL succeeded")
	}
	if _, err := postgres.Open(ctx, "postgres://u:s3cret@127.0.0.1:bad/db"); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("open of a bad URL: %v", err)
	}
	// Port 1 on loopback refuses connections.
	_, err := postgres.Open(ctx, "postgres://u:s3cret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("open of an unreachable server succeeded")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("error shows the password: %v", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.1") {
		t.Fatalf("error %q does not name the server", err)
	}
}
