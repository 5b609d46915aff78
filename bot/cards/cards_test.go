package cards

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
	"github.com/mfabot/mfabot/internal/testutil/nodecheck"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const goldenDir = "../testdata/cards"

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func aliceUser() mfa.User {
	return mfa.User{ID: mfatest.AliceID, UPN: "alice@contoso.com", Mail: "alice@contoso.com", DisplayName: "Alice Example",
		JobTitle: "Account Manager", Department: "Sales", AccountEnabled: true, UserType: "Member"}
}

func pendingRequest() *mfa.Request {
	return &mfa.Request{
		ID: "R-7K3QW9", State: mfa.StatePending, Target: aliceUser(), Requester: mfatest.Agent,
		Reason: "lost phone, ticket 4711", Profile: mfa.ProfileReregister, IssueTAP: true,
		Methods: []mfa.Method{
			{Kind: mfa.KindPassword, ID: "28c10230-6103-485e-b985-444c60001490", Label: "Password"},
			mfatest.Mobile, mfatest.AltMobile, mfatest.AuthApp, mfatest.FIDO,
		},
		Confirmation: mfa.ConfirmAsked,
		CreatedAt:    t0, UpdatedAt: t0, ExpiresAt: t0.Add(30 * time.Minute),
	}
}

func approved(r *mfa.Request) *mfa.Request {
	a := mfatest.Approver
	r.Approver, r.Verification, r.Confirmation = &a, mfa.VerifiedVideoID, mfa.ConfirmYes
	return r
}

var refreshIDs = []string{"29:agent", "29:approver", "29:approver2"}

// goldenCases are every card a user can see, by state and viewer.
func goldenCases() map[string]Card {
	override := pendingRequest()
	override.NeedsOverride = true

	refused := Refused("gloria@contoso.com", "gloria@contoso.com cannot be reset: the user holds the directory role Global Administrator.")

	expired := pendingRequest()
	expired.State = mfa.StateExpired

	completed := approved(pendingRequest())
	completed.State = mfa.StateCompleted
	completed.Result = &mfa.Result{
		Removed:         []mfa.Method{mfatest.AltMobile, mfatest.AuthApp, mfatest.Mobile},
		SessionsRevoked: true, TAPIssued: true, TAPExpires: t0.Add(90 * time.Minute),
		AuditRef: "3f2a9c01be77 #42", FinishedAt: t0.Add(31 * time.Minute),
	}

	partial := approved(pendingRequest())
	partial.State = mfa.StatePartial
	partial.IssueTAP = false
	partial.Result = &mfa.Result{
		Removed: []mfa.Method{mfatest.AltMobile, mfatest.AuthApp},
		Failed: []mfa.MethodFailure{{Method: mfatest.Mobile, Reason: "default_method", Code: "badRequest", RequestID: "req-default",
			Message: "Cannot delete default method with other methods configured."}},
		Remaining:       []mfa.Method{mfatest.Mobile},
		SessionsRevoked: true, AuditRef: "9be01c44aa10 #57", FinishedAt: t0.Add(31 * time.Minute),
	}

	rejected := pendingRequest()
	rejected.State, rejected.DecidedBy, rejected.DecisionNote = mfa.StateRejected, &mfatest.Approver, "caller could not verify"

	blocked := pendingRequest()
	blocked.State, blocked.Confirmation = mfa.StateBlocked, mfa.ConfirmNo

	completedSubject, completedText := mfa.TargetNotice(completed)
	view := &mfa.TargetView{User: aliceUser(), Methods: pendingRequest().Methods, Profile: mfa.ProfileReregister,
		Planned: mfa.ProfileReregister.Select(pendingRequest().Methods)}
	refusedView := &mfa.TargetView{User: mfa.User{ID: mfatest.AdminID, UPN: "gloria@contoso.com", DisplayName: "Gloria Admin", AccountEnabled: true},
		Methods: []mfa.Method{mfatest.Mobile}, Profile: mfa.ProfileReregister, Planned: []mfa.Method{mfatest.Mobile},
		Refusal: &mfa.Refusal{Kind: mfa.RefuseActiveRole, Why: "the user holds the directory role Global Administrator", Next: "Ask a Privileged Authentication Administrator"}}
	cmds := []Command{{"reset mfa {user} [{reason…}]", "ask for a reset"}, {"help", "this list"}}
	out := map[string]Card{
		"request_base":              Request(pendingRequest(), RequestView{Role: ViewBase, RefreshUserIDs: refreshIDs}),
		"request_approver":          Request(pendingRequest(), RequestView{Role: ViewApprover, RefreshUserIDs: refreshIDs}),
		"request_approver_refused":  Request(pendingRequest(), RequestView{Role: ViewApprover, RefreshUserIDs: refreshIDs, Notice: "Approve refused: say how the caller's identity was verified before approving", NoticeStyle: "attention"}),
		"request_approver_override": Request(override, RequestView{Role: ViewApprover, RefreshUserIDs: refreshIDs}),
		"request_requester":         Request(pendingRequest(), RequestView{Role: ViewRequester, RefreshUserIDs: refreshIDs}),
		"request_other":             Request(pendingRequest(), RequestView{Role: ViewOther, RefreshUserIDs: refreshIDs}),
		"refused":                   refused,
		"expired":                   Request(expired, RequestView{Role: ViewApprover}),
		"rejected":                  Request(rejected, RequestView{Role: ViewBase}),
		"blocked":                   Request(blocked, RequestView{Role: ViewBase}),
		"final_completed":           Request(completed, RequestView{Role: ViewBase}),
		"final_partial":             Request(partial, RequestView{Role: ViewApprover}),
		"confirm_question":          Confirm(pendingRequest(), "", ""),
		"confirm_answered_no":       Confirm(blocked, "", ""),
		"target_notice":             Notice(completedSubject, completedText),
		"show_allowed":              Target(view),
		"show_refused":              Target(refusedView),
		"history":                   History(aliceUser(), []*mfa.Request{completed, rejected}),
		"tap":                       TAP(completed, mfa.TAP{Value: "EXAMPLE-PASS", OneTime: true, Lifetime: time.Hour, ExpiresAt: t0.Add(90 * time.Minute)}),
		"tap_removed":               TAPRemoved(completed, "Passed on by you Fri 27 Nov 2026 09:40 UTC."),
		"welcome":                   Welcome("MFA Reset", "Questions: helpdesk-leads@contoso.com", cmds),
		"help":                      Help("I don't know \"rest mfa\". Did you mean: reset mfa {user} [{reason…}]", "Questions: helpdesk-leads@contoso.com", cmds),
	}
	for name, c := range batchGoldenCases() {
		out[name] = c
	}
	return out
}

func TestGoldenCards(t *testing.T) {
	var paths []string
	for name, c := range goldenCases() {
		got, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join(goldenDir, name+".json")
		paths = append(paths, path)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run go test -update)", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s; run go test ./bot/cards -update and review the diff\n%s", name, path, got)
		}
	}
	nodecheck.ValidateCards(t, paths...)
}

// fullPhone matches a phone number with more than four digits in clear.
var fullPhone = regexp.MustCompile(`\+?\d[\d \-().]{6,}\d`)

func TestGoldenFilesHoldNoFullPhoneNumber(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fullPhone.FindAllString(string(b), -1) {
			if digits := strings.Count(strings.Map(keepDigits, m), "") - 1; digits > 4 {
				t.Errorf("%s: %q looks like a phone number in clear", f, m)
			}
		}
	}
}

func keepDigits(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

func TestPhoneScannerCatchesAFullNumber(t *testing.T) {
	m := fullPhone.FindString(`{"text":"Phone (mobile) +1 206 555 5555"}`)
	if m == "" {
		t.Fatal("scanner missed a full phone number")
	}
	if ms := fullPhone.FindAllString(`"+1 ••• ••• 5555", "Mon 2 Jan 2026 15:04 UTC", "R-7K3QW9"`, -1); len(ms) != 0 {
		t.Fatalf("scanner flags masked text: %q", ms)
	}
}

func TestApproverViewOnlyForPending(t *testing.T) {
	for _, s := range []mfa.State{mfa.StateApproved, mfa.StateExecuting, mfa.StateCompleted, mfa.StateRejected, mfa.StateExpired} {
		r := pendingRequest()
		r.State = s
		for _, role := range []Role{ViewBase, ViewApprover, ViewRequester, ViewOther} {
			c := Request(r, RequestView{Role: role, RefreshUserIDs: refreshIDs})
			if _, ok := c["actions"]; ok {
				t.Errorf("state %s role %d: card has actions", s, role)
			}
			if _, ok := c["refresh"]; ok {
				t.Errorf("state %s role %d: card still refreshes", s, role)
			}
		}
	}
	c := Request(pendingRequest(), RequestView{Role: ViewBase, RefreshUserIDs: make([]string, 100)})
	if n := len(c["refresh"].(element)["userIds"].([]string)); n != MaxRefreshUsers {
		t.Fatalf("refresh has %d user ids, want %d", n, MaxRefreshUsers)
	}
}

// A card action carries only the id of its request (or of its incident
// reset, for a batch's verbs): everything else is read from the store.
func TestActionDataCarriesOnlyTheRequestID(t *testing.T) {
	for name, c := range goldenCases() {
		b, _ := json.Marshal(c)
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				if x["type"] == "Action.Execute" {
					data, _ := x["data"].(map[string]any)
					key := "requestId"
					if verb, _ := x["verb"].(string); IsBatchVerb(verb) {
						key = BatchIDKey
					}
					if len(data) != 1 || data[key] == nil {
						t.Errorf("%s: action %v data %v", name, x["verb"], data)
					}
				}
				for _, y := range x {
					walk(y)
				}
			case []any:
				for _, y := range x {
					walk(y)
				}
			}
		}
		var v any
		_ = json.Unmarshal(b, &v)
		walk(v)
	}
}

// TestRefreshWithoutUserListOmitsUserIDs: an empty userIds turns automatic
// refresh off (Teams shows a manual "Refresh card"), so with no user list
// the field is left out and Teams refreshes for every viewer of a small
// chat (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards).
func TestRefreshWithoutUserListOmitsUserIDs(t *testing.T) {
	for _, ids := range [][]string{nil, {}} {
		c := Request(pendingRequest(), RequestView{Role: ViewBase, RefreshUserIDs: ids})
		ref, ok := c["refresh"].(element)
		if !ok || ref["action"] == nil {
			t.Fatalf("pending card has no refresh: %v", c["refresh"])
		}
		if _, ok := ref["userIds"]; ok {
			t.Fatalf("refresh.userIds present for %#v: %v", ids, ref["userIds"])
		}
		b, _ := json.Marshal(c)
		if strings.Contains(string(b), `"userIds"`) {
			t.Fatalf("userIds in %s", b)
		}
	}
}
