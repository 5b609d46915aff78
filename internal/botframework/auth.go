package botframework

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Defaults of ValidatorConfig.
const (
	DefaultOpenIDMetadataURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
	DefaultIssuer            = "https://api.botframework.com"
)

// ValidatorConfig configures inbound authentication. Zero fields take the
// Bot Connector's defaults.
type ValidatorConfig struct {
	// AppID is the bot's Microsoft App ID: the token audience. Required.
	AppID string
	// TenantID, when set, is the only tenant whose activities are accepted.
	TenantID string
	// OpenIDMetadataURL is ToBotFromChannelOpenIdMetadataUrl.
	OpenIDMetadataURL string
	// Issuers are the accepted token issuers.
	Issuers []string
	// HTTPClient fetches metadata and keys; default has a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
	// RefreshInterval is the age after which keys are refetched (24 h).
	RefreshInterval time.Duration
	// UnknownKidRefetchInterval bounds refetches caused by an unknown key
	// id (5 min).
	UnknownKidRefetchInterval time.Duration
	// Skew is the clock skew allowed on exp and nbf (5 min).
	Skew time.Duration
	// Logger receives key-fetch failures; default slog.Default().
	Logger *slog.Logger
}

// Validator authenticates activities posted by the Bot Connector service.
// It is safe for concurrent use; create one per process.
type Validator struct {
	disabled bool
	appID    string
	tenantID string
	issuers  []string
	parser   *jwt.Parser
	keys     *keyCache
	tokens   tokenCache
	now      func() time.Time
	skew     time.Duration
}

// Claims are the facts established by a successful authentication.
type Claims struct {
	AppID        string
	Issuer       string
	ServiceURL   string
	KeyID        string
	Endorsements []string
	ExpiresAt    time.Time
	// Disabled is true when the validator is Disabled and nothing was
	// checked.
	Disabled bool
}

// NewValidator returns a Validator. It fetches nothing until the first
// request.
func NewValidator(cfg ValidatorConfig) *Validator {
	if cfg.OpenIDMetadataURL == "" {
		cfg.OpenIDMetadataURL = DefaultOpenIDMetadataURL
	}
	if len(cfg.Issuers) == 0 {
		cfg.Issuers = []string{DefaultIssuer}
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RefreshInterval <= 0 {
		cfg.RefreshInterval = 24 * time.Hour
	}
	if cfg.UnknownKidRefetchInterval <= 0 {
		cfg.UnknownKidRefetchInterval = 5 * time.Minute
	}
	if cfg.Skew <= 0 {
		cfg.Skew = 5 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{"RS256", "RS384", "RS512"}),
		jwt.WithAudience(cfg.AppID),
		jwt.WithLeeway(cfg.Skew),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(cfg.Now),
	}
	if len(cfg.Issuers) == 1 {
		opts = append(opts, jwt.WithIssuer(cfg.Issuers[0]))
	}
	return &Validator{
		appID:    cfg.AppID,
		tenantID: cfg.TenantID,
		issuers:  slices.Clone(cfg.Issuers),
		parser:   jwt.NewParser(opts...),
		now:      cfg.Now,
		skew:     cfg.Skew,
		keys: &keyCache{
			metadataURL: cfg.OpenIDMetadataURL,
			client:      cfg.HTTPClient,
			now:         cfg.Now,
			refresh:     cfg.RefreshInterval,
			unknownKid:  cfg.UnknownKidRefetchInterval,
			log:         cfg.Logger.With("component", "botframework"),
		},
	}
}

// Disabled returns a validator that accepts every request without checking
// anything. It exists for `mfabot demo` only, which must listen on loopback.
func Disabled() *Validator { return &Validator{disabled: true} }

// Disabled reports whether v checks nothing.
func (v *Validator) Disabled() bool { return v.disabled }

// Authenticate checks the Authorization header of a request from the Bot
// Connector against the activity it carries. Errors are *AuthError matching
// ErrUnauthorized or ErrForbidden (see StatusCode).
func (v *Validator) Authenticate(ctx context.Context, authHeader string, act *Activity) (*Claims, error) {
	if v.disabled {
		return &Claims{Disabled: true}, nil
	}
	if act == nil {
		return nil, unauthorized("no activity", nil)
	}
	if v.appID == "" {
		return nil, unauthorized("validator has no app id", nil)
	}
	tok, err := v.token(ctx, authHeader)
	if err != nil {
		return nil, err
	}
	return v.checkActivity(tok, act)
}

// VerifyHeader checks what the Authorization header alone shows (a Bearer
// token with a valid signature, issuer, audience and times), so a request
// without a valid token is refused before its body is read. Authenticate
// must still be called with the activity; the verification is cached for
// it. A disabled validator accepts every header.
func (v *Validator) VerifyHeader(ctx context.Context, authHeader string) error {
	if v.disabled {
		return nil
	}
	if v.appID == "" {
		return unauthorized("validator has no app id", nil)
	}
	_, err := v.token(ctx, authHeader)
	return err
}

// token returns the verified token of an Authorization header, from the
// cache when it was verified before.
func (v *Validator) token(ctx context.Context, authHeader string) (verifiedToken, error) {
	scheme, raw, ok := strings.Cut(strings.TrimSpace(authHeader), " ")
	if authHeader == "" {
		return verifiedToken{}, unauthorized("no Authorization header", nil)
	}
	raw = strings.TrimSpace(raw)
	if !ok || !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return verifiedToken{}, unauthorized("Authorization header is not a Bearer token", nil)
	}
	now := v.now()
	if tok, cached := v.tokens.get(raw, now, v.skew); cached {
		return tok, nil
	}
	tok, err := v.verify(ctx, raw)
	if err != nil {
		return verifiedToken{}, err
	}
	v.tokens.put(raw, tok, now, v.skew)
	return tok, nil
}

// verify checks what belongs to the token alone: signature, algorithm,
// issuer, audience, times and the serviceurl claim's presence.
func (v *Validator) verify(ctx context.Context, raw string) (verifiedToken, error) {
	var key signingKey
	var kid string
	keyfunc := func(t *jwt.Token) (any, error) {
		kid, _ = t.Header["kid"].(string)
		if kid == "" {
			return nil, unauthorized("token has no key id", nil)
		}
		k, algs, err := v.keys.get(ctx, kid)
		if err != nil {
			return nil, err
		}
		if len(algs) > 0 && !slices.Contains(algs, t.Method.Alg()) {
			return nil, unauthorized(fmt.Sprintf("algorithm %s not in the metadata's list", t.Method.Alg()), nil)
		}
		key = k
		return k.pub, nil
	}
	claims := jwt.MapClaims{}
	if _, err := v.parser.ParseWithClaims(raw, claims, keyfunc); err != nil {
		return verifiedToken{}, parseError(err)
	}
	// The audience must be exactly our app id: jwt.WithAudience accepts
	// an array that merely contains it, which is a token minted for
	// another app as well.
	if !exactAudience(claims["aud"], v.appID) {
		return verifiedToken{}, unauthorized("wrong audience", nil)
	}
	iss, err := claims.GetIssuer()
	if err != nil || !slices.Contains(v.issuers, iss) {
		return verifiedToken{}, unauthorized("wrong issuer", nil)
	}
	svc, ok := claims["serviceurl"].(string)
	if !ok || svc == "" {
		return verifiedToken{}, unauthorized("token has no serviceurl claim", nil)
	}
	t := verifiedToken{issuer: iss, serviceURL: svc, kid: kid, endorsements: key.endorsements}
	if exp, err := claims.GetExpirationTime(); err == nil && exp != nil {
		t.expires = exp.Time
	}
	if nbf, err := claims.GetNotBefore(); err == nil && nbf != nil {
		t.notBefore = nbf.Time
	}
	return t, nil
}

// checkActivity checks what ties a verified token to this activity.
func (v *Validator) checkActivity(tok verifiedToken, act *Activity) (*Claims, error) {
	if !sameServiceURL(tok.serviceURL, act.ServiceURL) {
		return nil, unauthorized("serviceurl claim does not match the activity's serviceUrl", nil)
	}
	// A key vouches only for the channels it endorses; a key with no
	// endorsements vouches for none.
	if act.ChannelID == "" || !slices.Contains(tok.endorsements, act.ChannelID) {
		return nil, forbidden(fmt.Sprintf("signing key is not endorsed for channel %q", act.ChannelID))
	}
	// Teams names the tenant twice (channelData.tenant.id and
	// conversation.tenantId); both must name the same one, and one must
	// be present.
	conv, data := act.Conversation.TenantID, act.Teams.Tenant.ID
	if conv != "" && data != "" && !strings.EqualFold(conv, data) {
		return nil, forbidden(fmt.Sprintf("tenant fields disagree: conversation.tenantId %s, channelData.tenant.id %s", conv, data))
	}
	switch t := act.Tenant(); {
	case t == "":
		return nil, forbidden("activity carries no tenant")
	case v.tenantID != "" && !strings.EqualFold(t, v.tenantID):
		return nil, forbidden(fmt.Sprintf("tenant %s is not allowed", t))
	}
	return &Claims{AppID: v.appID, Issuer: tok.issuer, ServiceURL: tok.serviceURL, KeyID: tok.kid, Endorsements: tok.endorsements, ExpiresAt: tok.expires}, nil
}

// exactAudience reports whether the aud claim is exactly appID: the string,
// or an array holding it and nothing else.
func exactAudience(aud any, appID string) bool {
	switch a := aud.(type) {
	case string:
		return a == appID
	case []any:
		if len(a) != 1 {
			return false
		}
		s, ok := a[0].(string)
		return ok && s == appID
	}
	return false
}

// sameServiceURL compares exactly, tolerating one trailing slash.
func sameServiceURL(a, b string) bool {
	return a != "" && strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/")
}

// parseError turns a jwt error into an *AuthError with a reason for logs.
func parseError(err error) error {
	var ae *AuthError
	if errors.As(err, &ae) {
		return ae
	}
	reason := "invalid token"
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		reason = "malformed token"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		reason = "bad signature or signing algorithm"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		reason = "token lacks a required claim"
	case errors.Is(err, jwt.ErrTokenExpired):
		reason = "token expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		reason = "token not valid yet"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		reason = "token issued in the future"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		reason = "wrong audience"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		reason = "wrong issuer"
	case errors.Is(err, jwt.ErrTokenInvalidClaims):
		reason = "invalid claims"
	}
	return unauthorized(reason, err)
}
