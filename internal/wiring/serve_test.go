package wiring

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

// TestServeEndToEnd drives the production wiring — gin, the real Connector
// authentication, the bot, the service, SQLite and the real Graph SDK
// against the fake Graph — with activities signed by the test channel.
func TestServeEndToEnd(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	lb := demoServe(t, ch, filepath.Join(t.TempDir(), "mfabot.db"), nil)
	w, url, fake := lb.W, lb.URL, lb.Fake

	hanna := channeltest.User{ID: "29:hanna", AADObjectID: graphfake.DemoAgentID, Name: "Hanna Helpdesk"}
	ada := channeltest.User{ID: "29:ada", AADObjectID: graphfake.DemoApproverID, Name: "Ada Approver"}

	// Unsigned requests are refused before the bot sees them.
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"type":"message","text":"help"}`))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned: %v %v", err, resp)
	}

	status, _, err := ch.Post(url, ch.Message(hanna, "reset mfa alice@contoso.com lost her phone"))
	if err != nil || status != 200 {
		t.Fatalf("reset: %d %v", status, err)
	}
	sent := ch.WaitSent(t, 1, 5*time.Second)
	card, _ := json.Marshal(sent[0].Activity.Attachments)
	if !strings.Contains(string(card), "Alice Example") || !strings.Contains(string(card), "+1 ••• ••• 5555") || strings.Contains(string(card), "2065555555") {
		t.Fatalf("request card: %s", card)
	}
	rs, err := w.Store.ListRequests(context.Background(), mfa.RequestFilter{})
	if err != nil || len(rs) != 1 {
		t.Fatalf("requests %v %v", rs, err)
	}
	id := rs[0].ID

	// The requester cannot approve; the approver can, with a verification.
	status, body, _ := ch.Post(url, ch.Invoke(hanna, sent[0].ID, "approve", map[string]any{"requestId": id, "verification": "video_id"}))
	if status != 200 || !strings.Contains(string(body), "someone else must approve") {
		t.Fatalf("self-approval: %d %s", status, body)
	}
	status, body, _ = ch.Post(url, ch.Invoke(ada, sent[0].ID, "approve", map[string]any{"requestId": id, "verification": "callback"}))
	if status != 200 || !strings.Contains(string(body), "application/vnd.microsoft.card.adaptive") {
		t.Fatalf("approval: %d %s", status, body)
	}
	deadline := time.Now().Add(10 * time.Second)
	var final *mfa.Request
	for time.Now().Before(deadline) {
		final, _ = w.Store.GetRequest(context.Background(), id)
		if final.State.Final() {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if final.State != mfa.StateCompleted {
		t.Fatalf("state %s result %+v", final.State, final.Result)
	}
	for _, m := range fake.Methods(graphfake.DemoAliceID) {
		if m.Kind == mfa.KindPhone || m.Kind == mfa.KindAuthenticator || m.Kind == mfa.KindSoftwareOATH {
			t.Errorf("%s still registered in Graph", m.Kind)
		}
	}
	// The card was updated in place with the result (after "Resetting…").
	var last []byte
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ups := ch.Updates(); len(ups) > 0 {
			last, _ = json.Marshal(ups[len(ups)-1].Activity.Attachments)
			if strings.Contains(string(last), "Completed") {
				break
			}
		}
	}
	if !strings.Contains(string(last), "Completed") {
		t.Fatalf("final card: %s", last)
	}

	// Readiness and metrics.
	resp, err := http.Get(strings.TrimSuffix(url, "/api/messages") + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz %v %v", err, resp)
	}
	// /metrics is not on the Bot endpoint's listener, only on its own.
	resp, _ = http.Get(strings.TrimSuffix(url, "/api/messages") + "/metrics")
	if m, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusNotFound || strings.Contains(string(m), "mfabot_") {
		t.Fatalf("/metrics on the bot's listener: %d %s", resp.StatusCode, m)
	}
	resp, _ = http.Get(lb.MetricsURL)
	m, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(m), `status="401"`) {
		t.Fatalf("metrics lack the refused request:\n%s", m)
	}
	if !strings.Contains(string(m), `mfabot_requests_finished_total{state="completed"} 1`) {
		t.Fatalf("metrics lack the completed reset:\n%s", m)
	}
}
