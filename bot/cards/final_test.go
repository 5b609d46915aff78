package cards

import (
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

// cardFacts returns the facts of every FactSet of a card, and how many
// FactSets it has.
func cardFacts(c Card) ([][2]string, int) {
	var facts [][2]string
	n := 0
	for _, e := range c["body"].([]element) {
		if e["type"] == "FactSet" {
			n++
			for _, f := range e["facts"].([]element) {
				facts = append(facts, [2]string{f["title"].(string), f["value"].(string)})
			}
		}
	}
	return facts, n
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
	facts, sets := cardFacts(Request(r, RequestView{Role: ViewBase}))
	if sets != 1 {
		t.Errorf("the final card has %d FactSets, want one so every label and value aligns", sets)
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
	if !strings.Contains(joined, "Caller verified: Video call with photo ID\n"+strings.Join(want, "\n")+"\nSessions revoked: Yes") {
		t.Errorf("final card facts:\n%s\nwant, after the decision:\n%s", joined, strings.Join(want, "\n"))
	}
	if strings.Contains(joined, "alternateMobile") || strings.Contains(joined, "(mobile)") {
		t.Errorf("Graph's words on the card: %s", joined)
	}
}
