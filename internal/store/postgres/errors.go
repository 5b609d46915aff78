package postgres

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// SQLSTATE codes the store tells apart.
const (
	foreignKeyViolation = "23503"
	uniqueViolation     = "23505"
)

func sqlState(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// isUnique reports a unique or primary key violation.
func isUnique(err error) bool { return sqlState(err) == uniqueViolation }

// isForeignKey reports a foreign key violation.
func isForeignKey(err error) bool { return sqlState(err) == foreignKeyViolation }

// isDataException reports SQLSTATE class 22: a value the database refuses,
// such as a NUL character or invalid UTF-8 in text.
func isDataException(err error) bool { return strings.HasPrefix(sqlState(err), "22") }
