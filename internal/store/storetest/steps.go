package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// testSteps checks the journal: order recorded, first write of a key kept,
// journals separate per request.
func testSteps(t *testing.T, s Store, _ *Clock) {
	for _, id := range []string{"j1", "j2"} {
		if err := s.CreateRequest(ctx, pendingRequest(id, "t-"+id, "a", base)); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Steps(ctx, "j1"); err != nil || len(got) != 0 {
		t.Fatalf("empty journal: got %v, %v", got, err)
	}
	zone := time.FixedZone("CET", 3600)
	m1 := mfa.Method{Kind: mfa.KindPhone, ID: "zz-phone", PhoneType: mfa.PhoneAlternateMobile, Label: "+44 ••• ••• 1234", Created: base.Add(-time.Hour).In(zone)}
	m2 := mfa.Method{Kind: mfa.KindAuthenticator, ID: "aa-app", Label: "Pixel"}
	steps := []mfa.Step{
		{Key: "remove:" + m1.Key(), Kind: "removed", Method: &m1, At: base.Add(1).In(zone)},
		{Key: "remove:" + m2.Key(), Kind: "removed", Method: &m2, At: base.Add(2)},
		{Key: "revoke", Kind: "revoked", At: base.Add(3)},
	}
	for _, st := range steps {
		if err := s.RecordStep(ctx, "j1", st); err != nil {
			t.Fatalf("record %s: %v", st.Key, err)
		}
	}
	// Recording a key again keeps the first.
	if err := s.RecordStep(ctx, "j1", mfa.Step{Key: steps[0].Key, Kind: "again", At: base.Add(time.Hour)}); err != nil {
		t.Fatalf("record the same key twice: %v", err)
	}
	if err := s.RecordStep(ctx, "j2", mfa.Step{Key: "tap", Kind: "tap", At: base}); err != nil {
		t.Fatal(err)
	}

	got, err := s.Steps(ctx, "j1")
	if err != nil {
		t.Fatal(err)
	}
	m1utc := m1
	m1utc.Created = m1.Created.UTC()
	want := []mfa.Step{
		{Key: steps[0].Key, Kind: "removed", Method: &m1utc, At: base.Add(1)},
		steps[1],
		steps[2],
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("journal:\n got %+v\nwant %+v", got, want)
	}
	if got2, err := s.Steps(ctx, "j2"); err != nil || len(got2) != 1 || got2[0].Key != "tap" {
		t.Fatalf("second journal: %+v %v", got2, err)
	}

	err = s.RecordStep(ctx, "no-such-request", mfa.Step{Key: "revoke", Kind: "revoked", At: base})
	wantCode(t, err, mfa.ENotFound, "step for a missing request")
}
