package bot_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
	"github.com/mfabot/mfabot/internal/store/sqlite"
	"github.com/mfabot/mfabot/internal/testutil/syncbuf"
)

var ctx = context.Background()

// Teams users of the standard tenant.
var (
	agent     = channeltest.User{ID: "29:agent", AADObjectID: mfatest.AgentID, Name: mfatest.Agent.Name}
	agent2    = channeltest.User{ID: "29:agent2", AADObjectID: mfatest.Agent2ID, Name: mfatest.Agent2.Name}
	approver  = channeltest.User{ID: "29:approver", AADObjectID: mfatest.ApproverID, Name: mfatest.Approver.Name}
	approver2 = channeltest.User{ID: "29:approver2", AADObjectID: mfatest.Approver2ID, Name: mfatest.Approver2.Name}
	alice     = channeltest.User{ID: "29:alice", AADObjectID: mfatest.AliceID, Name: "Alice Example"}
)

type harness struct {
	t      *testing.T
	ch     *channeltest.Channel
	bot    *bot.Bot
	svc    *mfa.Service
	dir    *mfatest.Directory
	store  *sqlite.DB
	alerts *mfatest.Alerter
	clock  *mfatest.Clock
	logs   *syncbuf.Buffer // every log line of the service and the bot
	// endpoint is the bot's HTTP endpoint, started on first use (postHTTP).
	endpoint endpoint
}

func newHarness(t *testing.T, policy ...func(*mfa.Policy)) *harness {
	t.Helper()
	return newHarnessBot(t, nil, policy...)
}

// newHarnessBot is newHarness with the bot's configuration changed by botCfg.
func newHarnessBot(t *testing.T, botCfg func(*bot.Config), policy ...func(*mfa.Policy)) *harness {
	t.Helper()
	p := mfatest.Policy()
	for _, f := range policy {
		f(&p)
	}
	st, err := sqlite.Open(ctx, t.TempDir()+"/mfabot.db")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, ch: channeltest.New(t, channeltest.Config{}), dir: mfatest.Tenant(), store: st,
		alerts: &mfatest.Alerter{}, clock: mfatest.NewClock(time.Now().UTC().Truncate(time.Second)), logs: &syncbuf.Buffer{}}
	log := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := bot.Config{AppID: h.ch.AppID, Name: "mfabot", HelpText: "Questions: helpdesk-leads@contoso.com", Clock: h.clock}
	if botCfg != nil {
		botCfg(&cfg)
	}
	m := bot.NewMessenger(cfg, st, h.ch.Connector(), log)
	h.svc = mfa.NewService(p, mfa.Deps{Directory: h.dir, Store: st, Notifier: m, Alerter: h.alerts, Clock: h.clock, Log: log})
	h.bot = bot.New(m, h.svc)
	t.Cleanup(func() {
		h.bot.Wait()
		st.Close()
	})
	return h
}

// send hands an activity to the bot as the edge would and waits for the
// background work it started.
func (h *harness) send(act *botframework.Activity) *botframework.InvokeResponse {
	h.t.Helper()
	resp, err := h.bot.HandleActivity(ctx, act)
	if err != nil {
		h.t.Fatalf("HandleActivity(%s %q): %v", act.Type, act.Text, err)
	}
	h.bot.Wait()
	return resp
}

// say sends a message from u in their personal chat and returns what the
// bot posted in answer.
func (h *harness) say(u channeltest.User, text string) []channeltest.Sent {
	h.t.Helper()
	return h.sayAct(h.ch.Message(u, text))
}

func (h *harness) sayAct(act *botframework.Activity) []channeltest.Sent {
	h.t.Helper()
	before := len(h.ch.Sent())
	h.send(act)
	return h.ch.Sent()[before:]
}

// click sends an Action.Execute invoke and returns the card it answered.
func (h *harness) click(u channeltest.User, verb string, data map[string]any) (*botframework.InvokeResponse, *botframework.Activity) {
	h.t.Helper()
	act := h.ch.Invoke(u, "", verb, data)
	return h.send(act), act
}

// channelMessage is a message in a team channel thread that @mentions the bot.
func (h *harness) channelMessage(u channeltest.User, text string) *botframework.Activity {
	act := h.ch.Message(u, "<at>mfabot</at> "+text)
	act.Conversation = schema.ConversationAccount{ID: "19:helpdesk@thread.tacv2;messageid=1700000000000", ConversationType: "channel", IsGroup: true, TenantID: h.ch.TenantID}
	act.Entities = append(act.Entities, botframework.Entity{Type: "mention", Text: "<at>mfabot</at>", Mentioned: h.ch.BotAccount()})
	return act
}

// reset asks for a reset as the agent and returns the request and the id
// of the card posted in answer.
func (h *harness) reset(text string) (*mfa.Request, string) {
	h.t.Helper()
	sent := h.say(agent, text)
	for _, s := range sent {
		if c := cardOf(s.Activity); c != nil && s.ConversationID == h.ch.PersonalConversationID(agent) {
			id := requestIDRe.FindStringSubmatch(cardJSON(c))
			if id == nil {
				h.t.Fatalf("no request after %q; card %s", text, cardJSON(c))
			}
			return h.request(id[1]), s.ID
		}
	}
	h.t.Fatalf("no card posted after %q: %+v", text, sent)
	return nil, ""
}

var requestIDRe = regexp.MustCompile(`"title":"Request id","value":"(R-[A-Z0-9]+)"`)

func cardOf(act botframework.Activity) map[string]any {
	for _, a := range act.Attachments {
		if a.ContentType == botframework.ContentTypeAdaptiveCard {
			b, _ := json.Marshal(a.Content)
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			return m
		}
	}
	return nil
}

func cardJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// respCard is the card of an invoke response.
func respCard(t *testing.T, resp *botframework.InvokeResponse) map[string]any {
	t.Helper()
	if resp == nil || resp.StatusCode != 200 || resp.Type != botframework.ContentTypeAdaptiveCard {
		t.Fatalf("invoke response %+v, want a 200 card", resp)
	}
	b, _ := json.Marshal(resp.Value)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// verbs lists the Action.Execute verbs of a card's buttons.
func verbs(card map[string]any) []string {
	var out []string
	acts, _ := card["actions"].([]any)
	for _, a := range acts {
		if m, ok := a.(map[string]any); ok {
			out = append(out, m["verb"].(string))
		}
	}
	return out
}

func contains(card map[string]any, s string) bool { return strings.Contains(cardJSON(card), s) }

func (h *harness) request(id string) *mfa.Request {
	h.t.Helper()
	r, err := h.store.GetRequest(ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

func (h *harness) auditCount(typ string) int {
	h.t.Helper()
	recs, err := h.store.AuditRecords(ctx, 0, 10000)
	if err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.Type == typ {
			n++
		}
	}
	return n
}

func (h *harness) methodKinds(userID string) map[mfa.MethodKind]int {
	ms, _ := h.dir.ListMethods(ctx, userID)
	out := map[mfa.MethodKind]int{}
	for _, m := range ms {
		out[m.Kind]++
	}
	return out
}
