package bot_test

import (
	"strings"
	"testing"
)

// TestTypedMarkdownIsTextOnEveryCard: a reason written as Markdown reaches
// the requester's card, the approvers' card and the "Was this you?" card as
// the text it is, never as a link or bold text.
func TestTypedMarkdownIsTextOnEveryCard(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(alice, "hi") // alice becomes reachable for the "Was this you?" card
	sent := h.say(agent, "reset mfa alice@contoso.com [Caller verified](https://evil.example) **Caller verified by manager**")
	var cards int
	for _, s := range append(sent, h.ch.Sent()...) {
		c := cardOf(s.Activity)
		if c == nil || !strings.Contains(cardJSON(c), "evil.example") {
			continue
		}
		cards++
		j := cardJSON(c)
		if strings.Contains(j, "[Caller verified](") || strings.Contains(j, "**Caller") {
			t.Errorf("card in %s renders the reason as Markdown: %s", s.ConversationID, j)
		}
		if !strings.Contains(j, `\\[Caller verified\\](https://evil.example) \\*\\*Caller verified by manager\\*\\*`) {
			t.Errorf("card in %s does not show the reason as text: %s", s.ConversationID, j)
		}
	}
	confirm := false
	for _, s := range h.ch.Sent() {
		if s.ConversationID == h.ch.PersonalConversationID(alice) && strings.Contains(cardJSON(cardOf(s.Activity)), "Did you ask for this?") {
			confirm = true
		}
	}
	if cards < 2 || !confirm {
		t.Fatalf("%d cards carry the reason (want the request card and the \"Was this you?\" card); confirm card sent: %v", cards, confirm)
	}
}

// TestTypedMarkdownIsTextInEveryReply: text replies are Markdown too, and
// many of them quote what was typed (an error naming the request id, the
// user or the option). In a channel anyone reads them, so a link or bold
// text typed into a command comes back as the text it is.
func TestTypedMarkdownIsTextInEveryReply(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, text := range []string{
		"status [R-1](https://evil.example)",
		"cancel **R-1**",
		"history [x](https://evil.example)",
		"show mfa [x](https://evil.example)",
		"reset mfa alice@contoso.com --[x](https://evil.example) because",
		"reset mfa alice@contoso.com --profile **all** because",
		"reset mfa [x](https://evil.example)@contoso.com because",
	} {
		sent := h.sayAct(h.channelMessage(agent, text))
		if len(sent) == 0 {
			t.Fatalf("%q: no reply", text)
		}
		for _, s := range sent {
			j := s.Activity.Text + cardJSON(cardOf(s.Activity))
			if strings.Contains(j, "[x](") || strings.Contains(j, "[R-1](") || strings.Contains(j, "**") {
				t.Errorf("%q: the reply renders typed Markdown: %q", text, j)
			}
		}
	}
}
