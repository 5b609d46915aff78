package cards

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Verbs of the Action.Execute actions on an incident reset's card. Their
// data carries the batch id alone (BatchIDKey).
const (
	VerbBatchRefresh = "batch_refresh"
	VerbBatchApprove = "batch_approve"
	VerbBatchPause   = "batch_pause"
	VerbBatchResume  = "batch_resume"
	VerbBatchCancel  = "batch_cancel"
)

// BatchIDKey is the field of an incident reset card's action data that
// names the batch.
const BatchIDKey = "batchId"

// InputTicket is the id of the approver's "incident (ticket)" input.
const InputTicket = "ticket"

// IsBatchVerb reports whether verb is an action of an incident reset card.
func IsBatchVerb(verb string) bool {
	switch verb {
	case VerbBatchRefresh, VerbBatchApprove, VerbBatchPause, VerbBatchResume, VerbBatchCancel:
		return true
	}
	return false
}

// BatchView says how to render an incident reset card.
type BatchView struct {
	// Role decides the buttons: approvers approve (while planned) and
	// pause, resume or cancel (while running or paused); the requester may
	// withdraw a planned batch; the base card offers a refresh.
	Role Role
	// Notice is shown at the top, e.g. why an action was refused.
	Notice string
	// NoticeStyle is a Container style: "attention", "good", "warning" or "".
	NoticeStyle string
	// RefreshUserIDs are the Teams user ids whose view Teams refreshes on
	// its own while the batch is open (at most 60).
	RefreshUserIDs []string
	// Viewer is the Entra object id of the one person the card is for
	// (a personal chat, an action's answer), empty for a shared card: an
	// approver who has approved is not asked again.
	Viewer string
}

// BatchExportCommand is the command that exports one line per user of a
// batch.
func BatchExportCommand(id string) string {
	return "mfabot audit export --batch " + id + " --format csv"
}

// BatchPlanning is the card posted while a batch's plan is being made:
// every member is read and checked, which takes seconds for a group of
// hundreds. It is updated in place with the plan.
func BatchPlanning(id, source string) Card {
	body := []element{
		header("Incident MFA reset "+id, "Planning…", "Accent"),
		text("Planning incident reset "+id+" of "+source+".", bold),
		text("Every member is read and checked against the same rules as a single reset (privileged, protected, guests). For a group of hundreds this takes seconds; this card then shows the plan for two approvers.", small, spacing("Small")),
	}
	return newCard(body, nil)
}

// Batch is the card of an incident reset for one viewer: the plan while it
// waits for approvals, the progress while it runs or is paused, the
// summary once it has ended.
func Batch(st *mfa.BatchStatus, v BatchView) Card {
	b := st.Batch
	badge, badgeColor := batchBadge(st)
	body := []element{header("Incident MFA reset "+b.ID, badge, badgeColor)}
	if v.Notice != "" {
		body = append(body, notice(v.Notice, v.NoticeStyle))
	}
	var actions []element
	switch b.State {
	case mfa.BatchPlanning:
		return BatchPlanning(b.ID, b.Source)
	case mfa.BatchPlanned:
		body = append(body, batchPlan(b)...)
		body = append(body, approvalSlots(b)...)
		switch v.Role {
		case ViewApprover:
			if a := approvalOf(b, v.Viewer); a != nil {
				body = append(body, text("You approved this incident reset, naming incident "+a.Ticket+". Another approver must approve it too.", subtle, small))
			} else {
				body = append(body, ticketInput(b)...)
				actions = append(actions,
					batchAction("Approve", VerbBatchApprove, b.ID, func(e element) { e["style"] = "positive"; e["associatedInputs"] = "auto" }))
			}
			actions = append(actions,
				batchAction("Cancel incident reset", VerbBatchCancel, b.ID, func(e element) { e["style"] = "destructive"; e["associatedInputs"] = "none" }))
		case ViewRequester:
			body = append(body, text("You asked for this incident reset; two other people in the approver group must approve it, each naming the incident.", subtle, small))
			actions = append(actions, batchAction("Withdraw", VerbBatchCancel, b.ID, func(e element) { e["style"] = "destructive" }))
		case ViewBase:
			body = append(body, text("Approvers and the requester see their buttons after a refresh.", subtle, small))
			actions = append(actions, batchAction("Refresh", VerbBatchRefresh, b.ID))
		}
	case mfa.BatchRunning, mfa.BatchPaused:
		body = append(body, batchProgress(st)...)
		switch v.Role {
		case ViewApprover:
			if b.State == mfa.BatchRunning {
				actions = append(actions, batchAction("Pause", VerbBatchPause, b.ID))
			} else {
				actions = append(actions, batchAction("Resume", VerbBatchResume, b.ID, func(e element) { e["style"] = "positive" }))
			}
			actions = append(actions, batchAction("Cancel incident reset", VerbBatchCancel, b.ID, func(e element) { e["style"] = "destructive" }))
		case ViewBase:
			body = append(body, text("Approvers see Pause, Resume and Cancel after a refresh.", subtle, small))
			actions = append(actions, batchAction("Refresh", VerbBatchRefresh, b.ID))
		}
	default:
		body = append(body, batchSummary(st)...)
	}
	c := newCard(body, actions)
	if b.State.Open() {
		ref := element{"action": batchAction("Refresh", VerbBatchRefresh, b.ID)}
		if ids := v.RefreshUserIDs; len(ids) > 0 {
			ref["userIds"] = ids[:min(len(ids), MaxRefreshUsers)]
		}
		c["refresh"] = ref
	}
	return c
}

// batchBadge is the text and colour of a batch's state.
func batchBadge(st *mfa.BatchStatus) (string, string) {
	b := st.Batch
	switch b.State {
	case mfa.BatchPlanning:
		return "Planning…", "Accent"
	case mfa.BatchPlanned:
		return fmt.Sprintf("Waiting for approvals (%d of %d)", len(b.Approvals), mfa.BatchApprovals), "Accent"
	case mfa.BatchRunning:
		return "Running", "Warning"
	case mfa.BatchPaused:
		return "Paused", "Attention"
	case mfa.BatchCompleted:
		if st.Counts.Partial+st.Counts.Failed > 0 {
			return "Completed with problems", "Warning"
		}
		return "Completed", "Good"
	case mfa.BatchCancelled:
		return "Cancelled", "Default"
	case mfa.BatchExpired:
		return "Expired", "Default"
	}
	return string(b.State), "Default"
}

func batchAction(title, verb, id string, opts ...func(element)) element {
	e := element{"type": "Action.Execute", "title": title, "verb": verb, "data": element{BatchIDKey: id}}
	for _, o := range opts {
		o(e)
	}
	return e
}

// batchPlan is what the approvers decide on.
func batchPlan(b *mfa.Batch) []element {
	p := b.Plan
	out := []element{
		text(users(p.ToReset)+" will have their MFA reset and be signed out everywhere; "+strconv.Itoa(p.SkippedTotal())+" skipped.", bold, spacing("Small")),
		factSet(
			fact{"Batch id", b.ID},
			fact{"Source", b.Source},
			fact{"Reason", orNone(b.Reason)},
			fact{"Requested by", b.Requester.String()},
			fact{"Requested", FormatTime(b.CreatedAt)},
			fact{"Listed", users(p.Listed)},
			fact{"Will be reset", users(p.ToReset)},
			fact{"Skipped", users(p.SkippedTotal())},
			fact{"Profile", string(b.Profile) + ": " + b.Profile.Explain()},
			fact{"Sessions revoked", yesNo(b.RevokeSessions)},
			fact{"Users notified", notified(b)},
			fact{"Expires", FormatTime(b.ExpiresAt)},
		),
	}
	if len(p.Skipped) > 0 {
		out = append(out, text("Skipped, and why", bold, separator, spacing("Medium")))
		for _, s := range p.Skipped {
			out = append(out, row(s.Kind.Describe(), strconv.Itoa(s.Count), "Default"))
		}
	}
	if len(p.Sample) > 0 {
		title := "Some of the users to reset"
		if len(p.Sample) == p.ToReset {
			title = "The users to reset"
		}
		out = append(out, text(title, bold, separator, spacing("Medium")))
		out = append(out, lines(p.Sample)...)
	}
	if len(p.SkipSample) > 0 {
		title := "Some of the users skipped"
		if len(p.SkipSample) == p.SkippedTotal() {
			title = "The users skipped"
		}
		out = append(out, text(title, bold, separator, spacing("Medium")))
		out = append(out, lines(p.SkipSample)...)
	}
	return out
}

// maxSample is the longest a sample line is shown: a name and a sign-in
// name, and a skip's reason.
const maxSample = 120

// lines is one small text block per entry, each cut to maxSample.
func lines(ss []string) []element {
	out := make([]element, 0, min(len(ss), maxRows+2))
	for i, s := range ss {
		if i == maxRows+2 {
			out = append(out, text(fmt.Sprintf("… and %d more", len(ss)-i), subtle, small, spacing("None")))
			break
		}
		out = append(out, text(clamp(s, maxSample), small, spacing("None")))
	}
	return out
}

// approvalSlots show the two approvals, filled or waiting.
func approvalSlots(b *mfa.Batch) []element {
	out := []element{text(fmt.Sprintf("Approvals: %d different approvers, not the requester, naming the same incident", mfa.BatchApprovals), bold, separator, spacing("Medium"))}
	for i := range mfa.BatchApprovals {
		if i < len(b.Approvals) {
			a := b.Approvals[i]
			out = append(out, row(fmt.Sprintf("Approver %d: %s, incident %s, %s", i+1, a.Approver.String(), a.Ticket, FormatTime(a.At)), "Approved", "Good"))
			continue
		}
		out = append(out, row(fmt.Sprintf("Approver %d: nobody yet", i+1), "Waiting", "Default"))
	}
	return out
}

// approvalOf is the viewer's approval of b, if they gave one.
func approvalOf(b *mfa.Batch, viewer string) *mfa.BatchApproval {
	for i, a := range b.Approvals {
		if mfa.SameID(a.Approver.ID, viewer) {
			return &b.Approvals[i]
		}
	}
	return nil
}

// ticketInput is what an approver fills to approve.
func ticketInput(b *mfa.Batch) []element {
	in := element{"type": "Input.Text", "id": InputTicket, "label": "Incident (ticket) you approve this for", "isRequired": true,
		"errorMessage": "Name the incident (ticket) you approve this incident reset for.", "maxLength": mfa.MaxTicket,
		"placeholder": "e.g. INC-4711", "separator": true}
	out := []element{in}
	if t := b.Ticket(); t != "" {
		out = append(out, text("The first approver named incident "+t+": both approvals must name the same incident.", small, spacing("Small")))
	}
	return out
}

// batchProgress is the progress of a running or paused batch.
func batchProgress(st *mfa.BatchStatus) []element {
	b, c := st.Batch, st.Counts
	// The users the plan skipped were never to be reset: the progress is
	// of the others.
	planned := b.Plan.SkippedTotal()
	toDo := c.Total() - planned
	out := []element{
		text(fmt.Sprintf("%s of %s users finished, %s remaining.", thousands(toDo-c.Pending), thousands(toDo), thousands(c.Pending)), bold, spacing("Small")),
		progressBar(c, planned),
	}
	facts := []fact{
		{"Done", thousands(c.Done)},
		{"Skipped", skippedValue(b, c)},
		{"Partly done", thousands(c.Partial)},
		{"Failed", thousands(c.Failed)},
		{"Remaining", thousands(c.Pending)},
		{"Rate", rate(st.Rate)},
		{"Expected end", eta(st)},
	}
	if b.State == mfa.BatchPaused {
		by := "an approver"
		if b.StoppedBy != nil {
			by = b.StoppedBy.String()
		}
		facts = append(facts, fact{"Paused by", by})
	}
	facts = append(facts, batchFacts(b)...)
	out = append(out, factSet(facts...))
	if b.State == mfa.BatchPaused {
		out = append(out, text("Paused: users under way finish, no new user is started until an approver resumes.", small, spacing("Small")))
	}
	return out
}

// batchFacts name the batch and who decided it.
func batchFacts(b *mfa.Batch) []fact {
	return []fact{
		{"Started", FormatTime(b.StartedAt)},
		{"Incident", b.Ticket()},
		{"Approved by", approvers(b)},
		{"Source", b.Source},
		{"Reason", orNone(b.Reason)},
		{"Requested by", b.Requester.String()},
		{"Profile", string(b.Profile) + ": " + b.Profile.Explain()},
		{"Sessions revoked", yesNo(b.RevokeSessions)},
		{"Users notified", notified(b)},
		{"Batch id", b.ID},
	}
}

// batchSummary is the card of an ended batch.
func batchSummary(st *mfa.BatchStatus) []element {
	b, c := st.Batch, st.Counts
	var out []element
	switch {
	case b.State == mfa.BatchCompleted && c.Partial+c.Failed > 0:
		out = append(out, notice(users(c.Partial+c.Failed)+" not fully reset: export the batch to see who and why.", "attention"))
	case b.State == mfa.BatchCompleted:
		out = append(out, notice("Done. "+users(c.Done)+" will be asked to register MFA again at their next sign-in.", "good"))
	case b.State == mfa.BatchExpired:
		out = append(out, notice("Two approvals did not come in time; nothing was changed.", "default"))
	case b.State == mfa.BatchCancelled && b.StartedAt.IsZero():
		out = append(out, notice("Nothing was changed. "+noteOr(b.Note, "Cancelled before it started."), "default"))
	case b.State == mfa.BatchCancelled:
		out = append(out, notice("Cancelled: users not yet started were left as they are.", "warning"))
	}
	facts := []fact{
		{"Reset", thousands(c.Done)},
		{"Partly done", thousands(c.Partial)},
		{"Failed", thousands(c.Failed)},
		{"Skipped", skippedValue(b, c)},
	}
	if c.Pending > 0 {
		facts = append(facts, fact{"Not started", thousands(c.Pending)})
	}
	if !b.StartedAt.IsZero() {
		facts = append(facts, fact{"Started", FormatTime(b.StartedAt)}, fact{"Finished", FormatTime(b.FinishedAt)},
			fact{"Duration", duration(b.FinishedAt.Sub(b.StartedAt))}, fact{"Rate", rate(st.Rate)})
	}
	facts = append(facts,
		fact{"Incident", b.Ticket()},
		fact{"Approved by", approvers(b)},
		fact{"Source", b.Source},
		fact{"Reason", orNone(b.Reason)},
		fact{"Requested by", b.Requester.String()},
		fact{"Users notified", notifiedAfter(b)},
		fact{"Note", b.Note},
		fact{"Batch id", b.ID},
	)
	if !b.StartedAt.IsZero() {
		facts = append(facts, fact{"Export", BatchExportCommand(b.ID)})
	}
	return append(out, factSet(facts...))
}

// progressBar shows the finished share of the users to reset as coloured
// columns (those the plan skipped left out).
func progressBar(c mfa.BatchCounts, planSkipped int) element {
	var cols []element
	add := func(n int, style string) {
		if n <= 0 {
			return
		}
		cols = append(cols, element{"type": "Column", "width": n, "style": style, "minHeight": "10px", "spacing": "None", "items": []element{}})
	}
	add(c.Done, "good")
	add(c.Partial, "warning")
	add(c.Failed, "attention")
	add(c.Skipped-planSkipped, "default")
	add(c.Pending, "emphasis")
	return element{"type": "ColumnSet", "spacing": "Small", "columns": cols}
}

// skippedValue is the skipped count, with how many the plan skipped when
// more were skipped while running.
func skippedValue(b *mfa.Batch, c mfa.BatchCounts) string {
	planned := b.Plan.SkippedTotal()
	if c.Skipped == planned {
		return thousands(c.Skipped)
	}
	return fmt.Sprintf("%s (%s by the plan, %s refused when about to run)", thousands(c.Skipped), thousands(planned), thousands(c.Skipped-planned))
}

func approvers(b *mfa.Batch) string {
	names := make([]string, len(b.Approvals))
	for i, a := range b.Approvals {
		names[i] = a.Approver.String()
	}
	return strings.Join(names, " and ")
}

func notified(b *mfa.Batch) string {
	if b.NotifyUsers {
		return "Yes, by mail when the reset ends"
	}
	return "No (no mailbox is configured)"
}

func notifiedAfter(b *mfa.Batch) string {
	switch {
	case !b.NotifyUsers:
		return "No (no mailbox is configured)"
	case b.StartedAt.IsZero():
		return "No (nobody was reset)"
	}
	return thousands(b.Notified) + " by mail"
}

func noteOr(note, def string) string {
	if note == "" {
		return def
	}
	return sentenceOf(note)
}

// sentenceOf capitalises a domain note and ends it with a stop.
func sentenceOf(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	if !strings.ContainsRune(".!?", rune(s[len(s)-1])) {
		s += "."
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func yesNo(v bool) string {
	if v {
		return "Yes"
	}
	return "No"
}

// users is "1 user" or "1,234 users".
func users(n int) string {
	if n == 1 {
		return "1 user"
	}
	return thousands(n) + " users"
}

// thousands writes n with a comma every three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// rate is users finished per minute, for people.
func rate(perMin float64) string {
	switch {
	case perMin <= 0 || math.IsNaN(perMin) || math.IsInf(perMin, 0):
		return "not known yet"
	case perMin < 10:
		return strconv.FormatFloat(perMin, 'f', 1, 64) + " users a minute"
	}
	return thousands(int(math.Round(perMin))) + " users a minute"
}

// eta is when the remaining users are expected to be done.
func eta(st *mfa.BatchStatus) string {
	switch {
	case st.Batch.State == mfa.BatchPaused:
		return "paused"
	case st.ETA.IsZero():
		return "not known yet"
	}
	return "in about " + duration(st.ETA.Sub(st.At)) + " (" + FormatTime(st.ETA) + ")"
}

// duration is d for people: "45 s", "12 min", "1 h 5 min".
func duration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(max(d, 0).Round(time.Second)/time.Second)) + " s"
	case d < time.Hour:
		m := d.Round(time.Second)
		if s := int(m/time.Second) % 60; s != 0 && m < 10*time.Minute {
			return fmt.Sprintf("%d min %d s", int(m/time.Minute), s)
		}
		return strconv.Itoa(int(d.Round(time.Minute)/time.Minute)) + " min"
	}
	d = d.Round(time.Minute)
	return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
