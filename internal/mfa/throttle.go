package mfa

import (
	"context"
	"sync"
	"time"
)

// writeThrottle spaces a batch's Graph writes so that every worker of
// every replica together stays at the configured rate: each replica
// reserves slots in small blocks from the store's shared throttle (one
// store round trip per block) and hands them out to its workers one by
// one, each at its slot's time. A 429 anywhere holds the shared throttle
// until Graph's Retry-After, so every replica waits, not just the worker
// that was refused.
type writeThrottle struct {
	store BatchStore
	clock Clock
	every time.Duration // one write's share of a second
	block int           // slots reserved per store round trip
	sleep func(ctx context.Context, d time.Duration) error

	mu    sync.Mutex
	next  time.Time // the next local slot
	left  int       // slots left in the local block
	held  time.Time // no slot before this (a 429 seen here)
	holds int       // 429s reported
}

// throttleName is the shared throttle's key in the store.
const throttleName = "graph-writes"

func newWriteThrottle(store BatchStore, clock Clock, perSecond int) *writeThrottle {
	every := time.Second / time.Duration(perSecond)
	// A block is a twentieth of a second of writes (at least one): the
	// store is asked at most twenty times a second per replica, and a hold
	// another replica saw stops this one within a block.
	block := max(perSecond/20, 1)
	return &writeThrottle{store: store, clock: clock, every: every, block: block, sleep: sleepCtx}
}

// Wait returns when the caller may send one write.
func (t *writeThrottle) Wait(ctx context.Context) error {
	t.mu.Lock()
	// Slots of the local block before a hold are given up; those after
	// it stay this replica's (every replica's later reservations start
	// after them).
	for t.left > 0 && t.next.Before(t.held) {
		t.next = t.next.Add(t.every)
		t.left--
	}
	if t.left == 0 {
		start, err := t.store.ReserveWrites(ctx, throttleName, t.block, t.every, t.clock.Now())
		if err != nil {
			t.mu.Unlock()
			return err
		}
		t.next, t.left = start, t.block
	}
	at := t.next
	t.next = t.next.Add(t.every)
	t.left--
	t.mu.Unlock()
	return t.sleep(ctx, at.Sub(t.clock.Now()))
}

// Hold stops every replica's writes until Graph's Retry-After has passed.
func (t *writeThrottle) Hold(ctx context.Context, retryAfter time.Duration) {
	if retryAfter <= 0 {
		retryAfter = time.Second
	}
	until := t.clock.Now().Add(retryAfter)
	t.mu.Lock()
	t.holds++
	if until.After(t.held) {
		t.held = until
	}
	t.mu.Unlock()
	_ = t.store.HoldWrites(context.WithoutCancel(ctx), throttleName, until)
}

// Holds is how many times Graph asked this replica to wait.
func (t *writeThrottle) Holds() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.holds
}

// sleepCtx sleeps d, or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WaitHeld returns once a hold this replica saw has passed (before a
// user's reads start).
func (t *writeThrottle) WaitHeld(ctx context.Context) {
	t.mu.Lock()
	held := t.held
	t.mu.Unlock()
	_ = t.sleep(ctx, held.Sub(t.clock.Now()))
}
