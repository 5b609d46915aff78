// Package sqlstoretest holds the tests the SQL stores share beyond the
// storetest suite: those that reach under the store with SQL of their own,
// as an operator with access to the database could.
package sqlstoretest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

var ctx = context.Background()

// Exec runs one statement on the store's database directly, past the store.
type Exec func(q string) error

// AuditTriggersRefuse appends three records to s and checks that the
// database refuses to update or delete them, with the schema's append-only
// error, for the statements every SQL store refuses and the extra ones
// given; the records must read back unchanged.
func AuditTriggersRefuse(t *testing.T, s mfa.Store, exec Exec, extra ...string) {
	t.Helper()
	for i := range 3 {
		if _, err := s.AppendAudit(ctx, mfa.AuditEvent{Time: time.Unix(int64(i), 0), Type: mfa.AuditRequested, Actor: "a"}); err != nil {
			t.Fatal(err)
		}
	}
	stmts := append([]string{
		`UPDATE audit SET type = 'approved' WHERE seq = 2`,
		`UPDATE audit SET hash = 'x'`,
		`DELETE FROM audit WHERE seq = 3`,
		`DELETE FROM audit`,
	}, extra...)
	for _, q := range stmts {
		err := exec(q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("%s: got %v, want the append-only refusal", q, err)
		}
	}
	recs, err := s.AuditRecords(ctx, 0, 0)
	if err != nil || len(recs) != 3 || recs[1].Type != mfa.AuditRequested {
		t.Fatalf("audit changed despite the triggers: %+v %v", recs, err)
	}
}

// TamperShows is what `mfabot audit verify` relies on: someone who can run
// disable (the statement that lets an UPDATE of the audit table through)
// edits record 4 of five, and the chain read back through AuditRecords
// breaks at 4.
func TamperShows(t *testing.T, s mfa.Store, exec Exec, disable string) {
	t.Helper()
	for i := range 5 {
		if _, err := s.AppendAudit(ctx, mfa.AuditEvent{Time: time.Unix(int64(i), 5), Type: mfa.AuditRequested, Actor: "a",
			Detail: map[string]string{"i": string(rune('0' + i))}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := exec(disable); err != nil {
		t.Fatal(err)
	}
	if err := exec(`UPDATE audit SET detail = '{"i":"9"}' WHERE seq = 4`); err != nil {
		t.Fatalf("update after %s: %v", disable, err)
	}
	recs, err := s.AuditRecords(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	v := mfa.NewChainVerifier()
	var br *mfa.ChainBreak
	for _, r := range recs {
		if err := v.Check(r); err != nil {
			if !errors.As(err, &br) {
				t.Fatalf("unexpected error %v", err)
			}
			break
		}
	}
	if br == nil || br.Seq != 4 {
		t.Fatalf("tampered record not found: break %v, verified %d", br, v.Count())
	}
}

// OnceCounter is a store that tells how many Once keys it has recorded.
type OnceCounter interface {
	mfa.Store
	Once(ctx context.Context, key string, ttl time.Duration) (bool, error)
	OnceKeys(ctx context.Context) (int, error)
}

// OncePurgesExpired records three keys in a store open makes on a fake
// clock, moves the clock past their ttl and records one more: the expired
// keys are deleted on the way, so only the last one is left.
func OncePurgesExpired(t *testing.T, open func(now func() time.Time) OnceCounter) {
	t.Helper()
	clock := mfatest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := open(clock.Now)
	for _, k := range []string{"a", "b", "c"} {
		if _, err := s.Once(ctx, k, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(2 * time.Minute)
	if _, err := s.Once(ctx, "d", time.Hour); err != nil {
		t.Fatal(err)
	}
	if n, err := s.OnceKeys(ctx); err != nil || n != 1 {
		t.Fatalf("%d keys recorded after the purge, want 1 (%v)", n, err)
	}
}
