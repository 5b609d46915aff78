package sqlstore_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// rows is a Rows over values in memory; scanErr fails Scan of the row at
// index failAt, iterErr is what Err reports at the end.
type rows struct {
	data    [][]any
	i       int
	failAt  int
	scanErr error
	iterErr error
}

func newRows(data ...[]any) *rows { return &rows{data: data, i: -1, failAt: -1} }

func (r *rows) Next() bool { r.i++; return r.i < len(r.data) }

func (r *rows) Err() error { return r.iterErr }

func (r *rows) Scan(dest ...any) error {
	if r.i == r.failAt {
		return r.scanErr
	}
	row := r.data[r.i]
	if len(dest) != len(row) {
		return errors.New("column count differs")
	}
	for i, d := range dest {
		switch d := d.(type) {
		case *string:
			*d = row[i].(string)
		case *int64:
			*d = row[i].(int64)
		case *[]byte:
			if row[i] != nil {
				*d = row[i].([]byte)
			}
		case *int:
			*d = row[i].(int)
		case **string:
			*d = nil
			if row[i] != nil {
				v := row[i].(string)
				*d = &v
			}
		case **int64:
			*d = nil
			if row[i] != nil {
				v := row[i].(int64)
				*d = &v
			}
		default:
			return errors.New("unexpected destination")
		}
	}
	return nil
}

var _ sqlstore.Rows = (*rows)(nil)

var errDB = errors.New("connection lost")

func failUnavailable(err error) error { return sqlstore.Unavailable("test", "read", err) }

func TestDecodeRequestUTC(t *testing.T) {
	r, err := sqlstore.DecodeRequest(`{"id":"r1","state":"pending","createdAt":"2026-05-01T10:00:00.000000001+02:00",
		"methods":[{"kind":"phone","id":"p","created":"2026-01-01T00:00:00-05:00"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "r1" || r.CreatedAt.Location() != time.UTC || r.CreatedAt.Hour() != 8 || r.CreatedAt.Nanosecond() != 1 {
		t.Fatalf("decoded %+v", r)
	}
	if len(r.Methods) != 1 || r.Methods[0].Created.Location() != time.UTC {
		t.Fatalf("method times not in UTC: %+v", r.Methods)
	}
}

func TestDecodeUnreadable(t *testing.T) {
	if _, err := sqlstore.DecodeRequest(`{"id":`); mfa.Code(err) != mfa.EInternal || mfa.Message(err) != "a stored request is unreadable" {
		t.Fatalf("unreadable request: %v", err)
	}
	if _, err := sqlstore.DecodeStep(`[]`); mfa.Code(err) != mfa.EInternal || mfa.Message(err) != "a stored journal step is unreadable" {
		t.Fatalf("unreadable step: %v", err)
	}
}

// row is a Row holding one value, or failing with err.
type row struct {
	v   any
	err error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	switch d := dest[0].(type) {
	case *string:
		*d = r.v.(string)
	case *[]byte:
		if r.v != nil {
			*d = r.v.([]byte)
		}
	}
	return nil
}

var errNoRows = errors.New("no rows in result set")

func TestScanRequest(t *testing.T) {
	r, err := sqlstore.ScanRequest(row{v: `{"id":"r1"}`}, "r1", errNoRows, failUnavailable)
	if err != nil || r.ID != "r1" {
		t.Fatalf("scanned %+v, %v", r, err)
	}
	_, err = sqlstore.ScanRequest(row{err: fmt.Errorf("query: %w", errNoRows)}, "r2", errNoRows, failUnavailable)
	if mfa.Code(err) != mfa.ENotFound || mfa.Message(err) != "request r2 not found" {
		t.Fatalf("missing request: %v", err)
	}
	_, err = sqlstore.ScanRequest(row{err: errDB}, "r3", errNoRows, failUnavailable)
	if mfa.Code(err) != mfa.EUnavailable || !errors.Is(err, errDB) {
		t.Fatalf("failed query: %v", err)
	}
	if _, err := sqlstore.ScanRequest(row{v: `{`}, "r4", errNoRows, failUnavailable); mfa.Code(err) != mfa.EInternal {
		t.Fatalf("unreadable request: %v", err)
	}
}

func TestScanValue(t *testing.T) {
	v, err := sqlstore.ScanValue(row{v: []byte("x")}, "conv", "k", errNoRows, failUnavailable)
	if err != nil || string(v) != "x" {
		t.Fatalf("scanned %q, %v", v, err)
	}
	v, err = sqlstore.ScanValue(row{v: nil}, "conv", "k", errNoRows, failUnavailable)
	if err != nil || v == nil || len(v) != 0 {
		t.Fatalf("empty value scanned as %#v, %v; want empty, not nil", v, err)
	}
	_, err = sqlstore.ScanValue(row{err: errNoRows}, "conv", "k", errNoRows, failUnavailable)
	if mfa.Code(err) != mfa.ENotFound || mfa.Message(err) != `no conv value named "k"` {
		t.Fatalf("missing value: %v", err)
	}
	_, err = sqlstore.ScanValue(row{err: errDB}, "conv", "k", errNoRows, failUnavailable)
	if mfa.Code(err) != mfa.EUnavailable || !errors.Is(err, errDB) {
		t.Fatalf("failed query: %v", err)
	}
}

func TestScanRequests(t *testing.T) {
	got, err := sqlstore.ScanRequests(newRows([]any{`{"id":"a"}`}, []any{`{"id":"b"}`}), failUnavailable)
	if err != nil || len(got) != 2 || got[0].ID != "a" || got[1].ID != "b" {
		t.Fatalf("scanned %+v, %v", got, err)
	}
	bad := newRows([]any{`{"id":"a"}`}, []any{`{`})
	if _, err := sqlstore.ScanRequests(bad, failUnavailable); mfa.Code(err) != mfa.EInternal {
		t.Fatalf("unreadable row: %v, want internal", err)
	}
	broken := newRows([]any{`{"id":"a"}`})
	broken.iterErr = errDB
	if _, err := sqlstore.ScanRequests(broken, failUnavailable); !errors.Is(err, errDB) || mfa.Code(err) != mfa.EUnavailable {
		t.Fatalf("broken iteration: %v, want unavailable wrapping the cause", err)
	}
}

func TestScanSteps(t *testing.T) {
	got, err := sqlstore.ScanSteps(newRows(
		[]any{`{"key":"revoke","at":"2026-01-01T03:00:00+03:00"}`},
		[]any{`{"key":"delete/p","method":{"kind":"phone","id":"p","created":"2026-01-01T00:00:00-01:00"}}`},
	), failUnavailable)
	if err != nil || len(got) != 2 {
		t.Fatalf("scanned %+v, %v", got, err)
	}
	if got[0].Key != "revoke" || got[0].At.Location() != time.UTC || got[0].At.Hour() != 0 {
		t.Fatalf("step 0: %+v", got[0])
	}
	if got[1].Method == nil || got[1].Method.Created.Location() != time.UTC || got[1].Method.Created.Hour() != 1 {
		t.Fatalf("step 1: %+v", got[1])
	}
	failing := newRows([]any{`{"key":"x"}`})
	failing.failAt, failing.scanErr = 0, errDB
	if _, err := sqlstore.ScanSteps(failing, failUnavailable); !errors.Is(err, errDB) {
		t.Fatalf("failed scan: %v", err)
	}
}

func TestScanAudit(t *testing.T) {
	row := func(seq int64, tm, detail string) []any {
		return []any{seq, tm, "requested", "r1", "alice", "bob", detail, "prev", "hash"}
	}
	got, err := sqlstore.ScanAudit(newRows(row(7, "2026-07-01T10:00:00.123456789Z", `{"k":"v"}`)), failUnavailable)
	if err != nil || len(got) != 1 {
		t.Fatalf("scanned %+v, %v", got, err)
	}
	rec := got[0]
	if rec.Seq != 7 || rec.Type != mfa.AuditRequested || rec.RequestID != "r1" || rec.Actor != "alice" || rec.Target != "bob" ||
		rec.Detail["k"] != "v" || rec.PrevHash != "prev" || rec.Hash != "hash" || rec.Time.Nanosecond() != 123456789 {
		t.Fatalf("record %+v", rec)
	}
	for _, bad := range [][]any{row(8, "yesterday", `{}`), row(8, "2026-07-01T10:00:00Z", `{`)} {
		_, err := sqlstore.ScanAudit(newRows(bad), failUnavailable)
		if mfa.Code(err) != mfa.EInternal || mfa.Message(err) != "audit record 8 is unreadable" {
			t.Fatalf("unreadable record: %v", err)
		}
	}
}

func TestScanKV(t *testing.T) {
	got, err := sqlstore.ScanKV(newRows([]any{"a", []byte("1")}, []any{"empty", nil}), failUnavailable)
	if err != nil || len(got) != 2 || string(got["a"]) != "1" || got["empty"] == nil || len(got["empty"]) != 0 {
		t.Fatalf("scanned %q, %v", got, err)
	}
	none, err := sqlstore.ScanKV(newRows(), failUnavailable)
	if err != nil || none == nil || len(none) != 0 {
		t.Fatalf("no rows: %v, %v; want an empty map", none, err)
	}
}

func TestErrorPhrasing(t *testing.T) {
	r := &mfa.Request{ID: "r1", Target: mfa.User{UPN: "bob@contoso.com"}}
	for _, tc := range []struct {
		err  error
		code mfa.ErrorCode
		msg  string
	}{
		{sqlstore.RequestNotFound("r1"), mfa.ENotFound, "request r1 not found"},
		{sqlstore.UpdateConflict("r1", "cancelled", []mfa.State{mfa.StatePending}), mfa.EConflict, "request r1 is cancelled, not pending"},
		{sqlstore.UpdateConflict("r1", "completed", []mfa.State{mfa.StatePending, mfa.StateApproved, mfa.StateExecuting}),
			mfa.EConflict, "request r1 is completed, not pending, approved or executing"},
		{sqlstore.CreateConflict(r, errors.New(`duplicate key value violates unique constraint "requests_open_target"`)),
			mfa.EConflict, "bob@contoso.com already has an open request"},
		{sqlstore.CreateConflict(r, errors.New("UNIQUE constraint failed: requests.id")), mfa.EConflict, "request r1 already exists"},
		{sqlstore.CheckNewRequest(&mfa.Request{}), mfa.EInvalid, "a request needs an id"},
		{sqlstore.CheckUpdate(r, nil), mfa.EInvalid, "updating request r1 needs the states it may be in"},
		{sqlstore.CheckStep(mfa.Step{}), mfa.EInvalid, "a journal step needs a key"},
		{sqlstore.CheckTTL(0), mfa.EInvalid, "Once needs a positive ttl"},
		{sqlstore.Unavailable("sqlite", "get", errDB), mfa.EUnavailable, "the request store is unavailable"},
	} {
		if mfa.Code(tc.err) != tc.code || mfa.Message(tc.err) != tc.msg {
			t.Errorf("%v: code %q message %q, want %q %q", tc.err, mfa.Code(tc.err), mfa.Message(tc.err), tc.code, tc.msg)
		}
	}
	if err := sqlstore.Unavailable("sqlite", "get", errDB); !errors.Is(err, errDB) || !strings.Contains(err.Error(), "sqlite: get: connection lost") {
		t.Errorf("unavailable cause: %v", err)
	}
	valid := []error{sqlstore.CheckNewRequest(r), sqlstore.CheckUpdate(r, []mfa.State{mfa.StatePending}),
		sqlstore.CheckStep(mfa.Step{Key: "k"}), sqlstore.CheckTTL(time.Second)}
	for i, err := range valid {
		if err != nil {
			t.Errorf("valid input %d refused: %v", i, err)
		}
	}
}
