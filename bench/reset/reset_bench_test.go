package reset

import (
	"fmt"
	"testing"
	"time"
)

// benchLatency is the time the fake adds to every Graph call.
const benchLatency = 50 * time.Millisecond

// BenchmarkReset resets users with 1, 4 and 8 methods, timing only the
// execution: mfabot's reset service (Execute, with its SQLite journal and
// audit) and Microsoft's sequential algorithm, through the same Graph
// adapter. Seeding, the request and its approval happen with the timer
// stopped and without latency.
func BenchmarkReset(b *testing.B) {
	for _, n := range Sizes {
		u := User(n)
		b.Run(fmt.Sprintf("methods=%d", n), func(b *testing.B) {
			b.Run("mfabot", func(b *testing.B) {
				e := newEnv(b, benchLatency)
				b.StopTimer()
				b.ResetTimer() // the setup above is not measured
				var trips, calls int
				for range b.N {
					id := e.approved(b, u, false)
					b.StartTimer()
					r, err := e.svc.Execute(ctx, id)
					b.StopTimer()
					checkResult(b, r, err, n)
					e.checkCleared(b, u)
					t, c := e.measure()
					trips, calls = trips+t, calls+c
				}
				report(b, trips, calls)
			})
			b.Run("sequential", func(b *testing.B) {
				e := newEnv(b, benchLatency)
				b.StopTimer()
				b.ResetTimer() // the setup above is not measured
				var trips, calls int
				for range b.N {
					e.seed(u)
					e.arm()
					b.StartTimer()
					res, err := Sequential(ctx, e.dir, u.ID)
					b.StopTimer()
					if err != nil || len(res.Kept) > 0 || len(res.Removed) != n {
						b.Fatalf("sequential: removed %d of %d, kept %v, err %v", len(res.Removed), n, res.Kept, err)
					}
					e.checkCleared(b, u)
					t, c := e.measure()
					trips, calls = trips+t, calls+c
				}
				report(b, trips, calls)
			})
		})
	}
}

func report(b *testing.B, trips, calls int) {
	b.ReportMetric(float64(trips)/float64(b.N), "roundtrips/op")
	b.ReportMetric(float64(calls)/float64(b.N), "graphcalls/op")
}
