package cards

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Role is who looks at a request card; each role sees its own actions.
type Role int

// Viewer roles.
const (
	// ViewBase is the card everybody sees by default (the posted message):
	// state only, and a Refresh button while the request is pending.
	ViewBase Role = iota
	// ViewApprover may approve or reject.
	ViewApprover
	// ViewRequester may cancel.
	ViewRequester
	// ViewOther sees the state only.
	ViewOther
)

// RequestView says how to render a request card.
type RequestView struct {
	Role Role
	// Notice is shown at the top, e.g. why an action was refused.
	Notice string
	// NoticeStyle is a Container style: "attention", "good", "warning" or "".
	NoticeStyle string
	// RefreshUserIDs are the Teams user ids (MRIs) whose view Teams
	// refreshes automatically while the request is pending (at most 60).
	// Empty: refresh.userIds is left out, and Teams refreshes the card
	// for everyone in a conversation of up to 60 members.
	RefreshUserIDs []string
	// Mentions are the approvers a pending base card @mentions (in a
	// channel or group chat).
	Mentions []Mention
}

// MaxRefreshUsers is Teams' limit on refresh.userIds.
const MaxRefreshUsers = 60

// stateBadge is the text and colour of a state.
func stateBadge(s mfa.State) (string, string) {
	switch s {
	case mfa.StatePending:
		return "Waiting for approval", "Accent"
	case mfa.StateApproved:
		return "Approved", "Accent"
	case mfa.StateExecuting:
		return "Resetting…", "Warning"
	case mfa.StateCompleted:
		return "Completed", "Good"
	case mfa.StatePartial:
		return "Partly done", "Warning"
	case mfa.StateFailed:
		return "Failed", "Attention"
	case mfa.StateRejected:
		return "Rejected", "Attention"
	case mfa.StateCancelled:
		return "Cancelled", "Default"
	case mfa.StateExpired:
		return "Expired", "Default"
	case mfa.StateBlocked:
		return "Blocked: user said No", "Attention"
	}
	return string(s), "Default"
}

// Request is the card of a reset request for one viewer.
func Request(r *mfa.Request, v RequestView) Card {
	badge, badgeColor := stateBadge(r.State)
	body := []element{header("MFA reset: "+r.Target.DisplayName, badge, badgeColor)}
	if v.Notice != "" {
		body = append(body, notice(v.Notice, v.NoticeStyle))
	}
	body = append(body, warnings(r)...)
	facts := []fact{
		{"User", r.Target.DisplayName},
		{"UPN", r.Target.UPN},
		{"Job title", r.Target.JobTitle},
		{"Department", r.Target.Department},
		{"Reason", orNone(r.Reason)},
		{"Requested by", r.Requester.String()},
		{"Requested", FormatTime(r.CreatedAt)},
		{"Expires", expiry(r)},
		{"Request id", r.ID},
		{"User confirmed", confirmation(r)},
	}
	if r.Result == nil {
		body = append(body, factSet(facts...))
		body = append(body, plan(r)...)
		if fs := decisionFacts(r); len(fs) > 0 {
			body = append(body, factSet(fs...))
		}
	} else {
		// The final card is one FactSet, so every label and value lines up.
		facts = append(facts, decisionFacts(r)...)
		body = append(body, factSet(append(facts, resultFacts(r)...)...))
		if r.State == mfa.StateCompleted {
			body = append(body, notice("Done. "+r.Target.DisplayName+" will be asked to register their sign-in methods again.", "good"))
		}
	}
	pending := r.State == mfa.StatePending
	var actions []element
	if pending {
		switch v.Role {
		case ViewApprover:
			body = append(body, approverInputs(r)...)
			actions = append(actions,
				execute("Approve", VerbApprove, r.ID, func(e element) { e["style"] = "positive"; e["associatedInputs"] = "auto" }),
				execute("Reject", VerbReject, r.ID, func(e element) { e["style"] = "destructive"; e["associatedInputs"] = "none" }),
			)
		case ViewRequester:
			body = append(body, text("You asked for this reset; another person must approve it.", subtle, small))
			body = append(body, deliveryLine(r)...)
			actions = append(actions, execute("Cancel request", VerbCancel, r.ID, func(e element) { e["style"] = "destructive" }))
		case ViewBase:
			body = append(body, text("Approvers and the requester see their buttons after a refresh.", subtle, small))
			actions = append(actions, execute("Refresh", VerbRefresh, r.ID))
		}
	}
	var mentions []element
	if pending && v.Role == ViewBase {
		var line []element
		line, mentions = mentionLine(v.Mentions)
		body = append(body, line...)
	}
	c := newCard(body, actions)
	if len(mentions) > 0 {
		c["msteams"].(element)["entities"] = mentions
	}
	if pending {
		ids := v.RefreshUserIDs
		if len(ids) > MaxRefreshUsers {
			ids = ids[:MaxRefreshUsers]
		}
		ref := element{"action": execute("Refresh", VerbRefresh, r.ID)}
		// An empty list would turn automatic refresh off; without one,
		// Teams refreshes for every viewer of a chat of up to 60 people.
		if len(ids) > 0 {
			ref["userIds"] = ids
		}
		c["refresh"] = ref
	}
	return c
}

func orNone(s string) string {
	if s == "" {
		return "(none given)"
	}
	return s
}

func expiry(r *mfa.Request) string {
	if r.State != mfa.StatePending && r.State != mfa.StateExpired {
		return ""
	}
	return FormatTime(r.ExpiresAt)
}

func confirmation(r *mfa.Request) string {
	switch r.Confirmation {
	case mfa.ConfirmAsked:
		return "Asked in Teams, no answer yet"
	case mfa.ConfirmYes:
		return "Yes, it was them"
	case mfa.ConfirmNo:
		return "NO: the user did not ask for this"
	case mfa.ConfirmUnreachable:
		return "Could not be asked (not reachable in Teams)"
	}
	return "Not asked"
}

// warnings are the attention lines: protected rules, overrides, a "No".
func warnings(r *mfa.Request) []element {
	var out []element
	if r.Confirmation == mfa.ConfirmNo {
		out = append(out, notice(r.Target.DisplayName+" said they did NOT ask for this reset. It is blocked and security has been alerted: treat it as a possible social-engineering attempt.", "attention"))
	}
	if r.NeedsOverride && r.State == mfa.StatePending {
		out = append(out, notice("This user's MFA was reset recently. Approving needs an override reason.", "attention"))
	}
	if r.Override != "" {
		out = append(out, notice("Approved with an override: "+r.Override, "warning"))
	}
	return out
}

// plan lists the registered methods and what will happen to each.
func plan(r *mfa.Request) []element {
	planned := map[string]bool{}
	for _, m := range r.Planned() {
		planned[m.Key()] = true
	}
	out := []element{text("Registered methods", bold, separator, spacing("Medium"))}
	var rows []element
	for _, m := range r.Methods {
		if m.Kind == mfa.KindPassword {
			continue
		}
		if planned[m.Key()] {
			rows = append(rows, methodRow(m, "will be removed", "Attention"))
		} else {
			rows = append(rows, methodRow(m, "kept", "Default"))
		}
	}
	out = append(out, capRows(rows, "methods")...)
	if len(rows) == 0 {
		out = append(out, text("None besides the password.", subtle))
	}
	tap := "No Temporary Access Pass."
	switch {
	case r.IssueTAP && r.TAP.Lifetime > 0:
		kind := "reusable"
		if r.TAP.OneTime {
			kind = "one-time"
		}
		tap = "A Temporary Access Pass (" + kind + ", valid " + mfa.FormatLifetime(r.TAP.Lifetime) + ", as the tenant's policy allows) will be issued before anything is deleted, and shown to the requester only."
	case r.IssueTAP:
		tap = "A Temporary Access Pass will be issued before anything is deleted, and shown to the requester only."
	case r.TAP.Why != "":
		tap = "No Temporary Access Pass: " + r.TAP.Why + "."
	}
	out = append(out,
		text("Sign-in sessions will be revoked (the user signs in again everywhere).", small, spacing("Small")),
		text(tap, small, spacing("None")),
		text("App passwords cannot be removed through Microsoft Graph; the password is never touched.", small, subtle, spacing("None")),
	)
	return out
}

// decisionFacts say who decided what.
func decisionFacts(r *mfa.Request) []fact {
	var fs []fact
	if r.Approver != nil {
		fs = append(fs, fact{"Approved by", r.Approver.String()})
	}
	if r.Manager != nil && r.ManagerApproved {
		fs = append(fs, fact{"Manager approved", r.Manager.String()})
	}
	if r.Verification != "" {
		fs = append(fs, fact{"Caller verified", r.Verification.Describe()})
	}
	switch r.State {
	case mfa.StateRejected:
		if r.DecidedBy != nil {
			fs = append(fs, fact{"Rejected by", r.DecidedBy.String()})
		}
		fs = append(fs, fact{"Note", r.DecisionNote})
	case mfa.StateCancelled:
		if r.DecidedBy != nil {
			fs = append(fs, fact{"Cancelled by", r.DecidedBy.String()})
		}
	case mfa.StateExpired:
		fs = append(fs, fact{"Expired", "Nobody approved it in time; nothing was changed."})
	case mfa.StateBlocked:
		fs = append(fs, fact{"Blocked", "Nothing was changed."})
	}
	return fs
}

// resultFacts say what an execution did and what the user still has.
func resultFacts(r *mfa.Request) []fact {
	res := r.Result
	var fs []fact
	fs = append(fs, group("Removed", inCardOrder(r, res.Removed), func(m mfa.Method) string { return m.Describe() })...)
	failed := make([]mfa.Method, len(res.Failed))
	why := map[string]string{}
	for i, f := range res.Failed {
		failed[i] = f.Method
		why[f.Method.Key()] = failureDetail(f)
	}
	fs = append(fs, group("Not removed", inCardOrder(r, failed), func(m mfa.Method) string { return m.Describe() + " — " + why[m.Key()] })...)
	fs = append(fs, group("Still registered", stillRegistered(r), func(m mfa.Method) string { return m.Describe() + " — " + keptBecause(r, m) })...)
	if len(res.Removed)+len(res.Failed)+len(res.Remaining) == 0 {
		fs = append(fs, fact{"Removed", "nothing: no method needed removing"})
	}
	sessions := "Yes"
	if !res.SessionsRevoked {
		sessions = "No"
		if res.RevokeError != "" {
			sessions += ": " + res.RevokeError
		}
	}
	tap := "Not requested"
	switch {
	case res.TAPIssued:
		tap = "Issued, expires " + FormatTime(res.TAPExpires) + "; sent to " + r.Requester.Name + " in a personal chat"
	case res.TAPError != "":
		tap = "No: " + res.TAPError
	case r.IssueTAP:
		tap = "No"
	}
	fs = append(fs, fact{"Sessions revoked", sessions}, fact{"Temporary Access Pass", tap})
	if res.Error != "" {
		fs = append(fs, fact{"Error", res.Error})
	}
	if res.Unchecked != "" {
		fs = append(fs, fact{"Not checked", res.Unchecked})
	}
	return append(fs, fact{"Finished", FormatTime(res.FinishedAt)}, fact{"Audit record", res.AuditRef})
}

// approverInputs are the inputs an approver must fill to approve.
func approverInputs(r *mfa.Request) []element {
	var choices []element
	for _, v := range mfa.Verifications {
		choices = append(choices, element{"title": v.Describe(), "value": string(v)})
	}
	out := []element{
		{"type": "Input.ChoiceSet", "id": InputVerification, "label": "How was the caller verified?", "isRequired": true,
			"errorMessage": "Say how the caller's identity was verified.", "style": "expanded", "choices": choices, "separator": true},
	}
	if r.NeedsOverride {
		out = append(out, element{"type": "Input.Text", "id": InputOverride, "label": "Override reason (the user was reset recently)",
			"isRequired": true, "errorMessage": "Give a reason to reset again so soon.", "maxLength": 300})
	}
	return out
}

// group is facts for a list of methods: the title on the first, the others
// under it, at most maxRows and a count of the rest.
func group(title string, ms []mfa.Method, value func(mfa.Method) string) []fact {
	var out []fact
	for i, m := range ms {
		if i == maxRows {
			out = append(out, fact{"", fmt.Sprintf("… and %d more", len(ms)-maxRows)})
			break
		}
		t := ""
		if i == 0 {
			t = title
		}
		out = append(out, fact{t, value(m)})
	}
	return out
}

// inCardOrder sorts methods as the request card listed them (the user's
// registration order), not in the order Graph had to delete them.
func inCardOrder(r *mfa.Request, ms []mfa.Method) []mfa.Method {
	pos := map[string]int{}
	for i, m := range r.Methods {
		pos[m.Key()] = i
	}
	out := append([]mfa.Method(nil), ms...)
	sort.SliceStable(out, func(i, j int) bool {
		pi, oki := pos[out[i].Key()]
		pj, okj := pos[out[j].Key()]
		if !oki || !okj {
			return oki && !okj
		}
		return pi < pj
	})
	return out
}

// stillRegistered is what the user has after the reset besides the
// password: what the profile keeps, and what the reset should have removed
// but is still there, in the request card's order.
func stillRegistered(r *mfa.Request) []mfa.Method {
	planned := map[string]bool{}
	for _, m := range r.Planned() {
		planned[m.Key()] = true
	}
	remaining := map[string]bool{}
	for _, m := range r.Result.Remaining {
		remaining[m.Key()] = true
	}
	failed := map[string]bool{} // listed under "Not removed" already
	for _, f := range r.Result.Failed {
		failed[f.Method.Key()] = true
	}
	var out []mfa.Method
	for _, m := range r.Methods {
		if m.Kind != mfa.KindPassword && !failed[m.Key()] && (!planned[m.Key()] || remaining[m.Key()]) {
			out = append(out, m)
		}
	}
	for _, m := range r.Result.Remaining {
		if !failed[m.Key()] && !slices.ContainsFunc(out, func(o mfa.Method) bool { return o.Key() == m.Key() }) {
			out = append(out, m)
		}
	}
	return out
}

// keptBecause says why a method is still registered.
func keptBecause(r *mfa.Request, m mfa.Method) string {
	for _, x := range r.Result.Remaining {
		if x.Key() == m.Key() {
			return "the reset could not remove it"
		}
	}
	if !m.Deletable() {
		return "mfabot cannot remove this kind"
	}
	return "not part of this profile"
}

// failureDetail is Graph's reason for not deleting a method, with its ids.
func failureDetail(f mfa.MethodFailure) string {
	detail := f.Message
	var ids []string
	if f.Code != "" {
		ids = append(ids, f.Code)
	}
	if f.RequestID != "" {
		ids = append(ids, "Graph request-id "+f.RequestID)
	}
	if len(ids) > 0 {
		detail += " (" + strings.Join(ids, ", ") + ")"
	}
	return clamp(detail, maxDetail)
}
