package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/botframework"
)

type fakeBot struct {
	got  []*botframework.Activity
	resp *botframework.InvokeResponse
	err  error
}

func (b *fakeBot) HandleActivity(ctx context.Context, act *botframework.Activity) (*botframework.InvokeResponse, error) {
	b.got = append(b.got, act)
	return b.resp, b.err
}

func allow(context.Context, string, *botframework.Activity) error { return nil }

func post(t *testing.T, s *Server, body string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/api/messages", strings.NewReader(body))
	req.Header.Set("Authorization", jwtShaped)
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func TestMessagesHandsOverAndWritesInvokeResponse(t *testing.T) {
	bot := &fakeBot{resp: &botframework.InvokeResponse{StatusCode: 200, Type: "application/vnd.microsoft.activity.message", Value: "ok"}}
	s := New(Config{Bot: bot, Auth: AuthFunc(allow)})
	rec := post(t, s, `{"type":"invoke","id":"1","name":"adaptiveCard/action"}`)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"statusCode":200`) || len(bot.got) != 1 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

func TestMessagesRefusals(t *testing.T) {
	bot := &fakeBot{}
	deny := AuthFunc(func(context.Context, string, *botframework.Activity) error {
		return errors.New("no") // any authentication error is a 401
	})
	s := New(Config{Bot: bot, Auth: deny})
	if rec := post(t, s, `{"type":"message","text":"hi"}`); rec.Code != 401 {
		t.Fatalf("unauthenticated: %d", rec.Code)
	}
	s = New(Config{Bot: bot, Auth: AuthFunc(allow)})
	if rec := post(t, s, `{"type":`); rec.Code != 400 {
		t.Fatalf("malformed: %d", rec.Code)
	}
	if rec := post(t, s, `{"type":"message","text":"`+strings.Repeat("a", MaxBody)+`"}`); rec.Code != 413 {
		t.Fatalf("oversize: %d", rec.Code)
	}
	if len(bot.got) != 0 {
		t.Fatal("a refused activity reached the bot")
	}
	bot.err = errors.New("boom")
	if rec := post(t, s, `{"type":"message","text":"hi"}`); rec.Code != 500 || strings.Contains(rec.Body.String(), "boom") {
		t.Fatalf("bot error: %d %s", rec.Code, rec.Body)
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	ready := errors.New("db down")
	s := New(Config{Bot: &fakeBot{}, Auth: AuthFunc(allow), Ready: func(context.Context) error { return ready }})
	get := func(p string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		return rec
	}
	if get("/healthz").Code != 200 {
		t.Fatal("healthz")
	}
	if get("/readyz").Code != 503 {
		t.Fatal("readyz with the store down")
	}
	ready = nil
	if get("/readyz").Code != 200 {
		t.Fatal("readyz")
	}
	post(t, s, `{"type":"message"}`)
	// Metrics are not on the Bot endpoint's handler, which faces the
	// internet; they have their own handler for their own listener.
	if rec := get("/metrics"); rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "mfabot_") {
		t.Fatalf("/metrics on the bot's handler: %d %s", rec.Code, rec.Body)
	}
	rec := httptest.NewRecorder()
	s.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if m := rec.Body.String(); !strings.Contains(m, `mfabot_activities_total{status="200",type="message"} 1`) {
		t.Fatalf("metrics:\n%s", m)
	}
	rec = httptest.NewRecorder()
	s.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/messages", strings.NewReader("{}")))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("the metrics handler serves the bot endpoint: %d", rec.Code)
	}
}
