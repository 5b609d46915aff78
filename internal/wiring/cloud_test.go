package wiring

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
)

// toChannel is a transport that sends every request, whatever its host
// (login.microsoftonline.us, login.botframework.azure.us, …), to the test
// channel, so the bot can be configured with Microsoft's real URLs.
func toChannel(ch *channeltest.Channel) http.RoundTripper {
	tr := ch.Client().Transport.(*http.Transport).Clone()
	addr := strings.TrimPrefix(ch.URL, "https://")
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	tr.DialTLSContext = nil
	tr.TLSClientConfig = tr.TLSClientConfig.Clone()
	tr.TLSClientConfig.ServerName = "example.com" // in httptest's certificate
	tr.TLSClientConfig.MinVersion = tls.VersionTLS12
	return tr
}

// TestServeWithMicrosoftsDocumentedValues configures the bot exactly as
// Microsoft's articles write it — the public cloud's defaults, and the
// GCC High settings of "Configure Bot Framework bots for US Government
// customers" (https://learn.microsoft.com/azure/bot-service/how-to-deploy-gov-cloud-high),
// then with MFABOT_CLOUD alone — and checks, through the production wiring
// of the bot's edge, that it starts, accepts an activity signed by that
// cloud's channel and replies with a token for that cloud's Connector.
func TestServeWithMicrosoftsDocumentedValues(t *testing.T) {
	for _, c := range []struct {
		name             string
		env              map[string]string
		issuer, resource string
		wantTenant       string
	}{
		{name: "public cloud, defaults", env: map[string]string{},
			issuer: "https://api.botframework.com", resource: "https://api.botframework.com", wantTenant: channeltest.DefaultTenantID},
		{name: "GCC High, the article's values", env: map[string]string{
			"ChannelService":                     "https://botframework.azure.us",
			"OAuthUrl":                           "https://tokengcch.botframework.azure.us/",
			"ToChannelFromBotLoginUrl":           "https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us",
			"ToChannelFromBotOAuthScope":         "https://api.botframework.us",
			"ToBotFromChannelTokenIssuer":        "https://api.botframework.us",
			"ToBotFromChannelOpenIdMetadataUrl":  "https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
			"ToBotFromEmulatorOpenIdMetadataUrl": "https://login.microsoftonline.us/cab8a31a-1906-4287-a0d8-4eef66b95f6e/v2.0/.well-known/openid-configuration",
			"ValidateAuthority":                  "true",
		}, issuer: "https://api.botframework.us", resource: "https://api.botframework.us", wantTenant: "MicrosoftServices.onmicrosoft.us"},
		{name: "GCC High, MFABOT_CLOUD=USGov", env: map[string]string{"MFABOT_CLOUD": "USGov"},
			issuer: "https://api.botframework.us", resource: "https://api.botframework.us", wantTenant: channeltest.DefaultTenantID},
		{name: "China, MFABOT_CLOUD=China", env: map[string]string{"MFABOT_CLOUD": "China"},
			issuer: "https://api.botframework.azure.cn", resource: "https://api.botframework.azure.cn", wantTenant: channeltest.DefaultTenantID},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch := channeltest.New(t, channeltest.Config{TLS: true, Issuer: c.issuer, Resource: c.resource})
			env := map[string]string{
				"MicrosoftAppId": ch.AppID, "MicrosoftAppPassword": channeltest.DefaultClientSecret, "MicrosoftAppTenantId": ch.TenantID,
				"MFABOT_HELPDESK_GROUP_ID": graphfake.DemoHelpdeskGroupID, "MFABOT_APPROVER_GROUP_ID": graphfake.DemoApproverGroupID,
				"MFABOT_DATABASE": filepath.Join(t.TempDir(), "mfabot.db"),
			}
			for k, v := range c.env {
				env[k] = v
			}
			cfg, err := config.LoadFor(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, config.Serve)
			if err != nil {
				t.Fatal(err)
			}
			logger := slog.New(slog.NewTextHandler(testWriter{t}, nil))
			validator, connector, err := botEdge(cfg, logger, toChannel(ch))
			if err != nil {
				t.Fatal(err)
			}
			fake := graphfake.New(graphfake.Options{Tenant: graphfake.DemoTenant()})
			t.Cleanup(fake.Close)
			dir, err := graph.NewAnonymous(fake.URL())
			if err != nil {
				t.Fatal(err)
			}
			lb := startServe(t, ch, cfg, dir, botOptions{validator: validator, sender: connector}, logger)
			hanna := channeltest.User{ID: "29:hanna", AADObjectID: graphfake.DemoAgentID, Name: "Hanna Helpdesk"}
			status, _, err := ch.Post(lb.URL, ch.Message(hanna, "help"))
			if err != nil || status != http.StatusOK {
				t.Fatalf("activity: status %d, err %v", status, err)
			}
			ch.WaitSent(t, 1, 10*time.Second)
			log := ch.TokenRequestLog()
			if len(log) == 0 || log[0].Scope == "" || !strings.Contains(" "+log[0].Scope+" ", " "+c.resource+"/.default ") || log[0].Tenant != c.wantTenant {
				t.Fatalf("token requests %+v, want scope %s/.default from tenant %s", log, c.resource, c.wantTenant)
			}
		})
	}
}

// testWriter sends log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
