package botframework_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
)

// fakeClock is a concurrency-safe clock that tests move forward.
type fakeClock struct{ offset atomic.Int64 }

func (c *fakeClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *fakeClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

var alice = channeltest.User{ID: "29:alice", AADObjectID: "a11ce000-0000-4000-8000-000000000001", Name: "Alice"}

func newValidator(t *testing.T, cfg channeltest.Config) (*channeltest.Channel, *botframework.Validator, *fakeClock) {
	t.Helper()
	clk := &fakeClock{}
	cfg.Now = clk.Now
	ch := channeltest.New(t, cfg)
	vc := ch.ValidatorConfig()
	vc.Now = clk.Now
	return ch, botframework.NewValidator(vc), clk
}

func authenticate(v *botframework.Validator, token string, act *botframework.Activity) (*botframework.Claims, error) {
	return v.Authenticate(context.Background(), "Bearer "+token, act)
}

func wantKind(t *testing.T, err error, kind error, status int) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("err = %v, want %v", err, kind)
	}
	if got := botframework.StatusCode(err); got != status {
		t.Fatalf("StatusCode(%v) = %d, want %d", err, got, status)
	}
}

func TestAuthenticateAcceptsChannelToken(t *testing.T) {
	ch, v, _ := newValidator(t, channeltest.Config{})
	act := ch.Message(alice, "hello") // serviceUrl with a trailing slash
	c, err := authenticate(v, ch.Sign(nil), act)
	if err != nil {
		t.Fatal(err)
	}
	if c.AppID != ch.AppID || c.Issuer != botframework.DefaultIssuer || c.ServiceURL != ch.URL || c.KeyID != ch.SigningKey().ID {
		t.Fatalf("claims = %+v", c)
	}
	if c.ExpiresAt.Before(time.Now()) {
		t.Fatalf("ExpiresAt = %v", c.ExpiresAt)
	}
}

func TestAuthenticateRefusesHeaders(t *testing.T) {
	ch, v, _ := newValidator(t, channeltest.Config{})
	act := ch.Message(alice, "hello")
	tok := ch.Sign(nil)
	for name, h := range map[string]string{
		"none":         "",
		"basic":        "Basic " + tok,
		"bare token":   tok,
		"empty bearer": "Bearer ",
		"garbage":      "Bearer not.a.jwt",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := v.Authenticate(context.Background(), h, act)
			wantKind(t, err, botframework.ErrUnauthorized, 401)
			if strings.Contains(err.Error(), tok) {
				t.Fatal("error contains the token")
			}
		})
	}
}

func TestAuthenticateRefusesTokens(t *testing.T) {
	ch, v, clk := newValidator(t, channeltest.Config{})
	act := ch.Message(alice, "hello")
	now := clk.Now()
	other := channeltest.NewKey(t, "msteams")
	forged := &channeltest.Key{ID: ch.SigningKey().ID, Private: other.Private}

	pubDER, err := x509.MarshalPKIXPublicKey(&ch.SigningKey().Private.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, ch.Claims(ch.URL, nil))
	hs.Header["kid"] = ch.SigningKey().ID
	hsTok, err := hs.SignedString(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	none := jwt.NewWithClaims(jwt.SigningMethodNone, ch.Claims(ch.URL, nil))
	none.Header["kid"] = ch.SigningKey().ID
	noneTok, err := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}

	cases := map[string]string{
		"bad signature":          ch.SignWith(forged, ch.Claims(ch.URL, nil)),
		"alg none":               noneTok,
		"HS256 with public key":  hsTok,
		"wrong issuer":           ch.Sign(map[string]any{"iss": "https://evil.example"}),
		"no issuer":              ch.Sign(map[string]any{"iss": nil}),
		"wrong audience":         ch.Sign(map[string]any{"aud": "another-app"}),
		"audience array without": ch.Sign(map[string]any{"aud": []string{"x", "y"}}),
		"expired beyond skew":    ch.Sign(map[string]any{"exp": now.Add(-6 * time.Minute).Unix()}),
		"nbf in the future":      ch.Sign(map[string]any{"nbf": now.Add(10 * time.Minute).Unix()}),
		"missing exp":            ch.Sign(map[string]any{"exp": nil}),
		"no kid":                 hsNoKid(t, ch),
		"serviceurl mismatch":    ch.Sign(map[string]any{"serviceurl": "https://smba.trafficmanager.net/amer/"}),
		"serviceurl prefix":      ch.Sign(map[string]any{"serviceurl": ch.URL + "/amer"}),
		"serviceurl case":        ch.Sign(map[string]any{"serviceurl": strings.ToUpper(ch.URL)}),
		"missing serviceurl":     ch.Sign(map[string]any{"serviceurl": nil}),
		"numeric serviceurl":     ch.Sign(map[string]any{"serviceurl": 42}),
		"array serviceurl":       ch.Sign(map[string]any{"serviceurl": []string{ch.URL}}),
		"non-string aud":         ch.Sign(map[string]any{"aud": 7}),
		"non-string iss":         ch.Sign(map[string]any{"iss": map[string]any{"a": 1}}),
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := authenticate(v, tok, act)
			wantKind(t, err, botframework.ErrUnauthorized, 401)
		})
	}
}

func hsNoKid(t *testing.T, ch *channeltest.Channel) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, ch.Claims(ch.URL, nil))
	s, err := tok.SignedString(ch.SigningKey().Private)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAuthenticateAcceptsWithinRules(t *testing.T) {
	ch, v, clk := newValidator(t, channeltest.Config{})
	act := ch.Message(alice, "hello")
	now := clk.Now()
	for name, tok := range map[string]string{
		"expired within skew":           ch.Sign(map[string]any{"exp": now.Add(-4 * time.Minute).Unix()}),
		"nbf within skew":               ch.Sign(map[string]any{"nbf": now.Add(4 * time.Minute).Unix()}),
		"audience array of app id only": ch.Sign(map[string]any{"aud": []string{ch.AppID}}),
		"serviceurl with slash":         ch.Sign(map[string]any{"serviceurl": ch.URL + "/"}),
		"serviceurl without slash":      ch.Sign(map[string]any{"serviceurl": ch.URL}),
		"extra claims of other shapes":  ch.Sign(map[string]any{"tid": 5, "appid": []int{1}}),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := authenticate(v, tok, act); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestAuthenticateEndorsements(t *testing.T) {
	ch, v, _ := newValidator(t, channeltest.Config{Endorsements: []string{"webchat", "skype"}})
	_, err := authenticate(v, ch.Sign(nil), ch.Message(alice, "hi"))
	wantKind(t, err, botframework.ErrForbidden, 403)
	if !strings.Contains(err.Error(), "msteams") {
		t.Fatalf("error does not name the channel: %v", err)
	}

	// A key that endorses no channel at all vouches for none: the Bot
	// Connector's keys always carry the channels they may sign for.
	for name, e := range map[string][]string{"empty list": {}, "no endorsements field": nil} {
		t.Run(name, func(t *testing.T) {
			ch2, v2, _ := newValidator(t, channeltest.Config{})
			ch2.SetEndorsements(e...) // [] is published as such, nil as no field
			_, err := authenticate(v2, ch2.Sign(nil), ch2.Message(alice, "hi"))
			wantKind(t, err, botframework.ErrForbidden, 403)
		})
	}
}

// TestAuthenticateAudienceExactly refuses any audience other than exactly
// our app id: an array holding ours and another app's is a token minted
// for someone else too.
func TestAuthenticateAudienceExactly(t *testing.T) {
	ch, v, _ := newValidator(t, channeltest.Config{})
	act := ch.Message(alice, "hello")
	for name, aud := range map[string]any{
		"ours and another":     []string{ch.AppID, "b0770000-0000-4000-8000-0000000000ff"},
		"another and ours":     []string{"other", ch.AppID},
		"ours twice":           []string{ch.AppID, ch.AppID},
		"ours in upper case":   strings.ToUpper(ch.AppID),
		"ours with whitespace": " " + ch.AppID,
		"empty array":          []string{},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := authenticate(v, ch.Sign(map[string]any{"aud": aud}), act)
			wantKind(t, err, botframework.ErrUnauthorized, 401)
		})
	}
}

// TestAuthenticateTenantFieldsAgree refuses an activity whose two tenant
// fields name different tenants, whichever of them names ours.
func TestAuthenticateTenantFieldsAgree(t *testing.T) {
	ch, v, _ := newValidator(t, channeltest.Config{})
	tok := ch.Sign(nil)
	act := ch.Message(alice, "hi")
	act.Conversation.TenantID = "0ther000-0000-4000-8000-000000000001"
	act = roundTrip(t, act)
	if act.Teams.Tenant.ID != ch.TenantID {
		t.Fatalf("channelData.tenant.id = %q, want ours", act.Teams.Tenant.ID)
	}
	_, err := authenticate(v, tok, act)
	wantKind(t, err, botframework.ErrForbidden, 403)

	// Without a configured tenant, an activity still needs one.
	vc := ch.ValidatorConfig()
	vc.TenantID = ""
	open := botframework.NewValidator(vc)
	none := ch.Message(alice, "hi")
	none.ChannelData = nil
	none.Conversation.TenantID = ""
	_, err = authenticate(open, tok, roundTrip(t, none))
	wantKind(t, err, botframework.ErrForbidden, 403)
}

func TestAuthenticateTenant(t *testing.T) {
	ch, v, _ := newValidator(t, channeltest.Config{})
	tok := ch.Sign(nil)

	other := ch.Message(alice, "hi")
	if err := other.SetChannelData(botframework.TeamsChannelData{Tenant: botframework.IDRef{ID: "other-tenant"}}); err != nil {
		t.Fatal(err)
	}
	other = roundTrip(t, other)
	_, err := authenticate(v, tok, other)
	wantKind(t, err, botframework.ErrForbidden, 403)

	convOnly := ch.Message(alice, "hi")
	convOnly.ChannelData = nil
	convOnly = roundTrip(t, convOnly)
	if _, err := authenticate(v, tok, convOnly); err != nil {
		t.Fatalf("conversation.tenantId must be enough: %v", err)
	}

	upper := roundTrip(t, ch.Message(alice, "hi"))
	upper.Teams.Tenant.ID = strings.ToUpper(ch.TenantID)
	if _, err := authenticate(v, tok, upper); err != nil {
		t.Fatalf("tenant ids compare without case: %v", err)
	}

	none := ch.Message(alice, "hi")
	none.ChannelData = nil
	none.Conversation.TenantID = ""
	none = roundTrip(t, none)
	_, err = authenticate(v, tok, none)
	wantKind(t, err, botframework.ErrForbidden, 403)

	malformed := ch.Message(alice, "hi")
	malformed.ChannelData = []byte(`{"tenant":"not-an-object"}`)
	malformed.Conversation.TenantID = ""
	malformed = roundTrip(t, malformed)
	_, err = authenticate(v, tok, malformed)
	wantKind(t, err, botframework.ErrForbidden, 403)
}

func roundTrip(t *testing.T, act *botframework.Activity) *botframework.Activity {
	t.Helper()
	req := (&channeltest.Channel{}).NewRequestWithToken("http://bot.invalid/api/messages", act, "")
	got, err := botframework.Decode(req.Body, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestAuthenticateCachesMetadata(t *testing.T) {
	ch, v, _ := newValidator(t, channeltest.Config{})
	act := ch.Message(alice, "hi")
	tok := ch.Sign(nil)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			if _, err := authenticate(v, tok, act); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if m, k := ch.MetadataFetches(), ch.KeyFetches(); m != 1 || k != 1 {
		t.Fatalf("fetches: metadata %d, keys %d; want 1 and 1", m, k)
	}
}

func TestAuthenticateRefreshesDaily(t *testing.T) {
	ch, v, clk := newValidator(t, channeltest.Config{})
	act := ch.Message(alice, "hi")
	if _, err := authenticate(v, ch.Sign(nil), act); err != nil {
		t.Fatal(err)
	}
	clk.Advance(23 * time.Hour)
	if _, err := authenticate(v, ch.Sign(nil), act); err != nil {
		t.Fatal(err)
	}
	if n := ch.MetadataFetches(); n != 1 {
		t.Fatalf("metadata fetched %d times before 24 h", n)
	}
	clk.Advance(2 * time.Hour)
	if _, err := authenticate(v, ch.Sign(nil), act); err != nil {
		t.Fatal(err)
	}
	if n := ch.MetadataFetches(); n != 2 {
		t.Fatalf("metadata fetched %d times after 25 h, want 2", n)
	}
}

func TestAuthenticateKeyRotation(t *testing.T) {
	ch, v, clk := newValidator(t, channeltest.Config{})
	act := ch.Message(alice, "hi")
	if _, err := authenticate(v, ch.Sign(nil), act); err != nil {
		t.Fatal(err)
	}
	clk.Advance(6 * time.Minute)
	ch.RotateKey(t, true)

	// Many concurrent requests with the new key share one refetch.
	tok := ch.Sign(nil)
	concurrently(t, 20, func() error { _, err := authenticate(v, tok, act); return err }, false)
	if n := ch.MetadataFetches(); n != 2 {
		t.Fatalf("metadata fetched %d times after rotation, want 2", n)
	}

	// Unknown key ids within the interval trigger no further fetch.
	stranger := channeltest.NewKey(t, "msteams")
	bad := ch.SignWith(stranger, ch.Claims(ch.URL, nil))
	concurrently(t, 20, func() error { _, err := authenticate(v, bad, act); return err }, true)
	if n := ch.MetadataFetches(); n != 2 {
		t.Fatalf("metadata fetched %d times for unknown kids within the interval, want 2", n)
	}

	// After the interval, an unknown kid refetches once more.
	clk.Advance(6 * time.Minute)
	concurrently(t, 20, func() error { _, err := authenticate(v, bad, act); return err }, true)
	if n := ch.MetadataFetches(); n != 3 {
		t.Fatalf("metadata fetched %d times after the interval, want 3", n)
	}
	_, err := authenticate(v, bad, act)
	wantKind(t, err, botframework.ErrUnauthorized, 401)
	if !strings.Contains(err.Error(), "unknown signing key") {
		t.Fatalf("err = %v", err)
	}
}

func concurrently(t *testing.T, n int, f func() error, wantErr bool) {
	t.Helper()
	var wg sync.WaitGroup
	var failures, successes atomic.Int32
	for range n {
		wg.Go(func() {
			if f() != nil {
				failures.Add(1)
			} else {
				successes.Add(1)
			}
		})
	}
	wg.Wait()
	if wantErr && successes.Load() != 0 || !wantErr && failures.Load() != 0 {
		t.Fatalf("%d succeeded, %d failed; want all to %s", successes.Load(), failures.Load(),
			map[bool]string{true: "fail", false: "succeed"}[wantErr])
	}
}

func TestAuthenticateMetadataUnavailable(t *testing.T) {
	ch, v, clk := newValidator(t, channeltest.Config{})
	ch.SetMetadataStatus(500)
	act := ch.Message(alice, "hi")
	_, err := authenticate(v, ch.Sign(nil), act)
	wantKind(t, err, botframework.ErrUnauthorized, 503)
	if !errors.Is(err, botframework.ErrKeysUnavailable) || !strings.Contains(err.Error(), "status 500") ||
		!strings.Contains(err.Error(), "openidconfiguration") {
		t.Fatalf("err = %v, want a clear metadata error", err)
	}
	// A failure is not retried on every request.
	_, _ = authenticate(v, ch.Sign(nil), act)
	if n := ch.MetadataFetches(); n != 1 {
		t.Fatalf("metadata fetched %d times during an outage, want 1", n)
	}
	ch.SetMetadataStatus(0)
	clk.Advance(11 * time.Second)
	if _, err := authenticate(v, ch.Sign(nil), act); err != nil {
		t.Fatalf("after recovery: %v", err)
	}
}

func TestAuthenticateKeepsStaleKeysWhenRefreshFails(t *testing.T) {
	ch, v, clk := newValidator(t, channeltest.Config{})
	act := ch.Message(alice, "hi")
	if _, err := authenticate(v, ch.Sign(nil), act); err != nil {
		t.Fatal(err)
	}
	ch.SetMetadataStatus(502)
	clk.Advance(25 * time.Hour)
	if _, err := authenticate(v, ch.Sign(nil), act); err != nil {
		t.Fatalf("stale keys must carry over a failed refresh: %v", err)
	}
	if n := ch.MetadataFetches(); n != 2 {
		t.Fatalf("metadata fetched %d times, want 2", n)
	}
}

func TestAuthenticateRequiresConfig(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	vc := ch.ValidatorConfig()
	vc.AppID = ""
	_, err := authenticate(botframework.NewValidator(vc), ch.Sign(nil), ch.Message(alice, "hi"))
	wantKind(t, err, botframework.ErrUnauthorized, 401)
	_, err = authenticate(botframework.NewValidator(ch.ValidatorConfig()), ch.Sign(nil), nil)
	wantKind(t, err, botframework.ErrUnauthorized, 401)
}

func TestDisabledValidator(t *testing.T) {
	v := botframework.Disabled()
	if !v.Disabled() {
		t.Fatal("Disabled() = false")
	}
	c, err := v.Authenticate(context.Background(), "", &botframework.Activity{Type: "message"})
	if err != nil || !c.Disabled {
		t.Fatalf("claims %+v, err %v", c, err)
	}
	if botframework.NewValidator(botframework.ValidatorConfig{AppID: "x"}).Disabled() {
		t.Fatal("a configured validator reports Disabled")
	}
}

// BenchmarkAuthenticate measures the channel's usual case (one token reused
// for many activities: verified once, then cached) and a new token on every
// request (a full RS256 verification each time). The reused case must not
// fetch keys again.
func BenchmarkAuthenticate(b *testing.B) {
	for _, reuse := range []bool{true, false} {
		name := "reused-token"
		if !reuse {
			name = "new-token"
		}
		b.Run(name, func(b *testing.B) {
			ch := channeltest.New(b, channeltest.Config{})
			v := botframework.NewValidator(ch.ValidatorConfig())
			act := ch.Message(alice, "hi")
			ctx := context.Background()
			headers := []string{"Bearer " + ch.Sign(nil)}
			if !reuse {
				for i := range 512 {
					headers = append(headers, "Bearer "+ch.Sign(map[string]any{"jti": i}))
				}
			}
			if _, err := v.Authenticate(ctx, headers[0], act); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			i := 0
			for b.Loop() {
				if !reuse {
					// Past 512 the cache holds them all; a fresh validator
					// keeps every request a first sighting.
					if i%len(headers) == 0 {
						b.StopTimer()
						v = botframework.NewValidator(ch.ValidatorConfig())
						if _, err := v.Authenticate(ctx, headers[0], act); err != nil {
							b.Fatal(err)
						}
						b.StartTimer()
					}
				}
				if _, err := v.Authenticate(ctx, headers[i%len(headers)], act); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.StopTimer()
			if m, k := ch.MetadataFetches(), ch.KeyFetches(); reuse && (m != 1 || k != 1) {
				b.Fatalf("hot path fetched: metadata %d, keys %d", m, k)
			}
		})
	}
}
