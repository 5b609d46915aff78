package bot_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

func TestApprovalFlowEndToEnd(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Alice and the approver have talked to the bot before; the approver
	// makes a channel the approvals conversation (a mention-stripped message).
	h.say(alice, "help")
	sent := h.sayAct(h.channelMessage(approver, "approvals here"))
	if len(sent) != 1 || !strings.Contains(sent[0].Activity.Text, "post every new MFA reset request here") {
		t.Fatalf("approvals here answered %+v", sent)
	}
	if sent[0].ReplyToID == "" || !strings.HasPrefix(sent[0].ConversationID, "19:helpdesk@thread.tacv2") {
		t.Fatalf("answer not in the channel thread: %+v", sent[0])
	}

	sent = h.say(agent, "reset mfa alice@contoso.com --tap lost phone, ticket 4711")
	var reqCard, channelCard, question *struct {
		conv, id string
		card     map[string]any
	}
	for _, s := range sent {
		c := cardOf(s.Activity)
		x := &struct {
			conv, id string
			card     map[string]any
		}{s.ConversationID, s.ID, c}
		switch {
		case s.ConversationID == h.ch.PersonalConversationID(agent):
			reqCard = x
		case s.ConversationID == "19:helpdesk@thread.tacv2":
			channelCard = x
		case s.ConversationID == h.ch.PersonalConversationID(alice):
			question = x
		}
	}
	if reqCard == nil || channelCard == nil || question == nil {
		t.Fatalf("want a request card, an approvals-channel card and a question to Alice; got %+v", sent)
	}
	id := requestIDRe.FindStringSubmatch(cardJSON(reqCard.card))[1]
	if !contains(reqCard.card, id) || !contains(reqCard.card, "Alice Example") || !contains(reqCard.card, "will be removed") {
		t.Fatalf("request card lacks the request: %s", cardJSON(reqCard.card))
	}
	// In the requester's personal chat the card is the requester's own view;
	// in the shared approvals channel it is the base card.
	if v := verbs(reqCard.card); !slices.Equal(v, []string{cards.VerbCancel}) {
		t.Fatalf("personal-chat card buttons %v, want cancel", v)
	}
	if v := verbs(channelCard.card); !slices.Equal(v, []string{"refresh"}) {
		t.Fatalf("channel card buttons %v, want only refresh", v)
	}
	refresh := reqCard.card["refresh"].(map[string]any)
	ids := refresh["userIds"].([]any)
	if len(ids) != 2 || ids[0] != agent.ID || ids[1] != approver.ID {
		t.Fatalf("refresh.userIds = %v, want requester then approver", ids)
	}
	if v := verbs(question.card); !slices.Equal(v, []string{cards.VerbConfirmYes, cards.VerbConfirmNo}) {
		t.Fatalf("question buttons %v", v)
	}
	if h.request(id).Confirmation != mfa.ConfirmAsked {
		t.Fatalf("confirmation %q, want asked", h.request(id).Confirmation)
	}

	// Views: the requester sees Cancel, an approver Approve/Reject, others nothing.
	resp, _ := h.click(agent, cards.VerbRefresh, map[string]any{"requestId": id})
	if v := verbs(respCard(t, resp)); !slices.Equal(v, []string{cards.VerbCancel}) {
		t.Fatalf("requester view %v", v)
	}
	resp, _ = h.click(approver, cards.VerbRefresh, map[string]any{"requestId": id})
	if c := respCard(t, resp); !slices.Equal(verbs(c), []string{cards.VerbApprove, cards.VerbReject}) || !contains(c, "How was the caller verified?") {
		t.Fatalf("approver view %s", cardJSON(c))
	}
	resp, _ = h.click(agent2, cards.VerbRefresh, map[string]any{"requestId": id})
	if v := verbs(respCard(t, resp)); len(v) != 0 {
		t.Fatalf("other helpdesk agent sees %v", v)
	}

	// The requester cannot approve; an approver must say how the caller was verified.
	resp, _ = h.click(agent, cards.VerbApprove, map[string]any{"requestId": id, "verification": "video_id"})
	if c := respCard(t, resp); !contains(c, "Approve refused: you asked for this reset") || !slices.Equal(verbs(c), []string{cards.VerbCancel}) {
		t.Fatalf("self-approval card %s", cardJSON(c))
	}
	resp, _ = h.click(approver, cards.VerbApprove, map[string]any{"requestId": id})
	if c := respCard(t, resp); !contains(c, "verified before approving") || !slices.Equal(verbs(c), []string{cards.VerbApprove, cards.VerbReject}) {
		t.Fatalf("unverified approval card %s", cardJSON(c))
	}
	if s := h.request(id).State; s != mfa.StatePending {
		t.Fatalf("state %s after refusals", s)
	}

	// Approve: the answer comes at once; the reset runs in the background.
	updatesBefore := len(h.ch.Updates())
	resp, approveAct := h.click(approver, cards.VerbApprove, map[string]any{"requestId": id, "verification": "video_id"})
	if c := respCard(t, resp); !contains(c, "You approved this request") || len(verbs(c)) != 0 {
		t.Fatalf("approval card %s", cardJSON(c))
	}
	done := h.request(id)
	if done.State != mfa.StateCompleted {
		t.Fatalf("state %s, result %+v", done.State, done.Result)
	}
	if k := h.methodKinds(mfatest.AliceID); k[mfa.KindPhone]+k[mfa.KindAuthenticator]+k[mfa.KindSoftwareOATH] != 0 || k[mfa.KindFIDO2] != 1 {
		t.Fatalf("Alice's methods after reset: %v", k)
	}

	// Every stored card (the reply, the channel copy, the question) was
	// updated to the final state, without buttons.
	final := map[string]map[string]any{}
	for _, u := range h.ch.Updates()[updatesBefore:] {
		final[u.ConversationID+" "+u.ActivityID] = cardOf(u.Activity)
	}
	for _, want := range []struct{ conv, id string }{{reqCard.conv, reqCard.id}, {channelCard.conv, channelCard.id}} {
		c := final[want.conv+" "+want.id]
		if c == nil {
			t.Fatalf("card %s in %s never updated; updates %v", want.id, want.conv, h.ch.Updates())
		}
		if !contains(c, "Completed") || len(verbs(c)) != 0 || c["refresh"] != nil || !contains(c, "Audit record") {
			t.Fatalf("final card %s", cardJSON(c))
		}
	}
	if c := final[question.conv+" "+question.id]; c == nil || len(verbs(c)) != 0 {
		t.Fatalf("the question to Alice still has buttons: %v", cardJSON(c))
	}

	// The TAP went to the requester's personal chat only.
	tap := "Tap+0001!x"
	var tapIn []string
	for _, s := range h.ch.Sent() {
		if strings.Contains(cardJSON(s.Activity), tap) {
			tapIn = append(tapIn, s.ConversationID)
		}
	}
	for _, u := range h.ch.Updates() {
		if strings.Contains(cardJSON(u.Activity), tap) {
			tapIn = append(tapIn, "update:"+u.ConversationID)
		}
	}
	if !slices.Equal(tapIn, []string{h.ch.PersonalConversationID(agent)}) {
		t.Fatalf("TAP sent to %v, want only the agent's personal chat", tapIn)
	}
	if strings.Contains(cardJSON(done), tap) {
		t.Fatal("TAP stored with the request")
	}
	// Alice was told what happened, in her personal chat.
	told := false
	for _, s := range h.ch.Sent() {
		if s.ConversationID == h.ch.PersonalConversationID(alice) && strings.Contains(cardJSON(s.Activity), "Your multi-factor authentication was reset") {
			told = true
		}
	}
	if !told {
		t.Fatal("Alice was not told")
	}

	// Teams redelivers the approval: the current card, no second effect.
	revoked := h.dir.Revoked[mfatest.AliceID]
	resp = h.send(approveAct)
	if c := respCard(t, resp); !contains(c, "Completed") || contains(c, "refused") {
		t.Fatalf("redelivered approval answered %s", cardJSON(c))
	}
	if h.dir.Revoked[mfatest.AliceID] != revoked || h.auditCount(mfa.AuditApproved) != 1 {
		t.Fatalf("redelivery had an effect: revoked %d, approvals %d", h.dir.Revoked[mfatest.AliceID], h.auditCount(mfa.AuditApproved))
	}
}

func TestRejectAndCancel(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r, _ := h.reset("reset mfa alice@contoso.com lost phone")
	resp, _ := h.click(agent2, cards.VerbReject, map[string]any{"requestId": r.ID})
	if c := respCard(t, resp); !contains(c, "Reject refused") {
		t.Fatalf("helpdesk agent could reject: %s", cardJSON(c))
	}
	resp, _ = h.click(approver, cards.VerbReject, map[string]any{"requestId": r.ID})
	if c := respCard(t, resp); !contains(c, "Rejected") || len(verbs(c)) != 0 {
		t.Fatalf("reject card %s", cardJSON(c))
	}
	if s := h.request(r.ID).State; s != mfa.StateRejected {
		t.Fatalf("state %s", s)
	}
	ups := h.ch.Updates()
	if len(ups) == 0 || !contains(cardOf(ups[len(ups)-1].Activity), "Rejected") {
		t.Fatalf("request card not updated after reject: %v", ups)
	}

	r2, _ := h.reset("reset mfa bob@contoso.com new phone")
	resp, _ = h.click(approver, cards.VerbCancel, map[string]any{"requestId": r2.ID})
	if c := respCard(t, resp); !contains(c, "Cancel refused") {
		t.Fatalf("approver could cancel: %s", cardJSON(c))
	}
	sent := h.say(agent, "cancel "+strings.ToLower(r2.ID))
	if len(sent) != 1 || !strings.Contains(sent[0].Activity.Text, "is cancelled") {
		t.Fatalf("cancel answered %+v", sent)
	}
	if s := h.request(r2.ID).State; s != mfa.StateCancelled {
		t.Fatalf("state %s", s)
	}
	if k := h.methodKinds(mfatest.BobID); k[mfa.KindAuthenticator] != 1 {
		t.Fatalf("bob's methods changed: %v", k)
	}
}

func TestExpiryShowsOnTheCard(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r, cardID := h.reset("reset mfa bob@contoso.com new phone")
	h.clock.Advance(31 * time.Minute)
	resp, _ := h.click(approver, cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": "callback"})
	if c := respCard(t, resp); !contains(c, "Expired") || len(verbs(c)) != 0 {
		t.Fatalf("expired card %s", cardJSON(c))
	}
	var updated bool
	for _, u := range h.ch.Updates() {
		if u.ActivityID == cardID && contains(cardOf(u.Activity), "Expired") {
			updated = true
		}
	}
	if !updated || h.request(r.ID).State != mfa.StateExpired {
		t.Fatalf("posted card not updated to expired (state %s)", h.request(r.ID).State)
	}
}

func TestConcurrentApprovalsExecuteOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r, _ := h.reset("reset mfa alice@contoso.com lost phone")
	var wg sync.WaitGroup
	for i := range 12 {
		u := approver
		if i%2 == 1 {
			u = approver2
		}
		act := h.ch.Invoke(u, "", cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": "in_person"})
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := h.bot.HandleActivity(ctx, act)
			if err != nil || resp == nil || resp.StatusCode != 200 {
				t.Errorf("approve: %v %+v", err, resp)
			}
		}()
	}
	wg.Wait()
	h.bot.Wait()
	if n := h.dir.Revoked[mfatest.AliceID]; n != 1 {
		t.Fatalf("sessions revoked %d times, want 1", n)
	}
	if n := h.auditCount(mfa.AuditExecuting); n != 1 {
		t.Fatalf("%d executions, want 1", n)
	}
	if s := h.request(r.ID).State; s != mfa.StateCompleted {
		t.Fatalf("state %s", s)
	}
}

func TestRedeliveredActivitiesHaveOneEffect(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(approver, "help") // an approver the request reaches: no alert for that
	r, _ := h.reset("reset mfa alice@contoso.com lost phone")
	act := h.ch.Invoke(agent, "", cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": "video_id"})
	first := respCard(t, h.send(act))
	again := respCard(t, h.send(act))
	if !contains(first, "Approve refused") || contains(again, "Approve refused") {
		t.Fatalf("first %s\nagain %s", cardJSON(first), cardJSON(again))
	}
	if n := h.auditCount(mfa.AuditRefused); n != 1 {
		t.Fatalf("%d refusals audited, want 1", n)
	}
	if kinds := h.alerts.Kinds(); len(kinds) != 1 || kinds[0] != "self_approval" {
		t.Fatalf("alerts %v", kinds)
	}
	msg := h.ch.Message(agent, "reset mfa bob@contoso.com new phone")
	n1 := len(h.sayAct(msg))
	n2 := len(h.sayAct(msg))
	if n1 == 0 || n2 != 0 {
		t.Fatalf("redelivered message answered again (%d then %d)", n1, n2)
	}
	if n := h.auditCount(mfa.AuditRequested); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestForgedActionsActOnlyOnTheNamedRequestWithTheUsersRights(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r1, _ := h.reset("reset mfa alice@contoso.com lost phone")
	r2, _ := h.reset("reset mfa bob@contoso.com new phone")
	// A card of r1 whose data names r2 and smuggles a target and a plan.
	forged := map[string]any{"requestId": r2.ID, "verification": "video_id", "target": "alice@contoso.com", "upn": "gloria@contoso.com",
		"profile": "all", "methods": []string{"fido2"}}
	resp, _ := h.click(approver, cards.VerbApprove, forged)
	if c := respCard(t, resp); !contains(c, r2.ID) || !contains(c, "Bob Example") {
		t.Fatalf("forged approve answered %s", cardJSON(c))
	}
	if s := h.request(r1.ID).State; s != mfa.StatePending {
		t.Fatalf("r1 state %s, want untouched", s)
	}
	done := h.request(r2.ID)
	if done.State != mfa.StateCompleted || done.Target.UPN != "bob@contoso.com" || done.Profile != mfa.ProfileReregister {
		t.Fatalf("r2 %s %s %s", done.State, done.Target.UPN, done.Profile)
	}
	if k := h.methodKinds(mfatest.AliceID); k[mfa.KindFIDO2] != 1 || k[mfa.KindPhone] != 3 {
		t.Fatalf("alice touched: %v", k)
	}
	if k := h.methodKinds(mfatest.AdminID); k[mfa.KindPhone] != 1 {
		t.Fatalf("admin touched: %v", k)
	}
	// A helpdesk agent forging an approval is refused by the service.
	resp, _ = h.click(agent2, cards.VerbApprove, map[string]any{"requestId": r1.ID, "verification": "video_id"})
	if c := respCard(t, resp); !contains(c, "Approve refused") {
		t.Fatalf("agent2 approve %s", cardJSON(c))
	}
	// Values of the wrong type are ignored, not trusted.
	resp, _ = h.click(approver, cards.VerbApprove, map[string]any{"requestId": []string{r1.ID}})
	if resp.Type != botframework.ContentTypeMessage || h.request(r1.ID).State != mfa.StatePending {
		t.Fatalf("malformed data answered %+v", resp)
	}
	// An unknown request id gets a message, and the card stays.
	resp, _ = h.click(approver, cards.VerbApprove, map[string]any{"requestId": "R-NOSUCH"})
	if resp.Type != botframework.ContentTypeMessage || resp.StatusCode != 200 {
		t.Fatalf("unknown request answered %+v", resp)
	}
}

func TestConfirmation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(alice, "hi")
	r, cardID := h.reset("reset mfa alice@contoso.com lost phone")
	// Someone else answering Alice's question is refused and reported.
	resp, forged := h.click(approver, cards.VerbConfirmNo, map[string]any{"requestId": r.ID})
	if c := respCard(t, resp); !contains(c, "only the user whose MFA it concerns can answer") || contains(c, "lost phone") {
		t.Fatalf("forged answer card %s", cardJSON(c))
	}
	if c := respCard(t, h.send(forged)); !contains(c, "only the user whose MFA it concerns can answer") || contains(c, "lost phone") {
		t.Fatalf("redelivered forged answer card %s", cardJSON(c))
	}
	if got := h.request(r.ID); got.State != mfa.StatePending || got.Confirmation != mfa.ConfirmAsked {
		t.Fatalf("forged answer changed the request: %s %s", got.State, got.Confirmation)
	}
	if !slices.Contains(h.alerts.Kinds(), "forged_confirmation") {
		t.Fatalf("alerts %v", h.alerts.Kinds())
	}
	// Alice says No: blocked, alert raised, the request card says so.
	resp, _ = h.click(alice, cards.VerbConfirmNo, map[string]any{"requestId": r.ID})
	if c := respCard(t, resp); !contains(c, "You said it was not you") || len(verbs(c)) != 0 {
		t.Fatalf("answer card %s", cardJSON(c))
	}
	if got := h.request(r.ID); got.State != mfa.StateBlocked {
		t.Fatalf("state %s", got.State)
	}
	if !slices.Contains(h.alerts.Kinds(), "user_denied") {
		t.Fatalf("alerts %v", h.alerts.Kinds())
	}
	var blocked bool
	for _, u := range h.ch.Updates() {
		if u.ActivityID == cardID && contains(cardOf(u.Activity), "did NOT ask for this reset") {
			blocked = true
		}
	}
	if !blocked {
		t.Fatal("request card not updated to blocked")
	}
	resp, _ = h.click(approver, cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": "video_id"})
	if c := respCard(t, resp); !contains(c, "Approve not possible now") {
		t.Fatalf("approve after No %s", cardJSON(c))
	}

	// Yes from Alice on a new request is recorded.
	h.clock.Advance(2 * time.Hour)
	r2, _ := h.reset("reset mfa alice@contoso.com lost phone again")
	resp, _ = h.click(alice, cards.VerbConfirmYes, map[string]any{"requestId": r2.ID})
	if c := respCard(t, resp); !contains(c, "You confirmed") {
		t.Fatalf("yes card %s", cardJSON(c))
	}
	if got := h.request(r2.ID); got.Confirmation != mfa.ConfirmYes {
		t.Fatalf("confirmation %s", got.Confirmation)
	}
}

func TestRefusalsAndHelp(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sent := h.say(agent, "reset mfa gloria@contoso.com she called")
	if len(sent) != 1 || !contains(cardOf(sent[0].Activity), "Global Administrator") || !contains(cardOf(sent[0].Activity), "MFA reset refused") {
		t.Fatalf("protected target answered %+v", sent)
	}
	sent = h.say(alice, "reset mfa bob@contoso.com")
	if len(sent) != 1 || !contains(cardOf(sent[0].Activity), "not in the helpdesk group") {
		t.Fatalf("non-helpdesk requester answered %+v", sent)
	}
	sent = h.say(agent, "rest mfa bob@contoso.com")
	if len(sent) != 1 || !contains(cardOf(sent[0].Activity), "Did you mean: reset mfa") {
		t.Fatalf("unknown command answered %+v", sent)
	}
	sent = h.say(agent, "show mfa")
	if len(sent) != 1 || !strings.Contains(sent[0].Activity.Text, "Usage: `show mfa {user}`") {
		t.Fatalf("usage answered %+v", sent)
	}
	sent = h.say(agent, "show mfa alice@contoso.com")
	if len(sent) != 1 || !contains(cardOf(sent[0].Activity), "would be removed") {
		t.Fatalf("show answered %+v", sent)
	}
	anon := h.ch.Message(agent, "reset mfa bob@contoso.com")
	anon.From.AadObjectID = ""
	sent = h.sayAct(anon)
	if len(sent) != 1 || !strings.Contains(sent[0].Activity.Text, "can't tell who you are") {
		t.Fatalf("anonymous answered %+v", sent)
	}
	if n, _ := h.store.CountRequests(ctx, mfa.RequestFilter{}); n != 0 {
		t.Fatalf("%d requests created", n)
	}
	sent = h.sayAct(h.channelMessage(agent2, "approvals here"))
	if len(sent) != 1 || !strings.Contains(sent[0].Activity.Text, "Only members of the approver group") {
		t.Fatalf("approvals here by agent answered %+v", sent)
	}
	// In a channel the answer mentions the sender.
	if len(sent[0].Activity.Entities) != 1 || sent[0].Activity.Entities[0].Mentioned.ID != agent2.ID {
		t.Fatalf("channel answer does not mention the sender: %+v", sent[0].Activity)
	}
}

func TestStatusAndHistory(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r, _ := h.reset("reset mfa bob@contoso.com new phone")
	sent := h.say(agent, "status")
	if len(sent) != 1 || !strings.Contains(sent[0].Activity.Text, r.ID) {
		t.Fatalf("status answered %+v", sent)
	}
	sent = h.say(approver, "status "+r.ID)
	if len(sent) != 1 || !contains(cardOf(sent[0].Activity), "Bob Example") {
		t.Fatalf("status id answered %+v", sent)
	}
	sent = h.say(alice, "status "+r.ID)
	if len(sent) != 1 || !strings.Contains(sent[0].Activity.Text, "Status refused") {
		t.Fatalf("status by an outsider answered %+v", sent)
	}
	// The status copy is kept in sync too.
	statusCard := ""
	for _, s := range h.ch.Sent() {
		if s.ConversationID == h.ch.PersonalConversationID(approver) && cardOf(s.Activity) != nil {
			statusCard = s.ID
		}
	}
	h.say(agent, "cancel "+r.ID)
	var synced bool
	for _, u := range h.ch.Updates() {
		if u.ActivityID == statusCard && contains(cardOf(u.Activity), "Cancelled") {
			synced = true
		}
	}
	if !synced {
		t.Fatal("status card not updated")
	}
	sent = h.say(agent, "history bob@contoso.com")
	if len(sent) != 1 || !contains(cardOf(sent[0].Activity), r.ID) {
		t.Fatalf("history answered %+v", sent)
	}
}

func TestWelcomeOncePerInstall(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	upd := h.ch.Message(agent, "")
	upd.Type = botframework.TypeConversationUpdate
	upd.MembersAdded = append(upd.MembersAdded, h.ch.BotAccount())
	inst := h.ch.Message(agent, "")
	inst.Type, inst.Action = botframework.TypeInstallationUpdate, "add"
	sent := append(h.sayAct(upd), h.sayAct(inst)...)
	if len(sent) != 1 || !contains(cardOf(sent[0].Activity), "Who may use me") {
		t.Fatalf("welcome %+v", sent)
	}
}

func TestApproveAnswersBeforeTheResetRuns(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r, cardID := h.reset("reset mfa bob@contoso.com new phone")
	release := make(chan struct{})
	h.dir.Fail = func(op, user string) error {
		if op == "delete" {
			<-release // Graph is slow
		}
		return nil
	}
	act := h.ch.Invoke(approver, "", cards.VerbApprove, map[string]any{"requestId": r.ID, "verification": "manager"})
	start := time.Now()
	resp, err := h.bot.HandleActivity(ctx, act)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("approve took %s", d)
	}
	if c := respCard(t, resp); !contains(c, "The reset is running") {
		t.Fatalf("approve answered %s", cardJSON(c))
	}
	if s := h.request(r.ID).State; s.Final() {
		t.Fatalf("state %s before Graph answered", s)
	}
	close(release)
	h.bot.Wait()
	if s := h.request(r.ID).State; s != mfa.StateCompleted {
		t.Fatalf("state %s", s)
	}
	ups := h.ch.Updates()
	last := ""
	for _, u := range ups {
		if u.ActivityID == cardID {
			last = cardJSON(cardOf(u.Activity))
		}
	}
	if !strings.Contains(last, "Completed") {
		t.Fatalf("last update of the card: %s", last)
	}
}
