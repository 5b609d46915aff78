package cards

import (
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// resultFacts returns the facts of the card's Result section, and how many
// elements that section has besides its heading and closing notice.
func resultFacts(t *testing.T, c Card) ([][2]string, int) {
	t.Helper()
	body := c["body"].([]element)
	for i, e := range body {
		if e["text"] != "Result" {
			continue
		}
		var facts [][2]string
		n := 0
		for _, e := range body[i+1:] {
			if e["type"] == "Container" { // the closing notice
				continue
			}
			n++
			if e["type"] == "FactSet" {
				for _, f := range e["facts"].([]element) {
					facts = append(facts, [2]string{f["title"].(string), f["value"].(string)})
				}
			}
		}
		return facts, n
	}
	t.Fatal("no Result section")
	return nil, 0
}

// The final card lists, in one aligned FactSet, what was removed in the
// request card's order and what the user still has, in people's words.
func TestFinalCardSaysWhatTheUserStillHas(t *testing.T) {
	r := approved(pendingRequest())
	r.State = mfa.StateCompleted
	r.Result = &mfa.Result{ // removed in Graph's order: alternate before mobile
		Removed:         []mfa.Method{mfatest.AltMobile, mfatest.AuthApp, mfatest.Mobile},
		SessionsRevoked: true, AuditRef: "3f2a9c01be77 #42", FinishedAt: t0,
	}
	facts, elements := resultFacts(t, Request(r, RequestView{Role: ViewBase}))
	if elements != 1 {
		t.Errorf("the Result section has %d elements, want one FactSet so labels and values align", elements)
	}
	var got []string
	for _, f := range facts {
		got = append(got, f[0]+": "+f[1])
	}
	want := []string{
		"Removed: Mobile phone +1 ••• ••• 5555",
		": Alternate mobile phone +1 ••• ••• 5556",
		": Microsoft Authenticator Alice's iPhone",
		"Still registered: FIDO2 security key Red key — not part of this profile",
	}
	joined := strings.Join(got, "\n")
	if !strings.HasPrefix(joined, strings.Join(want, "\n")) {
		t.Errorf("result facts:\n%s\nwant them to start with:\n%s", joined, strings.Join(want, "\n"))
	}
	if strings.Contains(joined, "alternateMobile") || strings.Contains(joined, "(mobile)") {
		t.Errorf("Graph's words on the card: %s", joined)
	}
}
