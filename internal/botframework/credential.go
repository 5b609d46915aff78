package botframework

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// Values of MicrosoftAppType.
const (
	AppTypeSingleTenant    = "SingleTenant"
	AppTypeMultiTenant     = "MultiTenant"
	AppTypeUserAssignedMSI = "UserAssignedMSI"
)

// multiTenantAuthority is the tenant multi-tenant bots get tokens from.
const multiTenantAuthority = "botframework.com"

// microsoftAuthorityHosts are the login hosts of Microsoft's clouds, for
// which MSAL's instance discovery stays on.
var microsoftAuthorityHosts = []string{
	"login.microsoftonline.com",
	"login.microsoftonline.us",
	"login.chinacloudapi.cn",
	"login.partner.microsoftonline.cn",
}

// CredentialConfig is how the bot gets tokens for the Bot Connector.
type CredentialConfig struct {
	AppType  string // MicrosoftAppType; default SingleTenant
	AppID    string // MicrosoftAppId
	Password string // MicrosoftAppPassword (client secret)
	TenantID string // MicrosoftAppTenantId
	CertPath string // PEM or PKCS#12 file with certificate and private key
	// LoginURL is ToChannelFromBotLoginUrl, e.g.
	// https://login.microsoftonline.com/{tenant}; it overrides the
	// authority host and, when it names one, the tenant.
	LoginURL string
	// ClientOptions are passed to azidentity (transport, retries, cloud).
	ClientOptions azcore.ClientOptions
}

// NewBotCredential builds the credential for the Bot Connector from the Bot
// Framework settings; see CredentialConfig.
func NewBotCredential(appType, appID, password, tenantID, certPath, loginURL string) (azcore.TokenCredential, error) {
	return NewCredential(CredentialConfig{AppType: appType, AppID: appID, Password: password,
		TenantID: tenantID, CertPath: certPath, LoginURL: loginURL})
}

// NewCredential builds the credential for the Bot Connector: a single-tenant
// app authenticates in its own tenant, a multi-tenant app in
// botframework.com, a user-assigned managed identity through the managed
// identity endpoint; apps use a client secret or a certificate.
func NewCredential(cfg CredentialConfig) (azcore.TokenCredential, error) {
	if cfg.AppID == "" {
		return nil, errors.New("bot credential: MicrosoftAppId is required")
	}
	opts := cfg.ClientOptions
	tenant := ""
	switch strings.ToLower(cfg.AppType) {
	case "", strings.ToLower(AppTypeSingleTenant):
		if cfg.TenantID == "" {
			return nil, errors.New("bot credential: MicrosoftAppTenantId is required for a SingleTenant app")
		}
		tenant = cfg.TenantID
	case strings.ToLower(AppTypeMultiTenant):
		tenant = multiTenantAuthority
	case strings.ToLower(AppTypeUserAssignedMSI):
		if cfg.Password != "" || cfg.CertPath != "" {
			return nil, errors.New("bot credential: a UserAssignedMSI app takes no password or certificate")
		}
		cred, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{
			ClientOptions: opts, ID: azidentity.ClientID(cfg.AppID)})
		if err != nil {
			return nil, fmt.Errorf("bot credential: managed identity: %w", err)
		}
		return cred, nil
	default:
		return nil, fmt.Errorf("bot credential: unknown MicrosoftAppType %q (want SingleTenant, MultiTenant or UserAssignedMSI)", cfg.AppType)
	}

	disableDiscovery := false
	if cfg.LoginURL != "" {
		host, t, err := parseLoginURL(cfg.LoginURL)
		if err != nil {
			return nil, err
		}
		if t != "" {
			tenant = t
		}
		c := opts.Cloud
		c.ActiveDirectoryAuthorityHost = host
		opts.Cloud = c
		u, _ := url.Parse(host)
		disableDiscovery = !isMicrosoftHost(u.Hostname())
	}

	switch {
	case cfg.CertPath != "":
		data, err := os.ReadFile(cfg.CertPath)
		if err != nil {
			return nil, fmt.Errorf("bot credential: read certificate: %w", err)
		}
		certs, key, err := azidentity.ParseCertificates(data, nil)
		if err != nil {
			return nil, fmt.Errorf("bot credential: parse certificate %s: %w", cfg.CertPath, err)
		}
		cred, err := azidentity.NewClientCertificateCredential(tenant, cfg.AppID, certs, key,
			&azidentity.ClientCertificateCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: disableDiscovery})
		if err != nil {
			return nil, fmt.Errorf("bot credential: certificate: %w", err)
		}
		return cred, nil
	case cfg.Password != "":
		cred, err := azidentity.NewClientSecretCredential(tenant, cfg.AppID, cfg.Password,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: disableDiscovery})
		if err != nil {
			return nil, fmt.Errorf("bot credential: client secret: %w", err)
		}
		return cred, nil
	}
	return nil, errors.New("bot credential: MicrosoftAppPassword or a certificate is required")
}

// parseLoginURL splits ToChannelFromBotLoginUrl into the authority host
// (scheme://host/) and the tenant named by its first path segment, if any.
func parseLoginURL(s string) (host, tenant string, err error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", "", fmt.Errorf("bot credential: ToChannelFromBotLoginUrl %q is not an absolute URL", s)
	}
	seg, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if seg == "{tenant}" {
		seg = ""
	}
	return u.Scheme + "://" + u.Host + "/", seg, nil
}

func isMicrosoftHost(h string) bool {
	for _, m := range microsoftAuthorityHosts {
		if strings.EqualFold(h, m) {
			return true
		}
	}
	return false
}
