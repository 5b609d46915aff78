package bot

import (
	"hash/maphash"
	"sync"
	"time"
)

// seenSet remembers activity ids in memory for dedupeTTL. It catches every
// redelivery to this replica at no I/O cost; activities with effects are
// also recorded in the store (Once), so a redelivery to another replica is
// caught too.
//
// It keeps a 64-bit keyed hash of each key (seeded at random per process,
// so nobody can make two ids collide on purpose) and the time as
// nanoseconds since the set's first use: 16 bytes an entry instead of the key and a time.Time, which
// at maxSeen ids was most of the bot's live heap under load. Two ids share
// a hash with a chance of about one in 10^14 while the set is full; the
// later one would be taken for a redelivery.
type seenSet struct {
	mu   sync.Mutex
	seed maphash.Seed
	base time.Time        // the first use: times are kept as offsets from it
	ids  map[uint64]int64 // hash of the key → when first seen (ns after base)
	next time.Time        // when to purge expired ids next
}

// maxSeen bounds memory: past it, expired ids are purged at once.
const maxSeen = 100_000

// hash returns the key's hash, setting the set up on its first use at
// now; s.mu is held.
func (s *seenSet) hash(key string, now time.Time) uint64 {
	if s.ids == nil {
		s.seed, s.base = maphash.MakeSeed(), now
		s.ids = map[uint64]int64{}
	}
	return maphash.String(s.seed, key)
}

// first records key and reports whether it is new within ttl.
func (s *seenSet) first(key string, now time.Time, ttl time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hash(key, now)
	at := int64(now.Sub(s.base))
	if now.After(s.next) || len(s.ids) >= maxSeen {
		for k, seen := range s.ids {
			if at-seen >= int64(ttl) {
				delete(s.ids, k)
			}
		}
		s.next = now.Add(ttl)
		if len(s.ids) >= maxSeen {
			s.ids = map[uint64]int64{} // a flood of unique ids: forget rather than grow
		}
	}
	if seen, ok := s.ids[h]; ok && at-seen < int64(ttl) {
		return false
	}
	s.ids[h] = at
	return true
}

// forget drops key, so its next sighting counts as first.
func (s *seenSet) forget(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids != nil {
		delete(s.ids, maphash.String(s.seed, key))
	}
}
