package sqlstore

import (
	"errors"

	"github.com/mfabot/mfabot/internal/mfa"
)

// ScanValue reads row, the value column of (ns, key). noRows is the
// driver's error for a query that found no row: the store holds no such
// value (ENotFound).
func ScanValue(row Row, ns, key string, noRows error, fail Fail) ([]byte, error) {
	var v []byte
	err := row.Scan(&v)
	if errors.Is(err, noRows) {
		return nil, mfa.Errorf(mfa.ENotFound, "no %s value named %q", ns, key)
	}
	if err != nil {
		return nil, fail(err)
	}
	return value(v), nil
}

// value returns a stored value as the store hands it out: never nil, so an
// empty value reads back as empty rather than absent.
func value(v []byte) []byte {
	if v == nil {
		return []byte{}
	}
	return v
}

// ScanKV collects rows of two columns, key and value, into a map (empty,
// not nil, when there are none).
func ScanKV(rows Rows, fail Fail) (map[string][]byte, error) {
	out := map[string][]byte{}
	for rows.Next() {
		var k string
		var v []byte
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fail(err)
		}
		out[k] = value(v)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(err)
	}
	return out, nil
}
