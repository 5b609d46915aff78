package cards

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// plannedBatch is a batch of the group "Phished users" waiting for its
// second approval.
func plannedBatch() *mfa.Batch {
	return &mfa.Batch{
		ID: "B-7K3QW9", State: mfa.BatchPlanned, Requester: mfatest.Agent, Reason: "AiTM phishing campaign of 26 Nov",
		Source: "group Phished users (0b7c2d1e-5a4f-4e8b-9c3d-2f1e0a9b8c7d)", GroupID: "0b7c2d1e-5a4f-4e8b-9c3d-2f1e0a9b8c7d",
		Profile: mfa.ProfileReregister, RevokeSessions: true, NotifyUsers: true,
		Plan: mfa.BatchPlan{Listed: 312, ToReset: 305,
			Skipped: []mfa.SkipCount{{Kind: mfa.SkipPrivileged, Count: 4}, {Kind: mfa.SkipGuest, Count: 2}, {Kind: mfa.SkipProtected, Count: 1}},
			Sample:  []string{"Alice Example <alice@contoso.com>", "Bob Builder <bob@contoso.com>", "Carol Danvers <carol@contoso.com>"},
			SkipSample: []string{"Gloria Admin <gloria@contoso.com>: " + mfa.SkipPrivileged.Describe(),
				"Guest User <guest_fabrikam.com#EXT#@contoso.com>: " + mfa.SkipGuest.Describe()}},
		Approvals: []mfa.BatchApproval{{Approver: mfatest.Approver, Ticket: "INC-4711", At: t0.Add(4 * time.Minute)}},
		CreatedAt: t0, UpdatedAt: t0.Add(4 * time.Minute), ExpiresAt: t0.Add(30 * time.Minute),
	}
}

func runningStatus() *mfa.BatchStatus {
	b := plannedBatch()
	b.State = mfa.BatchRunning
	b.Approvals = append(b.Approvals, mfa.BatchApproval{Approver: mfatest.Approver2, Ticket: "INC-4711", At: t0.Add(6 * time.Minute)})
	b.StartedAt, b.UpdatedAt = t0.Add(6*time.Minute), t0.Add(6*time.Minute)
	at := b.StartedAt.Add(2 * time.Minute)
	return &mfa.BatchStatus{Batch: b, Counts: mfa.BatchCounts{Pending: 180, Skipped: 8, Done: 120, Partial: 3, Failed: 1}, Rate: 62.5,
		ETA: at.Add(172800 * time.Millisecond), At: at}
}

func completedStatus() *mfa.BatchStatus {
	st := runningStatus()
	b := st.Batch
	b.State, b.FinishedAt, b.Notified = mfa.BatchCompleted, b.StartedAt.Add(5*time.Minute+12*time.Second), 301
	st.Counts = mfa.BatchCounts{Skipped: 8, Done: 300, Partial: 3, Failed: 1}
	st.Rate, st.ETA, st.At = 304/5.2, time.Time{}, b.FinishedAt
	return st
}

func batchGoldenCases() map[string]Card {
	paused := runningStatus()
	paused.Batch.State, paused.Batch.StoppedBy, paused.ETA = mfa.BatchPaused, &mfatest.Approver, time.Time{}
	cancelled := &mfa.BatchStatus{Batch: plannedBatch(), At: t0.Add(10 * time.Minute), Counts: mfa.BatchCounts{Pending: 305, Skipped: 7}}
	cancelled.Batch.State, cancelled.Batch.StoppedBy, cancelled.Batch.Note = mfa.BatchCancelled, &mfatest.Agent, "cancelled by "+mfatest.Agent.String()
	return map[string]Card{
		"batch_planning":       BatchPlanning("B-7K3QW9", "group Phished users"),
		"batch_plan_approver":  Batch(&mfa.BatchStatus{Batch: plannedBatch(), At: t0.Add(5 * time.Minute)}, BatchView{Role: ViewApprover, RefreshUserIDs: refreshIDs}),
		"batch_plan_approved":  Batch(&mfa.BatchStatus{Batch: plannedBatch(), At: t0.Add(5 * time.Minute)}, BatchView{Role: ViewApprover, Viewer: mfatest.ApproverID}),
		"batch_plan_requester": Batch(&mfa.BatchStatus{Batch: plannedBatch(), At: t0.Add(5 * time.Minute)}, BatchView{Role: ViewRequester, RefreshUserIDs: refreshIDs}),
		"batch_progress":       Batch(runningStatus(), BatchView{Role: ViewApprover}),
		"batch_paused":         Batch(paused, BatchView{Role: ViewApprover}),
		"batch_final":          Batch(completedStatus(), BatchView{Role: ViewApprover}),
		"batch_withdrawn":      Batch(cancelled, BatchView{Role: ViewRequester}),
	}
}

// The plan shows both approval slots, the skip reasons and the inputs an
// approver needs; the progress card the counts and the approver's
// buttons; the final card the export command and no button.
func TestBatchCardsSayWhatTheBriefAsks(t *testing.T) {
	cs := batchGoldenCases()
	plan := cardText(cs["batch_plan_approver"])
	for _, want := range []string{"305 users will have their MFA reset", "Approver 1: Ada Approver (ada@contoso.com), incident INC-4711", "Approved",
		"Approver 2: nobody yet", "Waiting", mfa.SkipPrivileged.Describe(), `"Sessions revoked","value":"Yes"`, "Yes, by mail",
		`"id":"ticket"`, "The first approver named incident INC-4711", "Gloria Admin", "Alice Example", "Expires"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan card lacks %q:\n%s", want, plan)
		}
	}
	if got := actionVerbs(cs["batch_plan_approver"]); fmt.Sprint(got) != "[batch_approve batch_cancel]" {
		t.Errorf("approver's plan card actions %v", got)
	}
	if got := actionVerbs(cs["batch_plan_approved"]); fmt.Sprint(got) != "[batch_cancel]" || strings.Contains(cardText(cs["batch_plan_approved"]), `"id":"ticket"`) ||
		!strings.Contains(cardText(cs["batch_plan_approved"]), "You approved this incident reset, naming incident INC-4711") {
		t.Errorf("the first approver's own card asks them again: %v", got)
	}
	if got := actionVerbs(cs["batch_plan_requester"]); fmt.Sprint(got) != "[batch_cancel]" || strings.Contains(cardText(cs["batch_plan_requester"]), `"id":"ticket"`) {
		t.Errorf("requester's plan card actions %v, or it asks for a ticket", got)
	}
	prog := cardText(cs["batch_progress"])
	for _, want := range []string{"125 of 305 users finished, 180 remaining", `"Done","value":"120"`, `"Partly done","value":"3"`, `"Failed","value":"1"`,
		`"Remaining","value":"180"`, "63 users a minute", "in about 2 min 53 s", "INC-4711", "Ada Approver (ada@contoso.com) and Abe Approver"} {
		if !strings.Contains(prog, want) {
			t.Errorf("progress card lacks %q:\n%s", want, prog)
		}
	}
	if got := actionVerbs(cs["batch_progress"]); fmt.Sprint(got) != "[batch_pause batch_cancel]" {
		t.Errorf("progress card actions %v", got)
	}
	if got := actionVerbs(cs["batch_paused"]); fmt.Sprint(got) != "[batch_resume batch_cancel]" {
		t.Errorf("paused card actions %v", got)
	}
	final := cardText(cs["batch_final"])
	for _, want := range []string{"Completed with problems", `"Reset","value":"300"`, "INC-4711", "Abe Approver", `"Duration","value":"5 min 12 s"`,
		"mfabot audit export --batch B-7K3QW9 --format csv", "301 by mail"} {
		if !strings.Contains(final, want) {
			t.Errorf("final card lacks %q:\n%s", want, final)
		}
	}
	for _, name := range []string{"batch_final", "batch_withdrawn"} {
		if _, ok := cs[name]["actions"]; ok {
			t.Errorf("%s has actions", name)
		}
		if _, ok := cs[name]["refresh"]; ok {
			t.Errorf("%s still refreshes", name)
		}
	}
	if strings.Contains(cardText(cs["batch_withdrawn"]), "audit export") {
		t.Error("a batch that never started offers an export")
	}
}

func cardText(c Card) string {
	b, _ := json.Marshal(c)
	return string(b)
}

func actionVerbs(c Card) []string {
	var out []string
	acts, _ := c["actions"].([]element)
	for _, a := range acts {
		out = append(out, a["verb"].(string))
	}
	return out
}

func TestDurationAndCounts(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0 s", 45 * time.Second: "45 s", 3*time.Minute + 5*time.Second: "3 min 5 s", 12 * time.Minute: "12 min",
		65 * time.Minute: "1 h 5 min", -time.Second: "0 s",
	} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 50000: "50,000", 1234567: "1,234,567", -1200: "-1,200"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// hostileBatches are incident reset cards with hostile text in every field
// a person types (reason, ticket) or the directory fills (group, names).
func hostileBatches() map[string]Card {
	who := mfa.Actor{ID: mfatest.AgentID, Name: "[Hanna](https://evil.example)", UPN: "hanna@contoso.com"}
	appr := mfa.Actor{ID: mfatest.ApproverID, Name: "**Ada** " + hostile, UPN: "ada@contoso.com"}
	base := func() *mfa.Batch {
		b := plannedBatch()
		b.Requester, b.Reason, b.Source, b.Note = who, hostile, "group **Eve's** "+hostile, hostile
		b.Approvals = []mfa.BatchApproval{{Approver: appr, Ticket: hostile, At: t0}}
		b.Plan.Sample = []string{"**Eve** " + hostile}
		b.Plan.SkipSample = []string{hostile}
		return b
	}
	out := map[string]Card{"planning": BatchPlanning("B-7K3QW9", "group **Eve's** "+hostile)}
	for _, role := range []Role{ViewBase, ViewApprover, ViewRequester, ViewOther} {
		for _, s := range []mfa.BatchState{mfa.BatchPlanned, mfa.BatchRunning, mfa.BatchPaused, mfa.BatchCompleted, mfa.BatchCancelled} {
			b := base()
			b.State, b.StoppedBy, b.StartedAt = s, &appr, t0
			out[fmt.Sprintf("%s_%d", s, role)] = Batch(&mfa.BatchStatus{Batch: b, At: t0}, BatchView{Role: role, Notice: hostile, NoticeStyle: "attention"})
		}
	}
	return out
}

func TestBatchCardsShowTypedTextAsText(t *testing.T) {
	for name, c := range hostileBatches() {
		found := false
		for _, s := range markdownStrings(c) {
			if m := markup(s); m != "" {
				t.Errorf("%s: %s in %q", name, m, s)
			}
			if strings.Contains(s, `\[Caller verified\]`) || strings.Contains(s, `\*\*Eve`) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: the hostile text is not shown at all", name)
		}
	}
}

// worstBatches are incident reset cards at their largest: long names,
// reason and source, every sample full.
func worstBatches() map[string]Card {
	big := func() *mfa.Batch {
		b := plannedBatch()
		b.Reason, b.Source, b.Note = worst(mfa.MaxReason), worst(300), worst(600)
		b.Requester.Name = worst(256)
		b.Plan.Sample, b.Plan.SkipSample = nil, nil
		for range 10 {
			b.Plan.Sample = append(b.Plan.Sample, worst(256)+" <"+strings.Repeat("a", 113)+">")
			b.Plan.SkipSample = append(b.Plan.SkipSample, worst(256)+": "+worst(200))
		}
		for _, k := range []mfa.SkipKind{mfa.SkipPrivileged, mfa.SkipProtected, mfa.SkipGuest, mfa.SkipNotFound, mfa.SkipUnreadable, mfa.SkipSelf, mfa.SkipDuplicate} {
			b.Plan.Skipped = append(b.Plan.Skipped, mfa.SkipCount{Kind: k, Count: 49_999})
		}
		b.Approvals = []mfa.BatchApproval{{Approver: mfa.Actor{Name: worst(256)}, Ticket: worst(mfa.MaxTicket)}, {Approver: mfa.Actor{Name: worst(256)}, Ticket: worst(mfa.MaxTicket)}}
		return b
	}
	out := map[string]Card{}
	for _, s := range []mfa.BatchState{mfa.BatchPlanned, mfa.BatchRunning, mfa.BatchCompleted} {
		b := big()
		b.State, b.StartedAt, b.FinishedAt = s, t0, t0.Add(3*time.Hour)
		out["batch_"+string(s)] = Batch(&mfa.BatchStatus{Batch: b, At: t0, Rate: 1e6, ETA: t0.Add(time.Hour),
			Counts: mfa.BatchCounts{Pending: 49_999, Done: 49_999, Skipped: 49_999, Partial: 49_999, Failed: 49_999}},
			BatchView{Role: ViewApprover, Notice: worst(300), RefreshUserIDs: make([]string, 60)})
	}
	return out
}
