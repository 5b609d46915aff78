package botframework

import (
	"regexp"
	"strings"
)

// atTag matches an <at>…</at> tag as Teams writes it in message text.
var atTag = regexp.MustCompile(`(?is)<at[^>]*>.*?</at>`)

// StripMentions returns the activity's text without the mentions of the bot
// (mention entities whose mentioned id is the activity's recipient id),
// trimmed. Mentions of other people stay. Without entities, an <at> tag
// at the very start is taken to address the bot in group chats and
// channels, the only place Teams adds one.
func StripMentions(act *Activity) string {
	if act == nil {
		return ""
	}
	text := act.Text
	removed := false
	for _, m := range act.Mentions() {
		if m.Text == "" || m.Mentioned.ID == "" || m.Mentioned.ID != act.Recipient.ID {
			continue
		}
		if strings.Contains(text, m.Text) {
			text = strings.Replace(text, m.Text, "", 1)
			removed = true
		}
	}
	if !removed && len(act.Entities) == 0 && !act.Personal() {
		if loc := atTag.FindStringIndex(strings.TrimSpace(text)); loc != nil && loc[0] == 0 {
			text = strings.TrimSpace(text)[loc[1]:]
		}
	}
	return strings.TrimSpace(text)
}
