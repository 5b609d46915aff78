package cards

import (
	"github.com/mfabot/mfabot/internal/mfa"
)

// TAP is the card that shows a Temporary Access Pass to the requester, in
// their personal chat only. It is the one card that carries a secret; the
// bot sends it and keeps no copy, and replaces it with TAPRemoved when the
// requester presses "Passed on" or the pass expires, so nothing usable
// stays in the chat history.
func TAP(r *mfa.Request, tap mfa.TAP) Card {
	use := "Usable several times until it expires."
	if tap.OneTime {
		use = "One-time use."
	}
	return newCard([]element{
		text("Temporary Access Pass for "+r.Target.DisplayName, heading),
		text("Give it to the user over the channel you verified them on, then press Passed on. It is shown only here, is not stored, and disappears from this chat when it expires.", small),
		element{"type": "Container", "style": "emphasis", "items": []element{
			text(tap.Value, func(e element) { e["fontType"] = "Monospace"; e["size"] = "Large"; e["weight"] = "Bolder" }),
		}},
		factSet(fact{"User", r.Target.UPN}, fact{"Expires", FormatTime(tap.ExpiresAt)}, fact{"Use", use}, fact{"Request id", r.ID}),
	}, []element{execute("Passed on: remove it from this chat", VerbTAPPassedOn, r.ID)})
}

// TAPRemoved replaces the TAP card once the pass was passed on or expired:
// the same facts, without the pass. why says what happened.
func TAPRemoved(r *mfa.Request, why string) Card {
	return newCard([]element{
		text("Temporary Access Pass for "+r.Target.DisplayName, heading),
		notice(why+" The pass is no longer shown here.", "good"),
		factSet(fact{"User", r.Target.UPN}, fact{"Request id", r.ID}),
	}, nil)
}
