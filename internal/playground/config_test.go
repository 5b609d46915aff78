package playground

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func hanna() User {
	return User{ID: "29:hanna", Name: "Hanna Helpdesk", UPN: "hanna@contoso.com", AADObjectID: "11111111-0000-4000-8000-000000000001"}
}

func demoInstance() Instance {
	return Instance{
		TenantID: "00000000-0000-4000-8000-0000000000c0",
		Bot:      Bot{ID: "28:mfabot", Name: "mfabot"},
		User:     hanna(),
		Others:   []User{{ID: "29:ada", Name: "Ada Approver", UPN: "ada@contoso.com", AADObjectID: "oid-ada"}},
	}
}

func TestWriteConfigFollowsPlaygroundSchema(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "agent")
	if err := WriteConfig(dir, demoInstance()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, ".m365agentsplayground.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("config is not JSON (hence not YAML 1.2): %v", err)
	}
	for _, key := range []string{"version", "tenantId", "bot", "currentUser", "users", "personalChat", "groupChat", "team"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("config lacks required %q", key)
		}
	}
	if doc["version"] != "0.1.1" || doc["tenantId"] != "00000000-0000-4000-8000-0000000000c0" {
		t.Errorf("version/tenant = %v/%v", doc["version"], doc["tenantId"])
	}
	cur := doc["currentUser"].(map[string]any)
	want := map[string]any{
		"id": "29:hanna", "name": "Hanna Helpdesk", "userPrincipleName": "hanna@contoso.com",
		"aadObjectId": "11111111-0000-4000-8000-000000000001", "givenName": "Hanna",
		"surname": "Helpdesk", "email": "hanna@contoso.com",
	}
	for k, v := range want {
		if cur[k] != v {
			t.Errorf("currentUser.%s = %v, want %v", k, cur[k], v)
		}
	}
	if len(cur) != len(want) {
		t.Errorf("currentUser has extra keys: %v", cur)
	}
	users := doc["users"].([]any)
	if len(users) != 5 {
		t.Fatalf("users has %d entries, the schema wants exactly 5", len(users))
	}
	if users[0].(map[string]any)["id"] != "29:ada" {
		t.Errorf("first other user = %v, want Ada", users[0])
	}
	if chat := doc["personalChat"].(map[string]any)["id"]; chat != "a:personal-29:hanna" {
		t.Errorf("personal chat = %v", chat)
	}
	team := doc["team"].(map[string]any)
	if ch, ok := team["channels"].([]any); !ok || len(ch) != 0 {
		t.Errorf("team.channels = %v, want an empty list", team["channels"])
	}
}

func TestWriteConfigKeepsExplicitPersonalChat(t *testing.T) {
	in := demoInstance()
	in.PersonalChatID = "a:fixed"
	data, err := in.config()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"id": "a:fixed"`) {
		t.Errorf("config lacks the explicit chat id:\n%s", data)
	}
}

func TestWriteConfigRejectsWhatPlaygroundRefuses(t *testing.T) {
	six := make([]User, 6)
	for i := range six {
		six[i] = placeholder(i + 10)
	}
	for name, mutate := range map[string]func(*Instance){
		"no tenant":       func(in *Instance) { in.TenantID = "" },
		"no bot id":       func(in *Instance) { in.Bot.ID = "" },
		"long bot name":   func(in *Instance) { in.Bot.Name = strings.Repeat("x", 43) },
		"six others":      func(in *Instance) { in.Others = six },
		"duplicate id":    func(in *Instance) { in.Others[0].ID = in.User.ID },
		"user without id": func(in *Instance) { in.User.AADObjectID = "" },
	} {
		t.Run(name, func(t *testing.T) {
			in := demoInstance()
			mutate(&in)
			dir := t.TempDir()
			if err := WriteConfig(dir, in); err == nil {
				t.Fatal("WriteConfig accepted an invalid instance")
			}
			if _, err := os.Stat(filepath.Join(dir, ConfigFileName)); err == nil {
				t.Error("a config file was written anyway")
			}
		})
	}
}
