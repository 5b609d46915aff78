package cards

import (
	"github.com/mfabot/mfabot/internal/mfa"
)

// Target is the "show mfa" card: the user, the methods and what a reset
// would remove, and whether policy allows it.
func Target(v *mfa.TargetView) Card {
	planned := map[string]bool{}
	for _, m := range v.Planned {
		planned[m.Key()] = true
	}
	badge, badgeColor := "Reset allowed", "Good"
	if v.Refusal != nil {
		badge, badgeColor = "Reset refused", "Attention"
	}
	body := []element{
		header(v.User.DisplayName, badge, badgeColor),
		factSet(fact{"UPN", v.User.UPN}, fact{"Job title", v.User.JobTitle}, fact{"Department", v.User.Department},
			fact{"Account", enabled(v.User.AccountEnabled)}, fact{"Reset profile", v.Profile.Explain()}),
	}
	if v.Refusal != nil {
		body = append(body, notice("A reset would be refused: "+v.Refusal.String()+".", "attention"))
	}
	body = append(body, text("Registered methods", bold, separator))
	var rows []element
	for _, m := range v.Methods {
		if m.Kind == mfa.KindPassword {
			continue
		}
		if planned[m.Key()] {
			rows = append(rows, methodRow(m, "would be removed", "Attention"))
		} else {
			rows = append(rows, methodRow(m, "kept", "Default"))
		}
	}
	body = append(body, capRows(rows, "methods")...)
	if len(rows) == 0 {
		body = append(body, text("None besides the password.", subtle))
	}
	return newCard(body, nil)
}

func enabled(b bool) string {
	if b {
		return "Enabled"
	}
	return "Disabled"
}

// History lists the requests about a user, newest first.
func History(u mfa.User, rs []*mfa.Request) Card {
	body := []element{text("Reset history: "+u.DisplayName, heading), text(u.UPN, subtle, spacing("None"))}
	if len(rs) == 0 {
		body = append(body, text("No reset requests.", subtle))
	}
	for _, r := range rs {
		badge, c := stateBadge(r.State)
		line := FormatTime(r.CreatedAt) + " · " + r.ID + " · by " + r.Requester.String()
		if by := r.ApprovedBy(); by != "" {
			line += " · approved by " + by
		}
		body = append(body, row(line, badge, c))
	}
	return newCard(body, nil)
}
