package graph_test

import (
	"sync/atomic"
	"testing"

	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

// BenchmarkPrivileges10k reads one user's privileges (every path to power,
// ten concurrent listings) over the real SDK and loopback HTTP, in a
// fake tenant of 10,000 incident users, from 16 goroutines at once as an
// incident batch's workers do.
func BenchmarkPrivileges10k(b *testing.B) {
	s := graphfake.New(graphfake.Options{Tenant: graphfake.IncidentTenant(10000), MaxRequests: -1})
	b.Cleanup(s.Close)
	d, err := graph.NewAnonymous(s.URL())
	if err != nil {
		b.Fatal(err)
	}
	watch := []string{graphfake.DemoHelpdeskGroupID, graphfake.DemoApproverGroupID, graphfake.DemoProtectedGroupID}
	var n atomic.Int64
	b.SetParallelism(8) // 16 goroutines on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))%10000 + 1
			if _, err := d.Privileges(ctx, graphfake.IncidentUserID("", i), watch); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(s.CallCount())/float64(b.N), "calls/op")
}

// BenchmarkEachGroupMember10k lists the 10,000 members of a group (11
// pages of 999) over the real SDK and loopback HTTP.
func BenchmarkEachGroupMember10k(b *testing.B) {
	s := graphfake.New(graphfake.Options{Tenant: graphfake.IncidentTenant(10000), MaxRequests: -1})
	b.Cleanup(s.Close)
	d, err := graph.NewAnonymous(s.URL())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n := 0
		if err := d.EachGroupMember(ctx, graphfake.IncidentGroupID, func(mfa.User) error { n++; return nil }); err != nil || n != 10000 {
			b.Fatalf("%d members, %v", n, err)
		}
	}
}
