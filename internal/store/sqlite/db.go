package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DB is the SQLite store. It implements mfa.Store, mfa.BatchStore and
// botstate.Store and is safe for concurrent use.
type DB struct {
	w      *sql.DB // the single writer connection
	r      *sql.DB // read-only connections; the writer itself for :memory:
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
	now         func() time.Time
	busyTimeout time.Duration
	readers     int
}

// WithClock sets the clock the store reads for Once expiry and the
// bookkeeping times it sets itself (tests inject a fake).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithBusyTimeout sets how long a statement waits for a lock held by another
// process before failing (default 10s).
func WithBusyTimeout(d time.Duration) Option { return func(o *options) { o.busyTimeout = d } }

// WithReaders sets the number of read-only connections (default 4).
func WithReaders(n int) Option { return func(o *options) { o.readers = n } }

// Open opens (creating it if needed) the database at path, or a private
// in-memory database for ":memory:", and migrates its schema.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	o := options{now: time.Now, busyTimeout: 10 * time.Second, readers: 4}
	for _, f := range opts {
		f(&o)
	}
	if path == "" {
		return nil, errors.New("sqlite: open: no database path")
	}
	memory := path == ":memory:"
	busy := strconv.FormatInt(o.busyTimeout.Milliseconds(), 10)

	wq := url.Values{}
	wq.Set("_busy_timeout", busy)
	wq.Set("_foreign_keys", "1")
	wq.Set("_txlock", "immediate")
	if !memory {
		wq.Set("_journal_mode", "WAL")
		wq.Set("_synchronous", "FULL")
	}
	name := fileURI(path)
	if memory {
		name = path
	}
	w, err := sql.Open("sqlite", name+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	db := &DB{w: w, r: w, now: o.now}
	db.Values = sqlstore.Values{KV: db}
	db.Batches = sqlstore.Batches{Conn: conn{db}, Dialect: dialect}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if memory {
		return db, nil
	}

	rq := url.Values{}
	rq.Set("_busy_timeout", busy)
	rq.Set("_foreign_keys", "1")
	rq.Set("_query_only", "1")
	r, err := sql.Open("sqlite", name+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(o.readers, 1))
	r.SetMaxIdleConns(max(o.readers, 1))
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.r = r
	return db, nil
}

// fileURI names the file at exactly path as an SQLite URI: the driver
// reads what follows the first "?" as its settings, so a "?" in the path
// would cut it short (and drop the settings); in a "file:" URI SQLite
// decodes %XX escapes, so "%", "?" and "#" are escaped and every other
// character stays as it is (https://sqlite.org/uri.html).
func fileURI(path string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23")
	return "file:" + r.Replace(path)
}

// SQL returns the writer connection pool, for tests and maintenance tools
// only (the application goes through the mfa.Store methods). It has a single
// connection: close every *sql.Rows promptly, or the store stalls.
func (db *DB) SQL() *sql.DB { return db.w }

// Close closes the database. It is safe to call more than once; every call
// after the first returns nil, and every store method afterwards returns an
// *mfa.Error with EUnavailable.
func (db *DB) Close() error {
	var err error
	db.once.Do(func() {
		db.closed.Store(true)
		if db.r != db.w {
			err = db.r.Close()
		}
		if werr := db.w.Close(); werr != nil && err == nil {
			err = werr
		}
	})
	if err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.r.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return unavailable("ping", err)
	}
	return nil
}

// errClosed is the cause reported by methods called after Close.
var errClosed = errors.New("sqlite: database is closed")

// unavailable wraps a database failure in the one phrasing every method
// uses: the cause names the operation, the message is for people.
func unavailable(op string, err error) error { return sqlstore.Unavailable("sqlite", op, err) }

// failWith is unavailable for the row scanners of sqlstore.
func failWith(op string) sqlstore.Fail {
	return func(err error) error { return unavailable(op, err) }
}

// write runs fn in a write transaction (BEGIN IMMEDIATE on the single writer
// connection) and commits it when fn returns nil. Errors fn returns are
// passed through as they are; failures of the database itself come back as
// EUnavailable.
func (db *DB) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if db.closed.Load() {
		return unavailable(op, errClosed)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return unavailable(op, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return unavailable(op, err)
	}
	return nil
}

// reader returns the pool for reads, or an error after Close.
func (db *DB) reader(op string) (*sql.DB, error) {
	if db.closed.Load() {
		return nil, unavailable(op, errClosed)
	}
	return db.r, nil
}
