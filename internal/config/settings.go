package config

import (
	"strings"
	"time"

	"github.com/mfabot/mfabot/internal/manifest"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/redact"
)

// Use is what a command does with the configuration; a setting is
// required for some uses. Uses combine as bits.
type Use uint8

// The uses.
const (
	Serve   Use = 1 << iota // mfabot serve: the bot, Graph, the groups
	Show                    // mfabot show and check: Graph and the groups
	Reset                   // mfabot reset: Show plus the operator
	Package                 // mfabot manifest: the bot's app id
)

// Section is a table of the README's Configuration chapter.
type Section string

// The sections, in README order; each is the start of a "###" heading.
const (
	SectionBot      Section = "Bot"
	SectionGraph    Section = "Microsoft Graph"
	SectionPolicy   Section = "Policy and safety controls"
	SectionManifest Section = "Teams app package"
)

// Setting declares one environment variable. The table below is the only
// place a setting is named: parsing, its default, validation, the listing
// of `mfabot config` and the README check all read it.
type Setting struct {
	Name    string
	Section Section
	// Default is the value, in its documented form, used when the variable
	// is unset or blank; "" means none.
	Default string
	// Unset says, for people, what an unset variable without a default
	// means ("all interfaces", "MicrosoftAppTenantId").
	Unset string
	// Meaning is the short description used in messages and the listing.
	Meaning string
	// Secret settings may come from NAME_FILE and are never shown.
	Secret bool
	// Required lists the uses that cannot run without the setting.
	Required Use
	// Kind parses and checks a value and knows its documented form.
	Kind Kind
	// show renders the effective value for people, when not secret or
	// differently from "(set)"; nil shows the value itself.
	show func(string) string
}

// Settings returns the declared settings, in README order.
func Settings() []Setting { return append([]Setting(nil), settings...) }

// lookupSetting returns the setting named name.
func lookupSetting(name string) (Setting, bool) {
	for _, s := range settings {
		if s.Name == name {
			return s, true
		}
	}
	return Setting{}, false
}

var settings = []Setting{
	// Bot (the Bot Framework SDKs' names).
	{Name: "MicrosoftAppId", Section: SectionBot, Required: Serve | Package, Meaning: "the Azure Bot's app id",
		Kind: guid(func(c *Config, v string) { c.Bot.AppID = v })},
	{Name: "MicrosoftAppPassword", Section: SectionBot, Secret: true, Meaning: "the Azure Bot's client secret",
		Kind: text(func(c *Config, v string) { c.Bot.AppPassword = v })},
	{Name: "MicrosoftAppTenantId", Section: SectionBot, Required: Serve, Meaning: "your tenant id; activities from other tenants are refused",
		Kind: guid(func(c *Config, v string) { c.Bot.AppTenantID = v })},
	{Name: "MicrosoftAppType", Section: SectionBot, Default: "SingleTenant", Meaning: "how the bot authenticates",
		Kind: oneOf(func(c *Config, v string) { c.Bot.AppType = v }, "SingleTenant", "MultiTenant", "UserAssignedMSI")},
	{Name: "MFABOT_BOT_CERTIFICATE_PATH", Section: SectionBot, Meaning: "PEM certificate and key instead of a password",
		Kind: path(func(c *Config, v string) { c.Bot.CertificatePath = v })},
	{Name: "MFABOT_CLOUD", Section: SectionBot, Default: "Public", Meaning: "the national cloud; sets every endpoint below that is unset",
		Kind: oneOf(func(c *Config, v string) { c.Cloud = v }, cloudNames()...)},
	{Name: "ToBotFromChannelOpenIdMetadataUrl", Section: SectionBot, Unset: "per MFABOT_CLOUD", Meaning: "where the channel's signing keys are published",
		Kind: httpURL(func(c *Config, v string) { c.Bot.OpenIDMetadata = v })},
	{Name: "ToBotFromChannelTokenIssuer", Section: SectionBot, Unset: "per MFABOT_CLOUD", Meaning: "the issuer of the channel's tokens",
		Kind: httpsURL(func(c *Config, v string) { c.Bot.TokenIssuer = v })},
	{Name: "ToChannelFromBotLoginUrl", Section: SectionBot, Unset: "per MFABOT_CLOUD, with the app's tenant", Meaning: "authority for the bot's outbound token",
		Kind: httpURL(func(c *Config, v string) { c.Bot.LoginURL = v })},
	{Name: "ToChannelFromBotOAuthScope", Section: SectionBot, Unset: "per MFABOT_CLOUD", Meaning: "the Connector resource of the bot's outbound token (/.default is added when absent)",
		Kind: text(func(c *Config, v string) { c.Bot.OAuthScope = v })},
	{Name: "MFABOT_BOT_NAME", Section: SectionBot, Default: "mfabot", Meaning: "the name used in the welcome",
		Kind: text(func(c *Config, v string) { c.BotName = v })},
	{Name: "PORT", Section: SectionBot, Default: "3978", Meaning: "HTTP port",
		Kind: integer(1, 65535, func(c *Config, n int) { c.Port = n })},
	{Name: "MFABOT_METRICS_ADDR", Section: SectionBot, Default: "127.0.0.1:9464", Meaning: "host:port of the /metrics listener, never the bot's; off to disable",
		Kind: listenAddr(func(c *Config, v string) { c.MetricsAddr = v })},
	{Name: "MFABOT_BIND_ADDRESS", Section: SectionBot, Unset: "all interfaces", Meaning: "IP address to listen on",
		Kind: ipAddress(func(c *Config, v string) { c.BindAddress = v })},

	// Microsoft Graph (azidentity's names).
	{Name: "AZURE_TENANT_ID", Section: SectionGraph, Unset: "MicrosoftAppTenantId", Meaning: "tenant of the Graph app",
		Kind: text(func(c *Config, v string) { c.Graph.TenantID = v })},
	{Name: "AZURE_CLIENT_ID", Section: SectionGraph, Unset: "a system-assigned managed identity", Meaning: "the Graph app's client id",
		Kind: guid(func(c *Config, v string) { c.Graph.ClientID = v })},
	{Name: "AZURE_CLIENT_SECRET", Section: SectionGraph, Secret: true, Meaning: "the Graph app's client secret",
		Kind: text(func(c *Config, v string) { c.Graph.ClientSecret = v })},
	{Name: "AZURE_CLIENT_CERTIFICATE_PATH", Section: SectionGraph, Meaning: "the Graph app's certificate instead of a secret",
		Kind: path(func(c *Config, v string) { c.Graph.CertificatePath = v })},
	{Name: "AZURE_CLIENT_CERTIFICATE_PASSWORD", Section: SectionGraph, Secret: true, Meaning: "the certificate's password",
		Kind: text(func(c *Config, v string) { c.Graph.CertificatePassword = v })},
	{Name: "AZURE_FEDERATED_TOKEN_FILE", Section: SectionGraph, Meaning: "workload identity token file",
		Kind: path(func(c *Config, v string) { c.Graph.FederatedTokenFile = v })},
	{Name: "AZURE_AUTHORITY_HOST", Section: SectionGraph, Unset: "per MFABOT_CLOUD", Meaning: "the Entra authority for Graph tokens",
		Kind: httpsURL(func(c *Config, v string) { c.Graph.AuthorityHost = strings.TrimRight(v, "/") })},
	{Name: "MFABOT_GRAPH_URL", Section: SectionGraph, Unset: "per MFABOT_CLOUD", Meaning: "Graph root",
		Kind: httpURL(func(c *Config, v string) { c.Graph.URL = v })},

	// Policy and safety controls.
	{Name: "MFABOT_HELPDESK_GROUP_ID", Section: SectionPolicy, Required: Serve | Show | Reset, Meaning: "the group whose members may request resets",
		Kind: guid(func(c *Config, v string) { c.Policy.HelpdeskGroupID = v })},
	{Name: "MFABOT_APPROVER_GROUP_ID", Section: SectionPolicy, Required: Serve | Show | Reset, Meaning: "the group whose members may approve resets",
		Kind: guid(func(c *Config, v string) { c.Policy.ApproverGroupID = v })},
	{Name: "MFABOT_PROTECTED_GROUP_ID", Section: SectionPolicy, Meaning: "accounts that are never reset",
		Kind: guid(func(c *Config, v string) { c.Policy.ProtectedGroupID = v })},
	{Name: "MFABOT_RESET_PROFILE", Section: SectionPolicy, Default: string(mfa.ProfileReregister), Meaning: "what a reset removes",
		Kind: oneOf(func(c *Config, v string) { c.Policy.Profile = mfa.Profile(v) }, string(mfa.ProfileReregister), string(mfa.ProfileAll))},
	{Name: "MFABOT_REQUEST_TTL", Section: SectionPolicy, Default: "30m", Meaning: "a pending request expires after this",
		Kind: duration("5m", "24h", func(c *Config, d time.Duration) { c.Policy.RequestTTL = d })},
	{Name: "MFABOT_TAP", Section: SectionPolicy, Default: "optional", Meaning: "Temporary Access Pass",
		Kind: oneOf(setTAP, "off", "optional", "always")},
	{Name: "MFABOT_TAP_LIFETIME", Section: SectionPolicy, Default: "60m", Meaning: "lifetime of a TAP",
		Kind: duration("10m", "8h", func(c *Config, d time.Duration) { c.Policy.TAPLifetime = d })},
	{Name: "MFABOT_TAP_ONE_TIME", Section: SectionPolicy, Default: "true", Meaning: "one-time TAP",
		Kind: boolean(func(c *Config, b bool) { c.Policy.TAPOneTime = b })},
	{Name: "MFABOT_TAP_GROUP_ID", Section: SectionPolicy, Unset: "any helpdesk member", Meaning: "only helpdesk members in this group may ask for a TAP",
		Kind: guid(func(c *Config, v string) { c.Policy.TAPGroupID = v })},
	{Name: "MFABOT_USER_CONFIRMATION", Section: SectionPolicy, Default: string(mfa.ConfirmReachable), Meaning: "ask the target \"Was this you?\"",
		Kind: oneOf(func(c *Config, v string) { c.Policy.Confirm = mfa.ConfirmPolicy(v) }, string(mfa.ConfirmOff), string(mfa.ConfirmReachable), string(mfa.ConfirmRequired))},
	{Name: "MFABOT_MANAGER_APPROVAL", Section: SectionPolicy, Default: string(mfa.ManagerOff), Meaning: "the target's manager's part in approval",
		Kind: oneOf(func(c *Config, v string) { c.Policy.Manager = mfa.ManagerPolicy(v) }, string(mfa.ManagerOff), string(mfa.ManagerMay), string(mfa.ManagerMust))},
	{Name: "MFABOT_LIMIT_PER_REQUESTER", Section: SectionPolicy, Default: "5", Meaning: "requests per agent per hour",
		Kind: integer(1, 1000, func(c *Config, n int) { c.Policy.PerRequesterLimit = n })},
	{Name: "MFABOT_LIMIT_PER_TARGET", Section: SectionPolicy, Default: "1", Meaning: "resets per user per 24 h",
		Kind: integer(1, 100, func(c *Config, n int) { c.Policy.PerTargetLimit = n })},
	{Name: "MFABOT_BREAKER_LIMIT", Section: SectionPolicy, Default: "20", Meaning: "resets per hour tenant-wide before all resets pause",
		Kind: integer(1, 10000, func(c *Config, n int) { c.Policy.BreakerLimit = n })},
	{Name: "MFABOT_ALERT_WEBHOOK_URL", Section: SectionPolicy, Secret: true, Meaning: "where security alerts are posted",
		Kind: httpURL(func(c *Config, v string) { c.AlertWebhook = v })},
	{Name: "MFABOT_MAIL_FROM", Section: SectionPolicy, Unset: "no mail", Meaning: "mailbox that mails the user after a reset",
		Kind: mailbox(func(c *Config, v string) { c.Policy.MailFrom = v })},
	{Name: "MFABOT_TEAMS_CATALOG_APP_ID", Section: SectionPolicy, Meaning: "the app's id in your org's Teams app catalog",
		Kind: guid(func(c *Config, v string) { c.TeamsCatalogAppID = v })},
	{Name: "MFABOT_APPROVAL_DELIVERY", Section: SectionPolicy, Default: "both", Meaning: "where request cards go: approvers' personal chats, the approvals conversation, or both",
		Kind: oneOf(func(c *Config, v string) { c.ApprovalDelivery = v }, "both", "personal", "conversation")},
	{Name: "MFABOT_INCIDENT_GROUP_ID", Section: SectionPolicy, Unset: "incident mode off", Meaning: "who may ask for an incident (group) reset",
		Kind: guid(func(c *Config, v string) { c.Policy.IncidentGroupID = v })},
	{Name: "MFABOT_INCIDENT_MAX", Section: SectionPolicy, Default: "50000", Meaning: "an incident reset of more users than this is refused",
		Kind: integer(1, 1000000, func(c *Config, n int) { c.Policy.IncidentMax = n })},
	{Name: "MFABOT_INCIDENT_WRITE_RATE", Section: SectionPolicy, Default: "20", Meaning: "Graph writes per second for incident resets, all replicas together (Graph allows one app 3,000 per 2 min 30 s in a tenant)",
		Kind: integer(1, 10000, func(c *Config, n int) { c.Policy.IncidentWriteRate = n })},
	{Name: "MFABOT_INCIDENT_WORKERS", Section: SectionPolicy, Default: "16", Meaning: "users reset at once by each replica in an incident reset",
		Kind: integer(1, 256, func(c *Config, n int) { c.Policy.IncidentWorkers = n })},
	{Name: "MFABOT_OPERATOR", Section: SectionPolicy, Required: Reset, Meaning: "the CLI operator's UPN, recorded in the audit",
		Kind: text(func(c *Config, v string) { c.Operator = v })},
	{Name: "MFABOT_DATABASE", Section: SectionPolicy, Default: "mfabot.db", Secret: true, Meaning: "an SQLite file or a postgres:// URL",
		Kind: text(func(c *Config, v string) { c.Database = v }), show: redact.URL},
	{Name: "MFABOT_LOG_LEVEL", Section: SectionPolicy, Default: "info", Meaning: "log level",
		Kind: oneOf(func(c *Config, v string) { c.LogLevel = v }, "debug", "info", "warn", "error")},
	{Name: "MFABOT_LOG_FORMAT", Section: SectionPolicy, Default: "json", Meaning: "log format",
		Kind: oneOf(func(c *Config, v string) { c.LogFormat = v }, "json", "text")},

	// Teams app package (mfabot manifest).
	{Name: "MFABOT_WEBSITE_URL", Section: SectionManifest, Default: PlaceholderWebsiteURL, Meaning: "the app's website, shown in Teams' app details",
		Kind: httpsURL(func(c *Config, v string) { c.Manifest.WebsiteURL = v })},
	{Name: "MFABOT_PRIVACY_URL", Section: SectionManifest, Default: PlaceholderPrivacyURL, Meaning: "the app's privacy statement",
		Kind: httpsURL(func(c *Config, v string) { c.Manifest.PrivacyURL = v })},
	{Name: "MFABOT_TERMS_URL", Section: SectionManifest, Default: PlaceholderTermsURL, Meaning: "the app's terms of use",
		Kind: httpsURL(func(c *Config, v string) { c.Manifest.TermsURL = v })},
}

// The developer URLs a package gets until the deployment names its own;
// `mfabot manifest` warns while they are in use.
const (
	PlaceholderWebsiteURL = manifest.DefaultWebsiteURL
	PlaceholderPrivacyURL = manifest.DefaultPrivacyURL
	PlaceholderTermsURL   = manifest.DefaultTermsURL
)

// setTAP maps the documented off|optional|always onto the policy.
func setTAP(c *Config, v string) {
	c.Policy.TAPEnabled = v != "off"
	c.Policy.TAPDefault = v == "always"
}

// isPlaceholder reports whether a manifest URL is one of the placeholders.
func isPlaceholder(u string) bool {
	return strings.HasPrefix(u, strings.TrimSuffix(PlaceholderWebsiteURL, "/"))
}
