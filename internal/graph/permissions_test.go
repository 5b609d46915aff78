package graph_test

import (
	"os"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/graph"
)

// TestREADMEPermissionTableIsTheCodeTable: the README's permission table
// is graph.Permissions rendered, so the two cannot drift. Run with
// MFABOT_UPDATE_README=1 to rewrite the README's table from the code.
func TestREADMEPermissionTableIsTheCodeTable(t *testing.T) {
	const begin, end = "<!-- permissions:begin", "<!-- permissions:end -->"
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatal("README.md has no permissions:begin/end markers")
	}
	i += strings.Index(s[i:], "\n") + 1
	// The table sits in a numbered list: each line is indented like the
	// end marker.
	indent := s[strings.LastIndex(s[:j], "\n")+1 : j]
	var want strings.Builder
	for _, line := range strings.SplitAfter(graph.PermissionTable(), "\n") {
		if line != "" {
			want.WriteString(indent + line)
		}
	}
	if got := s[i : j-len(indent)]; got != want.String() {
		if os.Getenv("MFABOT_UPDATE_README") != "" {
			if err := os.WriteFile("../../README.md", []byte(s[:i]+want.String()+s[j-len(indent):]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Fatalf("README.md's permission table differs from graph.Permissions; want:\n%s", want.String())
	}
	for _, p := range graph.Permissions {
		if !strings.Contains(s, "`"+p.Permission+"`") {
			t.Errorf("README.md does not name %s", p.Permission)
		}
	}
}
