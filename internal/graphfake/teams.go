package graphfake

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// TeamsApp is an app in the organization's Teams app catalog.
type TeamsApp struct {
	// ID is the id the catalog gave the app (not the manifest id).
	ID string
	// ExternalID is the manifest id.
	ExternalID  string
	DisplayName string
	// BotID is the Microsoft App ID of the app's bot; it names the 1:1
	// chats between the bot and users.
	BotID string
}

// teamsState is the app catalog and the apps installed in users' personal
// scope; the server's mutex guards it.
type teamsState struct {
	apps      map[string]TeamsApp // by catalog id
	installed map[string][]string // user id → catalog ids, in install order
}

// AddTeamsApp adds an app to the catalog, so it can be installed for users.
func (s *Server) AddTeamsApp(app TeamsApp) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.teams.apps == nil {
		s.teams.apps = map[string]TeamsApp{}
	}
	s.teams.apps[app.ID] = app
}

// InstallApp installs a catalog app for a user, as if they had added it in
// Teams themselves.
func (s *Server) InstallApp(userID, appID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.install(userID, appID)
}

// InstalledApps returns the catalog ids of the apps installed in the user's
// personal scope, in install order.
func (s *Server) InstalledApps(userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.teams.installed[userID])
}

// PersonalChatID is the id of the 1:1 chat between a user and a bot, as
// Graph names it: stable for the pair.
func PersonalChatID(userID, botID string) string {
	return "19:" + botID + "_" + userID + "@unq.gbl.spaces"
}

// installationID is Graph's id of an app installed for a user: base64 of
// "{user id}##{catalog app id}".
func installationID(userID, appID string) string {
	return base64.StdEncoding.EncodeToString([]byte(userID + "##" + appID))
}

// install records an installation; the caller holds s.mu.
func (s *Server) install(userID, appID string) bool {
	if slices.Contains(s.teams.installed[userID], appID) {
		return false
	}
	if s.teams.installed == nil {
		s.teams.installed = map[string][]string{}
	}
	s.teams.installed[userID] = append(s.teams.installed[userID], appID)
	return true
}

// installApp installs a catalog app for a user: 201 with no body, 409 when
// the app is already installed, 404 for an unknown user or app.
func (s *Server) installApp(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	var body map[string]any
	if !decodeBody(w, r, &body) {
		return
	}
	bind, _ := body["teamsApp@odata.bind"].(string)
	const seg = "/appCatalogs/teamsApps/"
	i := strings.LastIndex(bind, seg)
	if i < 0 || bind[i+len(seg):] == "" || strings.Contains(bind[i+len(seg):], "/") {
		badRequest(w, r, "The teamsApp@odata.bind property must reference an app in appCatalogs/teamsApps.")
		return
	}
	appID := bind[i+len(seg):]
	s.mu.Lock()
	u := s.user(key)
	_, known := s.teams.apps[appID]
	added := u != nil && known && s.install(u.ID, appID)
	s.mu.Unlock()
	switch {
	case u == nil:
		notFoundUser(w, r, key)
	case !known:
		writeError(w, r, http.StatusNotFound, "NotFound", fmt.Sprintf("App with id '%s' was not found in the app catalog.", appID))
	case !added:
		writeError(w, r, http.StatusConflict, "Conflict", "App is already installed in the personal scope of this user.")
	default:
		w.WriteHeader(http.StatusCreated)
	}
}

// listInstalledApps lists the user's installed apps, with
// $filter=teamsApp/id eq '…' and $expand=teamsApp.
func (s *Server) listInstalledApps(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("user")
	var clauses []eqClause
	if f := r.URL.Query().Get("$filter"); f != "" {
		var err error
		if clauses, err = parseEqFilter(f, "teamsApp/id"); err != nil {
			writeError(w, r, http.StatusBadRequest, "BadRequest", err.Error())
			return
		}
	}
	expand := false
	for _, e := range strings.Split(r.URL.Query().Get("$expand"), ",") {
		switch strings.TrimSpace(e) {
		case "":
		case "teamsApp":
			expand = true
		default:
			writeError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.userScopeTeamsAppInstallation'.", strings.TrimSpace(e)))
			return
		}
	}
	s.mu.Lock()
	u := s.user(key)
	var items []map[string]any
	if u != nil {
		for _, appID := range s.teams.installed[u.ID] {
			if !matchApp(appID, clauses) {
				continue
			}
			it := map[string]any{"id": installationID(u.ID, appID)}
			if expand {
				app := s.teams.apps[appID]
				it["teamsApp"] = map[string]any{"id": app.ID, "externalId": nilIfEmpty(app.ExternalID),
					"displayName": app.DisplayName, "distributionMethod": "organization"}
			}
			items = append(items, it)
		}
	}
	s.mu.Unlock()
	if u == nil {
		notFoundUser(w, r, key)
		return
	}
	context := "users('" + u.ID + "')/teamwork/installedApps"
	if expand {
		context += "(teamsApp())"
	}
	collection(w, r, context, items)
}

func matchApp(appID string, clauses []eqClause) bool {
	if len(clauses) == 0 {
		return true
	}
	for _, c := range clauses {
		if c.value == appID {
			return true
		}
	}
	return false
}

// installationChat answers the 1:1 chat between the user and the bot of an
// installed app.
func (s *Server) installationChat(w http.ResponseWriter, r *http.Request) {
	key, inst := r.PathValue("user"), r.PathValue("installation")
	s.mu.Lock()
	u := s.user(key)
	var app TeamsApp
	found := false
	if u != nil {
		for _, appID := range s.teams.installed[u.ID] {
			if installationID(u.ID, appID) == inst {
				app, found = s.teams.apps[appID], true
			}
		}
	}
	now := s.opts.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	s.mu.Unlock()
	switch {
	case u == nil:
		notFoundUser(w, r, key)
	case !found || app.BotID == "":
		writeError(w, r, http.StatusNotFound, "NotFound", "The app installation '"+inst+"' was not found for this user.")
	default:
		writeJSON(w, http.StatusOK, map[string]any{
			"@odata.context":      "https://graph.microsoft.com/" + version(r) + "/$metadata#chats/$entity",
			"id":                  PersonalChatID(u.ID, app.BotID),
			"topic":               nil,
			"chatType":            "oneOnOne",
			"createdDateTime":     now,
			"lastUpdatedDateTime": now,
		})
	}
}
