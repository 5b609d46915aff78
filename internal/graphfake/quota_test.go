package graphfake

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"
)

// clock is a settable time for the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestWriteQuotaRefusesWritesOnlyAndRefills(t *testing.T) {
	c := &clock{t: time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)}
	// 3 writes per 30 s: one token every 10 s.
	s := newDemo(t, Options{Now: c.now, WriteQuota: &WriteQuota{Limit: 3, Window: 30 * time.Second}})
	revoke := func() (int, http.Header, map[string]any) {
		return call(t, s, "POST", "/v1.0/users/"+DemoBobID+"/revokeSignInSessions", "", false)
	}
	for i := range 3 {
		if st, _, m := revoke(); st != 200 {
			t.Fatalf("write %d: %d %v", i, st, m)
		}
	}
	st, h, m := revoke()
	if st != 429 || h.Get("Retry-After") != "10" || errCode(m) != "TooManyRequests" || errMessage(m) == "" {
		t.Fatalf("4th write: %d Retry-After %q %v", st, h.Get("Retry-After"), m)
	}
	inner := m["error"].(map[string]any)["innerError"].(map[string]any)
	if inner["status"] != "429" || inner["request-id"] != h.Get("request-id") || h.Get("x-ms-throttle-information") != "WriteLimitExceeded" {
		t.Fatalf("429 body %v, headers %v", m, h)
	}
	if s.Revocations(DemoBobID) != 3 {
		t.Fatalf("a refused write was carried out: %d revocations", s.Revocations(DemoBobID))
	}
	// Reads are not limited, nor is checkMemberGroups on a user (write
	// cost 0), nor mail (Outlook's limits).
	if st, _, _ := call(t, s, "GET", "/v1.0/users/"+DemoBobID+"/authentication/methods", "", false); st != 200 {
		t.Fatalf("read: %d", st)
	}
	if st, _, _ := call(t, s, "POST", "/v1.0/users/"+DemoAgentID+"/checkMemberGroups", `{"groupIds":["`+DemoHelpdeskGroupID+`"]}`, false); st != 200 {
		t.Fatalf("checkMemberGroups: %d", st)
	}
	if st, _, _ := call(t, s, "POST", "/v1.0/users/mona@contoso.com/sendMail",
		`{"message":{"subject":"s","body":{"contentType":"Text","content":"t"},"toRecipients":[{"emailAddress":{"address":"bob@contoso.com"}}]}}`, false); st != 202 {
		t.Fatalf("sendMail: %d", st)
	}
	// 4 s later the next token is 6 s away; 6 s later there is one.
	c.add(4 * time.Second)
	if st, h, _ := revoke(); st != 429 || h.Get("Retry-After") != "6" {
		t.Fatalf("after 4 s: %d %q", st, h.Get("Retry-After"))
	}
	c.add(6 * time.Second)
	if st, _, _ := revoke(); st != 200 {
		t.Fatalf("after 10 s: %d", st)
	}
	if st, _, _ := revoke(); st != 429 {
		t.Fatalf("the refill gave more than one token: %d", st)
	}
	// A long pause refills the bucket to its size, no more.
	c.add(time.Hour)
	for i := range 3 {
		if st, _, _ := revoke(); st != 200 {
			t.Fatalf("after an hour, write %d: %d", i, st)
		}
	}
	if st, _, _ := revoke(); st != 429 {
		t.Fatalf("the bucket held more than its size: %d", st)
	}
	got := s.Stats()
	want := Stats{Requests: 14, Writes: 9, Charged: 7, Throttled: 4}
	if got != want {
		t.Fatalf("stats %+v, want %+v", got, want)
	}
	s.SetWriteQuota(nil)
	for range 10 {
		if st, _, _ := revoke(); st != 200 {
			t.Fatalf("quota off: %d", st)
		}
	}
}

// The default quota is Graph's: 3,000 writes, then one every 50 ms, which
// Graph rounds up to a Retry-After of 1 s.
func TestDefaultWriteQuota(t *testing.T) {
	c := &clock{t: time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)}
	s := newDemo(t, Options{Now: c.now, WriteQuota: &WriteQuota{}})
	s.mu.Lock()
	q, tokens := s.bucket.quota, s.bucket.tokens
	s.bucket.tokens = 0.5
	s.mu.Unlock()
	if q != DefaultWriteQuota || tokens != 3000 || DefaultWriteQuota.Window != 150*time.Second {
		t.Fatalf("quota %+v with %v tokens", q, tokens)
	}
	st, h, _ := call(t, s, "POST", "/v1.0/users/"+DemoBobID+"/revokeSignInSessions", "", false)
	if st != 429 || h.Get("Retry-After") != "1" {
		t.Fatalf("%d Retry-After %q", st, h.Get("Retry-After"))
	}
	c.add(25 * time.Millisecond)
	if st, _, _ := call(t, s, "POST", "/v1.0/users/"+DemoBobID+"/revokeSignInSessions", "", false); st != 200 {
		t.Fatalf("after 25 ms: %d", st)
	}
}

func TestStatsEndpointAndRepeatDeletes(t *testing.T) {
	s := newDemo(t, Options{Latency: time.Second})
	s.SetLatency(0)
	office := "/v1.0/users/" + DemoAliceID + "/authentication/phoneMethods/" + OfficePhoneID
	if st, _, m := call(t, s, "DELETE", office, "", false); st != 204 {
		t.Fatalf("delete: %d %v", st, m)
	}
	if st, _, _ := call(t, s, "DELETE", office, "", false); st != 404 {
		t.Fatalf("second delete: %d", st)
	}
	// By UPN it is the same method.
	if st, _, _ := call(t, s, "DELETE", "/v1.0/users/alice@contoso.com/authentication/phoneMethods/"+OfficePhoneID, "", false); st != 404 {
		t.Fatalf("third delete: %d", st)
	}
	// Registered again, it may be deleted again.
	if st, _, m := call(t, s, "POST", "/v1.0/users/"+DemoAliceID+"/authentication/phoneMethods", `{"phoneNumber":"+1 2065555557","phoneType":"office"}`, false); st != 201 {
		t.Fatalf("re-register: %d %v", st, m)
	}
	if st, _, _ := call(t, s, "DELETE", office, "", false); st != 204 {
		t.Fatalf("delete again: %d", st)
	}
	// Another user's method of the same (well-known) id is no repeat.
	if st, _, _ := call(t, s, "DELETE", "/v1.0/users/"+DemoCarolID+"/authentication/phoneMethods/"+MobilePhoneID, "", false); st != 204 {
		t.Fatalf("carol: %d", st)
	}
	want := Stats{Requests: 6, Writes: 6, Charged: 6, MethodsDeleted: 3, RepeatDeletes: 2}
	if got := s.Stats(); got != want {
		t.Fatalf("stats %+v, want %+v", got, want)
	}
	s.SetLatency(time.Second) // the stats endpoint is not delayed
	start := time.Now()
	resp, err := http.Get(s.URL() + StatsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got Stats
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || got != want || time.Since(start) > 500*time.Millisecond {
		t.Fatalf("%s: %+v %v in %s", StatsPath, got, err, time.Since(start))
	}
	if s.CallCount() != 6 {
		t.Fatalf("the stats request was logged: %d", s.CallCount())
	}
	s.ResetStats()
	if s.Stats() != (Stats{}) {
		t.Fatalf("%+v", s.Stats())
	}
}

// The latency is slept without the fake's lock: requests wait side by side.
func TestLatencyIsConcurrent(t *testing.T) {
	s := newDemo(t, Options{Latency: 200 * time.Millisecond})
	start := time.Now()
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if st, _, _ := call(t, s, "GET", "/v1.0/users/"+DemoBobID+"/authentication/methods", "", false); st != 200 {
				t.Errorf("status %d", st)
			}
		})
	}
	wg.Wait()
	if d := time.Since(start); d < 200*time.Millisecond || d > 1500*time.Millisecond {
		t.Fatalf("10 requests of 200 ms each answered in %s", d)
	}
}

func TestMaxRequestsBoundsTheLog(t *testing.T) {
	s := newDemo(t, Options{MaxRequests: 5})
	for i := range 23 {
		call(t, s, "GET", "/v1.0/users/"+DemoBobID+"?n="+string(rune('a'+i)), "", false)
	}
	rs := s.Requests()
	if len(rs) != 5 || rs[4].Query != "n=w" || rs[0].Query != "n=s" || s.CallCount() != 23 || s.Stats().Requests != 23 {
		t.Fatalf("%d kept (%q … %q), %d calls", len(rs), rs[0].Query, rs[len(rs)-1].Query, s.CallCount())
	}
	s.mu.Lock()
	held := cap(s.requests)
	s.mu.Unlock()
	if held > 20 {
		t.Fatalf("the log holds room for %d requests", held)
	}
	none := newDemo(t, Options{MaxRequests: -1})
	call(t, none, "GET", "/v1.0/users/"+DemoBobID, "", false)
	if len(none.Requests()) != 0 || none.CallCount() != 1 {
		t.Fatalf("%d logged", len(none.Requests()))
	}
}
