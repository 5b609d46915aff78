package manifest_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/manifest"
	"github.com/mfabot/mfabot/internal/testutil/nodecheck"
	appfiles "github.com/mfabot/mfabot/manifest"
)

const botID = "0f3c9a52-7d1e-4b8a-9c2f-3e5d6a7b8c9d"

// wantCommands is a command list for the package; the bot's own list is
// checked where it is passed in (internal/app).
var wantCommands = []manifest.Command{
	{Title: "reset mfa", Description: "reset mfa {user} {reason…} — ask to reset a user's MFA (a second person approves)"},
	{Title: "status", Description: "status [{request id}] — your open requests, or one request"},
	{Title: "help", Description: "help — what I can do and how to ask"},
}

// teamsManifest is the part of the manifest the tests look at.
type teamsManifest struct {
	Schema          string `json:"$schema"`
	ManifestVersion string `json:"manifestVersion"`
	Version         string `json:"version"`
	ID              string `json:"id"`
	Developer       struct {
		Name, WebsiteURL, PrivacyURL, TermsOfUseURL string
	} `json:"developer"`
	Name struct {
		Short string `json:"short"`
	} `json:"name"`
	Icons struct {
		Color, Outline string
	} `json:"icons"`
	Bots []struct {
		BotID              string   `json:"botId"`
		Scopes             []string `json:"scopes"`
		SupportsFiles      *bool    `json:"supportsFiles"`
		IsNotificationOnly *bool    `json:"isNotificationOnly"`
		CommandLists       []struct {
			Scopes   []string `json:"scopes"`
			Commands []struct {
				Title       string `json:"title"`
				Description string `json:"description"`
			} `json:"commands"`
		} `json:"commandLists"`
	} `json:"bots"`
	ValidDomains       []string `json:"validDomains"`
	WebApplicationInfo struct {
		ID       string `json:"id"`
		Resource string `json:"resource"`
	} `json:"webApplicationInfo"`
}

// unzip returns the files of a zip by name.
func unzip(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("package is not a zip: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open %s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		files[f.Name] = b
	}
	return files
}

func build(t *testing.T, opts manifest.Options) map[string][]byte {
	t.Helper()
	var buf bytes.Buffer
	if err := manifest.Build(&buf, opts); err != nil {
		t.Fatalf("Build: %v", err)
	}
	return unzip(t, buf.Bytes())
}

func TestBuildPackage(t *testing.T) {
	files := build(t, manifest.Options{
		BotID:        botID,
		Version:      "v2.3.4",
		Name:         "Contoso MFA desk",
		WebsiteURL:   "https://it.contoso.example/mfabot",
		PrivacyURL:   "https://it.contoso.example/privacy?app=mfabot&lang=en",
		TermsURL:     "https://it.contoso.example/terms",
		ValidDomains: []string{"it.contoso.example", "*.contoso.example"},
		Commands:     wantCommands,
	})
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	if want := []string{"color.png", "manifest.json", "outline.png"}; !slices.Equal(names, want) {
		t.Fatalf("package holds %v, want %v", names, want)
	}
	for _, icon := range []string{appfiles.ColorIconFile, appfiles.OutlineIconFile} {
		want, _ := appfiles.FS.ReadFile(icon)
		if !bytes.Equal(files[icon], want) {
			t.Errorf("%s in the package differs from manifest/%s", icon, icon)
		}
	}

	var m teamsManifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if m.Schema != "https://developer.microsoft.com/json-schemas/teams/v"+m.ManifestVersion+"/MicrosoftTeams.schema.json" {
		t.Errorf("$schema %q does not match manifestVersion %q", m.Schema, m.ManifestVersion)
	}
	if m.Version != "2.3.4" {
		t.Errorf("version = %q, want 2.3.4", m.Version)
	}
	if m.ID != manifest.AppIDFor(botID) {
		t.Errorf("id = %q, want the id derived from the bot id %q", m.ID, manifest.AppIDFor(botID))
	}
	if m.Name.Short != "Contoso MFA desk" || m.Developer.Name != "mfabot" {
		t.Errorf("name %q, developer %q", m.Name.Short, m.Developer.Name)
	}
	if m.Developer.PrivacyURL != "https://it.contoso.example/privacy?app=mfabot&lang=en" {
		t.Errorf("privacy URL = %q", m.Developer.PrivacyURL)
	}
	if m.Icons.Color != "color.png" || m.Icons.Outline != "outline.png" {
		t.Errorf("icons = %+v", m.Icons)
	}
	if !slices.Equal(m.ValidDomains, []string{"it.contoso.example", "*.contoso.example"}) {
		t.Errorf("validDomains = %v", m.ValidDomains)
	}
	if len(m.Bots) != 1 {
		t.Fatalf("%d bots, want 1", len(m.Bots))
	}
	bot := m.Bots[0]
	if bot.BotID != botID {
		t.Errorf("botId = %q, want %q", bot.BotID, botID)
	}
	scopes := []string{"personal", "team", "groupChat"}
	if !slices.Equal(bot.Scopes, scopes) {
		t.Errorf("scopes = %v, want %v", bot.Scopes, scopes)
	}
	if bot.SupportsFiles == nil || *bot.SupportsFiles || bot.IsNotificationOnly == nil || *bot.IsNotificationOnly {
		t.Errorf("supportsFiles and isNotificationOnly must be present and false")
	}
	if len(bot.CommandLists) != len(scopes) {
		t.Fatalf("%d command lists, want one per scope", len(bot.CommandLists))
	}
	for i, list := range bot.CommandLists {
		if !slices.Equal(list.Scopes, []string{scopes[i]}) {
			t.Errorf("command list %d scopes = %v, want [%s]", i, list.Scopes, scopes[i])
		}
		if len(list.Commands) != len(wantCommands) {
			t.Errorf("%s: %d commands, want %d", scopes[i], len(list.Commands), len(wantCommands))
			continue
		}
		for j, c := range list.Commands {
			want := wantCommands[j]
			if c.Title != want.Title {
				t.Errorf("%s command %d title = %q, want %q", scopes[i], j, c.Title, want.Title)
			}
			if len([]rune(c.Title)) > 32 {
				t.Errorf("%s command %q: title longer than 32 characters", scopes[i], c.Title)
			}
			if c.Description != want.Description {
				t.Errorf("%s command %q description = %q, want %q", scopes[i], c.Title, c.Description, want.Description)
			}
			if !strings.HasPrefix(c.Description, want.Title) {
				t.Errorf("%s command %q description %q does not start with its syntax", scopes[i], c.Title, c.Description)
			}
		}
	}

	path := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(path, files["manifest.json"], 0o600); err != nil {
		t.Fatal(err)
	}
	nodecheck.ValidateManifest(t, path)
}

// TestManifestIsTheNewestSchemaTheValidatorKnows: manifestVersion is the
// newest v1.N schema bundled with the offline validator
// (@microsoft/app-manifest in tools/node), and webApplicationInfo carries
// the id and resource that Microsoft's proactive-install article asks for
// (https://learn.microsoft.com/microsoftteams/platform/graph-api/proactive-bots-and-messages/graph-proactive-bots-and-messages:
// "id: Your Microsoft Entra app ID. resource: The resource URL for the app").
func TestManifestIsTheNewestSchemaTheValidatorKnows(t *testing.T) {
	dir := filepath.Join("..", "..", "tools", "node", "node_modules", "@microsoft", "app-manifest", "build", "json-schemas", "teams")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("offline validator not installed: %v", err)
	}
	newest, newestMinor := "", -1
	for _, e := range entries {
		var minor int
		if _, err := fmt.Sscanf(e.Name(), "v1.%d", &minor); err == nil && e.Name() == fmt.Sprintf("v1.%d", minor) && minor > newestMinor {
			newest, newestMinor = strings.TrimPrefix(e.Name(), "v"), minor
		}
	}
	if newest == "" {
		t.Fatalf("no v1.N schema in %s", dir)
	}
	files := build(t, manifest.Options{BotID: botID})
	var m teamsManifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	if m.ManifestVersion != newest {
		t.Errorf("manifestVersion %s, the validator knows %s", m.ManifestVersion, newest)
	}
	if m.WebApplicationInfo.ID != botID || m.WebApplicationInfo.Resource != "api://botid-"+botID {
		t.Errorf("webApplicationInfo = %+v, want id %s and resource api://botid-%s", m.WebApplicationInfo, botID, botID)
	}
}

// With only a bot id, the defaults make a valid manifest.
func TestBuildDefaults(t *testing.T) {
	files := build(t, manifest.Options{BotID: botID})
	var m teamsManifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if m.Version != manifest.DefaultVersion || m.Name.Short != manifest.DefaultName {
		t.Errorf("version %q name %q, want the defaults", m.Version, m.Name.Short)
	}
	if m.Developer.WebsiteURL != manifest.DefaultWebsiteURL || m.Developer.PrivacyURL != manifest.DefaultPrivacyURL ||
		m.Developer.TermsOfUseURL != manifest.DefaultTermsURL {
		t.Errorf("developer URLs = %+v, want the defaults", m.Developer)
	}
	if m.ValidDomains == nil || len(m.ValidDomains) != 0 {
		t.Errorf("validDomains = %#v, want an empty list", m.ValidDomains)
	}
	path := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(path, files["manifest.json"], 0o600); err != nil {
		t.Fatal(err)
	}
	nodecheck.ValidateManifest(t, path)
}

// Building twice gives the same bytes, so a package can be rebuilt and compared.
func TestBuildIsReproducible(t *testing.T) {
	var a, b bytes.Buffer
	opts := manifest.Options{BotID: botID, Version: "1.2.3"}
	if err := manifest.Build(&a, opts); err != nil {
		t.Fatal(err)
	}
	if err := manifest.Build(&b, opts); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two builds with the same options differ")
	}
}

func TestExplicitAppID(t *testing.T) {
	const appID = "A1B2C3D4-0000-4000-8000-123456789ABC"
	doc, err := manifest.Manifest(manifest.Options{BotID: botID, AppID: appID})
	if err != nil {
		t.Fatal(err)
	}
	var m teamsManifest
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != appID {
		t.Errorf("id = %q, want %q", m.ID, appID)
	}
}

func TestBuildRejectsBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts manifest.Options
		want string
	}{
		{"no bot id", manifest.Options{}, "bot id is empty"},
		{"bot id not a GUID", manifest.Options{BotID: "mfabot"}, `bot id "mfabot" is not a GUID`},
		{"bot id with braces", manifest.Options{BotID: "{" + botID + "}"}, "is not a GUID"},
		{"app id not a GUID", manifest.Options{BotID: botID, AppID: "x"}, `app id "x" is not a GUID`},
		{"prerelease version", manifest.Options{BotID: botID, Version: "1.2.3-rc1"}, "not MAJOR.MINOR.PATCH"},
		{"two-part version", manifest.Options{BotID: botID, Version: "1.2"}, "not MAJOR.MINOR.PATCH"},
		{"long name", manifest.Options{BotID: botID, Name: strings.Repeat("n", 31)}, "Teams allows 30"},
		{"long command title", manifest.Options{BotID: botID, Commands: []manifest.Command{{Title: strings.Repeat("t", 33), Description: "d"}}}, "1 to 32 characters"},
		{"long command description", manifest.Options{BotID: botID, Commands: []manifest.Command{{Title: "t", Description: strings.Repeat("d", 129)}}}, "1 to 128 characters"},
		{"eleven commands", manifest.Options{BotID: botID, Commands: make([]manifest.Command, 11)}, "11 commands"},
		{"http website", manifest.Options{BotID: botID, WebsiteURL: "http://mfabot.example.org"}, "website URL"},
		{"relative terms", manifest.Options{BotID: botID, TermsURL: "/terms"}, "terms URL"},
		{"domain with scheme", manifest.Options{BotID: botID, ValidDomains: []string{"https://x.example"}}, "is not a domain name"},
		{"too many domains", manifest.Options{BotID: botID, ValidDomains: slices.Repeat([]string{"a.example"}, 17)}, "Teams allows 16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := manifest.Build(&buf, tc.opts)
			if err == nil {
				t.Fatalf("Build accepted %+v", tc.opts)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("Build wrote %d bytes despite the error", buf.Len())
			}
		})
	}
}

// Every wrong option is named at once, not one per attempt.
func TestBuildNamesAllProblems(t *testing.T) {
	_, err := manifest.Manifest(manifest.Options{BotID: "nope", Version: "dev", PrivacyURL: "ftp://x"})
	if err == nil {
		t.Fatal("Manifest accepted bad options")
	}
	for _, want := range []string{"bot id", "version", "privacy URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name the %s", err, want)
		}
	}
}

func TestAppIDFor(t *testing.T) {
	id := manifest.AppIDFor(botID)
	if !manifest.IsGUID(id) {
		t.Fatalf("AppIDFor gave %q, not a GUID", id)
	}
	if id[14] != '5' || !strings.ContainsRune("89ab", rune(id[19])) {
		t.Errorf("%q is not a version 5 RFC 4122 UUID", id)
	}
	// Pinned: a change would give every existing deployment a new Teams app.
	if want := "d0c08e4a-aed8-574c-8c66-a30a5cc3d6d2"; id != want {
		t.Errorf("AppIDFor(%s) = %q, want %q", botID, id, want)
	}
	if manifest.AppIDFor(strings.ToUpper(botID)) != id {
		t.Error("the app id depends on the bot id's letter case")
	}
	if id == botID || manifest.AppIDFor("11111111-2222-3333-4444-555555555555") == id {
		t.Error("app ids of different bots collide")
	}
}

// The validator must be able to fail: a manifest broken in a way only the
// schema knows about is reported, with the offending property.
func TestValidatorRejectsBrokenManifest(t *testing.T) {
	doc, err := manifest.Manifest(manifest.Options{BotID: botID})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		spoil func(m map[string]any)
		want  string
	}{
		{"accent colour not hex", func(m map[string]any) { m["accentColor"] = "blue" }, "/accentColor"},
		{"bot without id", func(m map[string]any) {
			delete(m["bots"].([]any)[0].(map[string]any), "botId")
		}, "botId"},
		{"unknown scope", func(m map[string]any) {
			m["bots"].([]any)[0].(map[string]any)["scopes"] = []any{"personal", "everywhere"}
		}, "/bots/0/scopes/1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(doc, &m); err != nil {
				t.Fatal(err)
			}
			tc.spoil(m)
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "manifest.json")
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			out, ok := nodecheck.RunManifest(t, path)
			if ok {
				t.Fatalf("validator accepted a manifest with %s:\n%s", tc.name, out)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("validator output does not mention %s:\n%s", tc.want, out)
			}
		})
	}
}
