package bot

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Verb names a chat command.
type Verb string

// The chat commands.
const (
	CmdReset         Verb = "reset mfa"
	CmdResetGroup    Verb = "reset mfa group"
	CmdShow          Verb = "show mfa"
	CmdStatus        Verb = "status"
	CmdHistory       Verb = "history"
	CmdCancel        Verb = "cancel"
	CmdHelp          Verb = "help"
	CmdApprovalsHere Verb = "approvals here"
	CmdResume        Verb = "resume resets"
)

// handler runs a parsed command for an actor.
type handler func(b *Bot, ctx context.Context, t *turn, actor mfa.Actor, c Command) error

// replying adapts a command that only needs the activity it answers.
func replying(f func(b *Bot, ctx context.Context, act *botframework.Activity, actor mfa.Actor, c Command) error) handler {
	return func(b *Bot, ctx context.Context, t *turn, actor mfa.Actor, c Command) error {
		return f(b, ctx, t.act, actor, c)
	}
}

// spec declares one chat command. The table built in init is the only list
// of commands: the parser, the dispatch, the help and welcome cards, "Did
// you mean", Command.String and the Teams app package's command menus all
// read it. Placeholders are written {like this}: Teams and Agents
// Playground render text as HTML, where <upn> would vanish as a tag.
type spec struct {
	Verb Verb
	// Args is the syntax after the verb.
	Args string
	// What says what the command does, in the help.
	What string
	// Menu is the description in Teams' command menu (at most 128
	// characters with the usage).
	Menu string
	// changes says the command can change state (a request, the approvals
	// conversation, the breaker): such a message is deduplicated in the
	// store shared by every replica, the others in memory only.
	changes bool
	// parse reads the words after the verb.
	parse func(args []string) (Command, error)
	// render writes the arguments of a parsed command as a user types them.
	render func(c Command) []string
	run    handler
}

var commands []spec

func init() {
	commands = []spec{
		{Verb: CmdReset, Args: "{user} [{reason…}] [--tap|--no-tap] [--profile all]", What: "ask for a reset (a second person approves)",
			Menu: "ask to reset a user's MFA (a second person approves)", changes: true,
			parse: parseReset, render: renderReset, run: (*Bot).cmdReset},
		{Verb: CmdResetGroup, Args: `{group id or "group name"} {reason…}`,
			What: `incident mode: reset the MFA of every member of a group (two approvers). A group name with spaces goes in "quotes"`,
			Menu: "incident: reset every member of a group (two approvers)", changes: true,
			parse: parseResetGroup, render: renderResetGroup, run: (*Bot).cmdResetGroup},
		{Verb: CmdShow, Args: "{user}", What: "show a user's registered methods and whether a reset is allowed",
			Menu:  "who the user is and what they have registered",
			parse: userArg(CmdShow), render: renderTarget, run: replying((*Bot).cmdShow)},
		{Verb: CmdStatus, Args: "[{request or batch id}]", What: "show one request or incident reset, or your open requests",
			Menu:  "your open requests, or one request or incident reset",
			parse: parseStatus, render: renderRequestID, run: replying((*Bot).cmdStatus)},
		{Verb: CmdHistory, Args: "{user}", What: "list the reset requests about a user",
			Menu:  "past resets of a user",
			parse: userArg(CmdHistory), render: renderTarget, run: replying((*Bot).cmdHistory)},
		{Verb: CmdCancel, Args: "{request id}", What: "withdraw your own pending request",
			Menu: "cancel your pending request", changes: true,
			parse: parseCancel, render: renderRequestID, run: replying((*Bot).cmdCancel)},
		{Verb: CmdApprovalsHere, What: "approvers: send request cards to this conversation",
			Menu: "post approval cards to this chat or channel (approvers only)", changes: true,
			parse: noArgs(CmdApprovalsHere),
			run: replying(func(b *Bot, ctx context.Context, act *botframework.Activity, actor mfa.Actor, _ Command) error {
				return b.cmdApprovalsHere(ctx, act, actor)
			})},
		{Verb: CmdResume, Args: "{reason}", What: "approvers: resume resets after the circuit breaker paused them",
			Menu: "resume resets after the circuit breaker paused them (approvers only)", changes: true,
			parse: parseResume, render: func(c Command) []string { return []string{c.Reason} }, run: replying((*Bot).cmdResume)},
		{Verb: CmdHelp, What: "this list", Menu: "what I can do and how to ask",
			parse: func([]string) (Command, error) { return Command{Verb: CmdHelp}, nil }, run: replying((*Bot).cmdHelp)},
	}
}

// specOf returns the declaration of v.
func specOf(v Verb) (spec, bool) {
	for _, s := range commands {
		if s.Verb == v {
			return s, true
		}
	}
	return spec{}, false
}

// changes reports whether the command can change state.
func (v Verb) changes() bool {
	s, _ := specOf(v)
	return s.changes
}

// CommandInfo describes a chat command for people: its usage line, what it
// does, and its description in Teams' command menu.
type CommandInfo struct {
	Verb  Verb
	Usage string
	What  string
	Menu  string
}

// Commands lists the chat commands in help order.
func Commands() []CommandInfo {
	out := make([]CommandInfo, len(commands))
	for i, s := range commands {
		out[i] = CommandInfo{Verb: s.Verb, Usage: Usage(s.Verb), What: s.What, Menu: Usage(s.Verb) + " — " + s.Menu}
	}
	return out
}

// Command is a parsed chat command.
type Command struct {
	Verb Verb
	// Target is the user principal name or mail (reset, show, history).
	Target string
	// Reason is the free text after the target (reset) or the command
	// (resume resets).
	Reason string
	// RequestID is the request named by status or cancel, or the batch
	// (incident reset, B-…) named by status.
	RequestID string
	// Group is the group of an incident reset: its object id or its name.
	Group string
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
	if s, ok := specOf(v); ok && s.Args != "" {
		return string(v) + " " + s.Args
	}
	return string(v)
}

// String writes the command as a user would type it.
func (c Command) String() string {
	parts := []string{string(c.Verb)}
	if s, ok := specOf(c.Verb); ok && s.render != nil {
		parts = append(parts, s.render(c)...)
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

var (
	atTagPattern = regexp.MustCompile(`(?is)<at[^>]*>.*?</at>`)
	htmlTag      = regexp.MustCompile(`(?is)</?(?:a|p|div|span|br|b|i|strong|em)\b[^>]*>`)
)

// clean turns Teams message text into plain words: leftover <at> mentions
// and HTML tags go, entities are decoded, whitespace collapses.
func clean(text string) []string {
	if strings.IndexByte(text, '<') >= 0 { // both patterns start with '<'
		text = atTagPattern.ReplaceAllString(text, " ")
		text = htmlTag.ReplaceAllString(text, " ")
	}
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
	// The longest verb that starts the text wins: "reset mfa group" over
	// "reset mfa".
	var match *spec
	matchN := 0
	for i, sp := range commands {
		if n, ok := startsWithVerb(lower, sp.Verb); ok && (match == nil || n > matchN) {
			match, matchN = &commands[i], n
		}
	}
	if match != nil {
		return match.parse(words[matchN:])
	}
	if lower[0] == "?" {
		return Command{Verb: CmdHelp}, nil
	}
	return Command{}, &UnknownError{Input: strings.Join(words, " "), Suggestion: Suggest(strings.Join(lower, " "))}
}

// startsWithVerb reports whether words begin with the words of v (one
// space apart), and how many words that is.
func startsWithVerb(words []string, v Verb) (int, bool) {
	n := 0
	for rest := string(v); rest != ""; n++ {
		var w string
		w, rest, _ = strings.Cut(rest, " ")
		if n >= len(words) || words[n] != w {
			return 0, false
		}
	}
	return n, true
}

// userArg parses a command that takes one user.
func userArg(v Verb) func([]string) (Command, error) {
	return func(args []string) (Command, error) { return oneTarget(v, args) }
}

// noArgs parses a command that takes nothing after its name.
func noArgs(v Verb) func([]string) (Command, error) {
	return func(args []string) (Command, error) {
		if len(args) > 0 {
			return Command{}, &UsageError{v, fmt.Sprintf("%s takes nothing after it", v)}
		}
		return Command{Verb: v}, nil
	}
}

func parseStatus(args []string) (Command, error) {
	if len(args) > 1 {
		return Command{}, &UsageError{CmdStatus, "status takes at most one request or batch id"}
	}
	c := Command{Verb: CmdStatus}
	if len(args) == 1 {
		c.RequestID = requestIDWord(args[0])
	}
	return c, nil
}

func parseCancel(args []string) (Command, error) {
	if len(args) != 1 || requestIDWord(args[0]) == "" {
		return Command{}, &UsageError{CmdCancel, "say which request to cancel"}
	}
	return Command{Verb: CmdCancel, RequestID: requestIDWord(args[0])}, nil
}

func parseResume(args []string) (Command, error) {
	reason := strings.Join(args, " ")
	if reason == "" {
		return Command{}, &UsageError{CmdResume, "give a reason to resume resets"}
	}
	return Command{Verb: CmdResume, Reason: reason}, nil
}

// requestIDWord is a request id as typed, without the braces of the help's
// {request id} if the user copied them.
func requestIDWord(w string) string {
	return strings.ToUpper(strings.Trim(w, "{}<>"))
}

func renderTarget(c Command) []string    { return []string{c.Target} }
func renderRequestID(c Command) []string { return []string{c.RequestID} }

func renderReset(c Command) []string {
	parts := []string{c.Target}
	if c.TAP != nil {
		parts = append(parts, map[bool]string{true: "--tap", false: "--no-tap"}[*c.TAP])
	}
	if c.Profile != "" {
		parts = append(parts, "--profile", string(c.Profile))
	}
	return append(parts, c.Reason)
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

// targetWord strips the mailto link Teams makes of a typed address, and the
// braces of the help's {user} if the user copied them.
func targetWord(w string) string {
	w = strings.Trim(w, "<>{}")
	if !strings.HasPrefix(strings.ToLower(w), "mailto:") {
		return w // a "|" elsewhere is part of what was typed
	}
	if i := strings.IndexByte(w, '|'); i >= 0 { // "mailto:a@b|a@b"
		return w[i+1:]
	}
	return w[len("mailto:"):]
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
	for _, u := range commands {
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

// quotes are the quotation marks around a group name with spaces: the
// typewriter quote and the typographic ones Teams clients type on some
// keyboards. Any of them opens a name and any closes it.
const quotes = "\"“”„"

func parseResetGroup(args []string) (Command, error) {
	const which = `say which group: its object id, or its name in quotes such as "Phished users"`
	if len(args) == 0 {
		return Command{}, &UsageError{CmdResetGroup, which}
	}
	// The words are joined again (white space collapsed) and a quoted name
	// taken whole.
	line := strings.Join(args, " ")
	var group, rest string
	if r, size := utf8.DecodeRuneInString(line); strings.ContainsRune(quotes, r) {
		inner := line[size:]
		end := strings.IndexAny(inner, quotes)
		if end < 0 {
			return Command{}, &UsageError{CmdResetGroup, "the group's name has no closing quote"}
		}
		_, closing := utf8.DecodeRuneInString(inner[end:])
		group, rest = strings.TrimSpace(inner[:end]), strings.TrimSpace(inner[end+closing:])
	} else {
		group, rest, _ = strings.Cut(line, " ")
	}
	if group == "" {
		return Command{}, &UsageError{CmdResetGroup, which}
	}
	if rest == "" {
		return Command{}, &UsageError{CmdResetGroup, "give a reason: the incident, what happened"}
	}
	return Command{Verb: CmdResetGroup, Group: group, Reason: rest}, nil
}

// renderResetGroup quotes a group name that has spaces (a quoted name
// never holds a quote) or would read as a quoted one.
func renderResetGroup(c Command) []string {
	g := c.Group
	if r, _ := utf8.DecodeRuneInString(g); g == "" || strings.ContainsRune(quotes, r) || strings.IndexFunc(g, unicode.IsSpace) >= 0 {
		g = `"` + g + `"`
	}
	return []string{g, c.Reason}
}
