package cards

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// hostile is text a person could type, or put in the directory, to dress
// up a card: a link that looks like a verification, bold, a mention, a
// list, an autolink, a line break and a right-to-left override.
const hostile = "[Caller verified](https://evil.example) **Caller verified by manager** _it_ <at>Ada</at> `code` ~~gone~~ <https://evil.example>\n- listed\n\n# head \u202Eexe.pdf {{DATE(2017-02-14T06:08:00Z)}}"

func hostileUser(id string) mfa.User {
	return mfa.User{ID: id, UPN: "eve@contoso.com", DisplayName: "**Eve** " + hostile, JobTitle: hostile, Department: hostile, AccountEnabled: true}
}

// hostileCards builds every card builder with hostile text in every field
// a person or the directory fills.
func hostileCards() map[string]Card {
	who := mfa.Actor{ID: mfatest.AgentID, Name: "[Hanna](https://evil.example)", UPN: "hanna@contoso.com"}
	appr := mfa.Actor{ID: mfatest.ApproverID, Name: "**Ada** " + hostile, UPN: "ada@contoso.com"}
	base := func() *mfa.Request {
		r := pendingRequest()
		r.Target = hostileUser(mfatest.AliceID)
		r.Requester = who
		r.Reason = hostile
		dev := mfatest.AuthApp
		dev.Label = hostile // device names are the user's
		r.Methods = append(r.Methods, dev)
		return r
	}
	out := map[string]Card{}
	for _, role := range []Role{ViewBase, ViewApprover, ViewRequester, ViewOther} {
		r := base()
		r.NeedsOverride = true
		out["pending"+string(rune('0'+role))] = Request(r, RequestView{Role: role, Notice: hostile, NoticeStyle: "attention"})
	}
	done := base()
	done.State, done.Approver, done.Override, done.Verification, done.Confirmation = mfa.StatePartial, &appr, hostile, mfa.VerifiedVideoID, mfa.ConfirmNo
	done.Manager, done.ManagerApproved = &appr, true
	done.Result = &mfa.Result{
		Removed:         []mfa.Method{{Kind: mfatest.AuthApp.Kind, ID: "dev", Label: hostile}},
		Failed:          []mfa.MethodFailure{{Method: mfatest.Mobile, Reason: string(mfa.ReasonRejected), Code: hostile, RequestID: hostile, Message: hostile}},
		Remaining:       []mfa.Method{mfatest.Mobile},
		RevokeError:     hostile,
		TAPError:        hostile,
		Error:           hostile,
		Unchecked:       hostile,
		AuditRef:        "x",
		FinishedAt:      t0,
		SessionsRevoked: false,
	}
	out["partial"] = Request(done, RequestView{Role: ViewBase})
	rej := base()
	rej.State, rej.DecidedBy, rej.DecisionNote = mfa.StateRejected, &appr, hostile
	out["rejected"] = Request(rej, RequestView{Role: ViewBase})
	can := base()
	can.State, can.DecidedBy = mfa.StateCancelled, &appr
	out["cancelled"] = Request(can, RequestView{Role: ViewBase})
	out["confirm"] = Confirm(base(), hostile, "attention")
	out["confirm_closed"] = Confirm(done, hostile, "good")
	out["refused"] = Refused(hostile, hostile)
	out["message"] = Message(hostile, hostile, "attention")
	out["notice"] = Notice(hostile, hostile)
	out["target"] = Target(&mfa.TargetView{User: hostileUser(mfatest.AliceID), Methods: []mfa.Method{mfatest.Mobile}, Profile: mfa.ProfileReregister, Refusal: &mfa.Refusal{Kind: mfa.RefuseRoleGroup, Why: hostile, Next: hostile}})
	out["history"] = History(hostileUser(mfatest.AliceID), []*mfa.Request{done, rej})
	out["tap"] = TAP(base(), mfa.TAP{Value: "EXAMPLE-PASS", ExpiresAt: t0.Add(time.Hour)})
	out["tap_removed"] = TAPRemoved(base(), hostile)
	cmds := []Command{{hostile, hostile}}
	out["welcome"] = Welcome(hostile, hostile, cmds)
	out["help"] = Help(hostile, hostile, cmds)
	return out
}

// markdownStrings returns every string of a card that Teams renders as
// Markdown: TextBlock.text, Fact.title and Fact.value
// (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format).
func markdownStrings(c Card) []string {
	b, _ := json.Marshal(c)
	var v any
	_ = json.Unmarshal(b, &v)
	var out []string
	var walk func(v any, inFacts bool)
	walk = func(v any, inFacts bool) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "TextBlock" {
				s, _ := x["text"].(string)
				out = append(out, s)
			}
			if inFacts {
				for _, k := range []string{"title", "value"} {
					s, _ := x[k].(string)
					out = append(out, s)
				}
			}
			for k, y := range x {
				walk(y, k == "facts")
			}
		case []any:
			for _, y := range x {
				walk(y, inFacts)
			}
		}
	}
	walk(v, false)
	return out
}

// markup reports the first Markdown construct s would render instead of
// showing it as text: an unescaped emphasis, link, code, strike, HTML or
// mention character, a line break, a list or heading marker at the start,
// a template function or a bidirectional override.
func markup(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		return "line break"
	}
	if strings.ContainsAny(s, "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069") {
		return "bidi control"
	}
	if strings.Contains(s, "{{") {
		return "template function"
	}
	t := strings.TrimLeft(s, " ")
	for _, p := range []string{"- ", "+ ", "* ", "# ", "> "} {
		if strings.HasPrefix(t, p) {
			return "block marker " + p
		}
	}
	if i := strings.IndexFunc(t, func(r rune) bool { return r < '0' || r > '9' }); i > 0 && (t[i] == '.' || t[i] == ')') {
		return "ordered list marker"
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			i++ // an escaped character is text
		case '*', '_', '[', ']', '<', '>', '`', '~', '&':
			return "unescaped " + string(c)
		}
	}
	return ""
}

// TestEveryCardShowsTypedTextAsText renders every card builder with hostile
// text in every field people type or the directory fills, and checks that
// no string Teams renders as Markdown carries live markup.
func TestEveryCardShowsTypedTextAsText(t *testing.T) {
	for name, c := range hostileCards() {
		found := false
		for _, s := range markdownStrings(c) {
			if m := markup(s); m != "" {
				t.Errorf("%s: %s in %q", name, m, s)
			}
			if strings.Contains(s, `\[Caller verified\]`) || strings.Contains(s, `\*\*Eve\*\*`) || strings.Contains(s, `\[Hanna\]`) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: the hostile text is not shown at all", name)
		}
	}
}

func TestMarkupDetector(t *testing.T) {
	for _, s := range []string{"[a](b)", "**b**", "x\ny", "- a", "1. a", "<at>x</at>", "\u202Eabc", "{{DATE(x)}}", "a_b_"} {
		if markup(s) == "" {
			t.Errorf("markup(%q) found nothing", s)
		}
	}
	for _, s := range []string{`\[a\](b)`, `\*\*b\*\*`, "plain text (with parens)", `\- a`, `1\. a`} {
		if m := markup(s); m != "" {
			t.Errorf("markup(%q) = %s", s, m)
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"[Caller verified](https://evil.example)": `\[Caller verified\](https://evil.example)`,
		"**bold** _it_":                `\*\*bold\*\* \_it\_`,
		"line\nbreak\r\nand\ttab":      "line break and tab",
		"- item":                       `\- item`,
		"12. item":                     `12\. item`,
		`back\slash`:                   `back\\slash`,
		"a\u202Eb":                     "ab",
		"{{DATE(x)}}":                  "{\u200B{DATE(x)}\u200B}",
		"Jean-Luc O'Brien (Sales) 3.5": "Jean-Luc O'Brien (Sales) 3.5",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}
