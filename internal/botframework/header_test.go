package botframework_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
)

// The token alone is verified before the activity exists, so the server
// can refuse a forged token without reading the body; the activity is
// still checked against it afterwards.
func TestVerifyHeaderRefusesAForgedTokenWithoutTheActivity(t *testing.T) {
	ch, v, _ := newValidator(t, channeltest.Config{})
	ctx := context.Background()
	forged := ch.SignWith(channeltest.NewKey(t, "msteams"), ch.Claims(ch.URL, nil))
	for name, h := range map[string]string{"none": "", "basic": "Basic eA==", "forged": "Bearer " + forged, "garbage": "Bearer a.b.c"} {
		if err := v.VerifyHeader(ctx, h); botframework.StatusCode(err) != http.StatusUnauthorized {
			t.Errorf("%s: %v, want 401", name, err)
		}
	}
	tok := ch.Sign(nil)
	if err := v.VerifyHeader(ctx, "Bearer "+tok); err != nil {
		t.Fatalf("the channel's token: %v", err)
	}
	act := ch.Message(alice, "hi")
	act.ServiceURL = "https://elsewhere.example/"
	if _, err := authenticate(v, tok, act); err == nil {
		t.Fatal("a verified header let an activity of another service URL through")
	}
	if err := botframework.Disabled().VerifyHeader(ctx, ""); err != nil {
		t.Fatalf("disabled validator: %v", err)
	}
}
