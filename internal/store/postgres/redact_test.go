package postgres_test

import (
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/store/postgres"
)

// TestOpenErrorHidesPasswords needs no server: opening an address where
// nothing listens fails, and the error names the database without the
// password, whether it is in the user info or a query parameter.
func TestOpenErrorHidesPasswords(t *testing.T) {
	for _, dsn := range []string{
		"postgres://mfabot:s3cret@127.0.0.1:1/mfabot?sslmode=disable&connect_timeout=2",
		"postgres://mfabot@127.0.0.1:1/mfabot?sslmode=disable&connect_timeout=2&password=s3cret",
	} {
		db, err := postgres.Open(ctx, dsn)
		if err == nil {
			db.Close()
			t.Fatal("opened a database where nothing listens")
		}
		if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "127.0.0.1:1/mfabot") {
			t.Fatalf("error %q: want the database named without its password", err)
		}
	}
}
