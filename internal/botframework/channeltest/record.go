package channeltest

import (
	"slices"
	"testing"
	"time"
)

// Sent returns the activities posted so far, in order.
func (c *Channel) Sent() []Sent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sent)
}

// Updates returns the activity updates so far, in order.
func (c *Channel) Updates() []Update {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.updates)
}

// Conversations returns the conversations created so far, in order.
func (c *Channel) Conversations() []Conversation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.convs)
}

// WaitSent waits until at least n activities were posted and returns them;
// it fails the test after timeout.
func (c *Channel) WaitSent(t testing.TB, n int, timeout time.Duration) []Sent {
	t.Helper()
	c.wait(t, timeout, "posted activities", n, func() int { return len(c.sent) })
	return c.Sent()
}

// WaitUpdates waits until at least n updates were made and returns them.
func (c *Channel) WaitUpdates(t testing.TB, n int, timeout time.Duration) []Update {
	t.Helper()
	c.wait(t, timeout, "activity updates", n, func() int { return len(c.updates) })
	return c.Updates()
}

// WaitConversations waits until at least n conversations were created.
func (c *Channel) WaitConversations(t testing.TB, n int, timeout time.Duration) []Conversation {
	t.Helper()
	c.wait(t, timeout, "created conversations", n, func() int { return len(c.convs) })
	return c.Conversations()
}

// wait blocks until count() >= n; count runs with c.mu held.
func (c *Channel) wait(t testing.TB, timeout time.Duration, what string, n int, count func() int) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		got := count()
		ch := c.changed
		c.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("channeltest: waited %s for %d %s, got %d", timeout, n, what, got)
		}
	}
}
