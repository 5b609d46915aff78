package sqlstore

import (
	"encoding/json"
	"errors"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Rows is what the Scan functions of several rows read: both *sql.Rows
// and pgx.Rows have it. Closing the rows stays with the caller.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// Row is one row of a query: both *sql.Row and pgx.Row have it.
type Row interface {
	Scan(dest ...any) error
}

// Fail turns an error of the database itself (a failed Scan, a broken
// iteration) into the store's error for the operation under way.
type Fail func(err error) error

// decodeJSON reads the JSON of a stored what (a data column); unreadable
// data is EInternal.
func decodeJSON[T any](data, what string) (T, error) {
	var v T
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		var zero T
		return zero, mfa.Wrap(mfa.EInternal, err, "a stored %s is unreadable", what)
	}
	return v, nil
}

// scanOne decodes row, of one text column, with decode; no row (the
// driver's noRows) is the error notFound returns.
func scanOne[T any](row Row, noRows error, notFound func() error, fail Fail, decode func(data string) (T, error)) (T, error) {
	var (
		data string
		zero T
	)
	err := row.Scan(&data)
	if errors.Is(err, noRows) {
		return zero, notFound()
	}
	if err != nil {
		return zero, fail(err)
	}
	return decode(data)
}

// scanData decodes rows of one text column with decode, in order.
func scanData[T any](rows Rows, fail Fail, decode func(data string) (T, error)) ([]T, error) {
	var out []T
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return nil, fail(err)
		}
		v, err := decode(data)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(err)
	}
	return out, nil
}
