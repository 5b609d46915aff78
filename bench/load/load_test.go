package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/botframework"
)

// The benchmark's one token and its activities must pass mfabot's real
// validator, or the load would measure refusals.
func TestChannelTokenAndActivityPassTheValidator(t *testing.T) {
	ch, err := newChannel(appID, tenantID, false)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.close()
	token, err := ch.sign(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := newActivityTemplate(ch.serviceURL(), appID, tenantID, 7)
	if err != nil {
		t.Fatal(err)
	}
	act, err := botframework.Decode(bytes.NewReader(tmpl.body(nil, "run-42")), 1<<20)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if act.ID != "run-42" || act.Text != "help" || act.Tenant() != tenantID || !act.Personal() {
		t.Fatalf("activity: id %q text %q tenant %q personal %v", act.ID, act.Text, act.Tenant(), act.Personal())
	}
	v := botframework.NewValidator(botframework.ValidatorConfig{AppID: appID, TenantID: tenantID, OpenIDMetadataURL: ch.metadataURL()})
	ctx := context.Background()
	c, err := v.Authenticate(ctx, "Bearer "+token, act)
	if err != nil {
		t.Fatalf("validator refused the benchmark's token: %v", err)
	}
	if c.ServiceURL != ch.serviceURL() || len(c.Endorsements) != 1 || c.Endorsements[0] != "msteams" {
		t.Fatalf("claims: %+v", c)
	}
	other := *act
	other.ServiceURL = "https://elsewhere.example/"
	if _, err := v.Authenticate(ctx, "Bearer "+token, &other); err == nil {
		t.Fatal("a token for another service URL was accepted")
	}
}

func TestConnectorCountsOnlyRepliesWithTheIssuedToken(t *testing.T) {
	ch, err := newChannel(appID, tenantID, false)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.close()
	send := func(token string) int { return sendReply(t, ch, token, `{"type":"message","text":"hi"}`) }
	if got := send(ch.outToken); got != http.StatusOK {
		t.Fatalf("issued token: HTTP %d", got)
	}
	if got := send("forged"); got != http.StatusUnauthorized {
		t.Fatalf("forged token: HTTP %d", got)
	}
	if ch.replies.Load() != 1 || ch.badReplies.Load() != 1 {
		t.Fatalf("replies %d, refused %d; want 1 and 1", ch.replies.Load(), ch.badReplies.Load())
	}
}

// A reply that is not an activity is refused: by the cheap check always,
// by encoding/json when it is the first or one in fullCheckEvery.
func TestConnectorRefusesRepliesThatAreNotActivities(t *testing.T) {
	ch, err := newChannel(appID, tenantID, false)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.close()
	for _, body := range []string{`{"type":"message"`, `not json`, `{"text":"no type"}`, ``, `{"type": }`} {
		if got := sendReply(t, ch, ch.outToken, body); got != http.StatusUnauthorized {
			t.Fatalf("reply %q: HTTP %d", body, got)
		}
	}
	for i := 1; i < fullCheckEvery; i++ {
		if got := sendReply(t, ch, ch.outToken, `{"type":"message","n":`+strconv.Itoa(i)+`}`); got != http.StatusOK {
			t.Fatalf("reply %d: HTTP %d", i, got)
		}
	}
	if got := sendReply(t, ch, ch.outToken, `{"type": }`); got != http.StatusUnauthorized {
		t.Fatalf("malformed reply decoded by encoding/json: HTTP %d", got)
	}
	if ch.replies.Load() != fullCheckEvery-1 || ch.badReplies.Load() != 6 {
		t.Fatalf("replies %d, refused %d", ch.replies.Load(), ch.badReplies.Load())
	}
}

// sendReply posts body to the channel's connector as a reply with token.
func sendReply(t *testing.T, ch *channel, token, body string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ch.serviceURL()+"v3/conversations/a%3Ax/activities/1", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusOK {
		var rr struct{ ID string }
		if err := json.NewDecoder(resp.Body).Decode(&rr); err != nil || rr.ID == "" {
			t.Fatalf("connector answer: %+v, %v", rr, err)
		}
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestRunLoadCountsAnswersAndStatuses(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer t" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if n.Add(1)%4 == 0 {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	tmpl, err := newActivityTemplate("http://x/", appID, tenantID, 1)
	if err != nil {
		t.Fatal(err)
	}
	res := runLoad(context.Background(), newClient(1), loadConfig{
		URL: srv.URL, Token: "t", Concurrency: 1, Duration: time.Minute, MaxRequests: 40, IDPrefix: "x-", Templates: []activityTemplate{tmpl},
	})
	if res.Requests != 40 || res.OK != 30 || res.Statuses[http.StatusUnauthorized] != 10 || len(res.Latencies) != 30 {
		t.Fatalf("requests %d ok %d statuses %v latencies %d", res.Requests, res.OK, res.Statuses, len(res.Latencies))
	}
	if res.FirstErr != "HTTP 401" {
		t.Fatalf("first error %q", res.FirstErr)
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	r := loadResult{}
	for i := 1; i <= 200; i++ {
		r.Latencies = append(r.Latencies, time.Duration(i)*time.Millisecond)
	}
	if p := r.Percentile(50); p != 100*time.Millisecond {
		t.Fatalf("p50 = %v", p)
	}
	if p := r.Percentile(99); p != 198*time.Millisecond {
		t.Fatalf("p99 = %v", p)
	}
	if p := r.Percentile(100); p != 200*time.Millisecond {
		t.Fatalf("p100 = %v", p)
	}
	if p := (loadResult{}).Percentile(99); p != 0 {
		t.Fatalf("empty p99 = %v", p)
	}
}

func TestParseStatCPUSkipsTheCommandName(t *testing.T) {
	// pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
	stat := []byte("4242 (node (bench) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0")
	got, err := parseStatCPU(stat)
	if err != nil {
		t.Fatal(err)
	}
	if got != 3*time.Second {
		t.Fatalf("cpu = %v, want 3s (300 ticks)", got)
	}
	if _, err := parseStatCPU([]byte("4242 (short) S 1")); err == nil {
		t.Fatal("a short stat line parsed")
	}
}
