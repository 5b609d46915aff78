package sqlstore

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
