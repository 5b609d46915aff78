package alert

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

func TestWebhookPostsTeamsMessageAndAlert(t *testing.T) {
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("content type %q", r.Header.Get("Content-Type"))
		}
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &got)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	a := mfa.Alert{Kind: "user_denied", Summary: "alice says no", RequestID: "R-ABC", Target: "alice@contoso.com", At: time.Now()}
	if err := NewWebhook(srv.URL+"/sig?sv=secret").Alert(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if got["type"] != "message" || got["alert"].(map[string]any)["kind"] != "user_denied" {
		t.Fatalf("body %v", got)
	}
	att := got["attachments"].([]any)[0].(map[string]any)
	if att["contentType"] != "application/vnd.microsoft.card.adaptive" {
		t.Fatalf("attachment %v", att)
	}
}

func TestWebhookErrorHidesTheURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer srv.Close()
	err := NewWebhook(srv.URL+"/hook?sig=topsecret").Alert(context.Background(), mfa.Alert{Kind: "x"})
	if err == nil || strings.Contains(err.Error(), "topsecret") || !strings.Contains(err.Error(), "500") {
		t.Fatalf("err %v", err)
	}
}
