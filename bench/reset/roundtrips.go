package reset

import (
	"slices"
	"time"

	"github.com/mfabot/mfabot/internal/graphfake"
)

// RoundTrips is the number of Graph round trips on the critical path of
// reqs, given that every answer takes at least latency: the longest chain
// of requests each of which started at least one latency after the one
// before. A request that started less than a latency after another cannot
// have waited for its answer, so a wave of concurrent requests counts once
// and every wave that had to wait for the previous one counts again.
// Taking the earliest request, then the earliest one a latency later, and
// so on, finds the longest such chain.
func RoundTrips(reqs []graphfake.Request, latency time.Duration) int {
	starts := make([]time.Time, len(reqs))
	for i, r := range reqs {
		starts[i] = r.Time
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	n := 0
	var wave time.Time
	for _, t := range starts {
		if n == 0 || t.Sub(wave) >= latency {
			n++
			wave = t
		}
	}
	return n
}
