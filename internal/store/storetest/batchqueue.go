package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// testBatchClaims: claims lease pending items in seq order; a live lease
// keeps others out, a run-out one does not; only the lease's owner renews,
// releases or finishes, and a finished item is never claimed again.
func testBatchClaims(t *testing.T, s Store, _ *Clock) {
	// Another batch's pending items are never claimed for this one.
	if err := NewBatch(s, "B-OTHER", 3); err != nil {
		t.Fatal(err)
	}
	if err := closeBatch(s, "B-OTHER"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBatch(ctx, planningBatch("B-Q", base)); err != nil {
		t.Fatal(err)
	}
	items := pendingItems("B-Q", 1, 10)
	items[3].State, items[3].Skip = mfa.ItemSkipped, mfa.SkipGuest // seq 4: skipped by the plan
	if err := s.AddBatchItems(ctx, "B-Q", items); err != nil {
		t.Fatal(err)
	}
	now := base.Add(time.Hour)
	held := map[int64]mfa.BatchItem{}
	claim := func(owner string, n int, at time.Time, want string) {
		t.Helper()
		got, err := s.ClaimBatchItems(ctx, "B-Q", owner, n, at, at.Add(time.Minute))
		if err != nil {
			t.Fatalf("claim by %s: %v", owner, err)
		}
		var seqs []int64
		for _, it := range got {
			if it.BatchID != "B-Q" || it.State != mfa.ItemPending || it.LeaseOwner != owner || !it.LeaseUntil.Equal(at.Add(time.Minute)) ||
				it.LeaseUntil.Location() != time.UTC || it.UserID != fmt.Sprint("u-", it.Seq) {
				t.Fatalf("claimed by %s: %+v", owner, it)
			}
			seqs = append(seqs, it.Seq)
			held[it.Seq] = it
		}
		if fmt.Sprint(seqs) != want {
			t.Fatalf("%s claimed %v at +%v, want %s", owner, seqs, at.Sub(now), want)
		}
	}
	finish := func(seq int64, owner string, st mfa.ItemState) error {
		it := held[seq]
		it.State, it.FinishedAt = st, now.Add(2*time.Minute)
		return s.FinishBatchItem(ctx, it, owner)
	}

	claim("A", 3, now, "[1 2 3]")
	claim("B", 3, now, "[5 6 7]")
	claim("C", 10, now.Add(59*time.Second), "[8 9 10]")
	claim("D", 10, now.Add(59*time.Second), "[]") // every lease runs
	if n, err := s.RenewBatchItems(ctx, "B-Q", "A", now.Add(2*time.Minute)); err != nil || n != 3 {
		t.Fatalf("A renewed %d leases (%v), want 3", n, err)
	}
	// At +1m, B's leases have run out; A's were renewed, C's run.
	claim("D", 10, now.Add(time.Minute), "[5 6 7]")

	wantCode(t, finish(1, "B", mfa.ItemDone), mfa.EConflict, "finish by a worker that never held the item")
	wantCode(t, finish(5, "B", mfa.ItemDone), mfa.EConflict, "finish by the owner of a lease taken over")
	if n, err := s.RenewBatchItems(ctx, "B-Q", "B", now.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("B renewed %d leases it lost (%v)", n, err)
	}
	wantCode(t, finish(1, "A", mfa.ItemPending), mfa.EInvalid, "finish as pending")
	if err := finish(1, "A", mfa.ItemDone); err != nil {
		t.Fatalf("finish by the owner: %v", err)
	}
	wantCode(t, finish(1, "A", mfa.ItemFailed), mfa.EConflict, "finish twice")
	if err := s.ReleaseBatchItems(ctx, "B-Q", "A"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RenewBatchItems(ctx, "B-Q", "A", now.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("A renewed %d leases after releasing them (%v)", n, err)
	}
	wantCode(t, finish(2, "A", mfa.ItemDone), mfa.EConflict, "finish after release")
	claim("E", 10, now.Add(time.Minute), "[2 3]") // released: anyone's at once

	partial := held[5]
	partial.State, partial.Detail, partial.Removed = mfa.ItemPartial, "the default method could not be removed", []string{"Phone (mobile, +1 ••• ••• 0100)"}
	partial.SessionsRevoked, partial.GraphRequestID, partial.FinishedAt = true, "req-5", now.Add(90*time.Second).In(time.FixedZone("X", 3600))
	if err := s.FinishBatchItem(ctx, partial, "D"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		seq   int64
		owner string
		st    mfa.ItemState
	}{{6, "D", mfa.ItemFailed}, {7, "D", mfa.ItemDone}, {2, "E", mfa.ItemSkipped}, {3, "E", mfa.ItemDone}, {8, "C", mfa.ItemDone}, {9, "C", mfa.ItemDone}, {10, "C", mfa.ItemDone}} {
		if err := finish(f.seq, f.owner, f.st); err != nil {
			t.Fatalf("finish %d by %s: %v", f.seq, f.owner, err)
		}
	}
	wantCounts(t, s, "B-Q", mfa.BatchCounts{Skipped: 2, Done: 6, Partial: 1, Failed: 1})
	claim("F", 10, now.Add(time.Hour), "[]") // finished items are never claimed
	got, err := s.BatchItems(ctx, "B-Q", 4, 1)
	want := partial
	want.FinishedAt, want.LeaseOwner, want.LeaseUntil = partial.FinishedAt.UTC(), "", time.Time{}
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("finished item read back as %+v %v, want %+v", got, err, want)
	}

	_, err = s.ClaimBatchItems(ctx, "B-Q", "", 1, now, now.Add(time.Minute))
	wantCode(t, err, mfa.EInvalid, "claim without an owner")
	_, err = s.ClaimBatchItems(ctx, "B-Q", "A", 1, now, now)
	wantCode(t, err, mfa.EInvalid, "claim of a lease that ends at once")
	if got, err := s.ClaimBatchItems(ctx, "B-OTHER", "A", 0, now, now.Add(time.Minute)); err != nil || len(got) != 0 {
		t.Fatalf("claim of no items: %v %v", got, err)
	}
}

// testBatchClaimRace: claimers racing over one batch share it out.
func testBatchClaimRace(t *testing.T, s Store, _ *Clock) {
	RaceBatchClaims(t, []BatchStore{s}, 500, 8, 7)
}

// ClaimAt is when ClaimUntilEmpty claims; its leases run an hour.
var ClaimAt = base.Add(time.Hour)

// ClaimUntilEmpty claims items of batch id in s for owner, n at a time at
// ClaimAt, and finishes each as done, until a claim returns none. It
// returns the sequence numbers it claimed.
func ClaimUntilEmpty(s mfa.BatchStore, id, owner string, n int) ([]int64, error) {
	var got []int64
	for {
		items, err := s.ClaimBatchItems(ctx, id, owner, n, ClaimAt, ClaimAt.Add(time.Hour))
		if err != nil || len(items) == 0 {
			return got, err
		}
		if len(items) > n {
			return got, fmt.Errorf("claim of %d returned %d items", n, len(items))
		}
		for _, it := range items {
			got = append(got, it.Seq)
			it.State = mfa.ItemDone
			if err := s.FinishBatchItem(ctx, it, owner); err != nil {
				return got, fmt.Errorf("finish item %d: %w", it.Seq, err)
			}
		}
	}
}

// CheckClaims fails t unless claims, the sequence numbers each claimer got,
// are disjoint and together 1..items.
func CheckClaims(t *testing.T, claims [][]int64, items int) {
	t.Helper()
	by := map[int64]int{}
	for c, seqs := range claims {
		for _, seq := range seqs {
			if other, dup := by[seq]; dup {
				t.Fatalf("item %d was claimed by claimers %d and %d", seq, other, c)
			}
			if seq < 1 || seq > int64(items) {
				t.Fatalf("claimer %d got item %d of a batch of %d", c, seq, items)
			}
			by[seq] = c
		}
	}
	if len(by) != items {
		t.Fatalf("%d of %d items were claimed", len(by), items)
	}
}

// RaceBatchClaims creates in stores[0] a batch of items pending items and
// lets claimers claim it at once with ClaimUntilEmpty, n at a time,
// claimer i through stores[i%len(stores)]. It fails t unless every item
// went to one claimer, every item was claimed and every item is done.
func RaceBatchClaims(t *testing.T, stores []BatchStore, items, claimers, n int) {
	t.Helper()
	if err := NewBatch(stores[0], "B-CLAIMS", items); err != nil {
		t.Fatal(err)
	}
	claims := make([][]int64, claimers)
	errs := atOnce(claimers, func(i int) (func() error, error) {
		s := stores[i%len(stores)]
		_ = s.Ping(ctx)
		return func() error {
			var err error
			claims[i], err = ClaimUntilEmpty(s, "B-CLAIMS", fmt.Sprint("owner-", i), n)
			return err
		}, nil
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("claimer %d: %v", i, err)
		}
	}
	CheckClaims(t, claims, items)
	wantCounts(t, stores[len(stores)-1], "B-CLAIMS", mfa.BatchCounts{Done: items})
}
