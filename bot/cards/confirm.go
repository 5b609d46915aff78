package cards

import "github.com/mfabot/mfabot/internal/mfa"

// Confirm is the "Was this you?" card sent to the target user in their
// personal chat. The buttons show only while the question is open; notice
// (may be empty) reports the outcome of the user's click.
func Confirm(r *mfa.Request, msg, style string) Card {
	body := []element{
		text("Did you ask for this?", heading),
		text(r.Requester.String()+" from the IT helpdesk asked to reset your multi-factor authentication (your sign-in methods such as the Authenticator app and phone numbers).", spacing("Small")),
		factSet(fact{"Reason given", orNone(r.Reason)}, fact{"Asked", FormatTime(r.CreatedAt)}, fact{"Request id", r.ID}),
	}
	if msg != "" {
		body = append(body, notice(msg, style))
	}
	var actions []element
	open := r.State == mfa.StatePending && (r.Confirmation == mfa.ConfirmAsked || r.Confirmation == mfa.ConfirmNotAsked || r.Confirmation == mfa.ConfirmUnreachable)
	switch {
	case open:
		body = append(body, text("If you did not contact the helpdesk, press No: someone may be trying to take over your account.", subtle, small))
		actions = []element{
			execute("Yes, it was me", VerbConfirmYes, r.ID, func(e element) { e["style"] = "positive" }),
			execute("No, it was not me", VerbConfirmNo, r.ID, func(e element) { e["style"] = "destructive" }),
		}
	case r.Confirmation == mfa.ConfirmYes:
		body = append(body, notice("You confirmed that you asked for this reset.", "good"))
	case r.Confirmation == mfa.ConfirmNo:
		body = append(body, notice("You said it was not you. The reset is blocked and your security team has been told.", "attention"))
	default:
		badge, _ := stateBadge(r.State)
		body = append(body, text("This request is closed ("+badge+").", subtle))
	}
	return newCard(body, actions)
}
