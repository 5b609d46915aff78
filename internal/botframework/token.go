package botframework

import (
	"context"
	"errors"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// DefaultOAuthScope is ToChannelFromBotOAuthScope's default: the scope of
// tokens the bot presents to the Bot Connector.
const DefaultOAuthScope = "https://api.botframework.com/.default"

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
	// Scope defaults to DefaultOAuthScope.
	Scope string
}

// Token returns a token for the connector scope.
func (s AzureTokenSource) Token(ctx context.Context) (string, error) {
	if s.Credential == nil {
		return "", errors.New("azure token source has no credential")
	}
	scope := s.Scope
	if scope == "" {
		scope = DefaultOAuthScope
	}
	tok, err := s.Credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{scope}})
	if err != nil {
		return "", fmt.Errorf("get bot connector token: %w", err)
	}
	return tok.Token, nil
}
