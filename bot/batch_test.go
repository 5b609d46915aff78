package bot_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/bot/cards"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// Incident mode in Teams: Hanna (the agent) is in the incident group; the
// group "Phished users" holds Alice, Bob, a Global Admin and n ordinary
// users.
const (
	incidentGroup = "g-incident"
	phishedGroup  = "g-phished"
	resetPhished  = `reset mfa group "Phished users" AiTM phishing campaign`
)

// newIncidentHarness is the standard harness with incident mode on, the
// phished group of n ordinary users and two approvers who have the app.
func newIncidentHarness(t *testing.T, n int, botCfg func(*bot.Config)) *harness {
	t.Helper()
	h := newHarnessBot(t, botCfg, func(p *mfa.Policy) {
		p.IncidentGroupID = incidentGroup
		p.IncidentWriteRate = 10000
	})
	h.dir.AddMember(incidentGroup, mfatest.AgentID)
	h.dir.GroupNames[phishedGroup] = "Phished users"
	for _, id := range []string{mfatest.AliceID, mfatest.BobID, mfatest.AdminID} {
		h.dir.AddMember(phishedGroup, id)
	}
	for i := range n {
		id := fmt.Sprintf("u-p%04d", i)
		h.dir.AddUser(mfa.User{ID: id, UPN: fmt.Sprintf("p%04d@contoso.com", i), DisplayName: fmt.Sprintf("Phished %04d", i), AccountEnabled: true},
			mfatest.AuthApp, mfatest.Mobile)
		h.dir.AddMember(phishedGroup, id)
	}
	h.say(approver, "help")
	h.say(approver2, "help")
	return h
}

var batchIDRe = regexp.MustCompile(`Incident MFA reset (B-[A-Z0-9]{6})`)

// planBatch asks for the incident reset of the phished group as the agent
// and returns the batch id and the agent's card as posted.
func (h *harness) planBatch(text string) (string, channeltest.Sent) {
	h.t.Helper()
	for _, s := range h.say(agent, text) {
		if c := cardOf(s.Activity); c != nil && s.ConversationID == h.ch.PersonalConversationID(agent) {
			if m := batchIDRe.FindStringSubmatch(cardJSON(c)); m != nil {
				return m[1], s
			}
		}
	}
	h.t.Fatalf("no incident reset card after %q: %+v", text, h.ch.Sent())
	return "", channeltest.Sent{}
}

// batchCopy is the incident reset card posted in u's personal chat.
func (h *harness) batchCopy(u channeltest.User, id string) *channeltest.Sent {
	for _, s := range h.ch.Sent() {
		if s.ConversationID == h.ch.PersonalConversationID(u) && contains(cardOf(s.Activity), "Incident MFA reset "+id) {
			return &s
		}
	}
	return nil
}

// current is the card s as last updated in place (or as posted).
func (h *harness) current(s *channeltest.Sent) map[string]any {
	if c := h.lastUpdate(s); c != nil {
		return c
	}
	return cardOf(s.Activity)
}

// batchClick clicks a batch card's button as u.
func (h *harness) batchClick(u channeltest.User, verb, id string, inputs ...string) map[string]any {
	h.t.Helper()
	data := map[string]any{cards.BatchIDKey: id}
	if len(inputs) > 0 {
		data[cards.InputTicket] = inputs[0]
	}
	resp, _ := h.click(u, verb, data)
	return respCard(h.t, resp)
}

func (h *harness) batch(id string) *mfa.Batch {
	h.t.Helper()
	b, err := h.svc.GetBatch(ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

// The requester is answered at once with the batch's id while the plan is
// made off the turn; the card then turns into the plan, which each
// approver gets in their own chat with the ticket input and Approve.
func TestIncidentResetAnswersAtOnceThenPostsThePlanToRequesterAndApprovers(t *testing.T) {
	h := newIncidentHarness(t, 12, nil)
	gate := make(chan struct{})
	h.dir.Fail = func(op, _ string) error {
		if op == "members" {
			<-gate // listing the group takes as long as the test likes
		}
		return nil
	}
	before := len(h.ch.Sent())
	if _, err := h.bot.HandleActivity(ctx, h.ch.Message(agent, resetPhished)); err != nil {
		t.Fatal(err)
	}
	sent := h.ch.Sent()[before:]
	if len(sent) != 1 || !contains(cardOf(sent[0].Activity), "Planning incident reset B-") || !contains(cardOf(sent[0].Activity), "Phished users") {
		t.Fatalf("the turn did not answer at once with the planning card: %+v", sent)
	}
	id := batchIDRe.FindStringSubmatch(cardJSON(cardOf(sent[0].Activity)))[1]
	close(gate)
	h.bot.Wait()
	h.dir.Fail = nil

	mine := h.current(&sent[0])
	if !contains(mine, "14 users will have their MFA reset") || !contains(mine, mfa.SkipPrivileged.Describe()) ||
		!slices.Equal(verbs(mine), []string{cards.VerbBatchCancel}) || contains(mine, `"id":"ticket"`) {
		t.Fatalf("requester's card after planning: %s", cardJSON(mine))
	}
	for _, a := range []channeltest.User{approver, approver2} {
		c := h.batchCopy(a, id)
		if c == nil {
			t.Fatalf("%s got no copy of the plan", a.Name)
		}
		card := cardOf(c.Activity)
		if !slices.Equal(verbs(card), []string{cards.VerbBatchApprove, cards.VerbBatchCancel}) || !contains(card, `"id":"ticket"`) ||
			!contains(card, "Approver 1: nobody yet") || !contains(card, "Approver 2: nobody yet") {
			t.Fatalf("%s's copy is not their approver view: %s", a.Name, cardJSON(card))
		}
	}
	if h.batchCopy(agent2, id) != nil {
		t.Fatal("a helpdesk agent who is no approver got the plan")
	}
	told := false
	for _, s := range h.ch.Sent() {
		told = told || s.ConversationID == h.ch.PersonalConversationID(agent) && strings.Contains(s.Activity.Text, "sent for approval to 2 approvers")
	}
	if !told {
		t.Fatal("the requester was not told where the plan went")
	}
	if b := h.batch(id); b.State != mfa.BatchPlanned || b.Plan.ToReset != 14 {
		t.Fatalf("batch %s with plan %+v", b.State, b.Plan)
	}
}

// Only the incident group may ask: anyone else gets the refusal as the
// answer, and nothing is planned.
func TestIncidentResetRefusedOutsideTheIncidentGroup(t *testing.T) {
	h := newIncidentHarness(t, 2, nil)
	sent := h.say(agent2, resetPhished)
	if len(sent) != 1 || !contains(cardOf(sent[0].Activity), "Incident MFA reset refused") || !contains(cardOf(sent[0].Activity), "not in the incident group") ||
		contains(cardOf(sent[0].Activity), "Planning") {
		t.Fatalf("reply %+v", sent)
	}
	if bs, err := h.svc.ListBatches(ctx, mfatest.Agent, 0); err != nil || len(bs) != 0 {
		t.Fatalf("batches %v, %v", bs, err)
	}
	if h.dir.Called("members "+phishedGroup) || h.dir.Called("group ") {
		t.Fatal("the group was read for someone who may not ask")
	}
}

// A plan that cannot be made turns the planning card into the refusal.
func TestIncidentResetOfAnUnknownGroupSaysSoOnTheCard(t *testing.T) {
	h := newIncidentHarness(t, 0, nil)
	id, s := h.planBatch(`reset mfa group "Phished userz" phish`)
	got := h.current(&s)
	if !contains(got, "Incident MFA reset "+id+" not planned") || !contains(got, `there is no group \"Phished userz\"`) {
		t.Fatalf("card %s", cardJSON(got))
	}
}

// Two different approvers, each naming the incident, fill the two slots;
// the second starts the batch, and every copy shows both.
func TestIncidentResetTwoApprovalsFillTheSlotsAndStartIt(t *testing.T) {
	h := newIncidentHarness(t, 3, nil)
	id, mine := h.planBatch(resetPhished)

	one := h.batchClick(approver, cards.VerbBatchApprove, id, "INC-4711")
	if !contains(one, "You approved this incident reset") || !contains(one, "Approver 1: Ada Approver") || !contains(one, "Approver 2: nobody yet") ||
		!contains(one, "Waiting for approvals (1 of 2)") || !slices.Equal(verbs(one), []string{cards.VerbBatchCancel}) {
		t.Fatalf("first approver's card %s", cardJSON(one))
	}
	if c := h.current(h.batchCopy(approver, id)); !slices.Equal(verbs(c), []string{cards.VerbBatchCancel}) || contains(c, `"id":"ticket"`) {
		t.Fatalf("the first approver's own copy still asks for their approval: %s", cardJSON(c))
	}
	for _, s := range []*channeltest.Sent{&mine, h.batchCopy(approver2, id)} {
		if c := h.current(s); !contains(c, "Approver 1: Ada Approver") || !contains(c, "INC-4711") {
			t.Fatalf("copy in %s not updated with the first approval: %s", s.ConversationID, cardJSON(c))
		}
	}
	if c := h.current(h.batchCopy(approver2, id)); !contains(c, "The first approver named incident INC-4711") {
		t.Fatalf("the second approver is not told which incident: %s", cardJSON(c))
	}

	two := h.batchClick(approver2, cards.VerbBatchApprove, id, "inc-4711")
	if !contains(two, "the incident reset is running") || !contains(two, "Running") ||
		!slices.Equal(verbs(two), []string{cards.VerbBatchPause, cards.VerbBatchCancel}) {
		t.Fatalf("second approver's card %s", cardJSON(two))
	}
	b := h.batch(id)
	if b.State != mfa.BatchRunning || len(b.Approvals) != 2 || b.Ticket() != "INC-4711" {
		t.Fatalf("batch %s, approvals %+v", b.State, b.Approvals)
	}
	for _, s := range []*channeltest.Sent{&mine, h.batchCopy(approver, id)} {
		c := h.current(s)
		if !contains(c, "Running") || !contains(c, "Ada Approver and Abe Approver") {
			t.Fatalf("copy in %s not running with both approvers: %s", s.ConversationID, cardJSON(c))
		}
	}
	if c := h.current(&mine); len(verbs(c)) != 0 {
		t.Fatalf("the requester, no approver, has buttons on the running batch: %v", verbs(c))
	}
}

// The requester cannot fill a slot, nor can one approver fill both, nor
// can an approval name no incident; the card says why.
func TestIncidentResetApprovalRefusals(t *testing.T) {
	h := newIncidentHarness(t, 1, nil)
	id, _ := h.planBatch(resetPhished)
	if c := h.batchClick(agent, cards.VerbBatchApprove, id, "INC-1"); !contains(c, "Approve refused: you asked for incident reset "+id) {
		t.Fatalf("requester's approve: %s", cardJSON(c))
	}
	if c := h.batchClick(approver, cards.VerbBatchApprove, id, "  "); !contains(c, "Approve: name the incident") {
		t.Fatalf("approve without a ticket: %s", cardJSON(c))
	}
	h.batchClick(approver, cards.VerbBatchApprove, id, "INC-1")
	if c := h.batchClick(approver, cards.VerbBatchApprove, id, "INC-1"); !contains(c, "Approve refused: you already approved") {
		t.Fatalf("second approve by the same approver: %s", cardJSON(c))
	}
	if b := h.batch(id); len(b.Approvals) != 1 || b.State != mfa.BatchPlanned {
		t.Fatalf("batch %s with %d approvals", b.State, len(b.Approvals))
	}
}

// Someone outside the incident and approver groups who clicks a batch's
// button reads the refusal, not the plan.
func TestIncidentResetCardActionOutsideTheGroupsShowsNothing(t *testing.T) {
	h := newIncidentHarness(t, 1, nil)
	id, _ := h.planBatch(resetPhished)
	resp, _ := h.click(agent2, cards.VerbBatchRefresh, map[string]any{cards.BatchIDKey: id})
	if resp == nil || resp.StatusCode != 200 || !strings.Contains(fmt.Sprint(resp.Value), "refused") || strings.Contains(cardJSON(resp.Value), "Alice") {
		t.Fatalf("response %+v", resp)
	}
}

// Approvers pause, resume and cancel from the card; the requester, who is
// no approver, cannot; every copy follows.
func TestIncidentResetPauseResumeCancelFromTheCard(t *testing.T) {
	h := newIncidentHarness(t, 2, nil)
	id, mine := h.planBatch(resetPhished)
	h.batchClick(approver, cards.VerbBatchApprove, id, "INC-9")
	h.batchClick(approver2, cards.VerbBatchApprove, id, "INC-9")

	if c := h.batchClick(agent, cards.VerbBatchPause, id); !contains(c, "Pause refused") || h.batch(id).State != mfa.BatchRunning {
		t.Fatalf("the requester paused: %s", cardJSON(c))
	}
	paused := h.batchClick(approver, cards.VerbBatchPause, id)
	if h.batch(id).State != mfa.BatchPaused || !slices.Equal(verbs(paused), []string{cards.VerbBatchResume, cards.VerbBatchCancel}) || !contains(paused, "Paused by") {
		t.Fatalf("after pause: %s, card %s", h.batch(id).State, cardJSON(paused))
	}
	if c := h.current(h.batchCopy(approver2, id)); !slices.Equal(verbs(c), []string{cards.VerbBatchResume, cards.VerbBatchCancel}) {
		t.Fatalf("the other approver's copy after pause: %v", verbs(c))
	}
	resumed := h.batchClick(approver2, cards.VerbBatchResume, id)
	if h.batch(id).State != mfa.BatchRunning || !slices.Equal(verbs(resumed), []string{cards.VerbBatchPause, cards.VerbBatchCancel}) {
		t.Fatalf("after resume: %s, card %s", h.batch(id).State, cardJSON(resumed))
	}
	cancelled := h.batchClick(approver, cards.VerbBatchCancel, id)
	if h.batch(id).State != mfa.BatchCancelled || len(verbs(cancelled)) != 0 || !contains(cancelled, "Cancelled") {
		t.Fatalf("after cancel: %s, card %s", h.batch(id).State, cardJSON(cancelled))
	}
	for _, s := range []*channeltest.Sent{&mine, h.batchCopy(approver2, id)} {
		if c := h.current(s); !contains(c, "Cancelled") || len(verbs(c)) != 0 || c["refresh"] != nil {
			t.Fatalf("copy in %s after cancel: %s", s.ConversationID, cardJSON(c))
		}
	}
	if c := h.batchClick(approver2, cards.VerbBatchResume, id); !contains(c, "Resume not possible now") {
		t.Fatalf("resume of a cancelled batch: %s", cardJSON(c))
	}
}

// The requester may withdraw a plan that waits for approval.
func TestIncidentResetRequesterWithdrawsThePlan(t *testing.T) {
	h := newIncidentHarness(t, 1, nil)
	id, _ := h.planBatch(resetPhished)
	c := h.batchClick(agent, cards.VerbBatchCancel, id)
	if h.batch(id).State != mfa.BatchCancelled || !contains(c, "Nothing was changed") {
		t.Fatalf("withdraw: %s, %s", h.batch(id).State, cardJSON(c))
	}
	if c := h.current(h.batchCopy(approver, id)); len(verbs(c)) != 0 {
		t.Fatalf("the approver can still act on a withdrawn plan: %v", verbs(c))
	}
}

// Run to the end, every copy becomes the summary with the export command
// and no button.
func TestIncidentResetEndsWithTheSummaryOnEveryCopy(t *testing.T) {
	h := newIncidentHarness(t, 5, nil)
	id, mine := h.planBatch(resetPhished)
	h.batchClick(approver, cards.VerbBatchApprove, id, "INC-77")
	h.batchClick(approver2, cards.VerbBatchApprove, id, "INC-77")
	b, err := h.svc.RunBatch(ctx, id)
	if err != nil || b.State != mfa.BatchCompleted {
		t.Fatalf("run: %+v, %v", b, err)
	}
	h.bot.Wait()
	for _, s := range []*channeltest.Sent{&mine, h.batchCopy(approver, id), h.batchCopy(approver2, id)} {
		c := h.current(s)
		for _, want := range []string{"Completed", `"title":"Reset","value":"7"`, "INC-77", "Abe Approver", "mfabot audit export --batch " + id + " --format csv", `"title":"Duration"`} {
			if !contains(c, want) {
				t.Errorf("final card in %s lacks %q: %s", s.ConversationID, want, cardJSON(c))
			}
		}
		if len(verbs(c)) != 0 || c["refresh"] != nil {
			t.Errorf("final card in %s still has buttons or a refresh", s.ConversationID)
		}
	}
	// status B-… posts the summary again, to whoever may see it.
	sent := h.say(approver, "status "+strings.ToLower(id))
	if len(sent) != 1 || !contains(cardOf(sent[0].Activity), "audit export --batch "+id) {
		t.Fatalf("status of the batch: %+v", sent)
	}
	if sent := h.say(agent2, "status "+id); len(sent) != 1 || !strings.Contains(sent[0].Activity.Text, "Status refused") {
		t.Fatalf("status for someone outside the groups: %+v", sent)
	}
}

// Progress alone updates the cards at most once per interval, with the
// newest counts; a change of state goes out at once, the end included.
func TestIncidentProgressUpdatesAreHeldBack(t *testing.T) {
	const every = 400 * time.Millisecond
	h := newIncidentHarness(t, 3, func(c *bot.Config) { c.BatchUpdateEvery = every })
	id, mine := h.planBatch(resetPhished)
	planned := h.batch(id)
	updates := func() int {
		n := 0
		for _, u := range h.ch.Updates() {
			if u.ActivityID == mine.ID && u.ConversationID == mine.ConversationID {
				n++
			}
		}
		return n
	}
	running := *planned
	running.State, running.StartedAt = mfa.BatchRunning, planned.UpdatedAt
	running.Approvals = []mfa.BatchApproval{{Approver: mfatest.Approver, Ticket: "INC-1"}, {Approver: mfatest.Approver2, Ticket: "INC-1"}}
	status := func(b mfa.Batch, done int) *mfa.BatchStatus {
		return &mfa.BatchStatus{Batch: &b, Counts: mfa.BatchCounts{Done: done, Pending: 100 - done, Skipped: 1}, At: time.Now()}
	}
	n0 := updates()
	start := time.Now()
	for done := range 20 {
		h.bot.BatchChanged(ctx, status(running, done))
	}
	burst := time.Since(start)
	h.bot.Wait()
	if burst >= every {
		t.Skipf("the burst took %v, longer than the interval", burst)
	}
	if n := updates() - n0; n != 2 {
		t.Fatalf("20 progress changes within %v made %d updates of the card, want 2 (the start at once, the newest when the interval ends)", every, n)
	}
	if c := h.current(&mine); !contains(c, `"title":"Done","value":"19"`) {
		t.Fatalf("the held-back update is not the newest: %s", cardJSON(c))
	}
	// An older status arriving late changes nothing.
	h.bot.BatchChanged(ctx, &mfa.BatchStatus{Batch: &running, Counts: mfa.BatchCounts{Done: 3, Pending: 97}, At: start})
	h.bot.Wait()
	if n := updates() - n0; n != 2 {
		t.Fatalf("an older status updated the card (%d updates)", n)
	}
	// The end goes out at once, however soon after the last update.
	done := running
	done.State, done.FinishedAt, done.UpdatedAt = mfa.BatchCompleted, time.Now(), running.UpdatedAt.Add(time.Second)
	h.bot.BatchChanged(ctx, status(done, 100))
	h.bot.BatchChanged(ctx, status(running, 50)) // a progress count read before the end
	h.bot.Wait()
	if c := h.current(&mine); !contains(c, "Completed") || updates()-n0 != 3 {
		t.Fatalf("%d updates; the final card %s", updates()-n0, cardJSON(c))
	}
}

// A group name and a reason written as Markdown reach every card as the
// text they are.
func TestIncidentResetShowsTypedMarkdownAsText(t *testing.T) {
	h := newIncidentHarness(t, 0, nil)
	const name = "**Phished** [users](https://evil.example)"
	h.dir.GroupNames[phishedGroup] = name
	id, mine := h.planBatch(`reset mfa group "` + name + `" [Caller verified](https://evil.example) **urgent**`)
	var all []map[string]any
	all = append(all, cardOf(mine.Activity), h.current(&mine))
	if c := h.batchCopy(approver, id); c != nil {
		all = append(all, cardOf(c.Activity))
	} else {
		t.Fatal("the approver got no copy")
	}
	for _, c := range all {
		j := cardJSON(c)
		if strings.Contains(j, "[users](") || strings.Contains(j, "**Phished") || strings.Contains(j, "[Caller verified](") || strings.Contains(j, "**urgent") {
			t.Errorf("a card renders typed Markdown: %s", j)
		}
		if !strings.Contains(j, `\\*\\*Phished\\*\\* \\[users\\](https://evil.example)`) {
			t.Errorf("a card does not show the group's name as text: %s", j)
		}
	}
	if j := cardJSON(h.current(&mine)); !strings.Contains(j, `\\[Caller verified\\](https://evil.example) \\*\\*urgent\\*\\*`) {
		t.Errorf("the plan does not show the reason as text: %s", j)
	}
}

// With an approvals channel the plan goes there too, as the base card
// (Refresh shows each viewer their own buttons), kept in step like every
// other copy.
func TestIncidentResetGoesToTheApprovalsChannelToo(t *testing.T) {
	h := newIncidentHarness(t, 2, nil)
	h.sayAct(h.channelMessage(approver, "approvals here"))
	id, _ := h.planBatch(resetPhished)
	var channel *channeltest.Sent
	for _, s := range h.ch.Sent() {
		if s.ConversationID == "19:helpdesk@thread.tacv2" && contains(cardOf(s.Activity), "Incident MFA reset "+id) {
			channel = &s
		}
	}
	if channel == nil {
		t.Fatalf("no plan in the approvals channel: %+v", h.ch.Sent())
	}
	if c := cardOf(channel.Activity); !slices.Equal(verbs(c), []string{cards.VerbBatchRefresh}) || contains(c, `"id":"ticket"`) || c["refresh"] == nil {
		t.Fatalf("the channel's card is not the base card: %s", cardJSON(c))
	}
	if own := h.batchClick(approver2, cards.VerbBatchRefresh, id); !slices.Equal(verbs(own), []string{cards.VerbBatchApprove, cards.VerbBatchCancel}) {
		t.Fatalf("an approver's refresh of the channel card: %s", cardJSON(own))
	}
	told := false
	for _, s := range h.ch.Sent() {
		told = told || strings.Contains(s.Activity.Text, "sent for approval to 2 approvers in their chats with mfabot and the approvals conversation")
	}
	if !told {
		t.Fatal("the requester was not told the plan went to the approvals conversation")
	}
	h.batchClick(approver2, cards.VerbBatchApprove, id, "INC-5")
	if c := h.current(channel); !contains(c, "Approver 1: Abe Approver") {
		t.Fatalf("the channel's card after an approval: %s", cardJSON(c))
	}
}
