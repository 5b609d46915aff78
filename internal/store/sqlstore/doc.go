// Package sqlstore holds what the SQL stores (internal/store/sqlite and
// internal/store/postgres) share because it is the same on both: the column
// forms of times, the loading and numbering of embedded migrations, the
// decoding of request, journal, audit and key-value rows, the Once purge
// schedule, and the phrasing of the errors they return.
//
// What differs between the databases stays in each store: placeholders,
// transactions and locking, the detection of constraint violations, and the
// driver (pgx or database/sql).
package sqlstore
