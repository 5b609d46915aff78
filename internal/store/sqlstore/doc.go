// Package sqlstore holds what the SQL stores (internal/store/sqlite and
// internal/store/postgres) share because it is the same on both: the column
// forms of times, the loading and numbering of embedded migrations, the
// decoding of request, journal, audit and key-value rows, the Once purge
// schedule, the phrasing of the errors they return, and the whole of
// incident mode's batch store (Batches), whose statements both databases
// read alike but for a Dialect.
//
// What differs between the databases stays in each store: transactions and
// locking (for Batches, its Conn and Dialect), the detection of constraint
// violations, the driver (pgx or database/sql), and the statements of
// requests, written with each database's placeholders (those of Batches
// number theirs $1, $2, …, which both read).
package sqlstore
