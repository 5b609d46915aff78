package reset

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

// replyClock is the connector's HTTP transport: it notes when the channel
// answered the reply to each activity (POST …/activities/{replyToId}).
type replyClock struct {
	next http.RoundTripper
	mu   sync.Mutex
	at   map[string]time.Time // escaped replyToId → answer received
}

func (c *replyClock) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil && r.Method == http.MethodPost {
		if i := strings.LastIndex(r.URL.EscapedPath(), "/activities/"); i >= 0 {
			c.mu.Lock()
			c.at[r.URL.EscapedPath()[i+len("/activities/"):]] = time.Now()
			c.mu.Unlock()
		}
	}
	return resp, err
}

func (c *replyClock) answered(activityID string) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.at[botframework.EscapeID(activityID)]
	return t, ok
}

// BenchmarkMessageToRequestCard is one "reset mfa" from the helpdesk agent's
// message to the request card answered by the channel, through the bot
// (bot.HandleActivity, as the HTTP edge calls it after authentication), the
// reset service with a SQLite store, the msgraph-sdk-go adapter and the
// Graph fake with 50 ms on every call. Each request targets a user of its
// own (seeded without latency, timer stopped). Reports p50 and p99 of the
// iterations of the last round: run with -benchtime=200x.
func BenchmarkMessageToRequestCard(b *testing.B) {
	const latency = 50 * time.Millisecond
	fake := graphfake.New(graphfake.Options{Tenant: graphfake.DemoTenant()})
	b.Cleanup(fake.Close)
	dir, err := graph.NewAnonymous(fake.URL())
	if err != nil {
		b.Fatal(err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "mfabot.db"))
	if err != nil {
		b.Fatal(err)
	}
	p := config.DefaultPolicy()
	p.HelpdeskGroupID, p.ApproverGroupID = graphfake.DemoHelpdeskGroupID, graphfake.DemoApproverGroupID
	p.ProtectedGroupID, p.Confirm = graphfake.DemoProtectedGroupID, mfa.ConfirmOff
	p.PerRequesterLimit, p.PerTargetLimit, p.BreakerLimit = 1<<30, 1<<30, 1<<30
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	ch := channeltest.New(b, channeltest.Config{})
	clock := &replyClock{next: ch.Client().Transport, at: map[string]time.Time{}}
	conn := botframework.NewConnector(botframework.ConnectorConfig{Tokens: ch.TokenSource(),
		HTTPClient: &http.Client{Transport: clock, Timeout: 30 * time.Second}})
	m := bot.NewMessenger(bot.Config{AppID: ch.AppID, Name: "mfabot"}, st, conn, log)
	svc := mfa.NewService(p, mfa.Deps{Directory: dir, Store: st, Notifier: m, Log: log})
	bt := bot.New(m, svc)
	b.Cleanup(func() {
		bt.Wait()
		st.Close()
	})
	hanna := channeltest.User{ID: "29:hanna", AADObjectID: graphfake.DemoAgentID, Name: "Hanna Helpdesk"}

	var lat []time.Duration
	seq := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		seq++
		u := User(1)
		u.ID = fmt.Sprintf("c0000000-0000-4000-8000-%012d", seq)
		u.UPN = fmt.Sprintf("msg%d@contoso.com", seq)
		u.Mail = u.UPN
		u.DisplayName = fmt.Sprintf("Bench User %d", seq)
		fake.SetLatency(0)
		fake.AddUser(u)
		bt.Wait()
		fake.SetLatency(latency)
		act := ch.Message(hanna, "reset mfa "+u.UPN+" benchmark, ticket 4711")
		b.StartTimer()

		t0 := time.Now()
		if _, err := bt.HandleActivity(ctx, act); err != nil {
			b.Fatal(err)
		}
		at, ok := clock.answered(act.ID)
		b.StopTimer()
		if !ok {
			b.Fatalf("no reply to %s", act.ID)
		}
		lat = append(lat, at.Sub(t0))
		b.StartTimer()
	}
	b.StopTimer()
	bt.Wait()
	checkRequestCards(b, ch, len(lat))
	slices.Sort(lat)
	pct := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(len(fake.Requests()))/float64(len(lat)), "graphcalls/op")
}

// checkRequestCards fails unless the last n replies are request cards.
func checkRequestCards(b *testing.B, ch *channeltest.Channel, n int) {
	cards := 0
	for _, s := range ch.Sent() {
		if s.ReplyToID == "" || len(s.Activity.Attachments) != 1 {
			continue
		}
		raw, err := json.Marshal(s.Activity.Attachments[0].Content)
		if err != nil {
			b.Fatal(err)
		}
		if strings.Contains(string(raw), "MFA reset refused") {
			b.Fatalf("a reset was refused: %s", raw)
		}
		if strings.Contains(string(raw), "MFA reset: Bench User") && strings.Contains(string(raw), "Request id") {
			cards++
		}
	}
	if cards < n {
		b.Fatalf("%d request cards for %d messages", cards, n)
	}
}
