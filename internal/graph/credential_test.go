package graph

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCredentialKind(t *testing.T) {
	for _, tc := range []struct {
		o    CredentialOptions
		want string
	}{
		{CredentialOptions{ClientSecret: "s", CertificatePath: "c", FederatedTokenFile: "f"}, CredentialSecret},
		{CredentialOptions{CertificatePath: "c", FederatedTokenFile: "f"}, CredentialCertificate},
		{CredentialOptions{FederatedTokenFile: "f"}, CredentialWorkloadIdentity},
		{CredentialOptions{ClientID: "id"}, CredentialManagedIdentity},
	} {
		if got := CredentialKind(tc.o); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.o, got, tc.want)
		}
	}
}

func TestNewCredential(t *testing.T) {
	if _, err := NewCredential(CredentialOptions{ClientSecret: "s"}); err == nil || !strings.Contains(err.Error(), "AZURE_TENANT_ID") {
		t.Fatalf("secret without tenant: %v", err)
	}
	ids := CredentialOptions{TenantID: "contoso.onmicrosoft.com", ClientID: "00000000-0000-0000-0000-000000000001"}
	o := ids
	o.ClientSecret = "s"
	if c, err := NewCredential(o); err != nil || c == nil {
		t.Fatalf("secret: %v", err)
	}
	o.AuthorityHost = "http://login.example.test/"
	if _, err := NewCredential(o); err == nil || !strings.Contains(err.Error(), "https") {
		t.Fatalf("http authority: %v", err)
	}
	o = ids
	o.CertificatePath = filepath.Join(t.TempDir(), "missing.pem")
	if _, err := NewCredential(o); err == nil || !strings.Contains(err.Error(), "AZURE_CLIENT_CERTIFICATE_PATH") {
		t.Fatalf("missing certificate: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.pem")
	os.WriteFile(bad, []byte("not a certificate"), 0o600)
	o.CertificatePath = bad
	if _, err := NewCredential(o); err == nil || !strings.Contains(err.Error(), "parse") {
		t.Fatalf("bad certificate: %v", err)
	}
	o = ids
	o.FederatedTokenFile = filepath.Join(t.TempDir(), "token")
	if c, err := NewCredential(o); err != nil || c == nil {
		t.Fatalf("workload identity: %v", err)
	}
	if c, err := NewCredential(CredentialOptions{}); err != nil || c == nil {
		t.Fatalf("managed identity: %v", err)
	}
}

func TestInstanceDiscoveryOffForOtherAuthorities(t *testing.T) {
	for host, off := range map[string]bool{
		"":                                   false,
		"https://login.microsoftonline.com/": false,
		"https://login.microsoftonline.us":   false,
		"https://login.chinacloudapi.cn/":    false,
		"https://login.example.test/":        true,
		"https://127.0.0.1:8443":             true,
	} {
		opts, got, err := clientOptions(host)
		if err != nil || got != off {
			t.Errorf("%q: discovery off %v, want %v (%v)", host, got, off, err)
		}
		if host != "" && opts.Cloud.ActiveDirectoryAuthorityHost != host {
			t.Errorf("%q: authority %q", host, opts.Cloud.ActiveDirectoryAuthorityHost)
		}
	}
}
