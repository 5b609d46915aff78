package bot_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

func TestRequesterCannotApproveFromASecondConversation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.dir.AddMember(mfatest.ApproverGroup, mfatest.AgentID) // the agent is an approver too
	r, _ := h.reset("reset mfa bob@contoso.com new phone")
	// The same Entra user, from a group chat, under another Teams account id.
	act := h.ch.Invoke(agent, "", cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": "video_id"})
	act.From.ID = "29:agent-second-device"
	act.Conversation = schema.ConversationAccount{ID: "19:groupchat@thread.v2", ConversationType: "groupChat", IsGroup: true, TenantID: h.ch.TenantID}
	if c := respCard(t, h.send(act)); !contains(c, "Approve refused: you asked for this reset") {
		t.Fatalf("second-conversation approval answered %s", cardJSON(c))
	}
	if s := h.request(r.ID).State; s != mfa.StatePending {
		t.Fatalf("state %s", s)
	}
	if !slices.Contains(h.alerts.Kinds(), "self_approval") {
		t.Fatalf("alerts %v", h.alerts.Kinds())
	}
}

func TestApproverOutsideTheGroupCannotApproveByCard(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r, _ := h.reset("reset mfa bob@contoso.com new phone")
	for _, u := range []channeltest.User{agent2, alice, {ID: "29:stranger", AADObjectID: "u-stranger", Name: "Stranger"}} {
		resp, _ := h.click(u, cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": "video_id"})
		if c := respCard(t, resp); !contains(c, "Approve refused") {
			t.Fatalf("%s approving answered %s", u.Name, cardJSON(c))
		}
	}
	if got := h.request(r.ID); got.State != mfa.StatePending || got.Approver != nil {
		t.Fatalf("request changed: %s", got.State)
	}
}

func TestYesReplayedWithAnotherRequestID(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(alice, "hi")
	mine, _ := h.reset("reset mfa alice@contoso.com lost phone")
	bob, err := h.svc.Request(ctx, mfatest.Agent2, mfa.RequestInput{Target: "bob@contoso.com", Reason: "new phone"})
	if err != nil {
		t.Fatal(err)
	}
	yes := h.ch.Invoke(alice, "", cards.VerbConfirmYes, map[string]any{"requestId": mine.ID})
	if c := respCard(t, h.send(yes)); !contains(c, "You confirmed") {
		t.Fatalf("yes answered %s", cardJSON(c))
	}
	// The same answer, replayed naming Bob's request.
	replay := h.ch.Invoke(alice, "", cards.VerbConfirmYes, map[string]any{"requestId": bob.ID})
	replay.Value = json.RawMessage(strings.Replace(string(yes.Value), mine.ID, bob.ID, 1))
	if c := respCard(t, h.send(replay)); !contains(c, "Not for you") || contains(c, "new phone") {
		t.Fatalf("replayed yes answered %s", cardJSON(c))
	}
	if got := h.request(bob.ID); got.Confirmation == mfa.ConfirmYes || got.State != mfa.StatePending {
		t.Fatalf("bob's request took Alice's yes: %s %s", got.State, got.Confirmation)
	}
	if !slices.Contains(h.alerts.Kinds(), "forged_confirmation") {
		t.Fatalf("alerts %v", h.alerts.Kinds())
	}
	// The very same activity again (a redelivery) has no second effect.
	before := h.auditCount(mfa.AuditConfirmed)
	h.send(yes)
	if h.auditCount(mfa.AuditConfirmed) != before {
		t.Fatal("redelivered yes recorded twice")
	}
}

func TestYesByTheRequesterInTheirOwnChatIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(p *mfa.Policy) { p.Confirm = mfa.ConfirmRequired })
	h.say(alice, "hi")
	r, _ := h.reset("reset mfa alice@contoso.com lost phone")
	resp, _ := h.click(agent, cards.VerbConfirmYes, map[string]any{"requestId": r.ID})
	if c := respCard(t, resp); !contains(c, "Not for you") {
		t.Fatalf("requester's yes answered %s", cardJSON(c))
	}
	resp, _ = h.click(approver, cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": "video_id"})
	if c := respCard(t, resp); !contains(c, "must first confirm") {
		t.Fatalf("approval without the user's yes answered %s", cardJSON(c))
	}
	if got := h.request(r.ID); got.State != mfa.StatePending || got.Confirmation != mfa.ConfirmAsked {
		t.Fatalf("request %s %s", got.State, got.Confirmation)
	}
}

func TestAgentCannotResumeTheBreakerInTeams(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(p *mfa.Policy) { p.BreakerLimit = 1 })
	r, _ := h.reset("reset mfa bob@contoso.com new phone")
	h.click(approver, cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": "callback"})
	if s := h.request(r.ID).State; s != mfa.StateCompleted {
		t.Fatalf("state %s", s)
	}
	sent := h.say(agent, "reset mfa alice@contoso.com lost phone")
	if len(sent) != 1 || !contains(cardOf(sent[0].Activity), "paused") {
		t.Fatalf("request while paused answered %+v", sent)
	}
	sent = h.say(agent, "resume resets trust me")
	if len(sent) != 1 || !strings.Contains(sent[0].Activity.Text, "approver group") {
		t.Fatalf("agent resuming answered %+v", sent)
	}
	if st, _ := h.svc.Breaker(ctx); !st.Paused {
		t.Fatal("an agent resumed resets")
	}
	sent = h.say(approver, "resume resets checked with security")
	if len(sent) != 1 || !strings.Contains(sent[0].Activity.Text, "resumed") {
		t.Fatalf("approver resuming answered %+v", sent)
	}
	if st, _ := h.svc.Breaker(ctx); st.Paused {
		t.Fatal("still paused")
	}
	if _, id := h.reset("reset mfa alice@contoso.com lost phone"); id == "" {
		t.Fatal("no request after the resumption")
	}
}

func TestTAPOnlyInTheRequestersPersonalChatAndNeverLogged(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	logs := h.logs
	// Asked in a team channel: the pass must still go to the agent alone.
	h.sayAct(h.channelMessage(agent, "reset mfa bob@contoso.com --tap new phone"))
	rs, err := h.store.ListRequests(ctx, mfa.RequestFilter{TargetID: mfatest.BobID})
	if err != nil || len(rs) != 1 || !rs[0].IssueTAP {
		t.Fatalf("requests %v %v", rs, err)
	}
	h.click(approver, cards.VerbApprove, map[string]any{"requestId": rs[0].ID, "verification": "video_id"})
	done := h.request(rs[0].ID)
	if done.State != mfa.StateCompleted || !done.Result.TAPIssued {
		t.Fatalf("state %s result %+v", done.State, done.Result)
	}
	const tap = "Tap+0001!x" // the fake directory's first pass
	var where []string
	for _, s := range h.ch.Sent() {
		if strings.Contains(cardJSON(s.Activity), tap) {
			where = append(where, s.ConversationID)
		}
	}
	for _, u := range h.ch.Updates() {
		if strings.Contains(cardJSON(u.Activity), tap) {
			where = append(where, "update "+u.ConversationID)
		}
	}
	// The agent spoke only in the channel, so the bot opened a 1:1 chat
	// with them: the pass went there and nowhere else.
	personal := ""
	for _, c := range h.ch.Conversations() {
		if !c.IsGroup && len(c.Members) == 1 && c.Members[0].ID == agent.ID {
			personal = c.ID
		}
	}
	if personal == "" || !slices.Equal(where, []string{personal}) {
		t.Fatalf("pass sent to %v, want only the agent's 1:1 chat %q", where, personal)
	}
	out := logs.String()
	if !strings.Contains(out, "temporary access pass delivered") {
		t.Fatalf("the delivery is not logged, so this check proves nothing:\n%s", out)
	}
	if strings.Contains(out, tap) {
		t.Fatal("TAP value in the log")
	}
	recs, _ := h.store.AuditRecords(ctx, 0, 10000)
	if strings.Contains(cardJSON(recs), tap) || strings.Contains(cardJSON(done), tap) {
		t.Fatal("TAP value in the audit or the stored request")
	}
	for _, ns := range []string{"teams.users", "teams.approvers", "teams.config", "teams.cards:" + done.ID} {
		kv, _ := h.store.List(ctx, ns)
		if strings.Contains(cardJSON(kv), tap) {
			t.Fatalf("TAP value kept in store namespace %s", ns)
		}
	}
}

func TestTAPRefusedInTeamsOutsideItsGroupOrWhenOff(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(p *mfa.Policy) { p.TAPGroupID = "g-tap-issuers" })
	sent := h.say(agent, "reset mfa bob@contoso.com --tap new phone")
	if len(sent) != 1 || !contains(cardOf(sent[0].Activity), "may not issue Temporary Access Passes") {
		t.Fatalf("TAP outside the group answered %+v", sent)
	}
	off := newHarness(t, func(p *mfa.Policy) { p.TAPEnabled = false })
	sent = off.say(agent, "reset mfa bob@contoso.com --tap new phone")
	if len(sent) != 1 || !contains(cardOf(sent[0].Activity), "turned off") {
		t.Fatalf("TAP turned off answered %+v", sent)
	}
	for _, x := range []*harness{h, off} {
		if n, _ := x.store.CountRequests(ctx, mfa.RequestFilter{}); n != 0 {
			t.Fatalf("%d requests created", n)
		}
	}
}
