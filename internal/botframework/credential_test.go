package botframework_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
)

func TestCredentialGetsConnectorToken(t *testing.T) {
	for _, c := range []struct {
		appType, loginURL, wantTenant, scope string
	}{
		{"SingleTenant", "{base}/{tenant}", channeltest.DefaultTenantID, ""},
		{"", "{base}", channeltest.DefaultTenantID, ""},
		{"MultiTenant", "{base}", "botframework.com", ""},
		{"SingleTenant", "{base}/override-tenant", "override-tenant", ""},
		// ToChannelFromBotOAuthScope as Microsoft's deployment docs and
		// the SDKs write it: the resource, to which /.default is added.
		{"SingleTenant", "{base}", channeltest.DefaultTenantID, "https://api.botframework.com"},
		{"SingleTenant", "{base}", channeltest.DefaultTenantID, "https://api.botframework.com/"},
		{"SingleTenant", "{base}", channeltest.DefaultTenantID, "https://api.botframework.com/.default"},
	} {
		t.Run(c.appType+" "+c.loginURL+" "+c.scope, func(t *testing.T) {
			ch := channeltest.New(t, channeltest.Config{TLS: true})
			login := strings.ReplaceAll(c.loginURL, "{base}", ch.URL)
			cred, err := botframework.NewCredential(botframework.CredentialConfig{
				AppType: c.appType, AppID: ch.AppID, Password: channeltest.DefaultClientSecret, TenantID: ch.TenantID,
				LoginURL: login, ClientOptions: azcore.ClientOptions{Transport: ch.Client()},
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			src := botframework.AzureTokenSource{Credential: cred, Scope: c.scope}
			tok, err := src.Token(ctx)
			if err != nil || tok != ch.Token() {
				t.Fatalf("token %q, err %v", tok, err)
			}
			// azidentity caches the token.
			if _, err := src.Token(ctx); err != nil {
				t.Fatal(err)
			}
			log := ch.TokenRequestLog()
			if len(log) != 1 || log[0].Tenant != c.wantTenant || !slices.Contains(strings.Fields(log[0].Scope), botframework.DefaultOAuthScope) || log[0].ClientID != ch.AppID {
				t.Fatalf("token requests = %+v, want one for tenant %s", log, c.wantTenant)
			}
			// The token works against the channel's connector.
			conn := botframework.NewConnector(botframework.ConnectorConfig{Tokens: src, HTTPClient: ch.Client()})
			if _, err := conn.SendToConversation(ctx, ch.URL, "a:1", &botframework.Activity{Type: "message"}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCredentialWrongSecretIsAnErrorWithoutSecret(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{TLS: true})
	cred, err := botframework.NewCredential(botframework.CredentialConfig{
		AppID: ch.AppID, Password: "wrong-secret-value", TenantID: ch.TenantID, LoginURL: ch.URL,
		ClientOptions: azcore.ClientOptions{Transport: ch.Client()},
	})
	if err != nil {
		t.Fatal(err)
	}
	conn := botframework.NewConnector(botframework.ConnectorConfig{Tokens: botframework.AzureTokenSource{Credential: cred}, HTTPClient: ch.Client()})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = conn.SendToConversation(ctx, ch.URL, "a:1", &botframework.Activity{Type: "message"})
	var ce *botframework.ConnectorError
	if !errors.As(err, &ce) || strings.Contains(err.Error(), "wrong-secret-value") {
		t.Fatalf("err = %v", err)
	}
	if len(ch.Sent()) != 0 {
		t.Fatal("sent without a token")
	}
}

func TestNewBotCredentialValidates(t *testing.T) {
	for name, args := range map[string][6]string{
		"no app id":          {"SingleTenant", "", "s3cr3t-pw", "t", "", ""},
		"single no tenant":   {"SingleTenant", "app", "s3cr3t-pw", "", "", ""},
		"unknown type":       {"Federated", "app", "s3cr3t-pw", "t", "", ""},
		"no secret":          {"MultiTenant", "app", "", "", "", ""},
		"msi with password":  {"UserAssignedMSI", "app", "s3cr3t-pw", "t", "", ""},
		"missing cert":       {"SingleTenant", "app", "", "t", "/nonexistent/cert.pem", ""},
		"relative login url": {"SingleTenant", "app", "s3cr3t-pw", "t", "", "login/tenant"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := botframework.NewBotCredential(args[0], args[1], args[2], args[3], args[4], args[5])
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), "s3cr3t-pw") {
				t.Fatal("error contains the secret")
			}
		})
	}
	if _, err := botframework.NewBotCredential("UserAssignedMSI", "app", "", "t", "", ""); err != nil {
		t.Fatalf("managed identity: %v", err)
	}
	if _, err := botframework.NewBotCredential("MultiTenant", "app", "s3cr3t-pw", "", "", "https://login.microsoftonline.com/botframework.com"); err != nil {
		t.Fatalf("multi-tenant: %v", err)
	}
}

func TestStaticTokenSource(t *testing.T) {
	if _, err := botframework.StaticTokenSource("").Token(context.Background()); err == nil {
		t.Fatal("empty static token accepted")
	}
	if _, err := (botframework.AzureTokenSource{}).Token(context.Background()); err == nil {
		t.Fatal("token source without credential accepted")
	}
}

func TestCredentialWithCertificate(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{TLS: true})
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mfabot"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bot.pem")
	data := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})...)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cred, err := botframework.NewCredential(botframework.CredentialConfig{AppID: ch.AppID, TenantID: ch.TenantID,
		CertPath: path, LoginURL: ch.URL, ClientOptions: azcore.ClientOptions{Transport: ch.Client()}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if tok, err := (botframework.AzureTokenSource{Credential: cred}).Token(ctx); err != nil || tok != ch.Token() {
		t.Fatalf("token %q, err %v", tok, err)
	}
	if err := os.WriteFile(path, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := botframework.NewBotCredential("SingleTenant", ch.AppID, "", ch.TenantID, path, ""); err == nil {
		t.Fatal("garbage certificate accepted")
	}
}
