package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// wantCounts fails t unless batch id of s counts want.
func wantCounts(t *testing.T, s mfa.BatchStore, id string, want mfa.BatchCounts) {
	t.Helper()
	got, err := s.BatchCounts(ctx, id)
	if err != nil || got != want {
		t.Fatalf("counts of %s: %+v %v, want %+v", id, got, err, want)
	}
}

// testBatchItemsAdd: items go in all together or not at all, only into a
// batch whose plan is being made, and read back as added.
func testBatchItemsAdd(t *testing.T, s Store, _ *Clock) {
	if err := s.CreateBatch(ctx, planningBatch("B-ADD", base)); err != nil {
		t.Fatal(err)
	}
	zone := time.FixedZone("UTC+9", 9*3600)
	first := pendingItems("B-ADD", 1, 4)
	first = append(first, mfa.BatchItem{Seq: 5, UserID: "u-5", UPN: "gina@contoso.com", Name: "Gina Global", Mail: "gina@contoso.com",
		State: mfa.ItemSkipped, Skip: mfa.SkipPrivileged, Detail: "holds the role Global Administrator",
		FinishedAt: base.In(zone)}) // no BatchID: the store sets it
	if err := s.AddBatchItems(ctx, "B-ADD", first); err != nil {
		t.Fatalf("add: %v", err)
	}
	wantCounts(t, s, "B-ADD", mfa.BatchCounts{Pending: 4, Skipped: 1})
	got, err := s.BatchItems(ctx, "B-ADD", 4, 0)
	want := first[4]
	want.BatchID, want.FinishedAt = "B-ADD", base
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("skipped item read back as %+v %v, want %+v", got, err, want)
	}

	// A taken sequence number refuses the whole call, in any chunk of it.
	for name, items := range map[string][]mfa.BatchItem{
		"taken":           append(pendingItems("B-ADD", 6, 7), pendingItems("B-ADD", 3, 3)...),
		"twice":           append(pendingItems("B-ADD", 8, 8), pendingItems("B-ADD", 8, 8)...),
		"taken, 3rd 1000": append(pendingItems("B-ADD", 6, 2999), pendingItems("B-ADD", 5, 5)...),
	} {
		wantCode(t, s.AddBatchItems(ctx, "B-ADD", items), mfa.EConflict, "add "+name)
		wantCounts(t, s, "B-ADD", mfa.BatchCounts{Pending: 4, Skipped: 1})
	}
	if err := s.AddBatchItems(ctx, "B-ADD", pendingItems("B-ADD", 6, 2505)); err != nil {
		t.Fatalf("add 2500 items: %v", err)
	}
	wantCounts(t, s, "B-ADD", mfa.BatchCounts{Pending: 2504, Skipped: 1})
	if err := s.AddBatchItems(ctx, "B-ADD", nil); err != nil {
		t.Fatalf("add nothing: %v", err)
	}
	for name, it := range map[string]mfa.BatchItem{
		"seq 0":         {Seq: 0, UserID: "u", State: mfa.ItemPending},
		"unknown state": {Seq: 9000, UserID: "u", State: "maybe"},
		"other batch":   {BatchID: "B-OTHER", Seq: 9000, UserID: "u", State: mfa.ItemPending},
	} {
		wantCode(t, s.AddBatchItems(ctx, "B-ADD", []mfa.BatchItem{it}), mfa.EInvalid, "add an item with "+name)
	}
	wantCode(t, s.AddBatchItems(ctx, "B-NONE", pendingItems("B-NONE", 1, 1)), mfa.ENotFound, "add to a missing batch")

	// Once planned, what the approvers decide on does not grow.
	b, err := s.GetBatch(ctx, "B-ADD")
	if err != nil {
		t.Fatal(err)
	}
	for _, next := range []mfa.BatchState{mfa.BatchPlanned, mfa.BatchRunning} {
		from := b.State
		b.State = next
		if err := s.UpdateBatch(ctx, b, from); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.AddBatchItems(ctx, "B-ADD", pendingItems("B-ADD", 9000, 9000)), mfa.EConflict, "add to a batch "+string(next))
		wantCounts(t, s, "B-ADD", mfa.BatchCounts{Pending: 2504, Skipped: 1})
	}
}

// testBatchPaging: pages of items in seq order, each batch's own.
func testBatchPaging(t *testing.T, s Store, _ *Clock) {
	if err := NewBatch(s, "B-PAGE", 10); err != nil {
		t.Fatal(err)
	}
	if err := closeBatch(s, "B-PAGE"); err != nil {
		t.Fatal(err)
	}
	if err := NewBatch(s, "B-PAGE2", 3); err != nil {
		t.Fatal(err)
	}
	seqs := pageAll(t, 3, func(after int64) ([]mfa.BatchItem, error) { return s.BatchItems(ctx, "B-PAGE", after, 3) },
		func(it mfa.BatchItem) int64 {
			if it.BatchID != "B-PAGE" || it.UserID != fmt.Sprint("u-", it.Seq) {
				t.Fatalf("item %+v in a page of B-PAGE", it)
			}
			return it.Seq
		})
	if fmt.Sprint(seqs) != "[1 2 3 4 5 6 7 8 9 10]" {
		t.Fatalf("paged seqs %v", seqs)
	}
	if all, err := s.BatchItems(ctx, "B-PAGE", 0, 0); err != nil || len(all) != 10 {
		t.Fatalf("all items: %d %v", len(all), err)
	}
	if tail, err := s.BatchItems(ctx, "B-PAGE", 8, 100); err != nil || len(tail) != 2 || tail[0].Seq != 9 {
		t.Fatalf("items after 8: %+v %v", tail, err)
	}
	if none, err := s.BatchItems(ctx, "B-NONE", 0, 10); err != nil || len(none) != 0 {
		t.Fatalf("items of a missing batch: %+v %v", none, err)
	}
}

// testBatchSteps: one journal per user of a batch, in order, the first
// write of a key kept.
func testBatchSteps(t *testing.T, s Store, _ *Clock) {
	if err := NewBatch(s, "B-STEP", 2); err != nil {
		t.Fatal(err)
	}
	if got, err := s.BatchSteps(ctx, "B-STEP", "u-1"); err != nil || len(got) != 0 {
		t.Fatalf("empty journal: %v %v", got, err)
	}
	zone := time.FixedZone("CET", 3600)
	m := mfa.Method{Kind: mfa.KindPhone, ID: "p-1", PhoneType: mfa.PhoneMobile, Label: "+1 ••• ••• 0100", Created: base.Add(-time.Hour).In(zone)}
	steps := []mfa.Step{
		{Key: "remove:" + m.Key(), Kind: "removed", Method: &m, At: base.Add(1).In(zone)},
		{Key: "revoke", Kind: "revoked", At: base.Add(2)},
	}
	for _, st := range steps {
		if err := s.RecordBatchStep(ctx, "B-STEP", "u-1", st); err != nil {
			t.Fatalf("record %s: %v", st.Key, err)
		}
	}
	if err := s.RecordBatchStep(ctx, "B-STEP", "u-1", mfa.Step{Key: "revoke", Kind: "again", At: base.Add(time.Hour)}); err != nil {
		t.Fatalf("record a key twice: %v", err)
	}
	if err := s.RecordBatchStep(ctx, "B-STEP", "u-2", mfa.Step{Key: "revoke", Kind: "revoked", At: base.Add(3)}); err != nil {
		t.Fatal(err)
	}
	mUTC := m
	mUTC.Created = m.Created.UTC()
	want := []mfa.Step{{Key: steps[0].Key, Kind: "removed", Method: &mUTC, At: base.Add(1)}, steps[1]}
	if got, err := s.BatchSteps(ctx, "B-STEP", "u-1"); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("journal of u-1:\n got %+v %v\nwant %+v", got, err, want)
	}
	if got, err := s.BatchSteps(ctx, "B-STEP", "u-2"); err != nil || len(got) != 1 || !got[0].At.Equal(base.Add(3)) {
		t.Fatalf("journal of u-2: %+v %v", got, err)
	}
	// Request journals and batch journals are apart.
	if got, err := s.Steps(ctx, "u-1"); err != nil || len(got) != 0 {
		t.Fatalf("request journal: %+v %v", got, err)
	}
	wantCode(t, s.RecordBatchStep(ctx, "B-NONE", "u-1", steps[1]), mfa.ENotFound, "step of a missing batch")
	wantCode(t, s.RecordBatchStep(ctx, "B-STEP", "u-1", mfa.Step{Kind: "x"}), mfa.EInvalid, "step without a key")
}
