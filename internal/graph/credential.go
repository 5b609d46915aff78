package graph

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// CredentialOptions are the Entra app's settings, named after azidentity's
// environment variables (the config package reads them).
type CredentialOptions struct {
	TenantID            string // AZURE_TENANT_ID
	ClientID            string // AZURE_CLIENT_ID
	ClientSecret        string // AZURE_CLIENT_SECRET
	CertificatePath     string // AZURE_CLIENT_CERTIFICATE_PATH (PEM or PKCS#12)
	CertificatePassword string // AZURE_CLIENT_CERTIFICATE_PASSWORD
	FederatedTokenFile  string // AZURE_FEDERATED_TOKEN_FILE (workload identity)
	// AuthorityHost is AZURE_AUTHORITY_HOST, e.g.
	// https://login.microsoftonline.us/; the public cloud when empty.
	AuthorityHost string
}

// Credential kinds, as CredentialKind names them.
const (
	CredentialSecret           = "client secret"
	CredentialCertificate      = "client certificate"
	CredentialWorkloadIdentity = "workload identity"
	CredentialManagedIdentity  = "managed identity"
)

// CredentialKind names the credential NewCredential chooses: a client
// secret, else a certificate, else workload identity (a federated token
// file), else managed identity (user-assigned when ClientID is set).
func CredentialKind(o CredentialOptions) string {
	switch {
	case o.ClientSecret != "":
		return CredentialSecret
	case o.CertificatePath != "":
		return CredentialCertificate
	case o.FederatedTokenFile != "":
		return CredentialWorkloadIdentity
	}
	return CredentialManagedIdentity
}

// microsoftAuthorities are the hosts MSAL knows; any other authority
// (Azure Stack, a private or test authority) needs instance discovery off,
// or MSAL asks login.microsoftonline.com about it.
var microsoftAuthorities = []string{"login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn"}

// NewCredential builds the token credential CredentialKind names.
func NewCredential(o CredentialOptions) (azcore.TokenCredential, error) {
	client, disableDiscovery, err := clientOptions(o.AuthorityHost)
	if err != nil {
		return nil, err
	}
	kind := CredentialKind(o)
	if kind != CredentialManagedIdentity && (o.TenantID == "" || o.ClientID == "") {
		return nil, fmt.Errorf("graph: a %s needs AZURE_TENANT_ID and AZURE_CLIENT_ID", kind)
	}
	switch kind {
	case CredentialSecret:
		return azidentity.NewClientSecretCredential(o.TenantID, o.ClientID, o.ClientSecret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: client, DisableInstanceDiscovery: disableDiscovery})
	case CredentialCertificate:
		data, err := os.ReadFile(o.CertificatePath)
		if err != nil {
			return nil, fmt.Errorf("graph: read AZURE_CLIENT_CERTIFICATE_PATH: %w", err)
		}
		var pw []byte
		if o.CertificatePassword != "" {
			pw = []byte(o.CertificatePassword)
		}
		certs, key, err := azidentity.ParseCertificates(data, pw)
		if err != nil {
			return nil, fmt.Errorf("graph: parse the certificate in %s: %w", o.CertificatePath, err)
		}
		return azidentity.NewClientCertificateCredential(o.TenantID, o.ClientID, certs, key,
			&azidentity.ClientCertificateCredentialOptions{ClientOptions: client, DisableInstanceDiscovery: disableDiscovery})
	case CredentialWorkloadIdentity:
		return azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
			ClientOptions: client, ClientID: o.ClientID, TenantID: o.TenantID, TokenFilePath: o.FederatedTokenFile,
			DisableInstanceDiscovery: disableDiscovery})
	}
	mi := &azidentity.ManagedIdentityCredentialOptions{}
	if o.ClientID != "" {
		mi.ID = azidentity.ClientID(o.ClientID)
	}
	return azidentity.NewManagedIdentityCredential(mi)
}

// clientOptions sets the authority host and reports whether instance
// discovery must be off.
func clientOptions(host string) (azcore.ClientOptions, bool, error) {
	if host == "" {
		return azcore.ClientOptions{}, false, nil
	}
	u, err := url.Parse(host)
	if err != nil || u.Host == "" {
		return azcore.ClientOptions{}, false, fmt.Errorf("graph: AZURE_AUTHORITY_HOST %q is not a URL", host)
	}
	if u.Scheme != "https" {
		return azcore.ClientOptions{}, false, errors.New("graph: AZURE_AUTHORITY_HOST must be an https URL")
	}
	cfg := cloud.AzurePublic
	cfg.ActiveDirectoryAuthorityHost = host
	known := false
	for _, h := range microsoftAuthorities {
		known = known || strings.EqualFold(u.Hostname(), h)
	}
	return azcore.ClientOptions{Cloud: cfg}, !known, nil
}
