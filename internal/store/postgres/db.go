package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/redact"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// DB is the PostgreSQL store. It implements mfa.Store, mfa.BatchStore and
// botstate.Store and is safe for concurrent use, by one process or by
// several.
type DB struct {
	pool   *pgxpool.Pool
	now    func() time.Time
	closed atomic.Bool
	once   sync.Once
	purge  sqlstore.Purge // of expired Once keys

	// Values keeps the breaker and the bot's state in the kv table.
	sqlstore.Values
	// Batches keeps incident mode's batches, work queue and throttle.
	sqlstore.Batches
}

var (
	_ mfa.Store      = (*DB)(nil)
	_ mfa.BatchStore = (*DB)(nil)
	_ botstate.Store = (*DB)(nil)
)

// Option configures Open.
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock sets the clock the store reads for Once expiry and the
// bookkeeping times it sets itself (tests inject a fake).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// Open connects to the database at url (postgres://user@host:port/db?...;
// pgxpool's parameters such as pool_max_conns are honoured) and migrates its
// schema.
func Open(ctx context.Context, url string, opts ...Option) (*DB, error) {
	o := options{now: time.Now}
	for _, f := range opts {
		f(&o)
	}
	where := redact.URL(url)
	if url == "" {
		return nil, errors.New("postgres: open: no database URL")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open %s: %w", where, err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open %s: %w", where, err)
	}
	db := &DB{pool: pool, now: o.now}
	db.Values = sqlstore.Values{KV: db}
	db.Batches = sqlstore.Batches{Conn: conn{db}, Dialect: dialect}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", where, err)
	}
	return db, nil
}

// Pool returns the connection pool, for tests and maintenance tools only
// (the application goes through the mfa.Store methods).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Close closes the pool. It is safe to call more than once, and every store
// method afterwards returns an *mfa.Error with EUnavailable.
func (db *DB) Close() error {
	db.once.Do(func() {
		db.closed.Store(true)
		db.pool.Close()
	})
	return nil
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	if db.closed.Load() {
		return unavailable("ping", errClosed)
	}
	var one int
	if err := db.pool.QueryRow(ctx, `SELECT 1`).Scan(&one); err != nil {
		return unavailable("ping", err)
	}
	return nil
}

// errClosed is the cause reported by methods called after Close.
var errClosed = errors.New("postgres: database is closed")

// unavailable wraps a database failure in the one phrasing every method
// uses: the cause names the operation, the message is for people.
func unavailable(op string, err error) error { return sqlstore.Unavailable("postgres", op, err) }

// failed turns an error of a statement into the store's error: a value
// PostgreSQL cannot keep is EInvalid, anything else EUnavailable.
func failed(op string, err error) error {
	if isDataException(err) {
		return mfa.Wrap(mfa.EInvalid, fmt.Errorf("postgres: %s: %w", op, err), "the request store cannot keep this value (it contains a NUL character or invalid text)")
	}
	return unavailable(op, err)
}

// failWith is failed for the row scanners of sqlstore.
func failWith(op string) sqlstore.Fail {
	return func(err error) error { return failed(op, err) }
}

// tx runs fn in a transaction and commits it when fn returns nil. Errors fn
// returns are passed through as they are; failures of the database itself
// come back as EUnavailable.
func (db *DB) tx(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	if db.closed.Load() {
		return unavailable(op, errClosed)
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return unavailable(op, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return unavailable(op, err)
	}
	return nil
}

// conn returns the pool, or an error after Close.
func (db *DB) conn(op string) (*pgxpool.Pool, error) {
	if db.closed.Load() {
		return nil, unavailable(op, errClosed)
	}
	return db.pool, nil
}
