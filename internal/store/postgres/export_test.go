package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// OnceKeys exposes the number of recorded Once keys to the tests.
func (db *DB) OnceKeys(ctx context.Context) (int, error) { return db.onceKeys(ctx) }

// MigrationsDigest identifies the embedded migrations, so the tests name
// their template database after it and never clone a stale one.
func MigrationsDigest() string {
	ms, err := schema.Migrations()
	if err != nil {
		panic(err)
	}
	h := sha256.New()
	for _, m := range ms {
		h.Write([]byte(m.Name + "\x00" + m.SQL + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))
}
