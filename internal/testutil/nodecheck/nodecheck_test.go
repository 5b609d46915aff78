package nodecheck_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/testutil/nodecheck"
)

const cards = "testdata/cards"

func TestGoodCardsPass(t *testing.T) {
	nodecheck.ValidateCards(t, filepath.Join(cards, "good"))
	nodecheck.ValidateCards(t, filepath.Join(cards, "good", "approval.json"), filepath.Join(cards, "good", "activity.json"))
}

// Each known-bad card is rejected with a message that names the problem.
func TestBadCardsFail(t *testing.T) {
	for file, want := range map[string]string{
		"unknown-element.json":  `Unknown element type "Bogus"`,
		"newer-property.json":   `"choices.data" is supported in version 1.6`,
		"version-1.6.json":      "card version 1.6 is newer than 1.5",
		"input-without-id.json": "All inputs must have a unique Id",
		"no-card.json":          "no Adaptive Card",
	} {
		t.Run(file, func(t *testing.T) {
			out, ok := nodecheck.RunCards(t, filepath.Join(cards, "bad", file))
			if ok {
				t.Fatalf("validator accepted %s:\n%s", file, out)
			}
			if !strings.Contains(out, want) {
				t.Errorf("validator output does not say %q:\n%s", want, out)
			}
		})
	}
}

// One bad card among good ones fails the whole run.
func TestOneBadCardFailsTheRun(t *testing.T) {
	out, ok := nodecheck.RunCards(t, filepath.Join(cards, "good"), filepath.Join(cards, "bad", "unknown-element.json"))
	if ok {
		t.Fatalf("validator accepted a run with a bad card:\n%s", out)
	}
}

// A directory is searched recursively, so the bad directory fails too.
func TestDirectoryOfBadCardsFails(t *testing.T) {
	if out, ok := nodecheck.RunCards(t, filepath.Join(cards, "bad")); ok {
		t.Fatalf("validator accepted the bad cards directory:\n%s", out)
	}
}

func TestEmptyDirectoryFails(t *testing.T) {
	if out, ok := nodecheck.RunCards(t, t.TempDir()); ok {
		t.Fatalf("validator accepted a directory without cards:\n%s", out)
	}
}

// recorder stands in for the test a helper is given, recording how the
// helper ended it. Fatal and Skip stop the calling goroutine as the real
// ones do.
type recorder struct {
	testing.TB
	errors, fatals, skips []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) {
	r.fatals = append(r.fatals, fmt.Sprint(args...))
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recorder) Skipf(format string, args ...any) {
	r.skips = append(r.skips, fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// call runs f against a recorder in its own goroutine, so that Goexit ends
// only that goroutine.
func call(t *testing.T, f func(tb testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func TestValidateCardsFailsTheTest(t *testing.T) {
	nodecheck.RequireNode(t)
	r := call(t, func(tb testing.TB) {
		nodecheck.ValidateCards(tb, filepath.Join(cards, "bad", "unknown-element.json"))
	})
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], `Unknown element type "Bogus"`) {
		t.Errorf("ValidateCards on a bad card reported errors %q, fatals %q", r.errors, r.fatals)
	}
	r = call(t, func(tb testing.TB) {
		nodecheck.ValidateCards(tb, filepath.Join(cards, "good"))
	})
	if len(r.errors)+len(r.fatals)+len(r.skips) != 0 {
		t.Errorf("ValidateCards on good cards reported %q %q %q", r.errors, r.fatals, r.skips)
	}
}

func TestValidateManifestFailsTheTest(t *testing.T) {
	nodecheck.RequireNode(t)
	path := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(path, []byte(`{"$schema":"https://developer.microsoft.com/json-schemas/teams/v1.24/MicrosoftTeams.schema.json","manifestVersion":"1.24"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := call(t, func(tb testing.TB) { nodecheck.ValidateManifest(tb, path) })
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "must have required property 'id'") {
		t.Errorf("ValidateManifest on an incomplete manifest reported errors %q, fatals %q", r.errors, r.fatals)
	}
}

// A file the script cannot read is a broken test, not an invalid card.
func TestMissingFileIsFatal(t *testing.T) {
	nodecheck.RequireNode(t)
	r := call(t, func(tb testing.TB) { nodecheck.RunCards(tb, filepath.Join(cards, "missing.json")) })
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "did not run") {
		t.Errorf("RunCards on a missing file: fatals %q, errors %q", r.fatals, r.errors)
	}
}

// Without node, RequireNode skips, unless MFABOT_REQUIRE_NODE asks for a failure.
func TestRequireNodeWithoutNode(t *testing.T) {
	t.Setenv("PATH", t.TempDir())

	t.Setenv(nodecheck.RequireEnv, "")
	r := call(t, func(tb testing.TB) { nodecheck.RequireNode(tb) })
	if len(r.skips) != 1 || len(r.fatals) != 0 || !strings.Contains(r.skips[0], nodecheck.RequireEnv) {
		t.Errorf("without node: skips %q, fatals %q; want one skip naming %s", r.skips, r.fatals, nodecheck.RequireEnv)
	}

	t.Setenv(nodecheck.RequireEnv, "1")
	r = call(t, func(tb testing.TB) { nodecheck.RequireNode(tb) })
	if len(r.fatals) != 1 || len(r.skips) != 0 {
		t.Errorf("without node and %s=1: fatals %q, skips %q; want one failure", nodecheck.RequireEnv, r.fatals, r.skips)
	}
}
