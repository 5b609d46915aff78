package cards

import (
	"fmt"
	"strings"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Mention is a person a card @mentions: their Teams id (29:…) when the bot
// knows it, else their Entra object id, which Teams also resolves
// (https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-format#mention-support-within-adaptive-cards).
type Mention struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// NoApprover is what the requester reads when no approver could be reached.
const NoApprover = "No approver could be reached, so nobody can approve this yet. Ask an approver to open a chat with mfabot, or type \"approvals here\" in your approvers' channel. Security has been alerted."

// deliveryLine tells the requester where the request went while it waits.
func deliveryLine(r *mfa.Request) []element {
	d := r.Delivery
	if d == nil || r.State != mfa.StatePending {
		return nil
	}
	if !d.Reached() {
		return []element{notice(NoApprover, "attention")}
	}
	var where []string
	switch {
	case d.Approvers == 1:
		where = append(where, "1 approver in their chat with mfabot")
	case d.Approvers > 1:
		where = append(where, fmt.Sprintf("%d approvers in their chats with mfabot", d.Approvers))
	}
	switch d.Conversation {
	case "channel":
		where = append(where, "the approvals channel")
	case "groupChat":
		where = append(where, "the approvals group chat")
	case "personal":
		where = append(where, "the approvals chat")
	}
	if d.Manager {
		where = append(where, r.Target.DisplayName+"'s manager")
	}
	line := "Sent for approval to " + strings.Join(where, " and ") + "."
	switch {
	case d.Unreachable == 1:
		line += " 1 more approver has no chat with mfabot yet and did not get it."
	case d.Unreachable > 1:
		line += fmt.Sprintf(" %d more approvers have no chat with mfabot yet and did not get it.", d.Unreachable)
	}
	return []element{text(line, small, spacing("Small"))}
}

// mentionLine @mentions the approvers on a card in a channel or group chat.
func mentionLine(ms []Mention) ([]element, []element) {
	if len(ms) == 0 {
		return nil, nil
	}
	tags := make([]string, len(ms))
	ents := make([]element, len(ms))
	for i, m := range ms {
		// The tag is the one piece of markup a card writes itself; the
		// name inside is escaped like any text, and the entity names the
		// tag exactly as the card shows it.
		tags[i] = "<at>" + Escape(m.Name) + "</at>"
		ents[i] = element{"type": "mention", "text": tags[i], "mentioned": element{"id": m.ID, "name": m.Name}}
	}
	line := text("For approval:", spacing("Small"))
	line["text"] = line["text"].(string) + " " + strings.Join(tags, ", ")
	return []element{line}, ents
}
