package playground

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ConfigFileName is the file the Playground reads its users, tenant and
// chats from.
const ConfigFileName = ".m365agentsplayground.yml"

// configVersion is the config schema version understood by Playground 0.2.x.
const configVersion = "0.1.1"

// memberCount is the exact number of non-current users the schema demands.
const memberCount = 5

// The config document, in the Playground's schema. The file is YAML 1.2,
// of which JSON is a subset; writing JSON keeps quoting exact.
type (
	configFile struct {
		Version      string       `json:"version"`
		TenantID     string       `json:"tenantId"`
		Bot          configBot    `json:"bot"`
		CurrentUser  configUser   `json:"currentUser"`
		Users        []configUser `json:"users"`
		PersonalChat configChat   `json:"personalChat"`
		GroupChat    configGroup  `json:"groupChat"`
		Team         configTeam   `json:"team"`
	}
	configBot struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	configUser struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		UPN         string `json:"userPrincipleName"` // sic: the schema's spelling
		AADObjectID string `json:"aadObjectId"`
		GivenName   string `json:"givenName"`
		Surname     string `json:"surname"`
		Email       string `json:"email"`
	}
	configChat struct {
		ID string `json:"id"`
	}
	configGroup struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	configTeam struct {
		ID         string        `json:"id"`
		Name       string        `json:"name"`
		AADGroupID string        `json:"aadGroupId"`
		Channels   []configGroup `json:"channels"`
	}
)

// WriteConfig writes the Playground config file for in into dir, creating
// dir if needed.
func WriteConfig(dir string, in Instance) error {
	data, err := in.config()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("playground config: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ConfigFileName), data, 0o644); err != nil {
		return fmt.Errorf("playground config: %w", err)
	}
	return nil
}

// config validates in and renders the config document.
func (in Instance) config() ([]byte, error) {
	if in.TenantID == "" {
		return nil, errors.New("playground config: tenant id is empty")
	}
	if in.Bot.ID == "" || in.Bot.Name == "" {
		return nil, errors.New("playground config: bot id and name are required")
	}
	if utf8.RuneCountInString(in.Bot.Name) > 42 {
		return nil, fmt.Errorf("playground config: bot name %q is longer than 42 characters", in.Bot.Name)
	}
	if len(in.Others) > memberCount {
		return nil, fmt.Errorf("playground config: at most %d other users, got %d", memberCount, len(in.Others))
	}
	seen := map[string]bool{}
	users := append([]User{in.User}, in.Others...)
	for i := len(in.Others); i < memberCount; i++ {
		users = append(users, placeholder(i+1))
	}
	for _, u := range users {
		if u.ID == "" || u.Name == "" || u.UPN == "" || u.AADObjectID == "" {
			return nil, fmt.Errorf("playground config: user %q needs id, name, UPN and object id", u.Name)
		}
		if seen[u.ID] {
			return nil, fmt.Errorf("playground config: user id %q appears twice", u.ID)
		}
		seen[u.ID] = true
	}
	chat := in.PersonalChatID
	if chat == "" {
		chat = PersonalChatIDFor(in.User)
	}
	f := configFile{
		Version:      configVersion,
		TenantID:     in.TenantID,
		Bot:          configBot(in.Bot),
		CurrentUser:  toConfigUser(users[0]),
		PersonalChat: configChat{ID: chat},
		GroupChat:    configGroup{ID: "19:group-" + in.User.ID, Name: "Group Chat"},
		Team: configTeam{
			ID:         "19:team-" + in.User.ID,
			Name:       "Helpdesk",
			AADGroupID: "00000000-0000-4000-8000-00000000ffff",
			Channels:   []configGroup{},
		},
	}
	for _, u := range users[1:] {
		f.Users = append(f.Users, toConfigUser(u))
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("playground config: %w", err)
	}
	return append(data, '\n'), nil
}

// toConfigUser splits the display name into the given name and surname the
// schema requires.
func toConfigUser(u User) configUser {
	given, surname, _ := strings.Cut(u.Name, " ")
	if surname == "" {
		surname = given
	}
	return configUser{
		ID: u.ID, Name: u.Name, UPN: u.UPN, AADObjectID: u.AADObjectID,
		GivenName: given, Surname: surname, Email: u.UPN,
	}
}

// placeholder is a filler member; the schema wants exactly five others.
func placeholder(n int) User {
	s := strconv.Itoa(n)
	return User{
		ID:          "29:placeholder-" + s,
		Name:        "Placeholder " + s,
		UPN:         "placeholder" + s + "@example.invalid",
		AADObjectID: "00000000-0000-4000-8000-00000000000" + s,
	}
}
