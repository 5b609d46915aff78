// Package cards builds mfabot's Adaptive Cards (version 1.5, the highest
// Teams renders for bots) as pure functions of domain values. Cards carry no
// secret and no full phone number: methods come already masked from the
// domain, and a Temporary Access Pass appears only in the card built by TAP,
// which the bot sends to the requester's personal chat alone.
package cards

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Card is an Adaptive Card, ready to marshal.
type Card map[string]any

// Version is the Adaptive Card version of every card.
const Version = "1.5"

// Schema is the $schema of every card.
const Schema = "http://adaptivecards.io/schemas/adaptive-card.json"

// Verbs of the Action.Execute actions on mfabot's cards.
const (
	VerbRefresh    = "refresh"
	VerbApprove    = "approve"
	VerbReject     = "reject"
	VerbCancel     = "cancel"
	VerbConfirmYes = "confirm_yes"
	VerbConfirmNo  = "confirm_no"
	// VerbTAPPassedOn is the requester's "Passed on" on the card that
	// shows a Temporary Access Pass: the bot replaces it with a card
	// without the pass.
	VerbTAPPassedOn = "tap_passed_on"
)

// Input ids on the approver's card.
const (
	InputVerification = "verification"
	InputOverride     = "override"
	InputNote         = "note"
)

// element is one card element or action.
type element = map[string]any

func newCard(body []element, actions []element) Card {
	c := Card{
		"type":    "AdaptiveCard",
		"$schema": Schema,
		"version": Version,
		"body":    body,
		"msteams": element{"width": "Full"},
	}
	if len(actions) > 0 {
		c["actions"] = actions
	}
	return c
}

// Escape makes s show as the text it is in the places Teams renders
// Markdown (TextBlock.text, Fact.title, Fact.value: see
// https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format).
// It backslash-escapes the characters of emphasis, links, code, strike,
// HTML, mentions and entities (CommonMark's backslash escapes, which the
// Adaptive Cards renderers honour), escapes a list or heading marker at the
// start, turns line breaks and other control characters into spaces, drops
// bidirectional overrides (which disguise text) and breaks the "{{" of
// Adaptive Cards' DATE/TIME functions. text and factSet apply it to every
// string, so no card builder can forget it.
func Escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch {
		case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069', r == '\u200E', r == '\u200F':
			continue
		case r == '\r' || r == '\n' || r == '\t' || unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			r = ' '
		case strings.ContainsRune("\\*_[]<>`~&|", r):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	out := b.String()
	out = strings.ReplaceAll(out, "{{", "{\u200B{")
	out = strings.ReplaceAll(out, "}}", "}\u200B}")
	// A block marker at the start would make a list, heading or quote.
	lead := len(out) - len(strings.TrimLeft(out, " "))
	rest := out[lead:]
	switch {
	case strings.HasPrefix(rest, "- "), strings.HasPrefix(rest, "+ "), strings.HasPrefix(rest, "#"):
		out = out[:lead] + "\\" + rest
	default:
		i := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if i > 0 && (rest[i] == '.' || rest[i] == ')') {
			out = out[:lead] + rest[:i] + "\\" + rest[i:]
		}
	}
	return out
}

// Size bounds, so that every card stays under Teams' message size limit
// (size_test.go) whatever people type and the directory holds: a text
// block or a fact shows at most this many characters, a list of methods at
// most maxRows rows.
const (
	maxText   = 600
	maxFact   = 500
	maxLine   = 300
	maxLabel  = 64
	maxDetail = 120
	maxRows   = 8
)

// clamp cuts s to n characters, marking the cut.
func clamp(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// capRows keeps the first maxRows rows and says how many more there are.
func capRows(rows []element, what string) []element {
	if len(rows) <= maxRows {
		return rows
	}
	more := len(rows) - maxRows
	return append(rows[:maxRows:maxRows], text(fmt.Sprintf("… and %d more %s", more, what), subtle, small))
}

func text(s string, opts ...func(element)) element {
	e := element{"type": "TextBlock", "text": Escape(clamp(s, maxText)), "wrap": true}
	for _, o := range opts {
		o(e)
	}
	return e
}

func bold(e element)   { e["weight"] = "Bolder" }
func subtle(e element) { e["isSubtle"] = true }
func small(e element)  { e["size"] = "Small" }
func heading(e element) {
	e["style"] = "heading"
	e["size"] = "Medium"
	e["weight"] = "Bolder"
}
func color(c string) func(element) { return func(e element) { e["color"] = c } }
func spacing(s string) func(element) {
	return func(e element) { e["spacing"] = s }
}
func separator(e element) { e["separator"] = true }

type fact struct{ Title, Value string }

func factSet(fs ...fact) element {
	var out []element
	for _, f := range fs {
		if f.Value == "" {
			continue
		}
		out = append(out, element{"title": Escape(clamp(f.Title, maxFact)), "value": Escape(clamp(f.Value, maxFact))})
	}
	return element{"type": "FactSet", "facts": out}
}

// header is the title with a coloured state badge on the right.
func header(title, badge, badgeColor string) element {
	cols := []element{
		{"type": "Column", "width": "stretch", "items": []element{text(title, heading)}},
	}
	if badge != "" {
		cols = append(cols, element{"type": "Column", "width": "auto", "verticalContentAlignment": "Center",
			"items": []element{text(badge, bold, color(badgeColor), func(e element) { e["horizontalAlignment"] = "Right" })}})
	}
	return element{"type": "ColumnSet", "columns": cols}
}

// row is a two-column line: a label and a short marker on the right.
func row(label, marker, markerColor string) element {
	return element{"type": "ColumnSet", "spacing": "Small", "columns": []element{
		{"type": "Column", "width": "stretch", "items": []element{text(clamp(label, maxLine), spacing("None"))}},
		{"type": "Column", "width": "auto", "items": []element{text(marker, color(markerColor), small, spacing("None"))}},
	}}
}

// methodRow is a row naming a method, its label cut to maxLabel.
func methodRow(m mfa.Method, marker, markerColor string) element {
	return row(clamp(m.Describe(), maxLabel), marker, markerColor)
}

// notice is a highlighted message: the container's style colours the
// background, the text keeps the default colour so it stays readable.
func notice(msg, style string) element {
	return element{"type": "Container", "style": style, "items": []element{text(msg, bold)}}
}

func execute(title, verb, requestID string, opts ...func(element)) element {
	e := element{"type": "Action.Execute", "title": title, "verb": verb, "data": element{"requestId": requestID}}
	for _, o := range opts {
		o(e)
	}
	return e
}

// FormatTime formats a time for cards: UTC, minutes.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("Mon 2 Jan 2006 15:04 UTC")
}
