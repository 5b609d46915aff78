package bot_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

// FuzzParse: Parse never panics; a parsed command is well formed; and a
// command written back as plain text parses to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"reset mfa alice@contoso.com lost phone", "help", "status r-7k3qw9", `reset mfa group "Phished users" phish`,
		"reset mfa group \u201cA B\u201d x", "reset mfa group g-1 x", "status B-7K3QW9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := bot.Parse(text)
		if err != nil {
			if c != (bot.Command{}) {
				t.Fatalf("Parse(%q) returned %+v with error %v", text, c, err)
			}
			if err.Error() == "" {
				t.Fatalf("Parse(%q): empty error", text)
			}
			return
		}
		known := false
		for _, k := range bot.Commands() {
			known = known || k.Verb == c.Verb
		}
		if !known {
			t.Fatalf("Parse(%q): unknown verb %q", text, c.Verb)
		}
		if strings.IndexFunc(c.Target, unicode.IsSpace) >= 0 || (c.Target == "") == strings.Contains(bot.Usage(c.Verb), "{user}") {
			t.Fatalf("Parse(%q): target %q is empty, has white space, or is not taken by %s", text, c.Target, c.Verb)
		}
		if strings.IndexFunc(c.RequestID, unicode.IsSpace) >= 0 || c.RequestID != strings.ToUpper(c.RequestID) {
			t.Fatalf("Parse(%q): request id %q", text, c.RequestID)
		}
		if c.Verb == bot.CmdResume && c.Reason == "" {
			t.Fatalf("Parse(%q): resume without a reason", text)
		}
		if (c.Group != "") != (c.Verb == bot.CmdResetGroup) || c.Group != strings.TrimSpace(c.Group) || c.Verb == bot.CmdResetGroup && c.Reason == "" {
			t.Fatalf("Parse(%q): group %q, reason %q for %s", text, c.Group, c.Reason, c.Verb)
		}
		if c.Reason != strings.TrimSpace(c.Reason) || strings.Contains(c.Reason, "  ") {
			t.Fatalf("Parse(%q): reason %q not collapsed", text, c.Reason)
		}
		// A leading mention of the bot changes nothing.
		m, merr := bot.Parse("<at>mfabot</at> " + text)
		if !reflect.DeepEqual(m, c) || merr != nil {
			t.Fatalf("Parse with a mention of %q = %+v, %v; want %+v", text, m, merr, c)
		}
		// Round trip, where the rendering is plain text (no markup, no
		// entities, no mailto): Parse(render(c)) == c.
		r := c.String()
		if strings.ContainsAny(r, "<>&|") || strings.Contains(strings.ToLower(r), "mailto:") {
			return
		}
		again, err := bot.Parse(r)
		if err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("round trip of %q via %q: %+v, %v; want %+v", text, r, again, err, c)
		}
	})
}

// FuzzCardAction feeds arbitrary invoke values, as Action.Execute sends
// them, from several users to a bot over a real service and SQLite store.
// The bot must answer every one (no panic, no error, a clear response), and
// no request the value does not name may change.
func FuzzCardAction(f *testing.F) {
	f.Add(byte(2), []byte(`{"action":{"type":"Action.Execute","verb":"approve","data":{"requestId":"R-AAAAAA","verification":"video_id"}}}`))
	f.Add(byte(2), []byte(`{"action":{"type":"Action.Execute","verb":"batch_approve","data":{"batchId":"B-AAAAAA","ticket":"INC-1"}}}`))
	fx := newFuzzBot(f)
	users := []channeltest.User{agent, agent2, approver, alice, {ID: "29:anonymous", Name: "No Entra id"}}
	f.Fuzz(func(t *testing.T, who byte, value []byte) {
		if !json.Valid(value) {
			t.Skip("the edge refuses bodies that are not JSON")
		}
		fx.restore(t)
		before := snapshot(t, fx.store)
		act := fx.ch.Invoke(users[int(who)%len(users)], "", "", nil)
		act.Value = value
		resp, err := fx.bot.HandleActivity(ctx, act)
		fx.bot.Wait()
		if err != nil {
			t.Fatalf("HandleActivity: %v", err)
		}
		switch {
		case resp == nil:
			t.Fatal("no invoke response")
		case resp.StatusCode == 200 && resp.Type == botframework.ContentTypeAdaptiveCard && resp.Value != nil:
		case resp.StatusCode == 200 && resp.Type == botframework.ContentTypeMessage && fmt.Sprint(resp.Value) != "":
		case resp.StatusCode == 400 && resp.Type == botframework.ContentTypeError:
		default:
			t.Fatalf("unclear invoke response %+v", resp)
		}
		named := jsonStrings(value)
		after := snapshot(t, fx.store)
		if len(after) != len(before) {
			t.Fatalf("a card action created requests: %d → %d", len(before), len(after))
		}
		for id, was := range before {
			if !named[id] && after[id] != was {
				t.Fatalf("request %s changed by an action that does not name it:\nbefore %s\nafter  %s", id, was, after[id])
			}
		}
	})
}

// fuzzBot is a bot over a SQLite store holding two pending requests,
// R-AAAAAA (Alice, asked by the agent) and R-BBBBBB (Bob, asked by agent
// 2), which restore puts back before each input: opening a database per
// input would leave the fuzzer a few inputs a second.
type fuzzBot struct {
	ch    *channeltest.Channel
	bot   *bot.Bot
	store *sqlite.DB
	dir   *mfatest.Directory
	orig  []*mfa.Request
}

func newFuzzBot(f *testing.F) *fuzzBot {
	st, err := sqlite.Open(ctx, f.TempDir()+"/fuzz.db")
	if err != nil {
		f.Fatal(err)
	}
	fx := &fuzzBot{ch: channeltest.New(f, channeltest.Config{}), store: st, dir: mfatest.Tenant()}
	ids := []string{"R-AAAAAA", "R-BBBBBB"}
	n := 0
	clock := mfatest.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	p := mfatest.Policy()
	p.BreakerLimit = 1 << 30 // the breaker would stop approvals after 20 inputs
	m := bot.NewMessenger(bot.Config{AppID: fx.ch.AppID, Clock: clock}, st, fx.ch.Connector(), nil)
	svc := mfa.NewService(p, mfa.Deps{Directory: fx.dir, Store: st, Notifier: m, Clock: clock, Alerter: &mfatest.Alerter{},
		NewID: func() string { n++; return ids[(n-1)%len(ids)] }})
	fx.bot = bot.New(m, svc)
	f.Cleanup(func() {
		fx.bot.Wait()
		st.Close()
	})
	for _, x := range []struct {
		who    mfa.Actor
		target string
	}{{mfatest.Agent, "alice@contoso.com"}, {mfatest.Agent2, "bob@contoso.com"}} {
		r, err := svc.Request(ctx, x.who, mfa.RequestInput{Target: x.target, Reason: "lost phone"})
		if err != nil {
			f.Fatal(err)
		}
		fx.orig = append(fx.orig, r)
	}
	fx.bot.Wait()
	return fx
}

// restore puts both requests and both users' methods back as they were.
func (fx *fuzzBot) restore(t *testing.T) {
	t.Helper()
	all := []mfa.State{mfa.StatePending, mfa.StateApproved, mfa.StateExecuting, mfa.StateCompleted, mfa.StatePartial,
		mfa.StateFailed, mfa.StateRejected, mfa.StateCancelled, mfa.StateExpired, mfa.StateBlocked}
	for _, r := range fx.orig {
		cp := *r
		if err := fx.store.UpdateRequest(ctx, &cp, all...); err != nil {
			t.Fatal(err)
		}
		u, _ := fx.dir.FindUser(ctx, r.Target.ID)
		fx.dir.AddUser(u, r.Methods[1:]...) // AddUser adds the password itself
	}
}

// snapshot returns every stored request as JSON, by id.
func snapshot(t *testing.T, st mfa.Store) map[string]string {
	t.Helper()
	rs, err := st.ListRequests(ctx, mfa.RequestFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rs {
		b, _ := json.Marshal(r)
		out[r.ID] = string(b)
	}
	return out
}

// jsonStrings collects every string in a JSON document (keys and values),
// as request ids are compared: trimmed and upper case.
func jsonStrings(doc []byte) map[string]bool {
	var v any
	_ = json.Unmarshal(doc, &v)
	out := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out[strings.ToUpper(strings.TrimSpace(x))] = true
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				out[strings.ToUpper(strings.TrimSpace(k))] = true
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
