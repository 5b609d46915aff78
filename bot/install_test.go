package bot_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

// fakeInstaller installs the app for users: chat answers the chat id, or
// an error.
type fakeInstaller struct {
	mu    sync.Mutex
	calls []string
	chat  func(userID string) (string, error)
}

var _ bot.Installer = (*fakeInstaller)(nil)

func (f *fakeInstaller) InstallForUser(_ context.Context, userID string) (string, error) {
	f.mu.Lock()
	f.calls = append(f.calls, userID)
	f.mu.Unlock()
	return f.chat(userID)
}

func (f *fakeInstaller) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// count counts the installs for one user.
func (f *fakeInstaller) count(userID string) int {
	n := 0
	for _, c := range f.Calls() {
		if c == userID {
			n++
		}
	}
	return n
}

// installedChat is the 1:1 chat Graph gives for the bot and a user.
func installedChat(userID string) string { return "19:bot-app-id_" + userID + "@unq.gbl.spaces" }

func newInstallHarness(t *testing.T, inst bot.Installer) *harness {
	t.Helper()
	st, err := sqlite.Open(ctx, t.TempDir()+"/mfabot.db")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, ch: channeltest.New(t, channeltest.Config{}), dir: mfatest.Tenant(), store: st,
		alerts: &mfatest.Alerter{}, clock: mfatest.NewClock(time.Now().UTC().Truncate(time.Second))}
	m := bot.NewMessenger(bot.Config{AppID: h.ch.AppID, Name: "mfabot", Clock: h.clock, Installer: inst}, st, h.ch.Connector(), nil)
	h.svc = mfa.NewService(mfatest.Policy(), mfa.Deps{Directory: h.dir, Store: st, Notifier: m, Alerter: h.alerts, Clock: h.clock})
	h.bot = bot.New(m, h.svc)
	t.Cleanup(func() {
		h.bot.Wait()
		st.Close()
	})
	return h
}

// questions returns the "Was this you?" cards posted, by conversation.
func (h *harness) questions() map[string][]channeltest.Sent {
	out := map[string][]channeltest.Sent{}
	for _, s := range h.ch.Sent() {
		if c := cardOf(s.Activity); c != nil && slices.Contains(verbs(c), cards.VerbConfirmYes) {
			out[s.ConversationID] = append(out[s.ConversationID], s)
		}
	}
	return out
}

// askedAudit returns the detail of the request's confirmation_asked event.
func (h *harness) askedAudit(id string) map[string]string {
	h.t.Helper()
	recs, err := h.store.AuditRecords(ctx, 0, 10000)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, r := range recs {
		if r.Type == mfa.AuditConfirmAsked && r.RequestID == id {
			return r.Detail
		}
	}
	h.t.Fatalf("no %s event for %s", mfa.AuditConfirmAsked, id)
	return nil
}

func TestAskTargetThroughInstaller(t *testing.T) {
	t.Parallel()
	inst := &fakeInstaller{chat: func(id string) (string, error) { return installedChat(id), nil }}
	h := newInstallHarness(t, inst)
	// Alice has never talked to the bot.
	r, cardID := h.reset("reset mfa alice@contoso.com lost phone")
	chat := installedChat(mfatest.AliceID)
	if got := inst.Calls(); !slices.Contains(got, mfatest.AliceID) {
		t.Fatalf("installs %v", got)
	}
	qs := h.questions()
	if len(qs) != 1 || len(qs[chat]) != 1 {
		t.Fatalf("questions posted %v, want one in %s", qs, chat)
	}
	q := qs[chat][0]
	if c := cardOf(q.Activity); !contains(c, r.ID) || !contains(c, "lost phone") || !contains(c, "Hanna Helpdesk") {
		t.Fatalf("question %s", cardJSON(c))
	}
	if q.Activity.From.ID != h.ch.BotAccount().ID || q.Activity.Conversation.ID != chat {
		t.Fatalf("question addressed from %+v in %+v", q.Activity.From, q.Activity.Conversation)
	}
	if got := h.request(r.ID); got.Confirmation != mfa.ConfirmAsked {
		t.Fatalf("confirmation %s", got.Confirmation)
	}
	if d := h.askedAudit(r.ID); d["reached"] != "true" || d["error"] != "" {
		t.Fatalf("audit %v", d)
	}
	var reqCard map[string]any
	for _, s := range h.ch.Sent() {
		if s.ID == cardID {
			reqCard = cardOf(s.Activity)
		}
	}
	if !contains(reqCard, "Asked in Teams, no answer yet") {
		t.Fatalf("request card %s", cardJSON(reqCard))
	}

	// Alice answers Yes on the card in the installed chat; that card is
	// brought up to date.
	resp, _ := h.click(alice, cards.VerbConfirmYes, map[string]any{"requestId": r.ID})
	if c := respCard(t, resp); !contains(c, "You confirmed") {
		t.Fatalf("answer card %s", cardJSON(c))
	}
	if got := h.request(r.ID); got.Confirmation != mfa.ConfirmYes {
		t.Fatalf("confirmation %s", got.Confirmation)
	}
	var updated bool
	for _, u := range h.ch.Updates() {
		if u.ConversationID == chat && u.ActivityID == q.ID {
			updated = contains(cardOf(u.Activity), "You confirmed") && len(verbs(cardOf(u.Activity))) == 0
		}
	}
	if !updated {
		t.Fatalf("the question in the installed chat was not updated: %+v", h.ch.Updates())
	}
}

func TestInstalledChatServesTheNoticeAndLaterQuestions(t *testing.T) {
	t.Parallel()
	inst := &fakeInstaller{chat: func(id string) (string, error) { return installedChat(id), nil }}
	h := newInstallHarness(t, inst)
	r, _ := h.reset("reset mfa alice@contoso.com lost phone")
	chat := installedChat(mfatest.AliceID)
	// Approved without an answer (the default policy allows it), executed;
	// the notice reaches Alice in the same chat.
	h.click(approver, cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": "video_id"})
	if got := h.request(r.ID); got.State != mfa.StateCompleted {
		t.Fatalf("state %s", got.State)
	}
	var notified bool
	for _, s := range h.ch.Sent() {
		notified = notified || s.ConversationID == chat && contains(cardOf(s.Activity), "was reset")
	}
	if !notified {
		t.Fatalf("no notice in the installed chat: %+v", h.ch.Sent())
	}
	// A later request asks in the same chat without installing again.
	h.clock.Advance(2 * time.Hour)
	u, err := h.dir.FindUser(ctx, mfatest.AliceID)
	if err != nil {
		t.Fatal(err)
	}
	h.dir.AddUser(u, mfatest.AuthApp)
	r2, _ := h.reset("reset mfa alice@contoso.com lost phone again")
	if n := inst.count(mfatest.AliceID); n != 1 {
		t.Fatalf("%d installs for Alice", n)
	}
	if qs := h.questions(); len(qs) != 1 || len(qs[chat]) != 2 || !contains(cardOf(qs[chat][1].Activity), r2.ID) {
		t.Fatalf("questions %v", qs)
	}
}

func TestAskTargetInstallerFailures(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		chat    func(string) (string, error)
		wantErr string
	}{
		"install refused": {
			chat: func(string) (string, error) {
				return "", &mfa.DirectoryError{Op: "install the Teams app", Reason: mfa.ReasonForbidden, Permission: "TeamsAppInstallation.ReadWriteSelfForUser.All"}
			},
			wantErr: "lacks the permission TeamsAppInstallation.ReadWriteSelfForUser.All",
		},
		"chat of someone else": {
			chat:    func(string) (string, error) { return installedChat(mfatest.BobID), nil },
			wantErr: "not a 1:1 chat",
		},
		"group chat": {
			chat:    func(string) (string, error) { return "19:abc@thread.v2", nil },
			wantErr: "not a 1:1 chat",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			inst := &fakeInstaller{chat: tc.chat}
			h := newInstallHarness(t, inst)
			r, _ := h.reset("reset mfa alice@contoso.com lost phone")
			if inst.count(mfatest.AliceID) != 1 {
				t.Fatalf("installs %v", inst.Calls())
			}
			if qs := h.questions(); len(qs) != 0 {
				t.Fatalf("question sent despite the failure: %v", qs)
			}
			if got := h.request(r.ID); got.Confirmation != mfa.ConfirmUnreachable {
				t.Fatalf("confirmation %s", got.Confirmation)
			}
			if d := h.askedAudit(r.ID); d["reached"] != "false" || !strings.Contains(d["error"], tc.wantErr) {
				t.Fatalf("audit %v", d)
			}
		})
	}
}

func TestRequestOutsideTeamsCallsNobodyBack(t *testing.T) {
	t.Parallel()
	inst := &fakeInstaller{chat: func(id string) (string, error) { return installedChat(id), nil }}
	h := newInstallHarness(t, inst)
	// A request made through the service alone (not a Teams turn): the
	// service calls nobody back while making it; whom to tell is the
	// caller's part.
	r, err := h.svc.Request(ctx, mfatest.Agent, mfa.RequestInput{Target: "alice@contoso.com", Reason: "lost phone"})
	if err != nil {
		t.Fatal(err)
	}
	h.bot.Wait()
	if len(inst.Calls()) != 0 || len(h.ch.Sent()) != 0 || h.request(r.ID).Confirmation != mfa.ConfirmNotAsked {
		t.Fatalf("installed %v, sent %+v, confirmation %q", inst.Calls(), h.ch.Sent(), h.request(r.ID).Confirmation)
	}

	// In Teams, the activity's service URL is remembered and used to reach
	// the target through the installed app.
	r2, _ := h.reset("reset mfa bob@contoso.com lost phone")
	qs := h.questions()
	if len(qs[installedChat(mfatest.BobID)]) != 1 || h.request(r2.ID).Confirmation != mfa.ConfirmAsked {
		t.Fatalf("questions %v, confirmation %s", qs, h.request(r2.ID).Confirmation)
	}
}

func TestNoInstallerLeavesUnknownUsersUnreachable(t *testing.T) {
	t.Parallel()
	h := newInstallHarness(t, nil)
	r, _ := h.reset("reset mfa alice@contoso.com lost phone")
	if qs := h.questions(); len(qs) != 0 {
		t.Fatalf("questions %v", qs)
	}
	if d := h.askedAudit(r.ID); d["reached"] != "false" || d["error"] != "" {
		t.Fatalf("audit %v", d)
	}
}
