package graph_test

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	khttp "github.com/microsoft/kiota-http-go"

	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

// TestRequestBodiesAreNotCompressed: the fake, like a Graph endpoint that
// takes no gzip body, answers 415 to a compressed write; mfabot sends its
// writes uncompressed at the first try, so each costs one round trip.
func TestRequestBodiesAreNotCompressed(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	if _, err := d.CreateTAP(ctx, graphfake.DemoBobID, mfa.TAPRequest{Lifetime: time.Hour, OneTime: true}); err != nil {
		t.Fatal(err)
	}
	if err := d.RevokeSessions(ctx, graphfake.DemoBobID); err != nil {
		t.Fatal(err)
	}
	if err := d.SendMail(ctx, "mona@contoso.com", []string{"bob@contoso.com"}, "s", "t"); err != nil {
		t.Fatal(err)
	}
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3: %+v", len(reqs), reqs)
	}
	for _, r := range reqs {
		if r.Gzip || r.Status >= 300 {
			t.Fatalf("%+v", r)
		}
	}
}

// TestSDKCompressionHandlerResendsAfter415 checks the fake against the SDK's
// own compression handler, which Microsoft's design says must send again
// uncompressed after a 415: it does, at the cost of a second request.
func TestSDKCompressionHandlerResendsAfter415(t *testing.T) {
	s, _ := newEnv(t, graphfake.Options{})
	hc := &http.Client{Transport: khttp.NewCustomTransportWithParentTransport(http.DefaultTransport, khttp.NewCompressionHandler())}
	req, _ := http.NewRequest("POST", s.URL()+"/v1.0/users/"+graphfake.DemoBobID+"/authentication/temporaryAccessPassMethods",
		bytes.NewReader([]byte(`{"lifetimeInMinutes":60}`)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	reqs := s.Requests()
	if resp.StatusCode != 201 || len(reqs) != 2 || !reqs[0].Gzip || reqs[0].Status != 415 || reqs[1].Gzip || reqs[1].Status != 201 {
		t.Fatalf("status %d, requests %+v", resp.StatusCode, reqs)
	}
}

// TestFractionalRetryAfterIsHonouredExactly: "0.35" waits 350 ms (the SDK's
// handler truncates it to 0 s).
func TestFractionalRetryAfterIsHonouredExactly(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	s.AddFault(graphfake.Fault{Method: "GET", Path: "/users/*/authentication/methods", Status: 429, RetryAfter: "0.35"})
	if _, err := d.ListMethods(ctx, graphfake.DemoBobID); err != nil {
		t.Fatal(err)
	}
	var times []time.Time
	for _, r := range s.Requests() {
		if r.Method == "GET" && r.Path == "/v1.0/users/"+graphfake.DemoBobID+"/authentication/methods" {
			times = append(times, r.Time)
		}
	}
	if len(times) != 2 {
		t.Fatalf("%d attempts", len(times))
	}
	if gap := times[1].Sub(times[0]); gap < 350*time.Millisecond || gap > time.Second {
		t.Fatalf("waited %v, want 350 ms", gap)
	}
}

// TestWritesWithUnknownOutcomeAreNotResent: a POST is sent again only when
// the answer proves nothing was done (429, 503 with Retry-After); a 504 or
// a 503 without Retry-After leaves the outcome unknown, so a pass or a mail
// is never created twice. Reads and deletes are retried.
func TestWritesWithUnknownOutcomeAreNotResent(t *testing.T) {
	tap := "/users/*/authentication/temporaryAccessPassMethods"
	mail := "/users/*/sendMail"
	for _, tc := range []struct {
		name, method, path string
		status             int
		retryAfter         string
		attempts           int
	}{
		{"TAP after 504", "POST", tap, 504, "", 1},
		{"TAP after 503 without Retry-After", "POST", tap, 503, "", 1},
		{"mail after 504", "POST", mail, 504, "", 1},
		{"mail after 500", "POST", mail, 500, "", 1},
		{"TAP after 429", "POST", tap, 429, "0.05", 2},
		{"TAP after 503 with Retry-After", "POST", tap, 503, "0.05", 2},
		{"delete after 504", "DELETE", "/users/*/authentication/phoneMethods/*", 504, "", 2},
		{"list after 503", "GET", "/users/*/authentication/methods", 503, "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, d := newEnv(t, graphfake.Options{})
			s.AddFault(graphfake.Fault{Method: tc.method, Path: tc.path, Status: tc.status, RetryAfter: tc.retryAfter})
			var err error
			switch tc.path {
			case tap:
				_, err = d.CreateTAP(ctx, graphfake.DemoBobID, mfa.TAPRequest{Lifetime: time.Hour})
			case mail:
				err = d.SendMail(ctx, "mona@contoso.com", []string{"bob@contoso.com"}, "s", "t")
			default:
				if tc.method == "DELETE" {
					err = d.DeleteMethod(ctx, graphfake.DemoAliceID, mfa.Method{Kind: mfa.KindPhone, ID: graphfake.OfficePhoneID, PhoneType: mfa.PhoneOffice})
				} else {
					_, err = d.ListMethods(ctx, graphfake.DemoBobID)
				}
			}
			if n := s.Count(tc.method, tc.path); n != tc.attempts {
				t.Fatalf("%d attempts, want %d", n, tc.attempts)
			}
			if (err == nil) != (tc.attempts == 2) {
				t.Fatalf("err %v", err)
			}
		})
	}
}

// TestTimedOutPostIsNotResent: a POST whose answer never came is not sent
// again.
func TestTimedOutPostIsNotResent(t *testing.T) {
	fake := graphfake.NewUnstarted(graphfake.Options{Tenant: graphfake.DemoTenant(), RequireToken: "tok"})
	ts := httptest.NewTLSServer(fake.Handler())
	t.Cleanup(ts.Close)
	hc := ts.Client()
	hc.Timeout = 100 * time.Millisecond
	d, err := graph.New(graph.Config{BaseURL: ts.URL, Credential: &staticCredential{token: "tok"}, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	fake.SetLatency(300 * time.Millisecond)
	_, err = d.CreateTAP(ctx, graphfake.DemoBobID, mfa.TAPRequest{Lifetime: time.Hour})
	if !mfa.IsDirectoryReason(err, mfa.ReasonUnavailable) {
		t.Fatalf("err %v", err)
	}
	time.Sleep(400 * time.Millisecond)
	if n := fake.CallCount(); n != 1 {
		t.Fatalf("%d attempts, want 1", n)
	}
}

// TestThrottlingIsReportedBeforeTheWait: each 429 and 503 is reported to
// the batch in the context with the wait Graph asked for (or the backoff),
// before the retry waits; other failures are not.
func TestThrottlingIsReportedBeforeTheWait(t *testing.T) {
	methods := "/users/*/authentication/methods"
	for _, tc := range []struct {
		name       string
		status     int
		retryAfter string
		count      int
		reports    int
		min, max   time.Duration
	}{
		{"429 with Retry-After", 429, "0.2", 1, 1, 200 * time.Millisecond, 200 * time.Millisecond},
		{"503 with Retry-After in whole seconds", 503, "1", 1, 1, time.Second, time.Second},
		{"503 without Retry-After: the backoff", 503, "", 1, 1, 10 * time.Millisecond, 20 * time.Millisecond},
		{"429 every time: reported on the last too", 429, "0.01", -1, 4, 10 * time.Millisecond, 10 * time.Millisecond},
		{"504 is no throttling", 504, "", 1, 0, 0, 0},
		{"500 is no throttling", 500, "", 1, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, d := newEnv(t, graphfake.Options{})
			s.AddFault(graphfake.Fault{Method: "GET", Path: methods, Status: tc.status, RetryAfter: tc.retryAfter, Count: tc.count})
			var mu sync.Mutex
			var waits []time.Duration
			var attemptsAtReport []int
			c := mfa.WithThrottleReport(ctx, func(d time.Duration) {
				mu.Lock()
				defer mu.Unlock()
				waits = append(waits, d)
				attemptsAtReport = append(attemptsAtReport, s.Count("GET", methods))
			})
			_, _ = d.ListMethods(c, graphfake.DemoBobID)
			mu.Lock()
			defer mu.Unlock()
			if len(waits) != tc.reports {
				t.Fatalf("%d reports %v, want %d", len(waits), waits, tc.reports)
			}
			for i, w := range waits {
				if w < tc.min || w > tc.max {
					t.Fatalf("reported %v, want %v to %v", w, tc.min, tc.max)
				}
				// Reported after the i-th answer, before the next attempt.
				if attemptsAtReport[i] != i+1 {
					t.Fatalf("report %d came after %d attempts", i, attemptsAtReport[i])
				}
			}
		})
	}
	// Without a batch in the context nothing is reported, and nothing breaks.
	s, d := newEnv(t, graphfake.Options{})
	s.AddFault(graphfake.Fault{Method: "GET", Path: methods, Status: 429, RetryAfter: "0.01"})
	if _, err := d.ListMethods(ctx, graphfake.DemoBobID); err != nil {
		t.Fatal(err)
	}
}

// A POST refused with 503 and no Retry-After is not sent again, but the
// batch still hears of it.
func TestUnretriedThrottledWriteIsReported(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	s.AddFault(graphfake.Fault{Method: "POST", Path: "/users/*/authentication/temporaryAccessPassMethods", Status: 503})
	n := 0
	c := mfa.WithThrottleReport(ctx, func(time.Duration) { n++ })
	if _, err := d.CreateTAP(c, graphfake.DemoBobID, mfa.TAPRequest{Lifetime: time.Hour}); err == nil {
		t.Fatal("no error")
	}
	if n != 1 || s.Count("POST", "/users/*/authentication/temporaryAccessPassMethods") != 1 {
		t.Fatalf("%d reports, %d attempts", n, s.Count("POST", "/users/*/authentication/temporaryAccessPassMethods"))
	}
}

// TestConcurrentCallsReuseConnections: over HTTP/1.1 (the fake; a proxy
// without HTTP/2), rounds of concurrent calls — a privilege check's, an
// incident's workers' — reuse their connections instead of opening new
// ones every round.
func TestConcurrentCallsReuseConnections(t *testing.T) {
	fake := graphfake.NewUnstarted(graphfake.Options{Tenant: graphfake.DemoTenant()})
	var opened atomic.Int64
	ts := httptest.NewUnstartedServer(fake.Handler())
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			opened.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	d, err := graph.NewAnonymous(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				if _, err := d.ListMethods(ctx, graphfake.DemoBobID); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	if n := opened.Load(); n > 40 {
		t.Fatalf("100 calls in rounds of 20 opened %d connections", n)
	}
}
