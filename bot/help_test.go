package bot_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/botframework"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// htmlTag is text that Teams and Agents Playground render as HTML and so
// would swallow: "<upn>" shows as nothing.
var htmlTag = regexp.MustCompile(`<[A-Za-z/!][^>]*>`)

// visibleTexts returns every string of a card or message a user would see.
func visibleTexts(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case map[string]any:
		var out []string
		for k, e := range x {
			if k != "data" && k != "verb" {
				out = append(out, visibleTexts(e)...)
			}
		}
		return out
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, visibleTexts(e)...)
		}
		return out
	}
	return nil
}

// markdownEscape is a backslash escape of Markdown: the user sees the
// character after it.
var markdownEscape = regexp.MustCompile(`\\([!-/:-@\[-` + "`" + `{-~])`)

// shown is what a reply shows: its text and its card's texts, with
// Markdown's escapes resolved as the renderer does.
func shown(act botframework.Activity) []string {
	out := append([]string{act.Text}, visibleTexts(cardOf(act))...)
	for i, s := range out {
		out[i] = markdownEscape.ReplaceAllString(s, "$1")
	}
	return out
}

// The help, the welcome, "Did you mean" and usage replies show every
// argument name: nothing in them looks like an HTML tag, and each
// command's usage, placeholders included, is there as the table declares.
func TestArgumentNamesSurviveTheRenderers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	upd := h.ch.Message(agent, "")
	upd.Type = botframework.TypeConversationUpdate
	upd.MembersAdded = append(upd.MembersAdded, h.ch.BotAccount())
	replies := map[string][]string{}
	for name, sent := range map[string][]string{
		"welcome":      shown(h.sayAct(upd)[0].Activity),
		"help":         shown(h.say(agent, "help")[0].Activity),
		"did you mean": shown(h.say(agent, "rest mfa bob@contoso.com")[0].Activity),
		"usage":        shown(h.say(agent, "cancel")[0].Activity),
	} {
		replies[name] = sent
		for _, s := range sent {
			if m := htmlTag.FindString(s); m != "" {
				t.Errorf("%s shows %q, which a renderer swallows as a tag: %q", name, m, s)
			}
		}
	}
	for _, c := range bot.Commands() {
		for _, where := range []string{"welcome", "help"} {
			if !containsText(replies[where], c.Usage) {
				t.Errorf("%s does not show %q", where, c.Usage)
			}
		}
		if !strings.Contains(c.Usage, "{") && c.Usage != string(c.Verb) {
			t.Errorf("%s: arguments without {placeholders}: %q", c.Verb, c.Usage)
		}
	}
	if !containsText(replies["did you mean"], "Did you mean: reset mfa {user} [{reason…}]") {
		t.Errorf("did you mean: %q", replies["did you mean"])
	}
	if !containsText(replies["usage"], "cancel {request id}") {
		t.Errorf("usage: %q", replies["usage"])
	}
	golden(t, "help_commands.json", cardOf(h.say(agent, "help")[0].Activity))
}

func containsText(texts []string, s string) bool {
	for _, x := range texts {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

// golden compares v, as indented JSON, with testdata/cards/name.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, _ := json.MarshalIndent(v, "", "  ")
	got = append(got, '\n')
	path := filepath.Join("testdata", "cards", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (run with -update and read the diff):\n%s", name, got)
	}
}

// The README's table of chat commands lists exactly the commands, in help
// order, each with its usage.
func TestREADMEListsTheCommands(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Commands in Teams\n")
	if !ok {
		t.Fatal("README has no Commands in Teams section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var got []string
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "| `") {
			cell, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "` |")
			got = append(got, strings.ReplaceAll(cell, `\|`, "|"))
		}
	}
	var want []string
	for _, c := range bot.Commands() {
		want = append(want, c.Usage)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("README lists:\n%s\nthe table declares:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
