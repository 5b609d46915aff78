package sqlstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

func TestDecodeBatchUTC(t *testing.T) {
	b, err := sqlstore.DecodeBatch(`{"id":"B-1","state":"running","createdAt":"2026-05-01T10:00:00.000000001+02:00",
		"approvals":[{"approver":{"id":"a"},"ticket":"INC-1","at":"2026-05-01T11:00:00-01:00"}],"startedAt":"2026-05-01T12:00:00+03:00"}`)
	if err != nil {
		t.Fatal(err)
	}
	if b.CreatedAt.Location() != time.UTC || b.CreatedAt.Hour() != 8 || b.CreatedAt.Nanosecond() != 1 ||
		b.Approvals[0].At.Location() != time.UTC || b.Approvals[0].At.Hour() != 12 || b.StartedAt.Hour() != 9 || !b.FinishedAt.IsZero() {
		t.Fatalf("decoded %+v", b)
	}
	if _, err := sqlstore.DecodeBatch(`{"id":`); mfa.Code(err) != mfa.EInternal || mfa.Message(err) != "a stored batch is unreadable" {
		t.Fatalf("unreadable batch: %v", err)
	}
	_, err = sqlstore.ScanBatch(row{err: errNoRows}, "B-2", errNoRows, failUnavailable)
	if mfa.Code(err) != mfa.ENotFound || mfa.Message(err) != "batch B-2 not found" {
		t.Fatalf("missing batch: %v", err)
	}
}

func TestScanBatchItems(t *testing.T) {
	until := time.Date(2026, 5, 1, 10, 0, 0, 7, time.UTC)
	got, err := sqlstore.ScanBatchItems(newRows(
		[]any{"w-1", until.UnixNano(), `{"batchId":"B-1","seq":9,"state":"pending"}`},
		[]any{nil, nil, `{"batchId":"B-1","seq":2,"state":"done","finishedAt":"2026-05-01T12:00:00+02:00"}`},
	), failUnavailable)
	if err != nil || len(got) != 2 {
		t.Fatalf("scanned %+v, %v", got, err)
	}
	if got[0].Seq != 2 || got[1].Seq != 9 {
		t.Fatalf("items not in seq order: %d, %d", got[0].Seq, got[1].Seq)
	}
	if got[0].LeaseOwner != "" || !got[0].LeaseUntil.IsZero() || got[0].FinishedAt.Location() != time.UTC || got[0].FinishedAt.Hour() != 10 {
		t.Fatalf("finished item %+v", got[0])
	}
	if got[1].LeaseOwner != "w-1" || !got[1].LeaseUntil.Equal(until) || got[1].LeaseUntil.Location() != time.UTC {
		t.Fatalf("leased item %+v", got[1])
	}
	if _, err := sqlstore.ScanBatchItems(newRows([]any{nil, nil, `[`}), failUnavailable); mfa.Code(err) != mfa.EInternal {
		t.Fatalf("unreadable item: %v", err)
	}
	broken := newRows([]any{nil, nil, `{}`})
	broken.iterErr = errDB
	if _, err := sqlstore.ScanBatchItems(broken, failUnavailable); !errors.Is(err, errDB) || mfa.Code(err) != mfa.EUnavailable {
		t.Fatalf("broken iteration: %v", err)
	}
}

func TestScanBatchCounts(t *testing.T) {
	got, err := sqlstore.ScanBatchCounts(newRows([]any{"pending", 3}, []any{"done", 5}, []any{"skipped", 1}, []any{"partial", 2}, []any{"failed", 4}), failUnavailable)
	if want := (mfa.BatchCounts{Pending: 3, Skipped: 1, Done: 5, Partial: 2, Failed: 4}); err != nil || got != want {
		t.Fatalf("counts %+v %v, want %+v", got, err, want)
	}
	if got.Total() != 15 {
		t.Fatalf("total %d", got.Total())
	}
	if _, err := sqlstore.ScanBatchCounts(newRows([]any{"lost", 1}), failUnavailable); mfa.Code(err) != mfa.EInternal {
		t.Fatalf("unknown state: %v", err)
	}
}
