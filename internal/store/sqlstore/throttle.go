package sqlstore

import (
	"context"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// The throttle table holds, per key, next_at: when the next write slot may
// start (nanoseconds), the end of the last reservation or a hold, whichever
// is later. Each change is one upsert, which PostgreSQL applies to the row
// it locked and re-read, and SQLite in its write transaction: concurrent
// reservations, from any replica, queue one after another.

// ReserveWrites reserves n write slots spaced every apart on the throttle
// key and returns when the first starts: max(now, next_at); next_at moves
// to that start plus n·every.
func (s Batches) ReserveWrites(ctx context.Context, key string, n int, every time.Duration, now time.Time) (time.Time, error) {
	if key == "" || n < 0 || every < 0 {
		return time.Time{}, mfa.Errorf(mfa.EInvalid, "a write reservation needs a throttle, and a count and a spacing that are not negative")
	}
	span := int64(n) * int64(every)
	var end int64
	err := s.Conn.Write(ctx, "reserve writes", func(q Querier) error {
		err := q.QueryRow(ctx, `INSERT INTO throttle (key, next_at) VALUES ($1, CAST($2 AS bigint) + CAST($3 AS bigint))
			ON CONFLICT (key) DO UPDATE SET next_at = CASE WHEN throttle.next_at > $2 THEN throttle.next_at ELSE $2 END + $3
			RETURNING next_at`, key, Nanos(now), span).Scan(&end)
		if err != nil {
			return s.Conn.Fail("reserve writes", err)
		}
		return nil
	})
	if err != nil {
		return time.Time{}, err
	}
	return FromNanos(end - span), nil
}

// HoldWrites makes the throttle key's next slot start no earlier than
// until.
func (s Batches) HoldWrites(ctx context.Context, key string, until time.Time) error {
	if key == "" {
		return mfa.Errorf(mfa.EInvalid, "a write hold needs a throttle")
	}
	_, err := s.exec(ctx, "hold writes", nil, `INSERT INTO throttle (key, next_at) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET next_at = CASE WHEN throttle.next_at > excluded.next_at THEN throttle.next_at ELSE excluded.next_at END`,
		key, Nanos(until))
	return err
}
