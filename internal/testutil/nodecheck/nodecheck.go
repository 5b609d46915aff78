// Package nodecheck runs the Node validators in tools/node from Go tests:
// validate-card.js (Adaptive Cards, parsed by the adaptivecards package at
// version 1.5) and validate-manifest.js (the Teams app manifest against its
// bundled JSON schema). Both work offline.
//
// Without node or tools/node/node_modules the tests that need them skip,
// unless MFABOT_REQUIRE_NODE is set (as CI sets it): then they fail.
package nodecheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// RequireEnv is the environment variable that turns a missing Node setup
// from a skip into a failure.
const RequireEnv = "MFABOT_REQUIRE_NODE"

// Script names in tools/node.
const (
	CardScript     = "validate-card.js"
	ManifestScript = "validate-manifest.js"
)

// timeout bounds one validator run; node starts in well under a second, but
// the race-enabled test binaries on a busy machine slow everything down.
const timeout = 2 * time.Minute

// packages are the node_modules entries the scripts load.
var packages = []string{"adaptivecards", "@microsoft/app-manifest", "fs-extra"}

// RequireNode returns the tools/node directory, or skips the test when node
// or the installed packages are missing — or fails it when MFABOT_REQUIRE_NODE
// is set, so a CI that lost its Node setup cannot pass by skipping.
func RequireNode(t testing.TB) string {
	t.Helper()
	dir, err := toolsDir()
	if err == nil {
		_, err = exec.LookPath("node")
	}
	if err != nil {
		if os.Getenv(RequireEnv) != "" {
			t.Fatalf("Node validators unavailable and %s is set: %v (run scripts/setup.sh)", RequireEnv, err)
		}
		t.Skipf("Node validators unavailable: %v (run scripts/setup.sh; set %s=1 to fail instead of skipping)", err, RequireEnv)
	}
	return dir
}

// toolsDir finds tools/node by walking up from the working directory to the
// directory holding go.mod, and checks that its packages are installed.
func toolsDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			tools := filepath.Join(dir, "tools", "node")
			for _, p := range packages {
				if _, err := os.Stat(filepath.Join(tools, "node_modules", filepath.FromSlash(p), "package.json")); err != nil {
					return "", fmt.Errorf("%s is not installed in %s", p, tools)
				}
			}
			return tools, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no go.mod above %s", wd)
		}
	}
}

// RunCards runs validate-card.js on the given card files or directories of
// them and returns its output and whether every card was valid. Only a
// failure to run node at all fails the test; use it to assert that a card is
// rejected.
func RunCards(t testing.TB, paths ...string) (output string, ok bool) {
	t.Helper()
	if len(paths) == 0 {
		t.Fatal("nodecheck: no card paths given")
	}
	return run(t, CardScript, paths)
}

// RunManifest runs validate-manifest.js on a manifest.json and returns its
// output and whether the manifest was valid.
func RunManifest(t testing.TB, path string) (output string, ok bool) {
	t.Helper()
	return run(t, ManifestScript, []string{path})
}

// ValidateCards fails the test, with the validator's report, unless every
// card in paths (files or directories) parses cleanly at Adaptive Cards 1.5.
func ValidateCards(t testing.TB, paths ...string) {
	t.Helper()
	if out, ok := RunCards(t, paths...); !ok {
		t.Errorf("Adaptive Card validation failed:\n%s", out)
	}
}

// ValidateManifest fails the test, with the validator's report, unless the
// manifest at path is valid against its schema.
func ValidateManifest(t testing.TB, path string) {
	t.Helper()
	if out, ok := RunManifest(t, path); !ok {
		t.Errorf("Teams manifest validation failed:\n%s", out)
	}
}

func run(t testing.TB, script string, paths []string) (string, bool) {
	t.Helper()
	dir := RequireNode(t)
	args := []string{filepath.Join(dir, script)}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatalf("nodecheck: %s: %v", p, err)
		}
		args = append(args, abs)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	text := strings.TrimSpace(out.String())
	var exit *exec.ExitError
	switch {
	case err == nil:
		return text, true
	case ctx.Err() != nil:
		t.Fatalf("nodecheck: %s timed out after %v:\n%s", script, timeout, text)
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return text, false
	default:
		// Exit 2 and other failures mean the script could not do its job
		// (bad usage, unreadable file, crash): that is a broken test.
		t.Fatalf("nodecheck: %s did not run: %v\n%s", script, err, text)
	}
	return text, false
}
