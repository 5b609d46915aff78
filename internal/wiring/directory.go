package wiring

import (
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Directory builds the Microsoft Graph directory (and mailer) from
// azidentity's settings. The bot's tenant stands in when AZURE_TENANT_ID is
// not set.
func Directory(cfg config.Config) (mfa.Directory, mfa.Mailer, error) {
	g := cfg.Graph
	tenant := g.TenantID
	if tenant == "" {
		tenant = cfg.Bot.AppTenantID
	}
	cred, err := graph.NewCredential(graph.CredentialOptions{
		TenantID: tenant, ClientID: g.ClientID, ClientSecret: g.ClientSecret,
		CertificatePath: g.CertificatePath, CertificatePassword: g.CertificatePassword,
		FederatedTokenFile: g.FederatedTokenFile, AuthorityHost: g.AuthorityHost,
	})
	if err != nil {
		return nil, nil, mfa.Wrap(mfa.EInvalid, err, "the Microsoft Graph credential (%s) could not be set up", graph.CredentialKind(graph.CredentialOptions{ClientSecret: g.ClientSecret, CertificatePath: g.CertificatePath, FederatedTokenFile: g.FederatedTokenFile}))
	}
	d, err := graph.New(graph.Config{BaseURL: g.URL, Credential: cred})
	if err != nil {
		return nil, nil, mfa.Wrap(mfa.EInvalid, err, "MFABOT_GRAPH_URL=%s cannot be used", g.URL)
	}
	return d, d, nil
}
