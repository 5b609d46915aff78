package wiring

import (
	"context"
	"testing"

	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
)

func TestGraphInstaller(t *testing.T) {
	fake := graphfake.New(graphfake.Options{Tenant: graphfake.DemoTenant()})
	t.Cleanup(fake.Close)
	fake.AddTeamsApp(graphfake.TeamsApp{ID: "catalog-app", DisplayName: "mfabot", BotID: "bot-app"})
	dir, err := graph.NewAnonymous(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	if newInstaller(dir, "") != nil || newInstaller(mfatest.Tenant(), "catalog-app") != nil {
		t.Fatal("an installer without a catalog app id or without Graph")
	}
	inst := newInstaller(dir, "catalog-app")
	if inst == nil {
		t.Fatal("no installer")
	}
	chat, err := inst.InstallForUser(context.Background(), graphfake.DemoBobID)
	if err != nil || chat != graphfake.PersonalChatID(graphfake.DemoBobID, "bot-app") {
		t.Fatalf("chat %q, err %v", chat, err)
	}
	if got := fake.InstalledApps(graphfake.DemoBobID); len(got) != 1 || got[0] != "catalog-app" {
		t.Fatalf("installed %v", got)
	}
}
