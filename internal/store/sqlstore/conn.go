package sqlstore

import "context"

// Querier runs the statements of one operation: in a transaction, or on a
// connection pool outside one. Statements number their parameters $1, $2,
// …: PostgreSQL reads them, and so does the SQLite driver, which binds $N
// to the Nth argument.
type Querier interface {
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, q string, args ...any) (int64, error)
	// Query runs a statement that returns rows; the caller closes them.
	Query(ctx context.Context, q string, args ...any) (ClosingRows, error)
	// QueryRow runs a statement that returns at most one row.
	QueryRow(ctx context.Context, q string, args ...any) Row
}

// ClosingRows are the rows of a query, which their reader closes.
type ClosingRows interface {
	Rows
	Close()
}

// Conn is what a SQL store lends the code both stores share: its
// transactions and connections, and its driver's reading of errors. Errors
// of fn pass through Tx and Write as they are; a method called after the
// store's Close answers EUnavailable.
type Conn interface {
	// Tx runs fn in one transaction that no other writer, in this process
	// or another, can interleave with where the statements lock: the SQLite
	// store's write transaction (BEGIN IMMEDIATE), a PostgreSQL transaction
	// whose rows are locked as Dialect says.
	Tx(ctx context.Context, op string, fn func(q Querier) error) error
	// Write runs fn, whose one statement is atomic on its own: PostgreSQL
	// runs it outside a transaction, SQLite in its write transaction.
	Write(ctx context.Context, op string, fn func(q Querier) error) error
	// Read returns a Querier for reads.
	Read(op string) (Querier, error)
	// Fail turns an error of the database into the store's error for op.
	Fail(op string, err error) error
	// IsUnique reports a unique or primary key violation.
	IsUnique(err error) bool
	// IsForeignKey reports a foreign key violation.
	IsForeignKey(err error) bool
}

// Dialect is what the shared statements leave to each database.
type Dialect struct {
	// NoRows is the driver's error for a query that found no row.
	NoRows error
	// Lock ends a SELECT of a row that the transaction then writes, so a
	// concurrent writer of the row waits: " FOR NO KEY UPDATE" on
	// PostgreSQL (what an UPDATE takes; inserts that reference the row go
	// on), "" on SQLite, whose write transaction excludes every other
	// writer.
	Lock string
	// Param is the nth parameter of a statement the shared code builds
	// (lists of states, rows of items), which numbers them in order of
	// appearance from 1: "$n" on PostgreSQL, "?" on SQLite. The SQLite
	// driver reads the name of every parameter of a statement, and SQLite
	// looks a name ("$n", "?n") up among all of them: binding thousands
	// took seconds. An anonymous "?" has no name to look up.
	Param func(n int) string
	// Claim leases the claimable items of a batch (see ClaimBatchItems):
	// $1 the batch, $2 the owner, $3 the lease's end, $4 now, $5 how
	// many; it returns BatchItemColumns of the items it leased.
	Claim string
}
