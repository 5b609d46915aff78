package sqlstore

import (
	"fmt"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Unavailable wraps a failure of the database in the one phrasing every
// method of a store uses: the cause names the store and the operation, the
// message is for people.
func Unavailable(store, op string, err error) error {
	return mfa.Wrap(mfa.EUnavailable, fmt.Errorf("%s: %s: %w", store, op, err), "the request store is unavailable")
}
