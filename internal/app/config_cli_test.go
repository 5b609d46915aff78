package app

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/bot"
)

// clearEnv unsets every variable mfabot reads, for this test.
func clearEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "MFABOT_") || strings.HasPrefix(name, "AZURE_") || strings.HasPrefix(name, "Microsoft") ||
			strings.HasPrefix(name, "ToBot") || strings.HasPrefix(name, "ToChannel") || name == "PORT" {
			t.Setenv(name, "")
		}
	}
}

// mfabot config lists values in their documented form and fails while
// something serve needs is missing or invalid.
func TestConfigCommandMarksMissingAndFails(t *testing.T) {
	clearEnv(t)
	t.Setenv("MFABOT_TAP", "always")
	t.Setenv("MFABOT_REQUEST_TTL", "forever")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"config"}, &out, &errb)
	if code == 0 {
		t.Fatalf("exit 0 with required settings missing:\n%s", out.String())
	}
	for _, want := range []string{"MFABOT_TAP=always", "MFABOT_BIND_ADDRESS=", "MFABOT_LOG_FORMAT=json", "MFABOT_OPERATOR=",
		"MFABOT_BOT_CERTIFICATE_PATH=", "MISSING: required by mfabot serve", `INVALID: ="forever" is not a duration`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("listing lacks %q:\n%s", want, out.String())
		}
	}
	for _, want := range []string{"MicrosoftAppId is required", `MFABOT_REQUEST_TTL="forever" is not a duration`} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
}

// mfabot manifest takes its developer URLs from the settings and warns
// while they are the placeholders.
func TestManifestWarnsOnPlaceholderURLs(t *testing.T) {
	clearEnv(t)
	t.Setenv("MicrosoftAppId", DemoAppID)
	out := filepath.Join(t.TempDir(), "app.zip")
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"manifest", "-o", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, name := range []string{"MFABOT_WEBSITE_URL", "MFABOT_PRIVACY_URL", "MFABOT_TERMS_URL"} {
		if !strings.Contains(stderr.String(), "warning: "+name+" is still the placeholder") {
			t.Errorf("no warning for %s: %s", name, stderr.String())
		}
	}
	checkMenu(t, out)
	t.Setenv("MFABOT_WEBSITE_URL", "https://it.contoso.com/mfabot")
	t.Setenv("MFABOT_PRIVACY_URL", "https://it.contoso.com/privacy")
	t.Setenv("MFABOT_TERMS_URL", "https://it.contoso.com/terms")
	stderr.Reset()
	if code := Main(context.Background(), []string{"manifest", "-o", out}, &stdout, &stderr); code != 0 || stderr.Len() > 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}

// checkMenu: the package's command menu lists every chat command, in every
// scope, each description starting with the command's usage.
func checkMenu(t *testing.T, zipPath string) {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var m struct {
		Bots []struct {
			CommandLists []struct {
				Scopes   []string
				Commands []struct{ Title, Description string }
			}
		}
	}
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		t.Fatal(err)
	}
	want := bot.Commands()
	if len(m.Bots) != 1 || len(m.Bots[0].CommandLists) != 3 {
		t.Fatalf("bots %+v", m.Bots)
	}
	for _, list := range m.Bots[0].CommandLists {
		var titles []string
		for i, c := range list.Commands {
			titles = append(titles, c.Title)
			if i < len(want) && (c.Title != string(want[i].Verb) || !strings.HasPrefix(c.Description, want[i].Usage+" — ")) {
				t.Errorf("%v: command %d is %q %q, want %q with usage %q", list.Scopes, i, c.Title, c.Description, want[i].Verb, want[i].Usage)
			}
		}
		if len(list.Commands) != len(want) || !slices.Contains(titles, "resume resets") {
			t.Errorf("%v lists %v, want every command of %v", list.Scopes, titles, want)
		}
	}
}
