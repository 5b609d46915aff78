package app

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateCLI = flag.Bool("update", false, "rewrite the CLI golden files")

// Every subcommand answers --help with its usage on stdout and exit 0,
// whatever the environment holds; the usage line is the one in the
// top-level help and in README.md.
func TestEverySubcommandHelp(t *testing.T) {
	clearEnv(t)
	t.Setenv("MicrosoftAppId", "not-a-guid") // serve --help must not validate
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var top bytes.Buffer
	if code := Main(context.Background(), []string{"--help"}, &top, &top); code != 0 {
		t.Fatalf("mfabot --help: exit %d", code)
	}
	cliGolden(t, "help.txt", top.String())
	for _, s := range subcommands {
		for _, flagName := range []string{"--help", "-h"} {
			var stdout, stderr bytes.Buffer
			code := Main(context.Background(), []string{s.name, flagName}, &stdout, &stderr)
			if code != 0 || stderr.Len() > 0 {
				t.Errorf("mfabot %s %s: exit %d, stderr %q", s.name, flagName, code, stderr.String())
			}
			if !strings.HasPrefix(stdout.String(), "usage: "+s.synopsis()+"\n") {
				t.Errorf("mfabot %s %s printed %q", s.name, flagName, stdout.String())
			}
			if flagName == "--help" {
				cliGolden(t, s.name+".txt", stdout.String())
			}
		}
		for _, l := range s.synopses() {
			if !strings.Contains(top.String(), "  "+l+"\n") {
				t.Errorf("top-level help lacks %q", l)
			}
			if !bytes.Contains(readme, []byte("\n"+l+"\n")) {
				t.Errorf("README's operator CLI lacks the line %q", l)
			}
		}
	}
}

// A wrong command line names the command's usage, from the same table.
func TestUsageErrorsQuoteTheTable(t *testing.T) {
	clearEnv(t)
	for _, args := range [][]string{{"show"}, {"reset", "alice@contoso.com"}, {"demo", "--bogus"}, {"manifest", "extra"}, {"audit"}} {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), args, &stdout, &stderr)
		s, _ := subcommandOf(args[0])
		want := s.synopsis()
		if args[0] == "reset" {
			want = "--reason is required"
		}
		if code != exitUsage || !strings.Contains(stderr.String(), want) {
			t.Errorf("mfabot %v: exit %d, stderr %q, want %q", args, code, stderr.String(), want)
		}
	}
}

// mfabot version names the Go version and says whether the build carries
// a VCS revision.
func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if code := Main(context.Background(), []string{"version"}, &out, &out); code != 0 {
		t.Fatal(code)
	}
	if !strings.HasPrefix(out.String(), "mfabot ") || !strings.Contains(out.String(), "go1.") ||
		!(strings.Contains(out.String(), "revision ") || strings.Contains(out.String(), "no VCS revision")) {
		t.Fatalf("version: %q", out.String())
	}
}

func cliGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "cli", name)
	if *updateCLI {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update and read the diff):\n%s", name, got)
	}
}

// An incident reset's command line: one source, a reason always, and no
// single-reset flags; each mistake is a usage error before anything is
// read from the environment or Graph.
func TestResetIncidentUsage(t *testing.T) {
	clearEnv(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"reset", "--group", "Phished"}, "--reason is required"},
		{[]string{"reset", "--group", "Phished", "--dry-run"}, "--reason is required"},
		{[]string{"reset", "--group", "Phished", "--file", "u.csv", "--reason", "x"}, "not more than one"},
		{[]string{"reset", "alice@contoso.com", "--group", "Phished", "--reason", "x"}, "not more than one"},
		{[]string{"reset", "--group", "Phished", "--reason", "x", "--tap"}, "not for an incident reset"},
		{[]string{"reset", "--file", "u.csv", "--reason", "x", "--override", "y"}, "not for an incident reset"},
		{[]string{"reset", "--file", filepath.Join(t.TempDir(), "missing.csv"), "--reason", "x"}, "--file:"},
		{[]string{"audit", "export", "--format", "csv"}, "--format is for an incident reset"},
	} {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), c.args, &stdout, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("mfabot %q: exit %d, stderr %q, want %q", c.args, code, stderr.String(), c.want)
		}
	}
}
