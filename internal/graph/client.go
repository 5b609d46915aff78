package graph

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	abstractions "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/authentication"
	khttp "github.com/microsoft/kiota-http-go"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	graphauth "github.com/microsoftgraph/msgraph-sdk-go-core/authentication"

	"github.com/mfabot/mfabot/internal/mfa"
)

// DefaultBaseURL is Microsoft Graph in the global cloud.
const DefaultBaseURL = "https://graph.microsoft.com"

// Config configures a Directory.
type Config struct {
	// BaseURL is Graph's root without a version, e.g.
	// https://graph.microsoft.com (DefaultBaseURL when empty).
	BaseURL string
	// Scope is the token scope; BaseURL+"/.default" when empty.
	Scope string
	// Credential obtains tokens; required by New.
	Credential azcore.TokenCredential
	// HTTPClient, when set, carries the requests (its Transport and
	// Timeout; tests use it for a TLS fake). The SDK middleware is always
	// added on top.
	HTTPClient *http.Client
}

// Directory is mfa.Directory and mfa.Mailer over Microsoft Graph.
type Directory struct {
	client  *msgraphsdk.GraphServiceClient
	adapter abstractions.RequestAdapter
	base    string // without version
}

var (
	_ mfa.Directory  = (*Directory)(nil)
	_ mfa.Mailer     = (*Directory)(nil)
	_ mfa.BulkMailer = (*Directory)(nil)
)

// New returns a Directory that authenticates with cfg.Credential. The
// configured host is the only one the token is sent to, and the scope is
// explicit: the SDK's defaults would send no token at all to a host other
// than Microsoft's Graph hosts.
func New(cfg Config) (*Directory, error) {
	if cfg.Credential == nil {
		return nil, errors.New("graph: a credential is required")
	}
	base, u, err := parseBase(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	scope := cfg.Scope
	if scope == "" {
		scope = base + "/.default"
	}
	auth, err := graphauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(cfg.Credential, []string{scope}, []string{u.Hostname()})
	if err != nil {
		return nil, fmt.Errorf("graph: authentication provider: %w", err)
	}
	return newDirectory(base, auth, cfg.HTTPClient)
}

// NewAnonymous returns a Directory that sends no token, for the fake in
// tests and in the demo.
func NewAnonymous(baseURL string) (*Directory, error) {
	base, _, err := parseBase(baseURL)
	if err != nil {
		return nil, err
	}
	return newDirectory(base, &authentication.AnonymousAuthenticationProvider{}, nil)
}

func parseBase(raw string) (string, *url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	raw = strings.TrimRight(raw, "/")
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", nil, fmt.Errorf("graph: base URL %q is not an absolute http(s) URL", raw)
	}
	return raw, u, nil
}

func newDirectory(base string, auth authentication.AuthenticationProvider, hc *http.Client) (*Directory, error) {
	client := &http.Client{
		// Redirects are followed by the redirect middleware. No Timeout:
		// deadline bounds each call instead (see there why).
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var parent http.RoundTripper = defaultTransport()
	if hc != nil && hc.Transport != nil {
		parent = hc.Transport
	}
	timeout := callTimeout
	if hc != nil && hc.Timeout > 0 {
		timeout = hc.Timeout
	}
	client.Transport = deadline{next: khttp.NewCustomTransportWithParentTransport(bodyCopy{next: recordRequestIDs{next: parent}}, middlewares()...), d: timeout}
	adapter, err := msgraphsdk.NewGraphRequestAdapterWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(auth, nil, nil, client)
	if err != nil {
		return nil, fmt.Errorf("graph: request adapter: %w", err)
	}
	adapter.SetBaseUrl(base + "/v1.0")
	return &Directory{client: msgraphsdk.NewGraphServiceClient(adapter), adapter: adapter, base: base}, nil
}

// maxIdlePerHost is how many idle connections to Graph are kept. Over
// HTTP/2, which Graph speaks, every request shares one connection; over
// HTTP/1.1 (a proxy that does not speak HTTP/2, or the fake Graph) the
// net/http default of 2 would make the concurrent lookups of a privilege
// check and the workers of an incident reset open and close a connection
// for nearly every request.
const maxIdlePerHost = 64

// defaultTransport is the SDK's default transport (HTTP/2 attempted),
// keeping maxIdlePerHost idle connections.
func defaultTransport() http.RoundTripper {
	t, ok := khttp.GetDefaultTransport().(*http.Transport)
	if !ok {
		return khttp.GetDefaultTransport()
	}
	t.MaxIdleConnsPerHost = maxIdlePerHost
	t.MaxIdleConns = max(t.MaxIdleConns, maxIdlePerHost)
	return t
}

// middlewares is the SDK's default pipeline in a fixed order, with two
// changes. Request compression is off: Graph does not document which
// endpoints accept a gzip body, Microsoft's SDK design expects one that does
// not to answer 415 and the compression handler to send again uncompressed
// — a second round trip for every such POST, to save nothing on bodies of a
// few hundred bytes (and kiota-http-go's handler, placed after retry, once
// resent the gzip header over a raw body). And retry is mfabot's own (see
// retry): fractional Retry-After honoured, no POST resent whose outcome is
// unknown.
func middlewares() []khttp.Middleware {
	opts := msgraphsdk.GetDefaultClientOptions()
	return []khttp.Middleware{
		msgraphcore.NewGraphTelemetryHandler(&opts),
		khttp.NewUrlReplaceHandler(true, msgraphcore.ReplacementPairs),
		khttp.NewUserAgentHandler(),
		khttp.NewParametersNameDecodingHandler(),
		khttp.NewHeadersInspectionHandler(),
		khttp.NewRedirectHandler(),
		newRetry(),
	}
}
