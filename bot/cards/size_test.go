package cards

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/mfabot/mfabot/internal/mfa"
)

// maxCardBytes is the budget of one card. Teams refuses a bot message
// above its size limit with 413 MessageSizeTooBig; Microsoft documents the
// limit as 40 KB of the whole message encoded as UTF-16
// (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages),
// (newer versions of the page: about 100 KB, 80 KB recommended), and cards
// of about 28 KB have been refused in practice. A card must stay under
// 28 KB as sent and under 80 KB as UTF-16.
const maxCardBytes = 28 << 10

// worst is text of n characters that grows when escaped and encoded.
func worst(n int) string {
	return strings.Repeat("*<é", n/3+1)[:n]
}

// worstCases are the cards with every field a person or the directory
// fills at its largest: a 500-character reason, 256-character names, a
// user with 40 methods, 20 requests in a history.
func worstCases() map[string]Card {
	big := func() *mfa.Request {
		r := approved(pendingRequest())
		r.Reason = worst(mfa.MaxReason)
		r.Target.DisplayName, r.Target.JobTitle, r.Target.Department = worst(256), worst(128), worst(64)
		r.Target.UPN = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 44) + ".com"
		r.Requester.Name, r.Approver.Name = worst(256), worst(256)
		r.Override, r.DecisionNote = worst(mfa.MaxReason), worst(mfa.MaxReason)
		r.Methods = nil
		for i := range 40 {
			r.Methods = append(r.Methods, mfa.Method{Kind: mfa.KindAuthenticator, ID: fmt.Sprintf("%08d-0000-4000-8000-000000000000", i), Label: worst(128)})
		}
		return r
	}
	pending := big()
	pending.State = mfa.StatePending
	partial := big()
	partial.State = mfa.StatePartial
	partial.Result = &mfa.Result{Removed: partial.Methods[:20], Remaining: partial.Methods[20:], FinishedAt: t0}
	for _, m := range partial.Methods[20:] {
		partial.Result.Failed = append(partial.Result.Failed, mfa.MethodFailure{Method: m, Reason: "default_method", Code: "badRequest", Message: worst(256)})
	}
	var history []*mfa.Request
	for range 20 {
		history = append(history, big())
	}
	view := &mfa.TargetView{User: pending.Target, Methods: pending.Methods, Profile: mfa.ProfileAll, Planned: pending.Methods, Refusal: &mfa.Refusal{Kind: mfa.RefuseRoleGroup, Why: worst(500), Next: worst(300)}}
	return map[string]Card{
		"request_approver": Request(pending, RequestView{Role: ViewApprover, RefreshUserIDs: make([]string, 60), Notice: worst(300)}),
		"request_partial":  Request(partial, RequestView{Role: ViewBase}),
		"confirm":          Confirm(pending, worst(300), "attention"),
		"refused":          Refused(worst(20_000), worst(20_000)),
		"show":             Target(view),
		"history":          History(pending.Target, history),
		"tap":              TAP(pending, mfa.TAP{Value: "EXAMPLE-PASS", OneTime: true, Lifetime: time.Hour, ExpiresAt: t0}),
		"notice":           Notice(worst(200), worst(2000)),
		"message":          Message(worst(200), worst(20_000), "attention"),
	}
}

// Every card, at its largest, stays under Teams' message size limit.
func TestEveryCardFitsTeamsSizeLimit(t *testing.T) {
	all := goldenCases()
	for name, c := range worstCases() {
		all["worst_"+name] = c
	}
	for name, c := range worstBatches() {
		all["worst_"+name] = c
	}
	for name, c := range all {
		raw, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		units := len(utf16.Encode([]rune(string(raw))))
		if len(raw) > maxCardBytes || 2*units > 80<<10 {
			t.Errorf("%s: %d bytes (%d bytes as UTF-16); the budget is %d bytes and 80 KB as UTF-16", name, len(raw), 2*units, maxCardBytes)
		}
	}
}
