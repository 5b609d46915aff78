package botframework

import (
	"context"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

type countingCredential struct {
	calls   int
	scopes  []string
	expires time.Time
	refresh time.Time
}

func (c *countingCredential) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.calls++
	c.scopes = o.Scopes
	return azcore.AccessToken{Token: "tok" + string(rune('0'+c.calls)), ExpiresOn: c.expires, RefreshOn: c.refresh}, nil
}

// The connector token is asked of the credential once while it is fresh,
// and again from five minutes before its expiry or from its refresh time.
func TestAzureTokenSourceRemembersUntilNearExpiry(t *testing.T) {
	now := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	cred := &countingCredential{expires: now.Add(time.Hour)}
	src := NewAzureTokenSource(cred, "").(*memoTokenSource)
	src.now = func() time.Time { return now }
	get := func() string {
		t.Helper()
		tok, err := src.Token(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	if a, b := get(), get(); a != "tok1" || b != "tok1" || cred.calls != 1 {
		t.Fatalf("got %q %q after %d credential calls, want tok1 twice after 1", a, b, cred.calls)
	}
	if len(cred.scopes) != 1 || cred.scopes[0] != DefaultOAuthScope {
		t.Errorf("scopes %v", cred.scopes)
	}
	now = now.Add(55*time.Minute + time.Second) // within 5 minutes of expiry
	if tok := get(); tok != "tok2" || cred.calls != 2 {
		t.Fatalf("near expiry: got %q after %d calls, want a new token", tok, cred.calls)
	}

	cred2 := &countingCredential{expires: now.Add(time.Hour), refresh: now.Add(10 * time.Minute)}
	src2 := NewAzureTokenSource(cred2, "").(*memoTokenSource)
	src2.now = func() time.Time { return now }
	_, _ = src2.Token(context.Background())
	now = now.Add(10 * time.Minute)
	if _, _ = src2.Token(context.Background()); cred2.calls != 2 {
		t.Fatalf("at the refresh time: %d credential calls, want 2", cred2.calls)
	}
}

// A missing credential is an error, not an empty token.
func TestAzureTokenSourceWithoutCredential(t *testing.T) {
	if _, err := NewAzureTokenSource(nil, "").Token(context.Background()); err == nil {
		t.Fatal("no error without a credential")
	}
}
