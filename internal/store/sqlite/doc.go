// Package sqlite implements mfa.Store, mfa.BatchStore and botstate.Store on
// SQLite through the pure-Go driver modernc.org/sqlite (no cgo).
//
// The database runs in WAL mode with foreign keys on. Every write goes
// through one connection, so writers inside the process queue in Go instead
// of failing with SQLITE_BUSY; reads use a small pool of read-only
// connections and never block the writer. busy_timeout covers other
// processes (an operator running `mfabot audit verify` on the same file).
// synchronous=FULL makes every committed transaction durable: an audit
// record that was returned is on disk.
//
// The schema is created and upgraded by the numbered migrations embedded
// from migrations/, applied in one transaction at Open and recorded in
// schema_migrations. Open refuses a database whose schema is newer than the
// binary knows (ErrSchemaTooNew).
//
// Audit rows are never updated or deleted by this package, and triggers
// (audit_no_update, audit_no_delete) make the database refuse it as well.
// Tests of tamper detection drop those triggers through DB.SQL first:
//
//	db.SQL().Exec(`DROP TRIGGER audit_no_update`)
//	db.SQL().Exec(`UPDATE audit SET type = 'x' WHERE seq = 2`)
package sqlite
