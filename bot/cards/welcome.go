package cards

import "strings"

// placeholderHint explains the notation of the usage lines. Placeholders
// are in {braces}: Teams renders message text as HTML, where <upn> would
// vanish as an unknown tag.
const placeholderHint = "Replace each {placeholder} with your own value: {user} is a sign-in name such as alice@contoso.com, {request id} the id on a request card such as R-7K3QW9 (an incident reset's id reads B-7K3QW9), {group id or \"group name\"} a group's object id or its name in quotes; [square brackets] mark what you may leave out."

// Command is one line of the command list.
type Command struct{ Usage, What string }

// Welcome is the card sent when the bot is installed or a user joins: what
// the bot does and who may use it.
func Welcome(botName, helpText string, cmds []Command) Card {
	body := []element{
		text("Hi, I'm "+botName, heading),
		text("I reset a user's multi-factor authentication (MFA) in Microsoft Entra ID, safely: a helpdesk agent asks, a second person approves on a card, the user is told, and every step is audited."),
		text("Who may use me: members of the helpdesk group ask for resets; members of the approver group approve them. Privileged accounts (admins, break-glass) cannot be reset here.", spacing("Small")),
	}
	if helpText = strings.TrimSpace(helpText); helpText != "" {
		body = append(body, text(helpText, subtle))
	}
	body = append(body, commandList(cmds)...)
	return newCard(body, nil)
}

// Help is the command list, with an optional lead line (for example the
// closest command to what the user typed).
func Help(lead, helpText string, cmds []Command) Card {
	var body []element
	if lead != "" {
		body = append(body, notice(lead, "warning"))
	}
	body = append(body, text("What I can do", heading))
	body = append(body, commandList(cmds)...)
	if helpText = strings.TrimSpace(helpText); helpText != "" {
		body = append(body, text(helpText, subtle, separator))
	}
	return newCard(body, nil)
}

func commandList(cmds []Command) []element {
	out := []element{text("Commands", bold, separator)}
	for _, c := range cmds {
		out = append(out, element{"type": "ColumnSet", "spacing": "Small", "columns": []element{
			{"type": "Column", "width": 3, "items": []element{text(c.Usage, func(e element) { e["fontType"] = "Monospace" }, small)}},
			{"type": "Column", "width": 2, "items": []element{text(c.What, small)}},
		}})
	}
	return append(out, text(placeholderHint, subtle, small))
}
