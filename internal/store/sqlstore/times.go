package sqlstore

import (
	"fmt"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Nanos is the column form of a time that is compared or sorted: integer
// nanoseconds since the Unix epoch. The zero time is stored as 0.
func Nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// TextTime is the column form of an audit time: UTC RFC 3339 with
// nanoseconds, the same text mfa.ChainHash hashes.
func TextTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ParseTextTime reads a time stored by TextTime, in UTC.
func ParseTextTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// utcRequest puts every time of a decoded request in UTC, so a request reads
// back equal to the nanosecond whatever zone it was written in.
func utcRequest(r *mfa.Request) {
	r.CreatedAt, r.ExpiresAt, r.UpdatedAt = r.CreatedAt.UTC(), r.ExpiresAt.UTC(), r.UpdatedAt.UTC()
	utcMethods(r.Methods)
	if r.Result != nil {
		res := r.Result
		res.TAPExpires, res.FinishedAt = res.TAPExpires.UTC(), res.FinishedAt.UTC()
		utcMethods(res.Removed)
		utcMethods(res.Remaining)
		for i := range res.Failed {
			res.Failed[i].Method.Created = res.Failed[i].Method.Created.UTC()
		}
	}
}

func utcMethods(ms []mfa.Method) {
	for i := range ms {
		ms[i].Created = ms[i].Created.UTC()
	}
}

// FromNanos is the UTC time of nanoseconds since the Unix epoch.
func FromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }
