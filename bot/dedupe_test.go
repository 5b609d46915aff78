package bot

import (
	"strconv"
	"testing"
	"time"
)

func TestSeenSetFirstSightingOnly(t *testing.T) {
	var s seenSet
	t0 := time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)
	if !s.first("activity:1", t0, dedupeTTL) || !s.first("activity:2", t0, dedupeTTL) {
		t.Fatal("a new id was taken for a redelivery")
	}
	if s.first("activity:1", t0.Add(dedupeTTL-time.Nanosecond), dedupeTTL) {
		t.Fatal("a redelivery within the TTL was taken for a first sighting")
	}
	if !s.first("activity:1", t0.Add(dedupeTTL), dedupeTTL) {
		t.Fatal("an id was remembered past the TTL")
	}
	s.forget("activity:2")
	if !s.first("activity:2", t0.Add(time.Second), dedupeTTL) {
		t.Fatal("a forgotten id was remembered")
	}
	s.forget("never seen")
	var empty seenSet
	empty.forget("activity:1") // before any use
}

// A flood of unique ids empties the set rather than growing it past
// maxSeen; ids seen within the TTL before the flood are then forgotten.
func TestSeenSetBounded(t *testing.T) {
	var s seenSet
	now := time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)
	for i := range maxSeen + 10 {
		if !s.first("activity:"+strconv.Itoa(i), now, dedupeTTL) {
			t.Fatalf("id %d taken for a redelivery", i)
		}
		if len(s.ids) > maxSeen {
			t.Fatalf("set grew to %d", len(s.ids))
		}
	}
	if s.first("activity:"+strconv.Itoa(maxSeen+5), now, dedupeTTL) {
		t.Fatal("an id seen after the flood was forgotten")
	}
}
