// Package config reads mfabot's configuration from the environment, once,
// validates all of it and names everything that is wrong. Names follow the
// ecosystem: the Bot Framework SDKs' for the bot, azidentity's for Graph,
// MFABOT_* for the rest. Every secret may also come from NAME_FILE.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/redact"
)

// Lookup reads one variable; os.LookupEnv in production, a map in tests.
type Lookup func(name string) (string, bool)

// Bot is the Bot Framework side.
type Bot struct {
	AppID           string // MicrosoftAppId
	AppPassword     string // MicrosoftAppPassword (secret)
	AppTenantID     string // MicrosoftAppTenantId
	AppType         string // MicrosoftAppType: SingleTenant, MultiTenant, UserAssignedMSI
	CertificatePath string // MFABOT_BOT_CERTIFICATE_PATH (PEM with key) instead of a password
	OpenIDMetadata  string // ToBotFromChannelOpenIdMetadataUrl
	LoginURL        string // ToChannelFromBotLoginUrl
	OAuthScope      string // ToChannelFromBotOAuthScope
}

// Graph is the Microsoft Graph side (azidentity's conventions).
type Graph struct {
	URL                 string // MFABOT_GRAPH_URL
	TenantID            string // AZURE_TENANT_ID
	ClientID            string // AZURE_CLIENT_ID
	ClientSecret        string // AZURE_CLIENT_SECRET (secret)
	CertificatePath     string // AZURE_CLIENT_CERTIFICATE_PATH
	CertificatePassword string // AZURE_CLIENT_CERTIFICATE_PASSWORD (secret)
	FederatedTokenFile  string // AZURE_FEDERATED_TOKEN_FILE
	AuthorityHost       string // AZURE_AUTHORITY_HOST
}

// Config is everything mfabot reads from its environment.
type Config struct {
	Port         int    // PORT
	BindAddress  string // MFABOT_BIND_ADDRESS
	Database     string // MFABOT_DATABASE
	LogLevel     string // MFABOT_LOG_LEVEL
	LogFormat    string // MFABOT_LOG_FORMAT
	AlertWebhook string // MFABOT_ALERT_WEBHOOK_URL (secret: the URL carries a signature)
	Operator     string // MFABOT_OPERATOR: UPN or object id of the CLI operator
	BotName      string // MFABOT_BOT_NAME
	// TeamsCatalogAppID is the app's id in the organisation's Teams app
	// catalog (MFABOT_TEAMS_CATALOG_APP_ID); when set, the bot installs
	// itself for a target user it cannot reach, to ask "Was this you?".
	TeamsCatalogAppID string
	Bot               Bot
	Graph             Graph
	Policy            mfa.Policy
}

// FromEnv reads the process environment.
func FromEnv() (Config, error) { return Load(os.LookupEnv) }

type reader struct {
	lookup Lookup
	errs   []string
}

func (r *reader) str(name, def string) string {
	if v, ok := r.lookup(name); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

// secret reads NAME or the file named by NAME_FILE (not both).
func (r *reader) secret(name string) string {
	v, okv := r.lookup(name)
	f, okf := r.lookup(name + "_FILE")
	switch {
	case okv && v != "" && okf && f != "":
		r.errs = append(r.errs, fmt.Sprintf("%s and %s_FILE are both set; set one", name, name))
	case okf && f != "":
		b, err := os.ReadFile(f)
		if err != nil {
			r.errs = append(r.errs, fmt.Sprintf("%s_FILE: %v", name, err))
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	return strings.TrimSpace(v)
}

func (r *reader) integer(name string, def, min, max int) int {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		r.errs = append(r.errs, fmt.Sprintf("%s=%q: want a whole number from %d to %d", name, s, min, max))
		return def
	}
	return n
}

func (r *reader) duration(name string, def, min, max time.Duration) time.Duration {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < min || d > max {
		r.errs = append(r.errs, fmt.Sprintf("%s=%q: want a duration such as 30m from %s to %s", name, s, min, max))
		return def
	}
	return d
}

func (r *reader) boolean(name string, def bool) bool {
	s := r.str(name, "")
	if s == "" {
		return def
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		r.errs = append(r.errs, fmt.Sprintf("%s=%q: want true or false", name, s))
		return def
	}
	return b
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	s := r.str(name, def)
	for _, a := range allowed {
		if strings.EqualFold(s, a) {
			return a
		}
	}
	r.errs = append(r.errs, fmt.Sprintf("%s=%q: want one of %s", name, s, strings.Join(allowed, ", ")))
	return def
}

func (r *reader) url(name, def string) string {
	s := r.str(name, def)
	if s == "" {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		r.errs = append(r.errs, fmt.Sprintf("%s=%q: want an absolute http(s) URL", name, s))
	}
	return strings.TrimRight(s, "/")
}

func (r *reader) guid(name string, required bool) string {
	s := r.str(name, "")
	if s == "" {
		if required {
			r.errs = append(r.errs, name+" is required")
		}
		return ""
	}
	if !isGUID(s) {
		r.errs = append(r.errs, fmt.Sprintf("%s=%q: want an Entra object id (a GUID)", name, s))
	}
	return strings.ToLower(s)
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
	}
	return true
}

// Load reads and validates the configuration. The Graph and Bot sections
// are validated by ValidateServe, since the CLI's audit commands need
// neither.
func Load(lookup Lookup) (Config, error) {
	r := &reader{lookup: lookup}
	c := Config{
		Port:         r.integer("PORT", 3978, 1, 65535),
		BindAddress:  r.str("MFABOT_BIND_ADDRESS", ""),
		Database:     r.secret("MFABOT_DATABASE"),
		LogLevel:     r.oneOf("MFABOT_LOG_LEVEL", "info", "debug", "info", "warn", "error"),
		LogFormat:    r.oneOf("MFABOT_LOG_FORMAT", "json", "json", "text"),
		AlertWebhook: r.secret("MFABOT_ALERT_WEBHOOK_URL"),
		Operator:     r.str("MFABOT_OPERATOR", ""),
		BotName:      r.str("MFABOT_BOT_NAME", "mfabot"),
	}
	c.TeamsCatalogAppID = r.guid("MFABOT_TEAMS_CATALOG_APP_ID", false)
	if c.Database == "" {
		c.Database = "mfabot.db"
	}
	if c.BindAddress != "" && net.ParseIP(c.BindAddress) == nil && c.BindAddress != "localhost" {
		r.errs = append(r.errs, fmt.Sprintf("MFABOT_BIND_ADDRESS=%q: want an IP address", c.BindAddress))
	}
	if c.AlertWebhook != "" {
		if u, err := url.Parse(c.AlertWebhook); err != nil || u.Scheme != "https" && u.Scheme != "http" {
			r.errs = append(r.errs, "MFABOT_ALERT_WEBHOOK_URL: want an absolute http(s) URL")
		}
	}
	c.Bot = Bot{
		AppID:           r.str("MicrosoftAppId", ""),
		AppPassword:     r.secret("MicrosoftAppPassword"),
		AppTenantID:     r.str("MicrosoftAppTenantId", ""),
		AppType:         r.oneOf("MicrosoftAppType", "SingleTenant", "SingleTenant", "MultiTenant", "UserAssignedMSI"),
		CertificatePath: r.str("MFABOT_BOT_CERTIFICATE_PATH", ""),
		OpenIDMetadata:  r.url("ToBotFromChannelOpenIdMetadataUrl", "https://login.botframework.com/v1/.well-known/openidconfiguration"),
		LoginURL:        r.url("ToChannelFromBotLoginUrl", ""),
		OAuthScope:      r.str("ToChannelFromBotOAuthScope", "https://api.botframework.com/.default"),
	}
	c.Graph = Graph{
		URL:                 r.url("MFABOT_GRAPH_URL", "https://graph.microsoft.com"),
		TenantID:            r.str("AZURE_TENANT_ID", ""),
		ClientID:            r.str("AZURE_CLIENT_ID", ""),
		ClientSecret:        r.secret("AZURE_CLIENT_SECRET"),
		CertificatePath:     r.str("AZURE_CLIENT_CERTIFICATE_PATH", ""),
		CertificatePassword: r.secret("AZURE_CLIENT_CERTIFICATE_PASSWORD"),
		FederatedTokenFile:  r.str("AZURE_FEDERATED_TOKEN_FILE", ""),
		AuthorityHost:       r.url("AZURE_AUTHORITY_HOST", ""),
	}
	if c.Graph.AuthorityHost != "" && !strings.HasPrefix(c.Graph.AuthorityHost, "https://") {
		r.errs = append(r.errs, "AZURE_AUTHORITY_HOST must be an https URL")
	}
	profile, err := mfa.ParseProfile(r.str("MFABOT_RESET_PROFILE", "reregister"))
	if err != nil {
		r.errs = append(r.errs, "MFABOT_RESET_PROFILE: "+mfa.Message(err))
	}
	tap := r.oneOf("MFABOT_TAP", "optional", "off", "optional", "always")
	p := mfa.Policy{
		HelpdeskGroupID:   r.guid("MFABOT_HELPDESK_GROUP_ID", false),
		ApproverGroupID:   r.guid("MFABOT_APPROVER_GROUP_ID", false),
		ProtectedGroupID:  r.guid("MFABOT_PROTECTED_GROUP_ID", false),
		TAPGroupID:        r.guid("MFABOT_TAP_GROUP_ID", false),
		Profile:           profile,
		RequestTTL:        r.duration("MFABOT_REQUEST_TTL", 30*time.Minute, 5*time.Minute, 24*time.Hour),
		TAPEnabled:        tap != "off",
		TAPDefault:        tap == "always",
		TAPLifetime:       r.duration("MFABOT_TAP_LIFETIME", time.Hour, 10*time.Minute, 8*time.Hour),
		TAPOneTime:        r.boolean("MFABOT_TAP_ONE_TIME", true),
		Confirm:           mfa.ConfirmPolicy(r.oneOf("MFABOT_USER_CONFIRMATION", "when_reachable", "off", "when_reachable", "required")),
		Manager:           mfa.ManagerPolicy(r.oneOf("MFABOT_MANAGER_APPROVAL", "off", "off", "may", "must")),
		PerRequesterLimit: r.integer("MFABOT_LIMIT_PER_REQUESTER", 5, 1, 1000),
		PerTargetLimit:    r.integer("MFABOT_LIMIT_PER_TARGET", 1, 1, 100),
		BreakerLimit:      r.integer("MFABOT_BREAKER_LIMIT", 20, 1, 10000),
		MailFrom:          r.str("MFABOT_MAIL_FROM", ""),
	}
	c.Policy = p.Defaults()
	if len(r.errs) > 0 {
		return c, &Error{Problems: r.errs}
	}
	return c, nil
}

// ValidateServe checks what `mfabot serve` needs beyond Load: the bot's
// identity, Graph credentials and the groups, so a misconfigured deployment
// stops at start-up with every problem named.
func (c Config) ValidateServe() error {
	var errs []string
	if !isGUID(c.Bot.AppID) {
		errs = append(errs, "MicrosoftAppId is required: the Azure Bot's app id (a GUID)")
	}
	if !isGUID(c.Bot.AppTenantID) {
		errs = append(errs, "MicrosoftAppTenantId is required: your tenant id (a GUID); activities from other tenants are refused")
	}
	switch c.Bot.AppType {
	case "UserAssignedMSI":
		if c.Bot.AppPassword != "" {
			errs = append(errs, "MicrosoftAppPassword must be empty with MicrosoftAppType=UserAssignedMSI")
		}
	default:
		if c.Bot.AppPassword == "" && c.Bot.CertificatePath == "" {
			errs = append(errs, "MicrosoftAppPassword (or MFABOT_BOT_CERTIFICATE_PATH) is required for MicrosoftAppType="+c.Bot.AppType)
		}
	}
	errs = append(errs, c.validateDirectory()...)
	if len(errs) > 0 {
		return &Error{Problems: errs}
	}
	return nil
}

// ValidateCLI checks what the operator CLI's show and reset need.
func (c Config) ValidateCLI(reset bool) error {
	errs := c.validateDirectory()
	if reset && c.Operator == "" {
		errs = append(errs, "MFABOT_OPERATOR is required for `mfabot reset`: the operator's UPN, recorded in the audit")
	}
	if len(errs) > 0 {
		return &Error{Problems: errs}
	}
	return nil
}

func (c Config) validateDirectory() []string {
	var errs []string
	if c.Policy.HelpdeskGroupID == "" {
		errs = append(errs, "MFABOT_HELPDESK_GROUP_ID is required: the group whose members may request resets")
	}
	if c.Policy.ApproverGroupID == "" {
		errs = append(errs, "MFABOT_APPROVER_GROUP_ID is required: the group whose members may approve resets")
	}
	if c.Policy.HelpdeskGroupID != "" && c.Policy.HelpdeskGroupID == c.Policy.ApproverGroupID {
		errs = append(errs, "MFABOT_APPROVER_GROUP_ID must differ from MFABOT_HELPDESK_GROUP_ID (four eyes)")
	}
	if c.Graph.TenantID == "" && c.Bot.AppTenantID == "" {
		errs = append(errs, "AZURE_TENANT_ID is required for Microsoft Graph")
	}
	if c.Graph.ClientSecret != "" && c.Graph.CertificatePath != "" {
		errs = append(errs, "set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, not both")
	}
	return errs
}

// Error lists every configuration problem.
type Error struct{ Problems []string }

func (e *Error) Error() string {
	return "configuration: " + strings.Join(e.Problems, "; ")
}

// IsConfigError reports whether err is a configuration error.
func IsConfigError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// Redacted lists the settings for people, secrets replaced by "(set)".
func (c Config) Redacted() []string {
	hide := func(s string) string {
		if s == "" {
			return "(unset)"
		}
		return "(set)"
	}
	p := c.Policy
	return []string{
		fmt.Sprintf("PORT=%d", c.Port),
		"MFABOT_DATABASE=" + redact.URL(c.Database),
		"MicrosoftAppId=" + c.Bot.AppID,
		"MicrosoftAppPassword=" + hide(c.Bot.AppPassword),
		"MicrosoftAppTenantId=" + c.Bot.AppTenantID,
		"MicrosoftAppType=" + c.Bot.AppType,
		"MFABOT_GRAPH_URL=" + c.Graph.URL,
		"AZURE_CLIENT_ID=" + c.Graph.ClientID,
		"AZURE_CLIENT_SECRET=" + hide(c.Graph.ClientSecret),
		"MFABOT_ALERT_WEBHOOK_URL=" + hide(c.AlertWebhook),
		"MFABOT_HELPDESK_GROUP_ID=" + p.HelpdeskGroupID,
		"MFABOT_APPROVER_GROUP_ID=" + p.ApproverGroupID,
		"MFABOT_PROTECTED_GROUP_ID=" + p.ProtectedGroupID,
		"MFABOT_RESET_PROFILE=" + string(p.Profile),
		fmt.Sprintf("MFABOT_REQUEST_TTL=%s", p.RequestTTL),
		fmt.Sprintf("MFABOT_TAP=%v default=%v lifetime=%s oneTime=%v", p.TAPEnabled, p.TAPDefault, p.TAPLifetime, p.TAPOneTime),
		"MFABOT_USER_CONFIRMATION=" + string(p.Confirm),
		"MFABOT_MANAGER_APPROVAL=" + string(p.Manager),
		"MFABOT_TEAMS_CATALOG_APP_ID=" + c.TeamsCatalogAppID,
		fmt.Sprintf("limits: %d/requester/h, %d/target/24h, breaker %d/h", p.PerRequesterLimit, p.PerTargetLimit, p.BreakerLimit),
	}
}
