// Package postgres implements mfa.Store, mfa.BatchStore and botstate.Store
// on PostgreSQL through pgx, for deployments that run several replicas of
// mfabot against one database.
//
// Its behaviour is that of the SQLite store, checked by the same suite
// (internal/store/storetest): conditional request updates, a journal whose
// first write of a key wins, an append-only audit chain, Once and small
// key-value state, the same error codes and messages.
//
// Replicas share the database safely:
//   - A request moves between states with one conditional UPDATE; PostgreSQL
//     re-checks the state on the row it locked, so of two replicas racing the
//     same transition exactly one wins and the other gets EConflict.
//   - Audit appends lock the one row of audit_head (SELECT ... FOR UPDATE),
//     read the last link, compute mfa.ChainHash and insert in the same
//     transaction: appends queue and form one gapless chain.
//   - Workers of every replica claim a batch's items with SELECT ... FOR
//     UPDATE SKIP LOCKED and lease them: no item is leased twice at once.
//     One open batch at a time is a unique index, and the write throttle's
//     reservations are upserts of one row, which queue.
//   - Open applies the numbered migrations embedded from migrations/ in one
//     transaction under pg_advisory_xact_lock, so replicas starting together
//     migrate once; it refuses a schema newer than the binary knows
//     (ErrSchemaTooNew).
//
// Times that are compared are bigint nanoseconds, and the audit time is RFC
// 3339 text with nanoseconds (timestamptz keeps microseconds only), so
// requests read back equal to the nanosecond and the chain re-verifies.
//
// Triggers refuse UPDATE, DELETE and TRUNCATE on the audit table. Tests of
// tamper detection disable them through DB.Pool first:
//
//	db.Pool().Exec(ctx, `ALTER TABLE audit DISABLE TRIGGER audit_no_update`)
package postgres
