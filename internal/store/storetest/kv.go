package storetest

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

func testKV(t *testing.T, s Store, _ *Clock) {
	_, err := s.Get(ctx, "breaker", "tenant")
	wantCode(t, err, mfa.ENotFound, "get missing key")

	put := func(ns, key, value string) {
		t.Helper()
		if err := s.Put(ctx, ns, key, []byte(value)); err != nil {
			t.Fatalf("put %s/%s: %v", ns, key, err)
		}
	}
	put("breaker", "tenant", `{"paused":true}`)
	put("conv", "alice", "ref-a")
	put("conv", "bob", "ref-b")
	put("card", "alice", "card-a") // same key, other namespace
	put("conv", "alice", "ref-a2") // overwrite
	bin := []byte{0, 1, 2, 255, 0}
	if err := s.Put(ctx, "bin", "k", bin); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "empty", "k", nil); err != nil {
		t.Fatal(err)
	}

	get := func(ns, key string) []byte {
		t.Helper()
		v, err := s.Get(ctx, ns, key)
		if err != nil {
			t.Fatalf("get %s/%s: %v", ns, key, err)
		}
		return v
	}
	if v := get("conv", "alice"); string(v) != "ref-a2" {
		t.Fatalf("overwritten value: %q", v)
	}
	if v := get("card", "alice"); string(v) != "card-a" {
		t.Fatalf("namespaces mixed: %q", v)
	}
	if v := get("bin", "k"); !bytes.Equal(v, bin) {
		t.Fatalf("binary value: %v", v)
	}
	if v := get("empty", "k"); len(v) != 0 {
		t.Fatalf("empty value: %v", v)
	}

	m, err := s.List(ctx, "conv")
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || string(m["alice"]) != "ref-a2" || string(m["bob"]) != "ref-b" {
		t.Fatalf("list conv: %q", m)
	}
	if m, err := s.List(ctx, "nothing-here"); err != nil || m == nil || len(m) != 0 {
		t.Fatalf("list of an empty namespace: %v %v (want an empty map)", m, err)
	}

	if err := s.Delete(ctx, "conv", "alice"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Get(ctx, "conv", "alice")
	wantCode(t, err, mfa.ENotFound, "get deleted key")
	if v := get("card", "alice"); string(v) != "card-a" {
		t.Fatalf("delete reached another namespace: %q", v)
	}
	if err := s.Delete(ctx, "conv", "alice"); err != nil {
		t.Fatalf("deleting a missing key: %v (want nil)", err)
	}
	if m, err := s.List(ctx, "conv"); err != nil || len(m) != 1 {
		t.Fatalf("list after delete: %q %v", m, err)
	}
}

// testOnce drives Once with the injected clock.
func testOnce(t *testing.T, s Store, c *Clock) {
	once := func(key string, ttl time.Duration) bool {
		t.Helper()
		ok, err := s.Once(ctx, key, ttl)
		if err != nil {
			t.Fatalf("once %s: %v", key, err)
		}
		return ok
	}
	if !once("activity-1", time.Minute) {
		t.Fatal("first sighting reported as seen")
	}
	if once("activity-1", time.Minute) {
		t.Fatal("second sighting reported as first")
	}
	if !once("activity-2", time.Minute) {
		t.Fatal("another key reported as seen")
	}
	c.Advance(59 * time.Second)
	if once("activity-1", time.Minute) {
		t.Fatal("key forgotten before its ttl ran out")
	}
	c.Advance(time.Second)
	if !once("activity-1", time.Minute) {
		t.Fatal("expired key not reusable once its ttl ran out")
	}
	if once("activity-1", time.Minute) {
		t.Fatal("reused key not recorded again")
	}
	// A seen key does not extend its ttl.
	c.Advance(30 * time.Second)
	if once("activity-1", time.Hour) {
		t.Fatal("seen key reported as first")
	}
	c.Advance(30 * time.Second)
	if !once("activity-1", time.Minute) {
		t.Fatal("a second sighting extended the key's ttl")
	}

	_, err := s.Once(ctx, "activity-3", 0)
	wantCode(t, err, mfa.EInvalid, "once with no ttl")
}

// testOnceConcurrent: of many simultaneous first sightings, one wins.
func testOnceConcurrent(t *testing.T, s Store, _ *Clock) {
	const n = 30
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := 0
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.Once(ctx, "redelivered", time.Hour)
			if err != nil {
				t.Errorf("once: %v", err)
				return
			}
			if ok {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firsts != 1 {
		t.Fatalf("%d callers saw the key first, want 1", firsts)
	}
}
