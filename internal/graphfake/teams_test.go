package graphfake

import (
	"net/url"
	"testing"
)

func TestInstalledAppsEndpoints(t *testing.T) {
	s := New(Options{Tenant: DemoTenant()})
	defer s.Close()
	s.AddTeamsApp(TeamsApp{ID: "cat-1", ExternalID: "ext-1", DisplayName: "mfabot", BotID: "bot-1"})
	base := "/v1.0/users/" + DemoAliceID + "/teamwork/installedApps"
	bind := `{"teamsApp@odata.bind":"https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/cat-1"}`

	// Installed: 201 with no body; again: 409 ODataError.
	if st, _, m := call(t, s, "POST", base, bind, false); st != 201 || m != nil {
		t.Fatalf("install: %d %v", st, m)
	}
	if st, h, m := call(t, s, "POST", base, bind, false); st != 409 || errCode(m) != "Conflict" || h.Get("request-id") == "" {
		t.Fatalf("second install: %d %v", st, m)
	}
	if got := s.InstalledApps(DemoAliceID); len(got) != 1 || got[0] != "cat-1" {
		t.Fatalf("installed %v", got)
	}
	// Unknown app, unknown user, no bind.
	if st, _, m := call(t, s, "POST", base, `{"teamsApp@odata.bind":"https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/nope"}`, false); st != 404 || errCode(m) != "NotFound" {
		t.Fatalf("unknown app: %d %v", st, m)
	}
	if st, _, _ := call(t, s, "POST", "/v1.0/users/nobody/teamwork/installedApps", bind, false); st != 404 {
		t.Fatalf("unknown user: %d", st)
	}
	if st, _, _ := call(t, s, "POST", base, `{}`, false); st != 400 {
		t.Fatalf("no bind: %d", st)
	}

	// Listed with the filter and the expansion; filtered out otherwise.
	q := "?$expand=teamsApp&$filter=" + url.QueryEscape("teamsApp/id eq 'cat-1'")
	st, _, m := call(t, s, "GET", base+q, "", false)
	items, _ := m["value"].([]any)
	if st != 200 || len(items) != 1 {
		t.Fatalf("list: %d %v", st, m)
	}
	it := items[0].(map[string]any)
	app, _ := it["teamsApp"].(map[string]any)
	if it["id"] != installationID(DemoAliceID, "cat-1") || app["id"] != "cat-1" || app["externalId"] != "ext-1" {
		t.Fatalf("item %v", it)
	}
	if _, _, m := call(t, s, "GET", base+"?$filter="+url.QueryEscape("teamsApp/id eq 'other'"), "", false); len(m["value"].([]any)) != 0 {
		t.Fatalf("filtered list %v", m)
	}
	if _, _, m := call(t, s, "GET", base, "", false); m["value"].([]any)[0].(map[string]any)["teamsApp"] != nil {
		t.Fatalf("teamsApp without $expand: %v", m)
	}

	// The chat of the installation, with the id escaped as the SDK sends it.
	inst := url.PathEscape(installationID(DemoAliceID, "cat-1"))
	st, _, m = call(t, s, "GET", base+"/"+inst+"/chat", "", false)
	if st != 200 || m["id"] != PersonalChatID(DemoAliceID, "bot-1") || m["chatType"] != "oneOnOne" {
		t.Fatalf("chat: %d %v", st, m)
	}
	if st, _, m := call(t, s, "GET", base+"/"+url.PathEscape(installationID(DemoBobID, "cat-1"))+"/chat", "", false); st != 404 || errCode(m) != "NotFound" {
		t.Fatalf("another user's installation: %d %v", st, m)
	}
}
