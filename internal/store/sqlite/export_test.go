package sqlite

import "context"

// OnceKeys exposes the number of recorded Once keys to the tests.
func (db *DB) OnceKeys(ctx context.Context) (int, error) { return db.onceKeys(ctx) }
