// Package config reads mfabot's configuration from the environment, once,
// validates all of it and names everything that is wrong. Every setting is
// declared once, in the table in settings.go: its name, default, value
// form, whether it is secret or required, and how it is parsed. Parsing,
// defaults, validation, the `mfabot config` listing and the README check
// all read that table. Names follow the ecosystem: the Bot Framework SDKs'
// for the bot, azidentity's for Graph, MFABOT_* for the rest. Every secret
// may also come from NAME_FILE.
package config

import (
	"errors"
	"os"
	"strings"

	"github.com/mfabot/mfabot/internal/mfa"
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
	TokenIssuer     string // ToBotFromChannelTokenIssuer
	LoginURL        string // ToChannelFromBotLoginUrl
	OAuthScope      string // ToChannelFromBotOAuthScope
}

// Graph is the Microsoft Graph side (azidentity's conventions).
type Graph struct {
	URL                 string // MFABOT_GRAPH_URL
	TenantID            string // AZURE_TENANT_ID (MicrosoftAppTenantId when unset)
	ClientID            string // AZURE_CLIENT_ID
	ClientSecret        string // AZURE_CLIENT_SECRET (secret)
	CertificatePath     string // AZURE_CLIENT_CERTIFICATE_PATH
	CertificatePassword string // AZURE_CLIENT_CERTIFICATE_PASSWORD (secret)
	FederatedTokenFile  string // AZURE_FEDERATED_TOKEN_FILE
	AuthorityHost       string // AZURE_AUTHORITY_HOST
}

// Manifest is what the Teams app package names besides the bot.
type Manifest struct {
	WebsiteURL string // MFABOT_WEBSITE_URL
	PrivacyURL string // MFABOT_PRIVACY_URL
	TermsURL   string // MFABOT_TERMS_URL
}

// Config is everything mfabot reads from its environment.
type Config struct {
	// Cloud is MFABOT_CLOUD: the national cloud whose endpoints fill every
	// endpoint setting left unset (see cloud.go).
	Cloud string
	Port  int // PORT
	// MetricsAddr is MFABOT_METRICS_ADDR, host:port of the /metrics
	// listener; "" when off.
	MetricsAddr  string
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
	// ApprovalDelivery is where request cards go (MFABOT_APPROVAL_DELIVERY):
	// "personal" (each approver's chat), "conversation" (the approvals
	// conversation once one is set) or "both" (the default).
	ApprovalDelivery string
	Bot              Bot
	Graph            Graph
	Manifest         Manifest
	Policy           mfa.Policy

	// values holds each setting's effective value in its documented form,
	// sources where it came from and invalid what was wrong with it, for
	// the listing.
	values  map[string]string
	sources map[string]source
	invalid map[string]string
}

// FromEnv reads the process environment; it reports values that are
// invalid, not those that are missing (see FromEnvFor).
func FromEnv() (Config, error) { return Load(os.LookupEnv) }

// FromEnvFor reads the process environment for one use and names, in one
// error, every value that is invalid, missing for that use, or in conflict.
func FromEnvFor(use Use) (Config, error) { return LoadFor(os.LookupEnv, use) }

// Load reads every setting and reports every value that is invalid. What
// is missing is checked per use by LoadFor, since the CLI's audit commands
// need neither the bot nor Graph.
func Load(lookup Lookup) (Config, error) {
	c, problems := parse(lookup)
	return c, asError(problems)
}

// LoadFor reads every setting and reports, in one pass, everything wrong
// for use: invalid values, missing required ones (told apart: "is
// required" against "is not a GUID") and settings that conflict.
func LoadFor(lookup Lookup, use Use) (Config, error) {
	c, problems := parse(lookup)
	problems = append(problems, c.missing(use)...)
	problems = append(problems, c.conflicts(use)...)
	return c, asError(problems)
}

// DefaultPolicy is the policy with every setting at its declared default:
// the single source of the domain's defaults. No groups are set.
func DefaultPolicy() mfa.Policy {
	c, _ := parse(func(string) (string, bool) { return "", false })
	return c.Policy
}

// ValidateServe checks what `mfabot serve` needs beyond Load: the bot's
// identity, Graph credentials and the groups.
func (c Config) ValidateServe() error {
	return asError(append(c.missing(Serve), c.conflicts(Serve)...))
}

// ValidateCLI checks what the operator CLI's show, check (reset=false) and
// reset (reset=true) need.
func (c Config) ValidateCLI(reset bool) error {
	use := Show
	if reset {
		use = Reset
	}
	return asError(append(c.missing(use), c.conflicts(use)...))
}

// Error lists every configuration problem.
type Error struct{ Problems []string }

func (e *Error) Error() string {
	return "configuration: " + strings.Join(e.Problems, "; ")
}

func asError(problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	return &Error{Problems: problems}
}

// IsConfigError reports whether err is a configuration error.
func IsConfigError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
