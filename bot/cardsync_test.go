package bot

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The users cache holds at most its bound, whatever the number of users.
func TestUserCacheIsBounded(t *testing.T) {
	t.Parallel()
	c := newLRU[string, int](100)
	for i := range 50_000 {
		c.Store(fmt.Sprint("oid-", i), i)
	}
	if c.Len() != 100 {
		t.Fatalf("%d entries after 50,000 users, want 100", c.Len())
	}
	if v, ok := c.Load("oid-49999"); !ok || v != 49999 {
		t.Fatal("the most recent user was forgotten")
	}
	if _, ok := c.Load("oid-0"); ok {
		t.Fatal("the oldest user was kept")
	}
}

// Card updates run on at most the pool's workers, a request is never
// synced twice at once, a change during a sync runs it once more, and
// repeated changes of a queued request are one sync.
func TestCardQueueIsBoundedAndCoalesces(t *testing.T) {
	t.Parallel()
	var running, peak, runs atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	perID := map[string]int{}
	var mu sync.Mutex
	q := newCardQueue(3, 1000, func(ctx context.Context, id string) {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-release
		mu.Lock()
		perID[id]++
		mu.Unlock()
		runs.Add(1)
		running.Add(-1)
	}, func(fn func()) { wg.Add(1); go func() { defer wg.Done(); fn() }() }, nil)
	for i := range 50 {
		q.schedule(context.Background(), fmt.Sprint("R-", i))
	}
	for range 10 { // queued already: coalesced
		q.schedule(context.Background(), "R-49")
	}
	time.Sleep(50 * time.Millisecond)
	q.schedule(context.Background(), "R-0") // running: runs once more after
	close(release)
	wg.Wait()
	if peak.Load() > 3 {
		t.Fatalf("%d card syncs at once, want at most 3", peak.Load())
	}
	if perID["R-49"] != 1 || perID["R-0"] != 2 || runs.Load() != 51 {
		t.Fatalf("R-49 %d, R-0 %d, all %d; want 1, 2, 51", perID["R-49"], perID["R-0"], runs.Load())
	}
}

// Updates to one conversation are paced (a burst, then one per interval),
// other conversations are not held by it, and a 429 holds the
// conversation for the time asked.
func TestConversationPacing(t *testing.T) {
	t.Parallel()
	p := newPacer(2, 40*time.Millisecond, 100)
	ctx := context.Background()
	start := time.Now()
	for range 5 {
		if err := p.wait(ctx, "a:busy"); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 110*time.Millisecond {
		t.Fatalf("5 updates to one conversation in %v, want at least 3 intervals after a burst of 2", d)
	}
	start = time.Now()
	if err := p.wait(ctx, "a:quiet"); err != nil || time.Since(start) > 20*time.Millisecond {
		t.Fatalf("another conversation was held: %v %v", time.Since(start), err)
	}
	p.hold("a:quiet", 150*time.Millisecond)
	start = time.Now()
	_ = p.wait(ctx, "a:quiet")
	if d := time.Since(start); d < 140*time.Millisecond {
		t.Fatalf("after a 429 the conversation was written again after %v", d)
	}
}
