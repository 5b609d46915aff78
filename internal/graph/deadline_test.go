package graph_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

type heldKey struct{}

// A Graph call holds nothing once it has returned: its context (and all a
// caller hangs on it — an incident reset hangs each user's whole reset
// state) is free as soon as the call is done. The SDK's request adapter
// gives each call a 100-second timeout context whose cancel it drops, so
// a timer kept every call's context chain alive for 100 s: at an incident
// reset's thousand calls a second, memory grew with the batch's size.
func TestGraphCallHoldsNoContextAfterItReturns(t *testing.T) {
	_, d := newEnv(t, graphfake.Options{})
	freed := make(chan struct{}, 4)
	call := func(name string, f func(context.Context) error) {
		held := new([64]byte)
		runtime.AddCleanup(held, func(struct{}) { freed <- struct{}{} }, struct{}{})
		if err := f(context.WithValue(ctx, heldKey{}, held)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	call("ListMethods", func(c context.Context) error { _, err := d.ListMethods(c, graphfake.DemoBobID); return err })
	call("FindUser", func(c context.Context) error { _, err := d.FindUser(c, "bob@contoso.com"); return err })
	call("RevokeSessions", func(c context.Context) error { return d.RevokeSessions(c, graphfake.DemoBobID) })
	call("DeleteMethod", func(c context.Context) error {
		ms, err := d.ListMethods(context.Background(), graphfake.DemoAliceID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Kind == mfa.KindSoftwareOATH {
				return d.DeleteMethod(c, graphfake.DemoAliceID, m)
			}
		}
		t.Fatal("Alice has no OATH token")
		return nil
	})
	deadline := time.Now().Add(5 * time.Second)
	for n := 0; n < 4; {
		runtime.GC()
		select {
		case <-freed:
			n++
			continue
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of 4 calls' contexts still held 5 s after they returned", 4-n)
		}
	}
}
