package config

import "strings"

// Cloud is the set of Microsoft endpoints of one national cloud that
// MFABOT_CLOUD selects. Each value is the one Microsoft documents; a
// variable set explicitly still wins over it.
type Cloud struct {
	// Name is the MFABOT_CLOUD value: Public, USGov, USGovDoD or China
	// (the names of the Teams SDK's CLOUD setting).
	Name string
	// OpenIDMetadata is ToBotFromChannelOpenIdMetadataUrl.
	OpenIDMetadata string
	// TokenIssuer is ToBotFromChannelTokenIssuer, the iss of the
	// channel's tokens.
	TokenIssuer string
	// ConnectorResource is ToChannelFromBotOAuthScope in the SDKs' form
	// (the resource; /.default is added when the token is asked for).
	ConnectorResource string
	// LoginHost is the authority of ToChannelFromBotLoginUrl; the tenant
	// is MicrosoftAppTenantId, or ChannelAuthTenant for a MultiTenant app.
	LoginHost string
	// ChannelAuthTenant is the tenant a MultiTenant bot gets its Connector
	// token from.
	ChannelAuthTenant string
	// GraphURL is MFABOT_GRAPH_URL; the Graph token scope is
	// GraphURL + "/.default".
	GraphURL string
	// AuthorityHost is AZURE_AUTHORITY_HOST, the Entra authority for the
	// Graph credential.
	AuthorityHost string
}

// Sources of the values (checked against Microsoft's documentation):
//   - Bot Framework, Public: botbuilder-dotnet AuthenticationConstants
//     (ToBotFromChannelOpenIdMetadataUrl, ToBotFromChannelTokenIssuer,
//     ToChannelFromBotOAuthScope, DefaultChannelAuthTenant) and the
//     Connector authentication article,
//     https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication
//   - Bot Framework, USGov (GCC High) and USGovDoD: "Configure Bot
//     Framework bots for US Government customers",
//     https://learn.microsoft.com/azure/bot-service/how-to-deploy-gov-cloud-high
//     (ToChannelFromBotLoginUrl https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us,
//     ToChannelFromBotOAuthScope and ToBotFromChannelTokenIssuer
//     https://api.botframework.us, ToBotFromChannelOpenIdMetadataUrl
//     https://login.botframework.azure.us/v1/.well-known/openidconfiguration,
//     the same for DoD), and botbuilder-dotnet
//     GovernmentAuthenticationConstants.
//   - Bot Framework, China: "Configure a bot in Microsoft Azure operated
//     by 21Vianet",
//     https://learn.microsoft.com/azure/bot-service/how-to-deploy-china-cloud
//     (login.partner.microsoftonline.cn, api.botframework.azure.cn,
//     login.botframework.azure.cn, microsoftservices.partner.onmschina.cn).
//   - The same four presets under the same names: the Teams SDK's
//     CloudEnvironment (microsoft/teams.ts
//     packages/api/src/auth/cloud-environment.ts;
//     https://learn.microsoft.com/microsoftteams/platform/teams-sdk/essentials/app-configuration/sovereign-cloud).
//   - Graph and its Entra authority: "Microsoft Graph national cloud
//     deployments", https://learn.microsoft.com/graph/deployments
//     (graph.microsoft.com, graph.microsoft.us for GCC High,
//     dod-graph.microsoft.us for DoD, microsoftgraph.chinacloudapi.cn;
//     login.microsoftonline.com, login.microsoftonline.us,
//     login.chinacloudapi.cn).
var clouds = []Cloud{
	{
		Name:              "Public",
		OpenIDMetadata:    "https://login.botframework.com/v1/.well-known/openidconfiguration",
		TokenIssuer:       "https://api.botframework.com",
		ConnectorResource: "https://api.botframework.com",
		LoginHost:         "https://login.microsoftonline.com",
		ChannelAuthTenant: "botframework.com",
		GraphURL:          "https://graph.microsoft.com",
		AuthorityHost:     "https://login.microsoftonline.com/",
	},
	{
		Name:              "USGov",
		OpenIDMetadata:    "https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
		TokenIssuer:       "https://api.botframework.us",
		ConnectorResource: "https://api.botframework.us",
		LoginHost:         "https://login.microsoftonline.us",
		ChannelAuthTenant: "MicrosoftServices.onmicrosoft.us",
		GraphURL:          "https://graph.microsoft.us",
		AuthorityHost:     "https://login.microsoftonline.us/",
	},
	{
		Name:              "USGovDoD",
		OpenIDMetadata:    "https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
		TokenIssuer:       "https://api.botframework.us",
		ConnectorResource: "https://api.botframework.us",
		LoginHost:         "https://login.microsoftonline.us",
		ChannelAuthTenant: "MicrosoftServices.onmicrosoft.us",
		GraphURL:          "https://dod-graph.microsoft.us",
		AuthorityHost:     "https://login.microsoftonline.us/",
	},
	{
		Name:              "China",
		OpenIDMetadata:    "https://login.botframework.azure.cn/v1/.well-known/openidconfiguration",
		TokenIssuer:       "https://api.botframework.azure.cn",
		ConnectorResource: "https://api.botframework.azure.cn",
		LoginHost:         "https://login.partner.microsoftonline.cn",
		ChannelAuthTenant: "microsoftservices.partner.onmschina.cn",
		GraphURL:          "https://microsoftgraph.chinacloudapi.cn",
		AuthorityHost:     "https://login.chinacloudapi.cn/",
	},
}

// cloudNames are the MFABOT_CLOUD values, in order.
func cloudNames() []string {
	out := make([]string, len(clouds))
	for i, c := range clouds {
		out[i] = c.Name
	}
	return out
}

// CloudNamed returns the cloud called name (any case).
func CloudNamed(name string) (Cloud, bool) {
	for _, c := range clouds {
		if strings.EqualFold(c.Name, name) {
			return c, true
		}
	}
	return Cloud{}, false
}

// fromCloud marks a value that MFABOT_CLOUD filled in.
const fromCloud source = "cloud"

// applyCloud fills every endpoint that was not set explicitly from the
// selected cloud, so one setting moves the bot and Graph together.
func (c *Config) applyCloud() {
	cl, ok := CloudNamed(c.Cloud)
	if !ok {
		cl = clouds[0]
	}
	c.Cloud = cl.Name
	fill := func(name string, field *string, v string) {
		if *field != "" {
			return
		}
		*field = v
		c.values[name], c.sources[name] = v, fromCloud
	}
	fill("ToBotFromChannelOpenIdMetadataUrl", &c.Bot.OpenIDMetadata, cl.OpenIDMetadata)
	fill("ToBotFromChannelTokenIssuer", &c.Bot.TokenIssuer, cl.TokenIssuer)
	fill("ToChannelFromBotOAuthScope", &c.Bot.OAuthScope, cl.ConnectorResource)
	login := cl.LoginHost
	if strings.EqualFold(c.Bot.AppType, "MultiTenant") {
		login += "/" + cl.ChannelAuthTenant
	}
	if !strings.EqualFold(c.Bot.AppType, "UserAssignedMSI") {
		fill("ToChannelFromBotLoginUrl", &c.Bot.LoginURL, login)
	}
	fill("MFABOT_GRAPH_URL", &c.Graph.URL, cl.GraphURL)
	fill("AZURE_AUTHORITY_HOST", &c.Graph.AuthorityHost, strings.TrimRight(cl.AuthorityHost, "/"))
}

// LoginTenantWarning says what is likely wrong when a SingleTenant bot's
// ToChannelFromBotLoginUrl names a cloud's multi-tenant channel tenant, as
// Microsoft's US Government article writes it: a single-tenant app is not
// found in that directory, so every reply would fail. "" when nothing is.
func (c Config) LoginTenantWarning() string {
	if !strings.EqualFold(c.Bot.AppType, "SingleTenant") || c.Bot.LoginURL == "" {
		return ""
	}
	for _, cl := range clouds {
		if strings.HasSuffix(strings.ToLower(strings.TrimRight(c.Bot.LoginURL, "/")), "/"+strings.ToLower(cl.ChannelAuthTenant)) {
			return "ToChannelFromBotLoginUrl names " + cl.ChannelAuthTenant + ", the tenant of multi-tenant bots; a SingleTenant app gets its token from its own tenant: leave ToChannelFromBotLoginUrl unset or end it with MicrosoftAppTenantId"
		}
	}
	return ""
}
