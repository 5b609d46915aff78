package bot

import (
	"sync"
	"time"
)

// seenSet remembers activity ids in memory for dedupeTTL. It catches every
// redelivery to this replica at no I/O cost; activities with effects are
// also recorded in the store (Once), so a redelivery to another replica is
// caught too.
type seenSet struct {
	mu   sync.Mutex
	ids  map[string]time.Time // id → when first seen
	next time.Time            // when to purge expired ids next
}

// maxSeen bounds memory: past it, expired ids are purged at once.
const maxSeen = 100_000

// first records key and reports whether it is new within ttl.
func (s *seenSet) first(key string, now time.Time, ttl time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids == nil {
		s.ids = map[string]time.Time{}
	}
	if now.After(s.next) || len(s.ids) >= maxSeen {
		for k, at := range s.ids {
			if now.Sub(at) >= ttl {
				delete(s.ids, k)
			}
		}
		s.next = now.Add(ttl)
		if len(s.ids) >= maxSeen {
			s.ids = map[string]time.Time{} // a flood of unique ids: forget rather than grow
		}
	}
	if at, ok := s.ids[key]; ok && now.Sub(at) < ttl {
		return false
	}
	s.ids[key] = now
	return true
}

// forget drops key, so its next sighting counts as first.
func (s *seenSet) forget(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ids, key)
}
