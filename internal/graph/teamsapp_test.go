package graph_test

import (
	"testing"

	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

const (
	catalogAppID = "e3a9c6b1-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
	botAppID     = "0de69e5e-2da8-4cf2-821f-5e6585b2c65b"
)

func newTeamsEnv(t *testing.T) (*graphfake.Server, *graph.Directory) {
	t.Helper()
	s, d := newEnv(t, graphfake.Options{})
	s.AddTeamsApp(graphfake.TeamsApp{ID: catalogAppID, ExternalID: "11111111-2222-4333-8444-555555555555", DisplayName: "mfabot", BotID: botAppID})
	s.AddTeamsApp(graphfake.TeamsApp{ID: "other-app", DisplayName: "Other", BotID: "b0b0b0b0-0000-4000-8000-000000000000"})
	return s, d
}

func TestInstallBotForUser(t *testing.T) {
	s, d := newTeamsEnv(t)
	// Another app installed first, so the lookup must filter.
	s.InstallApp(graphfake.DemoAliceID, "other-app")
	chat, err := d.InstallBotForUser(ctx, graphfake.DemoAliceID, catalogAppID)
	if err != nil {
		t.Fatal(err)
	}
	if want := graphfake.PersonalChatID(graphfake.DemoAliceID, botAppID); chat != want {
		t.Fatalf("chat %q, want %q", chat, want)
	}
	if got := s.InstalledApps(graphfake.DemoAliceID); len(got) != 2 || got[1] != catalogAppID {
		t.Fatalf("installed %v", got)
	}
	if n := s.Count("POST", "/users/*/teamwork/installedApps"); n != 1 {
		t.Fatalf("%d installs posted", n)
	}
	var listed bool
	for _, r := range s.Requests() {
		if r.Method == "GET" && r.Path == "/v1.0/users/"+graphfake.DemoAliceID+"/teamwork/installedApps" {
			listed = r.Status == 200 && r.Query != ""
		}
	}
	if !listed {
		t.Fatalf("no filtered list of installed apps: %+v", s.Requests())
	}
	// Bob's chat is his own.
	bob, err := d.InstallBotForUser(ctx, graphfake.DemoBobID, catalogAppID)
	if err != nil || bob != graphfake.PersonalChatID(graphfake.DemoBobID, botAppID) || bob == chat {
		t.Fatalf("bob: %q %v", bob, err)
	}
}

func TestInstallBotForUserAlreadyInstalled(t *testing.T) {
	s, d := newTeamsEnv(t)
	s.InstallApp(graphfake.DemoAliceID, catalogAppID)
	chat, err := d.InstallBotForUser(ctx, graphfake.DemoAliceID, catalogAppID)
	if err != nil || chat != graphfake.PersonalChatID(graphfake.DemoAliceID, botAppID) {
		t.Fatalf("chat %q, err %v", chat, err)
	}
	var conflict bool
	for _, r := range s.Requests() {
		conflict = conflict || r.Method == "POST" && r.Status == 409
	}
	if !conflict {
		t.Fatal("the fake did not answer 409 to the second install")
	}
	if got := s.InstalledApps(graphfake.DemoAliceID); len(got) != 1 {
		t.Fatalf("installed %v", got)
	}
}

func TestInstallBotForUserErrors(t *testing.T) {
	s, d := newTeamsEnv(t)
	s.FailNext("POST", "/users/*/teamwork/installedApps", 403, "")
	_, err := d.InstallBotForUser(ctx, graphfake.DemoAliceID, catalogAppID)
	if de := dirErr(t, err); de.Reason != mfa.ReasonForbidden || de.Permission != "TeamsAppInstallation.ReadWriteSelfForUser.All" {
		t.Fatalf("403: %+v", de)
	}
	if len(s.InstalledApps(graphfake.DemoAliceID)) != 0 {
		t.Fatal("installed despite the 403")
	}
	// A 403 on reading the chat names the same permission.
	s.FailNext("GET", "/users/*/teamwork/installedApps/*/chat", 403, "")
	_, err = d.InstallBotForUser(ctx, graphfake.DemoAliceID, catalogAppID)
	if de := dirErr(t, err); de.Reason != mfa.ReasonForbidden || de.Permission != graph.PermTeamsAppInstall {
		t.Fatalf("403 on chat: %+v", de)
	}
	// An app missing from the catalog and an unknown user are 404s.
	if _, err := d.InstallBotForUser(ctx, graphfake.DemoAliceID, "not-in-catalog"); !mfa.IsDirectoryReason(err, mfa.ReasonNotFound) {
		t.Fatalf("unknown app: %v", err)
	}
	if _, err := d.InstallBotForUser(ctx, "00000000-0000-4000-8000-00000000dead", catalogAppID); !mfa.IsDirectoryReason(err, mfa.ReasonNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	if _, err := d.InstallBotForUser(ctx, graphfake.DemoAliceID, ""); mfa.Code(err) != mfa.EInvalid {
		t.Fatalf("no app id: %v", err)
	}
}

func TestPermissionsTableNamesTeamsAppInstall(t *testing.T) {
	for _, p := range graph.Permissions {
		if p.Permission == graph.PermTeamsAppInstall {
			return
		}
	}
	t.Fatal("TeamsAppInstallation.ReadWriteSelfForUser.All is not in the table")
}
