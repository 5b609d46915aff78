package cards

// Refused is the card for a request the policy refused, with the reason.
func Refused(target, reason string) Card {
	body := []element{header("MFA reset refused", "Refused", "Attention")}
	if target != "" {
		body = append(body, factSet(fact{"User", target}))
	}
	body = append(body, notice(reason, "attention"),
		text("The refusal is recorded in the audit log.", subtle, small))
	return newCard(body, nil)
}

// Message is a small card with a title and a text, e.g. an error.
func Message(title, msg, style string) Card {
	return newCard([]element{text(title, heading), notice(msg, style)}, nil)
}
