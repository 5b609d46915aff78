package bot

import (
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Verb names a chat command.
type Verb string

// The chat commands.
const (
	CmdReset         Verb = "reset mfa"
	CmdShow          Verb = "show mfa"
	CmdStatus        Verb = "status"
	CmdHistory       Verb = "history"
	CmdCancel        Verb = "cancel"
	CmdHelp          Verb = "help"
	CmdApprovalsHere Verb = "approvals here"
	CmdResume        Verb = "resume resets"
)

// changes reports whether the command can change state (a request, the
// approvals conversation, the breaker): such a message is deduplicated in
// the store shared by every replica, the others in memory only.
func (v Verb) changes() bool {
	switch v {
	case CmdReset, CmdCancel, CmdApprovalsHere, CmdResume:
		return true
	}
	return false
}

// usages is the help line of each command, in help order.
var usages = []struct {
	Verb  Verb
	Usage string
	What  string
}{
	{CmdReset, "reset mfa <upn> [reason…] [--tap|--no-tap] [--profile all]", "ask for a reset (a second person approves)"},
	{CmdShow, "show mfa <upn>", "show a user's registered methods and whether a reset is allowed"},
	{CmdStatus, "status [<request id>]", "show one request, or your open requests"},
	{CmdHistory, "history <upn>", "list the reset requests about a user"},
	{CmdCancel, "cancel <request id>", "withdraw your own pending request"},
	{CmdApprovalsHere, "approvals here", "approvers: send request cards to this conversation"},
	{CmdResume, "resume resets <reason>", "approvers: resume resets after the circuit breaker paused them"},
	{CmdHelp, "help", "this list"},
}

// Command is a parsed chat command.
type Command struct {
	Verb Verb
	// Target is the user principal name or mail (reset, show, history).
	Target string
	// Reason is the free text after the target (reset) or the command
	// (resume resets).
	Reason string
	// RequestID is the request named by status or cancel.
	RequestID string
	// TAP is set by --tap (true) or --no-tap (false).
	TAP *bool
	// Profile is set by --profile.
	Profile mfa.Profile
}

// UsageError is a command that was recognised but is incomplete or wrong.
type UsageError struct {
	Verb    Verb
	Problem string
}

func (e *UsageError) Error() string {
	return fmt.Sprintf("%s. Usage: %s", e.Problem, Usage(e.Verb))
}

// UnknownError is text that is no command; Suggestion is the closest one.
type UnknownError struct {
	Input      string
	Suggestion Verb
}

func (e *UnknownError) Error() string {
	if e.Suggestion == "" {
		return fmt.Sprintf("I don't know %q", e.Input)
	}
	return fmt.Sprintf("I don't know %q. Did you mean: %s", e.Input, Usage(e.Suggestion))
}

// Usage returns the usage line of a command.
func Usage(v Verb) string {
	for _, u := range usages {
		if u.Verb == v {
			return u.Usage
		}
	}
	return string(v)
}

var (
	atTagPattern = regexp.MustCompile(`(?is)<at[^>]*>.*?</at>`)
	htmlTag      = regexp.MustCompile(`(?is)</?(?:a|p|div|span|br|b|i|strong|em)\b[^>]*>`)
)

// clean turns Teams message text into plain words: leftover <at> mentions
// and HTML tags go, entities are decoded, whitespace collapses.
func clean(text string) []string {
	text = atTagPattern.ReplaceAllString(text, " ")
	text = htmlTag.ReplaceAllString(text, " ")
	text = html.UnescapeString(text)
	text = strings.ReplaceAll(text, "\u00a0", " ")
	return strings.Fields(text)
}

// Parse parses a chat command. Words are case-insensitive except the
// reason; mention tags left in the text are ignored. It returns a
// *UsageError for a known command with missing arguments and an
// *UnknownError, naming the closest command, for anything else.
func Parse(text string) (Command, error) {
	words := clean(text)
	if len(words) == 0 {
		return Command{Verb: CmdHelp}, nil
	}
	lower := make([]string, len(words))
	for i, w := range words {
		lower[i] = strings.ToLower(w)
	}
	head := func(n int) string { return strings.Join(lower[:min(n, len(lower))], " ") }
	switch {
	case head(2) == string(CmdReset):
		return parseReset(words[2:])
	case head(2) == string(CmdShow):
		return oneTarget(CmdShow, words[2:])
	case lower[0] == string(CmdHistory):
		return oneTarget(CmdHistory, words[1:])
	case lower[0] == string(CmdStatus):
		if len(words) > 2 {
			return Command{}, &UsageError{CmdStatus, "status takes at most one request id"}
		}
		c := Command{Verb: CmdStatus}
		if len(words) == 2 {
			c.RequestID = strings.ToUpper(words[1])
		}
		return c, nil
	case lower[0] == string(CmdCancel):
		if len(words) != 2 {
			return Command{}, &UsageError{CmdCancel, "say which request to cancel"}
		}
		return Command{Verb: CmdCancel, RequestID: strings.ToUpper(words[1])}, nil
	case lower[0] == string(CmdHelp) || lower[0] == "?":
		return Command{Verb: CmdHelp}, nil
	case head(2) == string(CmdApprovalsHere) && len(words) == 2:
		return Command{Verb: CmdApprovalsHere}, nil
	case head(2) == string(CmdResume):
		reason := strings.Join(words[2:], " ")
		if reason == "" {
			return Command{}, &UsageError{CmdResume, "give a reason to resume resets"}
		}
		return Command{Verb: CmdResume, Reason: reason}, nil
	}
	return Command{}, &UnknownError{Input: strings.Join(words, " "), Suggestion: Suggest(strings.Join(lower, " "))}
}

func oneTarget(v Verb, args []string) (Command, error) {
	switch len(args) {
	case 0:
		return Command{}, &UsageError{v, "say which user: a user principal name like alice@contoso.com"}
	case 1:
		if t := targetWord(args[0]); t != "" {
			return Command{Verb: v, Target: t}, nil
		}
		return Command{}, &UsageError{v, "say which user: a user principal name like alice@contoso.com"}
	}
	return Command{}, &UsageError{v, fmt.Sprintf("%s takes one user", v)}
}

// targetWord strips the mailto link Teams makes of a typed address.
func targetWord(w string) string {
	w = strings.Trim(w, "<>")
	if i := strings.IndexByte(w, '|'); i >= 0 { // "mailto:a@b|a@b"
		w = w[i+1:]
	}
	if strings.HasPrefix(strings.ToLower(w), "mailto:") {
		w = w[len("mailto:"):]
	}
	return w
}

func parseReset(args []string) (Command, error) {
	c := Command{Verb: CmdReset}
	var rest []string
	for i := 0; i < len(args); i++ {
		switch a := strings.ToLower(args[i]); {
		case a == "--tap":
			t := true
			c.TAP = &t
		case a == "--no-tap":
			f := false
			c.TAP = &f
		case a == "--profile" || strings.HasPrefix(a, "--profile="):
			val := strings.TrimPrefix(a, "--profile=")
			if a == "--profile" {
				if i+1 >= len(args) {
					return Command{}, &UsageError{CmdReset, "--profile needs a value: all"}
				}
				i++
				val = strings.ToLower(args[i])
			}
			p, err := mfa.ParseProfile(val)
			if err != nil {
				return Command{}, &UsageError{CmdReset, mfa.Message(err)}
			}
			c.Profile = p
		case strings.HasPrefix(a, "--"):
			return Command{}, &UsageError{CmdReset, fmt.Sprintf("unknown option %s", args[i])}
		default:
			rest = append(rest, args[i])
		}
	}
	if len(rest) == 0 {
		return Command{}, &UsageError{CmdReset, "say whose MFA to reset: a user principal name like alice@contoso.com"}
	}
	c.Target = targetWord(rest[0])
	if c.Target == "" { // "<>" or a bare "mailto:"
		return Command{}, &UsageError{CmdReset, "say whose MFA to reset: a user principal name like alice@contoso.com"}
	}
	c.Reason = strings.Join(rest[1:], " ")
	return c, nil
}

// Suggest returns the command closest to text by edit distance over the
// command's words, or "" when nothing is close.
func Suggest(text string) Verb {
	words := strings.Fields(strings.ToLower(text))
	best, bestD := Verb(""), 1<<30
	for _, u := range usages {
		n := len(strings.Fields(string(u.Verb)))
		cand := strings.Join(words[:min(n, len(words))], " ")
		d := distance(cand, string(u.Verb))
		if d < bestD {
			best, bestD = u.Verb, d
		}
	}
	if bestD > max(2, len(best)/2) {
		return ""
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
