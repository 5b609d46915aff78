package config

import (
	"strings"
	"testing"
)

// cloudWant is what each MFABOT_CLOUD must set, written out from
// Microsoft's documentation (see the sources in cloud.go), not computed
// from the table under test.
var cloudWant = map[string]map[string]string{
	"Public": {
		"ToBotFromChannelOpenIdMetadataUrl": "https://login.botframework.com/v1/.well-known/openidconfiguration",
		"ToBotFromChannelTokenIssuer":       "https://api.botframework.com",
		"ToChannelFromBotOAuthScope":        "https://api.botframework.com",
		"ToChannelFromBotLoginUrl":          "https://login.microsoftonline.com",
		"MFABOT_GRAPH_URL":                  "https://graph.microsoft.com",
		"AZURE_AUTHORITY_HOST":              "https://login.microsoftonline.com",
	},
	"USGov": {
		"ToBotFromChannelOpenIdMetadataUrl": "https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
		"ToBotFromChannelTokenIssuer":       "https://api.botframework.us",
		"ToChannelFromBotOAuthScope":        "https://api.botframework.us",
		"ToChannelFromBotLoginUrl":          "https://login.microsoftonline.us",
		"MFABOT_GRAPH_URL":                  "https://graph.microsoft.us",
		"AZURE_AUTHORITY_HOST":              "https://login.microsoftonline.us",
	},
	"USGovDoD": {
		"ToBotFromChannelOpenIdMetadataUrl": "https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
		"ToBotFromChannelTokenIssuer":       "https://api.botframework.us",
		"ToChannelFromBotOAuthScope":        "https://api.botframework.us",
		"ToChannelFromBotLoginUrl":          "https://login.microsoftonline.us",
		"MFABOT_GRAPH_URL":                  "https://dod-graph.microsoft.us",
		"AZURE_AUTHORITY_HOST":              "https://login.microsoftonline.us",
	},
	"China": {
		"ToBotFromChannelOpenIdMetadataUrl": "https://login.botframework.azure.cn/v1/.well-known/openidconfiguration",
		"ToBotFromChannelTokenIssuer":       "https://api.botframework.azure.cn",
		"ToChannelFromBotOAuthScope":        "https://api.botframework.azure.cn",
		"ToChannelFromBotLoginUrl":          "https://login.partner.microsoftonline.cn",
		"MFABOT_GRAPH_URL":                  "https://microsoftgraph.chinacloudapi.cn",
		"AZURE_AUTHORITY_HOST":              "https://login.chinacloudapi.cn",
	},
}

func endpoints(c Config) map[string]string {
	return map[string]string{
		"ToBotFromChannelOpenIdMetadataUrl": c.Bot.OpenIDMetadata,
		"ToBotFromChannelTokenIssuer":       c.Bot.TokenIssuer,
		"ToChannelFromBotOAuthScope":        c.Bot.OAuthScope,
		"ToChannelFromBotLoginUrl":          c.Bot.LoginURL,
		"MFABOT_GRAPH_URL":                  c.Graph.URL,
		"AZURE_AUTHORITY_HOST":              c.Graph.AuthorityHost,
	}
}

func TestCloudSetsEveryEndpoint(t *testing.T) {
	for name, want := range cloudWant {
		for _, spelled := range []string{name, strings.ToLower(name)} {
			c, err := Load(env(map[string]string{"MFABOT_CLOUD": spelled}))
			if err != nil {
				t.Fatal(err)
			}
			if c.Cloud != name {
				t.Errorf("MFABOT_CLOUD=%s: Cloud = %q", spelled, c.Cloud)
			}
			got := endpoints(c)
			for k, v := range want {
				if got[k] != v {
					t.Errorf("MFABOT_CLOUD=%s: %s = %q, want %q", spelled, k, got[k], v)
				}
				if c.Value(k) != v {
					t.Errorf("MFABOT_CLOUD=%s: listing value of %s = %q, want %q", spelled, k, c.Value(k), v)
				}
			}
		}
	}
	// Unset is the public cloud.
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := endpoints(c); got["ToBotFromChannelTokenIssuer"] != cloudWant["Public"]["ToBotFromChannelTokenIssuer"] || c.Cloud != "Public" {
		t.Fatalf("default cloud: %q %v", c.Cloud, got)
	}
}

// A MultiTenant bot gets its Connector token from the cloud's channel
// tenant, as the SDKs' DefaultChannelAuthTenant.
func TestCloudMultiTenantLoginTenant(t *testing.T) {
	for cloud, want := range map[string]string{
		"Public": "https://login.microsoftonline.com/botframework.com",
		"USGov":  "https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us",
		"China":  "https://login.partner.microsoftonline.cn/microsoftservices.partner.onmschina.cn",
	} {
		c, err := Load(env(map[string]string{"MFABOT_CLOUD": cloud, "MicrosoftAppType": "MultiTenant"}))
		if err != nil || c.Bot.LoginURL != want {
			t.Errorf("%s MultiTenant: login %q, want %q (%v)", cloud, c.Bot.LoginURL, want, err)
		}
	}
}

// An explicit variable wins over the cloud's value, one by one.
func TestExplicitEndpointWinsOverCloud(t *testing.T) {
	set := map[string]string{
		"ToBotFromChannelOpenIdMetadataUrl": "https://metadata.example/v1/.well-known/openidconfiguration",
		"ToBotFromChannelTokenIssuer":       "https://issuer.example",
		"ToChannelFromBotOAuthScope":        "https://connector.example/.default",
		"ToChannelFromBotLoginUrl":          "https://login.example/tenant",
		"MFABOT_GRAPH_URL":                  "https://graph.example",
		"AZURE_AUTHORITY_HOST":              "https://authority.example",
	}
	for k, v := range set {
		c, err := Load(env(map[string]string{"MFABOT_CLOUD": "USGov", k: v}))
		if err != nil {
			t.Fatal(err)
		}
		got := endpoints(c)
		if got[k] != v {
			t.Errorf("%s=%s with MFABOT_CLOUD=USGov: got %q", k, v, got[k])
		}
		for other, want := range cloudWant["USGov"] {
			if other != k && got[other] != want {
				t.Errorf("setting %s changed %s to %q", k, other, got[other])
			}
		}
	}
}

func TestUnknownCloudIsNamed(t *testing.T) {
	_, err := Load(env(map[string]string{"MFABOT_CLOUD": "Germany"}))
	if err == nil || !strings.Contains(err.Error(), "MFABOT_CLOUD") || !strings.Contains(err.Error(), "USGovDoD") {
		t.Fatalf("err = %v", err)
	}
}

// MFABOT_METRICS_ADDR: loopback by default, off disables, nonsense is named.
func TestMetricsAddr(t *testing.T) {
	for v, want := range map[string]string{"": "127.0.0.1:9464", "off": "", "OFF": "", ":9100": ":9100", "10.0.0.5:9464": "10.0.0.5:9464"} {
		c, err := Load(env(map[string]string{"MFABOT_METRICS_ADDR": v}))
		if err != nil || c.MetricsAddr != want {
			t.Errorf("MFABOT_METRICS_ADDR=%q: %q, %v; want %q", v, c.MetricsAddr, err, want)
		}
	}
	for _, v := range []string{"9464", "metrics:99999", "no such host:1"} {
		if _, err := Load(env(map[string]string{"MFABOT_METRICS_ADDR": v})); err == nil || !strings.Contains(err.Error(), "MFABOT_METRICS_ADDR") {
			t.Errorf("MFABOT_METRICS_ADDR=%q: err %v", v, err)
		}
	}
}

func TestLoginTenantWarning(t *testing.T) {
	doc := "https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us"
	for _, c := range []struct {
		appType, login string
		warn           bool
	}{
		{"SingleTenant", doc, true},
		{"SingleTenant", doc + "/", true},
		{"MultiTenant", doc, false},
		{"SingleTenant", "https://login.microsoftonline.us/" + g1, false},
		{"SingleTenant", "", false},
	} {
		cfg, err := Load(env(map[string]string{"MicrosoftAppType": c.appType, "ToChannelFromBotLoginUrl": c.login, "MFABOT_CLOUD": "USGov"}))
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.LoginTenantWarning(); (got != "") != c.warn {
			t.Errorf("%s %q: warning %q", c.appType, c.login, got)
		}
	}
}
