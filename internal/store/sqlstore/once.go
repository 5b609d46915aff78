package sqlstore

import (
	"sync/atomic"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// PurgeEvery is how often Once also deletes the keys that have expired.
const PurgeEvery = time.Minute

// CheckTTL refuses a Once ttl that is not positive (EInvalid).
func CheckTTL(ttl time.Duration) error {
	if ttl <= 0 {
		return mfa.Errorf(mfa.EInvalid, "Once needs a positive ttl")
	}
	return nil
}

// Purge schedules the deletion of expired Once keys, so the table does not
// grow with every key ever seen while most calls stay a single upsert. Its
// zero value is ready: the first call is due. It is safe for concurrent
// use.
type Purge struct {
	last atomic.Int64 // unix nanoseconds of the last purge
}

// Due reports whether a purge is due at now (unix nanoseconds): PurgeEvery
// after the last one, or at once if the clock went back.
func (p *Purge) Due(now int64) bool {
	last := p.last.Load()
	return now-last >= int64(PurgeEvery) || now < last
}

// Done records a purge at now.
func (p *Purge) Done(now int64) { p.last.Store(now) }
