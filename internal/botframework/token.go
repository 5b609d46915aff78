package botframework

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// DefaultOAuthScope is ToChannelFromBotOAuthScope's default: the scope of
// tokens the bot presents to the Bot Connector.
const DefaultOAuthScope = DefaultOAuthResource + defaultSuffix

// DefaultOAuthResource is the public cloud's Bot Connector resource, the
// form in which Microsoft's docs and the SDKs write
// ToChannelFromBotOAuthScope.
const DefaultOAuthResource = "https://api.botframework.com"

const defaultSuffix = "/.default"

// ConnectorScope turns ToChannelFromBotOAuthScope into the scope to ask
// Entra for: the resource (https://api.botframework.com) gets /.default
// appended, as the SDKs do (botbuilder-dotnet MsalAppCredentials:
// "we append the '/.default' to the scope"); a value that already ends in
// /.default is kept. Entra refuses a client-credentials scope without it
// (AADSTS1002012). Empty gives DefaultOAuthScope.
func ConnectorScope(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return DefaultOAuthScope
	case strings.HasSuffix(strings.ToLower(s), defaultSuffix):
		return s
	}
	return strings.TrimSuffix(s, "/") + defaultSuffix
}

// TokenSource gives the bearer token for calls to the Bot Connector.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// StaticTokenSource always returns the same token (demo and tests).
type StaticTokenSource string

// Token returns the token.
func (s StaticTokenSource) Token(context.Context) (string, error) {
	if s == "" {
		return "", errors.New("static token source is empty")
	}
	return string(s), nil
}

// AzureTokenSource gets tokens from an azcore.TokenCredential (azidentity
// caches them and refreshes them before they expire).
type AzureTokenSource struct {
	Credential azcore.TokenCredential
	// Scope is ToChannelFromBotOAuthScope, with or without /.default
	// (see ConnectorScope); it defaults to DefaultOAuthScope.
	Scope string
}

// Token returns a token for the connector scope.
func (s AzureTokenSource) Token(ctx context.Context) (string, error) {
	if s.Credential == nil {
		return "", errors.New("azure token source has no credential")
	}
	scope := ConnectorScope(s.Scope)
	tok, err := s.Credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{scope}})
	if err != nil {
		return "", fmt.Errorf("get bot connector token: %w", err)
	}
	return tok.Token, nil
}

// tokenEarly is how long before its expiry a connector token is no longer
// handed out from memory.
const tokenEarly = 5 * time.Minute

// NewAzureTokenSource returns an AzureTokenSource that keeps the last token
// in memory until five minutes before it expires (or until the refresh
// time Entra gave, if earlier), so a reply does not go through the
// credential's own cache (MSAL: a lock, a cache lookup and a copy of the
// token) every time.
func NewAzureTokenSource(cred azcore.TokenCredential, scope string) TokenSource {
	return &memoTokenSource{src: AzureTokenSource{Credential: cred, Scope: scope}, now: time.Now}
}

type memoTokenSource struct {
	src AzureTokenSource
	now func() time.Time

	mu    sync.Mutex
	token string
	until time.Time
}

// Token returns the remembered token or gets a new one.
func (m *memoTokenSource) Token(ctx context.Context) (string, error) {
	now := m.now()
	m.mu.Lock()
	tok, until := m.token, m.until
	m.mu.Unlock()
	if tok != "" && now.Before(until) {
		return tok, nil
	}
	if m.src.Credential == nil {
		return "", errors.New("azure token source has no credential")
	}
	at, err := m.src.Credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{ConnectorScope(m.src.Scope)}})
	if err != nil {
		return "", fmt.Errorf("get bot connector token: %w", err)
	}
	until = at.ExpiresOn.Add(-tokenEarly)
	if !at.RefreshOn.IsZero() && at.RefreshOn.Before(until) {
		until = at.RefreshOn
	}
	m.mu.Lock()
	m.token, m.until = at.Token, until
	m.mu.Unlock()
	return at.Token, nil
}
