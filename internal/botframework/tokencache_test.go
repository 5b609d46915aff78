package botframework_test

import (
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
)

// A token the channel reuses is verified once, but every activity it
// comes with is still checked against it.
func TestReusedTokenIsStillCheckedPerActivity(t *testing.T) {
	ch, v, clk := newValidator(t, channeltest.Config{})
	tok := ch.Sign(nil)
	if _, err := authenticate(v, tok, ch.Message(alice, "one")); err != nil {
		t.Fatal(err)
	}
	if _, err := authenticate(v, tok, ch.Message(alice, "two")); err != nil {
		t.Fatalf("the same token on a second activity: %v", err)
	}
	other := ch.Message(alice, "three")
	other.ServiceURL = "https://elsewhere.example/"
	_, err := authenticate(v, tok, other)
	wantKind(t, err, botframework.ErrUnauthorized, 401)

	tenant := ch.Message(alice, "four")
	tenant.Teams.Tenant.ID = "99999999-0000-4000-8000-000000000000"
	_, err = authenticate(v, tok, tenant)
	wantKind(t, err, botframework.ErrForbidden, 403)

	channel := ch.Message(alice, "five")
	channel.ChannelID = "webchat"
	_, err = authenticate(v, tok, channel)
	wantKind(t, err, botframework.ErrForbidden, 403)

	// Past its expiry and the skew, the cached token is refused.
	clk.Advance(2 * time.Hour)
	_, err = authenticate(v, tok, ch.Message(alice, "late"))
	wantKind(t, err, botframework.ErrUnauthorized, 401)
}

// A cached verification ends after ten minutes even for a long-lived token:
// once the daily key refresh drops the signing key, the token is verified
// again and refused, not honoured until its own expiry.
func TestCachedVerificationEndsAfterTenMinutes(t *testing.T) {
	ch, v, clk := newValidator(t, channeltest.Config{})
	tok := ch.Sign(map[string]any{"exp": time.Now().Add(48 * time.Hour).Unix()})
	if _, err := authenticate(v, tok, ch.Message(alice, "one")); err != nil {
		t.Fatal(err)
	}
	ch.RotateKey(t, true)
	clk.Advance(25 * time.Hour) // past the daily refresh of the keys
	_, err := authenticate(v, tok, ch.Message(alice, "two"))
	wantKind(t, err, botframework.ErrUnauthorized, 401)
}
