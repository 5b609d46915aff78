package wiring

import (
	"context"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/mfa"
)

// graphInstaller installs the mfabot Teams app for a user through Microsoft
// Graph, so the bot can ask a user it has never talked to "Was this you?".
type graphInstaller struct {
	dir *graph.Directory
	// appID is the id the organization's app catalog gave the app
	// (MFABOT_TEAMS_CATALOG_APP_ID), not the manifest id.
	appID string
}

var _ bot.Installer = graphInstaller{}

// InstallForUser installs the app in the user's personal scope and returns
// the 1:1 chat between the user and the bot.
func (g graphInstaller) InstallForUser(ctx context.Context, userID string) (string, error) {
	return g.dir.InstallBotForUser(ctx, userID, g.appID)
}

// newInstaller returns the bot's Installer, or nil (installing off) when no
// catalog app id is configured or the directory is not Microsoft Graph.
func newInstaller(dir mfa.Directory, catalogAppID string) bot.Installer {
	d, ok := dir.(*graph.Directory)
	if !ok || d == nil || catalogAppID == "" {
		return nil
	}
	return graphInstaller{dir: d, appID: catalogAppID}
}
