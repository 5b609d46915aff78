package cards

import (
	"github.com/mfabot/mfabot/internal/mfa"
)

// TAP is the card that shows a Temporary Access Pass to the requester, in
// their personal chat only. It is the one card that carries a secret; the
// bot sends it and keeps no copy.
func TAP(r *mfa.Request, tap mfa.TAP) Card {
	use := "Usable several times until it expires."
	if tap.OneTime {
		use = "One-time use."
	}
	return newCard([]element{
		text("Temporary Access Pass for "+r.Target.DisplayName, heading),
		text("Give it to the user over the channel you verified them on. It is shown only here and is not stored.", small),
		element{"type": "Container", "style": "emphasis", "items": []element{
			text(tap.Value, func(e element) { e["fontType"] = "Monospace"; e["size"] = "Large"; e["weight"] = "Bolder" }),
		}},
		factSet(fact{"User", r.Target.UPN}, fact{"Expires", FormatTime(tap.ExpiresAt)}, fact{"Use", use}, fact{"Request id", r.ID}),
	}, nil)
}
