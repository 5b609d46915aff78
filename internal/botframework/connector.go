package botframework

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"
	"github.com/mfabot/mfabot/internal/retryafter"
)

// maxResponseBytes bounds the connector's answers.
const maxResponseBytes = 1 << 20

// ConnectorConfig configures the outbound connector client.
type ConnectorConfig struct {
	// Tokens gives the bearer token for each call. Required.
	Tokens TokenSource
	// HTTPClient sends the calls; default has a 30 s timeout.
	HTTPClient *http.Client
	// MaxAttempts bounds tries of one call, retries included (default 4).
	MaxAttempts int
	// BaseDelay is the first backoff (default 500 ms); it doubles per retry,
	// with jitter, up to MaxDelay (default 20 s). A Retry-After header is
	// honoured up to MaxDelay.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// Logger receives retries; default slog.Default().
	Logger *slog.Logger
}

// Connector calls the Bot Connector REST API of a conversation's service
// URL. It is safe for concurrent use.
type Connector struct {
	tokens      TokenSource
	client      *http.Client
	maxAttempts int
	baseDelay   time.Duration
	maxDelay    time.Duration
	log         *slog.Logger
	// validURL is the last service URL endpoint found valid.
	validURL atomic.Pointer[string]
	// bearer is the last token's Authorization header.
	bearer atomic.Pointer[bearer]
}

// NewConnector returns a Connector.
func NewConnector(cfg ConnectorConfig) *Connector {
	if cfg.HTTPClient == nil {
		// Replies go to one or two hosts (the region's Bot Connector):
		// keep enough idle connections to them that concurrent replies do
		// not each pay a new TLS handshake (net/http keeps 2 by default).
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		// A card reply is a few KB: with net/http's 4 KB write buffer it
		// leaves in two TLS records and two writes, the second through a
		// buffer allocated per request. 16 KB (one TLS record's payload)
		// holds the headers and body of any reply mfabot sends.
		tr.WriteBufferSize = 16 << 10
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: tr}
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 4
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = 500 * time.Millisecond
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 20 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Connector{tokens: cfg.Tokens, client: cfg.HTTPClient, maxAttempts: cfg.MaxAttempts,
		baseDelay: cfg.BaseDelay, maxDelay: cfg.MaxDelay, log: cfg.Logger.With("component", "botframework")}
}

// SendToConversation posts an activity to a conversation and returns the id
// the channel gave it ("" when the channel returns none).
func (c *Connector) SendToConversation(ctx context.Context, serviceURL, conversationID string, act *Activity) (string, error) {
	p := "/v3/conversations/" + EscapeID(conversationID) + "/activities"
	var rr schema.ResourceResponse
	err := c.do(ctx, "send to conversation", http.MethodPost, serviceURL, p, act, &rr)
	return rr.ID, err
}

// ReplyToActivity posts an activity as a reply to replyToID and returns the
// id the channel gave it.
func (c *Connector) ReplyToActivity(ctx context.Context, serviceURL, conversationID, replyToID string, act *Activity) (string, error) {
	if replyToID == "" {
		return "", errors.New("reply to activity: empty replyToId")
	}
	p := "/v3/conversations/" + EscapeID(conversationID) + "/activities/" + EscapeID(replyToID)
	var rr schema.ResourceResponse
	// The body carries replyToID unless act has a replyToId of its own.
	var in any = act
	if act != nil && act.ReplyToID == "" {
		in = replyBody{act: act, replyToID: replyToID}
	}
	err := c.do(ctx, "reply to activity", http.MethodPost, serviceURL, p, in, &rr)
	return rr.ID, err
}

// UpdateActivity replaces a sent activity (e.g. a card) with act.
func (c *Connector) UpdateActivity(ctx context.Context, serviceURL, conversationID, activityID string, act *Activity) error {
	if activityID == "" {
		return errors.New("update activity: empty activity id")
	}
	if act != nil && act.ID == "" {
		cp := *act
		cp.ID = activityID
		act = &cp
	}
	p := "/v3/conversations/" + EscapeID(conversationID) + "/activities/" + EscapeID(activityID)
	return c.do(ctx, "update activity", http.MethodPut, serviceURL, p, act, nil)
}

// ConversationParameters describe a proactive 1:1 conversation to create.
type ConversationParameters struct {
	// Bot is the bot's account ("28:<app id>").
	Bot schema.ChannelAccount
	// Members are the users, by Teams user id ("29:…").
	Members []schema.ChannelAccount
	// TenantID is the users' tenant; Teams requires it.
	TenantID string
	// Activity, if set, is posted as the conversation's first message.
	Activity *Activity
}

// conversationBody is the wire form of POST /v3/conversations.
type conversationBody struct {
	IsGroup     bool                    `json:"isGroup"`
	Bot         schema.ChannelAccount   `json:"bot"`
	Members     []schema.ChannelAccount `json:"members"`
	TenantID    string                  `json:"tenantId,omitzero"`
	ChannelData *TeamsChannelData       `json:"channelData,omitzero"`
	Activity    *Activity               `json:"activity,omitzero"`
}

// CreateConversation creates (or finds) the 1:1 conversation between the
// bot and the members and returns its id.
func (c *Connector) CreateConversation(ctx context.Context, serviceURL string, params ConversationParameters) (string, error) {
	if len(params.Members) == 0 {
		return "", errors.New("create conversation: no members")
	}
	body := conversationBody{Bot: params.Bot, Members: params.Members, TenantID: params.TenantID, Activity: params.Activity}
	if params.TenantID != "" {
		body.ChannelData = &TeamsChannelData{Tenant: IDRef{ID: params.TenantID}}
	}
	var rr schema.ConversationResourceResponse
	if err := c.do(ctx, "create conversation", http.MethodPost, serviceURL, "/v3/conversations", body, &rr); err != nil {
		return "", err
	}
	if rr.ID == "" {
		return "", &ConnectorError{Op: "create conversation", Status: http.StatusOK, Message: "no conversation id in the answer"}
	}
	return rr.ID, nil
}

// EscapeID escapes a conversation or activity id for a URL path the way the
// Bot Framework SDKs do (encodeURIComponent), so ":" "@" ";" "=" and "/" in
// ids such as "19:…@thread.skype;messageid=1" stay inside one segment.
func EscapeID(id string) string {
	const hex = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(id); i++ {
		if !unreservedInID(id[i]) {
			n++
		}
	}
	if n == 0 {
		return id
	}
	b := make([]byte, 0, len(id)+2*n)
	for i := 0; i < len(id); i++ {
		if ch := id[i]; unreservedInID(ch) {
			b = append(b, ch)
		} else {
			b = append(b, '%', hex[ch>>4], hex[ch&0xF])
		}
	}
	return string(b)
}

// unreservedInID reports whether encodeURIComponent leaves ch as it is.
func unreservedInID(ch byte) bool {
	return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' ||
		strings.IndexByte("-_.!~*'()", ch) >= 0
}

// endpoint joins a service URL and an escaped path. The last service URL
// found valid is remembered: every reply goes to the same one or two.
func (c *Connector) endpoint(serviceURL, escapedPath string) (string, error) {
	if last := c.validURL.Load(); last == nil || *last != serviceURL {
		u, err := url.Parse(serviceURL)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return "", fmt.Errorf("invalid service URL %q", serviceURL)
		}
		c.validURL.Store(&serviceURL)
	}
	return strings.TrimSuffix(serviceURL, "/") + escapedPath, nil
}

// do sends one call with retries and decodes a JSON answer into out.
func (c *Connector) do(ctx context.Context, op, method, serviceURL, escapedPath string, in, out any) error {
	if a, ok := in.(*Activity); ok && a == nil {
		return &ConnectorError{Op: op, Err: errors.New("no activity")}
	}
	if r, ok := in.(replyBody); ok && r.act == nil {
		return &ConnectorError{Op: op, Err: errors.New("no activity")}
	}
	if c.tokens == nil {
		return &ConnectorError{Op: op, Err: errors.New("connector has no token source")}
	}
	u, err := c.endpoint(serviceURL, escapedPath)
	if err != nil {
		return &ConnectorError{Op: op, Err: err}
	}
	body, err := encodeBody(in)
	if err != nil {
		return &ConnectorError{Op: op, Err: fmt.Errorf("encode request: %w", err)}
	}
	for attempt := 1; ; attempt++ {
		resp, err := c.once(ctx, method, u, body)
		if err != nil {
			return &ConnectorError{Op: op, Err: err}
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return decodeAnswer(op, resp, out)
		}
		cerr := errorFromResponse(op, resp)
		if !retryable(method, resp.StatusCode) || attempt >= c.maxAttempts {
			return cerr
		}
		wait := c.backoff(attempt, resp.Header.Get("Retry-After"))
		c.log.Warn("bot connector call will be retried", "op", op, "status", resp.StatusCode,
			"code", cerr.Code, "attempt", attempt, "wait", wait)
		if err := retryafter.Sleep(ctx, wait); err != nil {
			return &ConnectorError{Op: op, Status: cerr.Status, Code: cerr.Code, Err: err}
		}
	}
}

// once sends one HTTP request; the response body is the caller's to close.
func (c *Connector) once(ctx context.Context, method, u string, body []byte) (*http.Response, error) {
	token, err := c.tokens.Token(ctx)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	// The header values are shared between requests, which net/http only
	// reads; the token rarely changes, so neither does its header.
	req.Header["Authorization"] = c.authorization(token)
	req.Header["Content-Type"] = contentTypeJSON
	req.Header["Accept"] = acceptJSON
	resp, err := c.client.Do(req)
	if err != nil {
		// url.Error names the URL and the cause; the token is only in a header.
		return nil, err
	}
	return resp, nil
}

// Request header values shared by every call.
var (
	contentTypeJSON = []string{"application/json; charset=utf-8"}
	acceptJSON      = []string{"application/json"}
)

// bearer is a token and its Authorization header value.
type bearer struct {
	token  string
	header []string
}

// authorization returns the Authorization header value for token, kept
// from the last call when the token is the same.
func (c *Connector) authorization(token string) []string {
	if b := c.bearer.Load(); b != nil && b.token == token {
		return b.header
	}
	b := &bearer{token: token, header: []string{"Bearer " + token}}
	c.bearer.Store(b)
	return b.header
}

func decodeAnswer(op string, resp *http.Response, out any) error {
	defer resp.Body.Close()
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer putBodyBuffer(buf)
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, maxResponseBytes)); err != nil {
		return &ConnectorError{Op: op, Status: resp.StatusCode, Err: fmt.Errorf("read answer: %w", err)}
	}
	// Both decoders copy what they keep: the buffer is reused.
	b := buf.Bytes()
	if out == nil || len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if rr, ok := out.(*schema.ResourceResponse); ok && decodeResourceResponse(b, rr) {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return &ConnectorError{Op: op, Status: resp.StatusCode, Err: fmt.Errorf("malformed answer: %w", err)}
	}
	return nil
}

// retryable says whether to send a call again after the status. A POST
// (a new message, a new conversation) is sent again only when the answer
// proves it was not carried out (429, 412): after a 502 or 504 the message
// may have been posted, and a transport error is never retried. An update
// (PUT) is idempotent and is retried after those too.
func retryable(method string, status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusPreconditionFailed:
		return true
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return method != http.MethodPost
	}
	return false
}
