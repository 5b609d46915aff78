package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// verify runs records through a fresh ChainVerifier and returns the first
// break, or nil and the count.
func verify(recs []mfa.AuditRecord) (int64, error) {
	v := mfa.NewChainVerifier()
	for _, r := range recs {
		if err := v.Check(r); err != nil {
			return v.Count(), err
		}
	}
	return v.Count(), nil
}

func allRecords(t *testing.T, s mfa.Store) []mfa.AuditRecord {
	t.Helper()
	recs, err := s.AuditRecords(ctx, 0, 0)
	if err != nil {
		t.Fatalf("read audit: %v", err)
	}
	return recs
}

func event(i int) mfa.AuditEvent {
	return mfa.AuditEvent{Time: base.Add(time.Duration(i)*time.Second + time.Duration(i)), Type: mfa.AuditMethodRemoved,
		RequestID: fmt.Sprintf("req-%d", i), Actor: "system", Target: "alice@contoso.com",
		Detail: map[string]string{"method": "phone/" + fmt.Sprint(i), "n": fmt.Sprint(i)}}
}

// testAuditRoundTrip checks that records read back exactly as appended and
// still verify: times in any zone with nanoseconds, nil and empty details.
func testAuditRoundTrip(t *testing.T, s Store, _ *Clock) {
	zone := time.FixedZone("PST", -8*3600)
	events := []mfa.AuditEvent{
		{Time: base.In(zone), Type: mfa.AuditRequested, RequestID: "r1", Actor: "agent-1", Target: "alice@contoso.com",
			Detail: map[string]string{"reason": "lost phone «ü»", "profile": "reregister", "z": "", "a": "\"quoted\"\n"}},
		{Time: base.Add(time.Nanosecond), Type: mfa.AuditAlert}, // nil Detail, no request
		{Time: base.Add(time.Second), Type: mfa.AuditApproved, RequestID: "r1", Actor: "approver-1", Detail: map[string]string{}},
	}
	var appended []mfa.AuditRecord
	for i, e := range events {
		rec, err := s.AppendAudit(ctx, e)
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		if rec.Seq != int64(i+1) {
			t.Fatalf("record %d has seq %d", i, rec.Seq)
		}
		if rec.Hash != mfa.ChainHash(rec.PrevHash, rec) {
			t.Fatalf("record %d: returned hash does not match its content", rec.Seq)
		}
		appended = append(appended, rec)
	}
	if appended[0].PrevHash != mfa.GenesisHash {
		t.Fatalf("first record's previous hash is %q, want the genesis hash", appended[0].PrevHash)
	}
	got := allRecords(t, s)
	if len(got) != len(events) {
		t.Fatalf("read %d records, want %d", len(got), len(events))
	}
	for i := range got {
		want := appended[i]
		want.Time = want.Time.UTC()
		if !reflect.DeepEqual(got[i], want) {
			t.Fatalf("record %d read back differently:\n got %+v\nwant %+v", i+1, got[i], want)
		}
		if !got[i].Time.Equal(events[i].Time) {
			t.Fatalf("record %d: time %v, appended %v", i+1, got[i].Time, events[i].Time)
		}
	}
	if got[1].Detail != nil || got[2].Detail == nil {
		t.Fatalf("nil and empty details must stay apart: %#v, %#v", got[1].Detail, got[2].Detail)
	}
	if n, err := verify(got); err != nil || n != 3 {
		t.Fatalf("chain does not verify after a round trip: %d records, %v", n, err)
	}
}

// pageAll reads every page of limit entries that page returns after the
// last sequence number of the page before, and returns the sequence
// numbers seq reads, failing t on a page longer than limit.
func pageAll[T any](t *testing.T, limit int, page func(after int64) ([]T, error), seq func(T) int64) []int64 {
	t.Helper()
	var seqs []int64
	for after := int64(0); ; {
		got, err := page(after)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > limit {
			t.Fatalf("page of %d entries, limit %d", len(got), limit)
		}
		if len(got) == 0 {
			return seqs
		}
		for _, e := range got {
			seqs = append(seqs, seq(e))
		}
		after = seqs[len(seqs)-1]
	}
}

func testAuditPaging(t *testing.T, s Store, _ *Clock) {
	if recs, err := s.AuditRecords(ctx, 0, 10); err != nil || len(recs) != 0 {
		t.Fatalf("empty audit: %v %v", recs, err)
	}
	for i := range 7 {
		if _, err := s.AppendAudit(ctx, event(i)); err != nil {
			t.Fatal(err)
		}
	}
	seqs := pageAll(t, 3, func(after int64) ([]mfa.AuditRecord, error) { return s.AuditRecords(ctx, after, 3) },
		func(r mfa.AuditRecord) int64 { return r.Seq })
	if fmt.Sprint(seqs) != "[1 2 3 4 5 6 7]" {
		t.Fatalf("paged seqs %v", seqs)
	}
	if tail, err := s.AuditRecords(ctx, 5, 100); err != nil || len(tail) != 2 || tail[0].Seq != 6 {
		t.Fatalf("records after 5: %+v %v", tail, err)
	}
}

// testAuditConcurrent appends from many goroutines: the result is one
// gapless chain that verifies.
func testAuditConcurrent(t *testing.T, s Store, _ *Clock) {
	const goroutines, each = 50, 4
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*each)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := s.AppendAudit(ctx, event(g*each+i)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent append: %v", err)
	}
	recs := allRecords(t, s)
	if len(recs) != goroutines*each {
		t.Fatalf("%d records, want %d", len(recs), goroutines*each)
	}
	if n, err := verify(recs); err != nil || n != goroutines*each {
		t.Fatalf("concurrent chain: verified %d, %v", n, err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.RequestID] = true
	}
	if len(seen) != goroutines*each {
		t.Fatalf("%d distinct events in the chain, want %d", len(seen), goroutines*each)
	}
}

// testAuditTamper edits copies of the stored records (the interface cannot
// change them) and checks that verification breaks at the right record.
func testAuditTamper(t *testing.T, s Store, _ *Clock) {
	for i := range 6 {
		if _, err := s.AppendAudit(ctx, event(i)); err != nil {
			t.Fatal(err)
		}
	}
	recs := allRecords(t, s)
	if _, err := verify(recs); err != nil {
		t.Fatalf("untouched chain: %v", err)
	}
	clone := func() []mfa.AuditRecord {
		out := make([]mfa.AuditRecord, len(recs))
		for i, r := range recs {
			r.Detail = map[string]string{}
			for k, v := range recs[i].Detail {
				r.Detail[k] = v
			}
			out[i] = r
		}
		return out
	}
	cases := []struct {
		name    string
		edit    func([]mfa.AuditRecord) []mfa.AuditRecord
		wantSeq int64
	}{
		{"detail edited", func(rs []mfa.AuditRecord) []mfa.AuditRecord { rs[2].Detail["method"] = "fido2/x"; return rs }, 3},
		{"actor edited", func(rs []mfa.AuditRecord) []mfa.AuditRecord { rs[0].Actor = "someone-else"; return rs }, 1},
		{"time moved by 1ns", func(rs []mfa.AuditRecord) []mfa.AuditRecord { rs[4].Time = rs[4].Time.Add(1); return rs }, 5},
		{"record removed", func(rs []mfa.AuditRecord) []mfa.AuditRecord { return append(rs[:3], rs[4:]...) }, 5},
		{"last record edited", func(rs []mfa.AuditRecord) []mfa.AuditRecord { rs[5].Type = mfa.AuditCompleted; return rs }, 6},
		{"records swapped", func(rs []mfa.AuditRecord) []mfa.AuditRecord { rs[1], rs[2] = rs[2], rs[1]; return rs }, 3},
		{"edited and rehashed", func(rs []mfa.AuditRecord) []mfa.AuditRecord {
			rs[1].Target = "mallory@contoso.com"
			rs[1].Hash = mfa.ChainHash(rs[1].PrevHash, rs[1])
			return rs
		}, 3},
	}
	for _, c := range cases {
		_, err := verify(c.edit(clone()))
		var br *mfa.ChainBreak
		if !errors.As(err, &br) {
			t.Fatalf("%s: verification passed or failed oddly: %v", c.name, err)
		}
		if br.Seq != c.wantSeq {
			t.Fatalf("%s: chain broke at %d, want %d (%v)", c.name, br.Seq, c.wantSeq, err)
		}
	}
	// The stored chain itself is untouched by all of that.
	if _, err := verify(allRecords(t, s)); err != nil {
		t.Fatalf("stored chain after the edits of copies: %v", err)
	}
}
