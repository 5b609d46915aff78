package graph

import (
	"context"
	"strings"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/mfabot/mfabot/internal/mfa"
)

// InstallBotForUser installs the Teams app catalogAppID (the id the
// organization's app catalog gave the mfabot app, not its manifest id) in
// the user's personal scope and returns the id of the 1:1 chat between the
// user and the bot ("19:…@unq.gbl.spaces"), which the Bot Connector takes
// as a conversation id. An app already installed (409 Conflict) is fine:
// its chat is returned all the same.
func (d *Directory) InstallBotForUser(ctx context.Context, userID, catalogAppID string) (string, error) {
	if userID == "" || catalogAppID == "" {
		return "", mfa.Errorf(mfa.EInvalid, "installing the app for a user needs the user's id and the app's catalog id")
	}
	apps := d.client.Users().ByUserId(userID).Teamwork().InstalledApps()
	body := models.NewUserScopeTeamsAppInstallation()
	body.SetAdditionalData(map[string]any{
		"teamsApp@odata.bind": d.base + "/v1.0/appCatalogs/teamsApps/" + catalogAppID,
	})
	if _, err := apps.Post(ctx, body, nil); err != nil {
		if err = fail("install the Teams app for user "+userID, PermTeamsAppInstall, err); !mfa.IsDirectoryReason(err, mfa.ReasonConflict) {
			return "", err
		}
	}

	filter := "teamsApp/id eq '" + strings.ReplaceAll(catalogAppID, "'", "''") + "'"
	res, err := apps.Get(ctx, &users.ItemTeamworkInstalledAppsRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.ItemTeamworkInstalledAppsRequestBuilderGetQueryParameters{
			Expand: []string{"teamsApp"}, Filter: &filter,
		},
	})
	if err != nil {
		return "", fail("find the Teams app installed for user "+userID, PermTeamsAppInstall, err)
	}
	var installationID string
	if res != nil {
		for _, in := range res.GetValue() {
			if id := str(in.GetId()); id != "" {
				installationID = id
				break
			}
		}
	}
	if installationID == "" {
		return "", mfa.Errorf(mfa.EUnavailable, "Microsoft Graph accepted the app installation for user %s but does not list it yet", userID)
	}

	chat, err := apps.ByUserScopeTeamsAppInstallationId(installationID).Chat().Get(ctx, nil)
	if err != nil {
		return "", fail("get the bot's chat with user "+userID, PermTeamsAppInstall, err)
	}
	if chat == nil || str(chat.GetId()) == "" {
		return "", mfa.Errorf(mfa.EUnavailable, "Microsoft Graph returned no chat between the bot and user %s", userID)
	}
	return str(chat.GetId()), nil
}
