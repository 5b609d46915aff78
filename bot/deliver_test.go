package bot_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Every approver sees every request, without set-up: each approver who has
// the app gets their own card in their personal chat; the requester is told
// where it went. Everything goes through the bot's HTTP endpoint.

// copyIn returns the request card posted in u's personal chat, or nil.
func (h *harness) copyIn(u channeltest.User, id string) *channeltest.Sent {
	for _, s := range h.ch.Sent() {
		if s.ConversationID == h.ch.PersonalConversationID(u) && contains(cardOf(s.Activity), `"value":"`+id+`"`) {
			return &s
		}
	}
	return nil
}

// resetHTTP asks for a reset as the agent over HTTP and returns the
// request and the requester's card.
func (h *harness) resetHTTP(text string) (*mfa.Request, map[string]any) {
	h.t.Helper()
	for _, s := range h.sayHTTP(agent, text) {
		if c := cardOf(s.Activity); c != nil && s.ConversationID == h.ch.PersonalConversationID(agent) {
			if m := requestIDRe.FindStringSubmatch(cardJSON(c)); m != nil {
				return h.request(m[1]), c
			}
		}
	}
	h.t.Fatalf("no request card after %q", text)
	return nil, nil
}

// lastUpdate returns the latest version of the card s, as updated in place.
func (h *harness) lastUpdate(s *channeltest.Sent) map[string]any {
	var out map[string]any
	for _, u := range h.ch.Updates() {
		if u.ConversationID == s.ConversationID && u.ActivityID == s.ID {
			out = cardOf(u.Activity)
		}
	}
	return out
}

func TestTwoApproversEachGetTheirOwnCopyWithoutSetUp(t *testing.T) {
	h := newHarness(t)
	// The approvers have the app (they opened a chat with it once); nobody
	// typed "approvals here".
	h.sayHTTP(approver, "help")
	h.sayHTTP(approver2, "help")
	r, mine := h.resetHTTP("reset mfa alice@contoso.com lost phone")
	for _, a := range []channeltest.User{approver, approver2} {
		c := h.copyIn(a, r.ID)
		if c == nil {
			t.Fatalf("%s got no copy; sent %+v", a.Name, h.ch.Sent())
		}
		card := cardOf(c.Activity)
		if !slices.Equal(verbs(card), []string{cards.VerbApprove, cards.VerbReject}) || !contains(card, "How was the caller verified?") {
			t.Fatalf("%s's copy is not their approver view: %s", a.Name, cardJSON(card))
		}
	}
	if c := h.copyIn(agent2, r.ID); c != nil {
		t.Fatal("a helpdesk agent who is no approver got a copy")
	}
	// The requester reads where it went.
	if !contains(mine, "Sent for approval to 2 approvers in their chats with mfabot.") || !slices.Equal(verbs(mine), []string{cards.VerbCancel}) {
		t.Fatalf("requester's card %s", cardJSON(mine))
	}
	if d := h.request(r.ID).Delivery; d == nil || d.Approvers != 2 || d.Eligible != 2 {
		t.Fatalf("delivery %+v", d)
	}
	if n := len(h.alerts.Kinds()); n != 0 {
		t.Fatalf("alerts %v", h.alerts.Kinds())
	}
}

func TestRequesterApproverGetsNoCopyOfTheirOwnRequest(t *testing.T) {
	h := newHarness(t, func(p *mfa.Policy) {})
	h.dir.AddMember("g-helpdesk", approver.AADObjectID) // Ada is helpdesk and approver
	h.sayHTTP(approver2, "help")
	before := len(h.ch.Sent())
	h.postHTTP(h.ch.Message(approver, "reset mfa bob@contoso.com new phone"))
	var own, other int
	for _, s := range h.ch.Sent()[before:] {
		if slices.Contains(verbs(cardOf(s.Activity)), cards.VerbApprove) {
			switch s.ConversationID {
			case h.ch.PersonalConversationID(approver):
				own++
			case h.ch.PersonalConversationID(approver2):
				other++
			}
		}
	}
	if own != 0 || other != 1 {
		t.Fatalf("approve buttons: %d for the requester, %d for the other approver", own, other)
	}
}

func TestNoReachableApproverSaysSoAtOnceAndAlerts(t *testing.T) {
	h := newHarness(t)
	r, mine := h.resetHTTP("reset mfa alice@contoso.com lost phone")
	if !contains(mine, "No approver could be reached") || !contains(mine, "ask an approver to open a chat with mfabot") && !contains(mine, "Ask an approver to open a chat with mfabot") ||
		!contains(mine, "approvals here") {
		t.Fatalf("requester's card %s", cardJSON(mine))
	}
	if k := h.alerts.Kinds(); !slices.Equal(k, []string{"no_approver_reached"}) {
		t.Fatalf("alerts %v", k)
	}
	if d := h.request(r.ID).Delivery; d == nil || d.Reached() || d.Unreachable != 2 {
		t.Fatalf("delivery %+v", d)
	}
}

func TestTwoApproversAtOnceOneExecutionEveryCopyFinal(t *testing.T) {
	h := newHarness(t)
	h.sayHTTP(approver, "help")
	h.sayHTTP(approver2, "help")
	r, _ := h.resetHTTP("reset mfa bob@contoso.com new phone")
	copies := []*channeltest.Sent{h.copyIn(approver, r.ID), h.copyIn(approver2, r.ID), h.copyIn(agent, r.ID)}
	for i, c := range copies {
		if c == nil {
			t.Fatalf("copy %d missing", i)
		}
	}
	acts := []*botframework.Activity{
		h.ch.Invoke(approver, copies[0].ID, cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": "video_id"}),
		h.ch.Invoke(approver2, copies[1].ID, cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": "callback"}),
	}
	resps := make([]*botframework.InvokeResponse, 2)
	var wg sync.WaitGroup
	for i := range acts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resps[i] = h.postHTTPAtOnce(acts[i])
		}()
	}
	wg.Wait()
	h.bot.Wait()
	if n := h.auditCount(mfa.AuditExecuting); n != 1 {
		t.Fatalf("%d executions, want 1", n)
	}
	if n := h.auditCount(mfa.AuditApproved); n != 1 {
		t.Fatalf("%d approvals counted, want 1", n)
	}
	done := h.request(r.ID)
	if done.State != mfa.StateCompleted {
		t.Fatalf("state %s", done.State)
	}
	// The one who lost sees who approved first.
	var won, lost int
	for _, resp := range resps {
		c := respCard(t, resp)
		switch {
		case contains(c, "You approved this request"):
			won++
		case contains(c, done.Approver.Name+" ("+done.Approver.UPN+") already approved") || contains(c, done.Approver.Name+" already approved"):
			lost++
		default:
			t.Fatalf("answer %s", cardJSON(c))
		}
		if len(verbs(c)) != 0 {
			t.Fatalf("buttons left on an answer: %s", cardJSON(c))
		}
	}
	if won != 1 || lost != 1 {
		t.Fatalf("won %d, lost %d", won, lost)
	}
	// Every copy — both approvers' and the requester's — was updated in
	// place to the final card, without buttons.
	for i, c := range copies {
		final := h.lastUpdate(c)
		if final == nil || !contains(final, "Completed") || len(verbs(final)) != 0 || final["refresh"] != nil {
			t.Fatalf("copy %d (%s) not final: %s", i, c.ConversationID, cardJSON(final))
		}
	}
}

func TestReminderAtHalfLifeAndExpiredCopies(t *testing.T) {
	h := newHarness(t) // 30 minutes
	h.sayHTTP(approver, "help")
	h.sayHTTP(approver2, "help")
	r, _ := h.resetHTTP("reset mfa bob@contoso.com new phone")
	copies := []*channeltest.Sent{h.copyIn(approver, r.ID), h.copyIn(approver2, r.ID), h.copyIn(agent, r.ID)}
	reminders := func() map[string]int {
		out := map[string]int{}
		for _, s := range h.ch.Sent() {
			if strings.HasPrefix(s.Activity.Text, "Reminder: request "+r.ID) {
				out[s.ConversationID]++
			}
		}
		return out
	}
	h.clock.Advance(14 * time.Minute)
	if n, _ := h.svc.RemindDue(ctx); n != 0 {
		t.Fatal("reminded before half-life")
	}
	h.clock.Advance(time.Minute)
	if n, err := h.svc.RemindDue(ctx); n != 1 || err != nil {
		t.Fatalf("reminded %d %v", n, err)
	}
	h.bot.Wait()
	h.clock.Advance(5 * time.Minute)
	if n, _ := h.svc.RemindDue(ctx); n != 0 {
		t.Fatal("reminded twice")
	}
	h.bot.Wait()
	got := reminders()
	want := map[string]int{h.ch.PersonalConversationID(approver): 1, h.ch.PersonalConversationID(approver2): 1}
	if len(got) != len(want) || got[h.ch.PersonalConversationID(approver)] != 1 || got[h.ch.PersonalConversationID(approver2)] != 1 {
		t.Fatalf("reminders %v, want one to each approver (and none to the requester)", got)
	}
	for _, s := range h.ch.Sent() {
		if strings.HasPrefix(s.Activity.Text, "Reminder:") && s.ReplyToID == "" {
			t.Fatalf("reminder not under the card: %+v", s)
		}
	}
	// At expiry every copy becomes the expired card, without buttons.
	h.clock.Advance(11 * time.Minute)
	if n, err := h.svc.ExpireDue(ctx); n != 1 || err != nil {
		t.Fatalf("expired %d %v", n, err)
	}
	h.bot.Wait()
	for i, c := range copies {
		final := h.lastUpdate(c)
		if final == nil || !contains(final, "Expired") || len(verbs(final)) != 0 {
			t.Fatalf("copy %d not expired: %s", i, cardJSON(final))
		}
	}
}

func TestChannelDeliveryMentionsTheApprovers(t *testing.T) {
	h := newHarness(t)
	h.sayHTTP(approver2, "help")
	h.postHTTP(h.channelMessage(approver, "approvals here"))
	r, mine := h.resetHTTP("reset mfa alice@contoso.com lost phone")
	var channel map[string]any
	for _, s := range h.ch.Sent() {
		if s.ConversationID == "19:helpdesk@thread.tacv2" && contains(cardOf(s.Activity), r.ID) {
			channel = cardOf(s.Activity)
		}
	}
	if channel == nil {
		t.Fatalf("no card in the approvals channel: %+v", h.ch.Sent())
	}
	line := ""
	for _, e := range channel["body"].([]any) {
		if txt, _ := e.(map[string]any)["text"].(string); strings.HasPrefix(txt, "For approval:") {
			line = txt
		}
	}
	ents, _ := channel["msteams"].(map[string]any)["entities"].([]any)
	var mentioned []string
	for _, e := range ents {
		m := e.(map[string]any)
		mentioned = append(mentioned, m["mentioned"].(map[string]any)["id"].(string))
		if !strings.Contains(line, m["text"].(string)) {
			t.Fatalf("mention %v not in the card's text %q", m, line)
		}
	}
	slices.Sort(mentioned)
	if !slices.Equal(mentioned, []string{approver.ID, approver2.ID}) {
		t.Fatalf("mentioned %v, want both approvers by Teams id", mentioned)
	}
	if !contains(mine, "and the approvals channel") {
		t.Fatalf("requester's card %s", cardJSON(mine))
	}
	if h.request(r.ID).Delivery.Conversation != "channel" {
		t.Fatalf("delivery %+v", h.request(r.ID).Delivery)
	}
}

func TestConversationOnlyDeliveryKeepsPersonalChatsQuiet(t *testing.T) {
	h := newHarnessBot(t, func(c *bot.Config) { c.Delivery = bot.DeliverConversation })
	h.sayHTTP(approver2, "help")
	// Without an approvals conversation, personal chats stand in.
	r1, _ := h.resetHTTP("reset mfa alice@contoso.com lost phone")
	if h.copyIn(approver2, r1.ID) == nil {
		t.Fatal("no approvals conversation and no personal copy either")
	}
	h.postHTTP(h.channelMessage(approver, "approvals here"))
	r2, mine := h.resetHTTP("reset mfa bob@contoso.com new phone")
	if h.copyIn(approver2, r2.ID) != nil {
		t.Fatal("a personal copy under MFABOT_APPROVAL_DELIVERY=conversation")
	}
	if !contains(mine, "Sent for approval to the approvals channel.") {
		t.Fatalf("requester's card %s", cardJSON(mine))
	}
}

func TestApproversAreReachedThroughTheInstaller(t *testing.T) {
	inst := &fakeInstaller{chat: func(id string) (string, error) { return installedChat(id), nil }}
	h := newInstallHarness(t, inst)
	r, _ := h.reset("reset mfa bob@contoso.com new phone")
	for _, id := range []string{approver.AADObjectID, approver2.AADObjectID} {
		var got map[string]any
		for _, s := range h.ch.Sent() {
			if s.ConversationID == installedChat(id) && contains(cardOf(s.Activity), r.ID) {
				got = cardOf(s.Activity)
			}
		}
		if got == nil || !slices.Contains(verbs(got), cards.VerbApprove) || inst.count(id) != 1 {
			t.Fatalf("approver %s: installs %d, card %s", id, inst.count(id), cardJSON(got))
		}
	}
}

func TestStatusListsWhatWaitsForTheApprover(t *testing.T) {
	h := newHarness(t)
	r, _ := h.reset("reset mfa bob@contoso.com new phone")
	sent := h.sayHTTP(approver, "status")
	if len(sent) != 1 || !strings.Contains(sent[0].Activity.Text, "Waiting for your approval") || !strings.Contains(sent[0].Activity.Text, r.ID) {
		t.Fatalf("status %+v", sent)
	}
	sent = h.sayHTTP(agent2, "status")
	if strings.Contains(sent[0].Activity.Text, r.ID) {
		t.Fatalf("an agent who is no approver sees %s", sent[0].Activity.Text)
	}
}
