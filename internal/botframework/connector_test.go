package botframework_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
)

func TestConnectorSendReplyUpdate(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	conn := ch.Connector()
	ctx := context.Background()
	in := ch.Message(alice, "reset mfa bob@contoso.com lost phone")
	ref := in.Ref()

	card := map[string]any{"type": "AdaptiveCard", "version": "1.5", "body": []any{}}
	id1, err := conn.SendToConversation(ctx, ref.ServiceURL, ref.Conversation.ID, ref.NewCardMessage(card))
	if err != nil || id1 == "" {
		t.Fatalf("send: id %q, err %v", id1, err)
	}
	reply := ref.NewMessage("on it")
	id2, err := conn.ReplyToActivity(ctx, ref.ServiceURL, ref.Conversation.ID, in.ID, reply)
	if err != nil || id2 == "" || id2 == id1 {
		t.Fatalf("reply: id %q, err %v", id2, err)
	}
	if reply.ReplyToID != "" {
		t.Fatalf("the caller's activity was changed: replyToId %q", reply.ReplyToID)
	}
	if err := conn.UpdateActivity(ctx, ref.ServiceURL, ref.Conversation.ID, id1, ref.NewMessage("done")); err != nil {
		t.Fatal(err)
	}

	sent := ch.Sent()
	if len(sent) != 2 || sent[0].ID != id1 || sent[1].ID != id2 {
		t.Fatalf("sent = %+v", sent)
	}
	if sent[0].ReplyToID != "" || sent[1].ReplyToID != in.ID || sent[1].Activity.ReplyToID != in.ID {
		t.Fatalf("reply routing: %+v", sent)
	}
	a := sent[0].Activity
	if len(a.Attachments) != 1 || a.Attachments[0].ContentType != botframework.ContentTypeAdaptiveCard {
		t.Fatalf("attachments = %+v", a.Attachments)
	}
	if a.From.ID != "28:"+ch.AppID || a.Recipient.ID != alice.ID || a.Conversation.ID != ref.Conversation.ID {
		t.Fatalf("addressing: %+v", a)
	}
	up := ch.Updates()
	if len(up) != 1 || up[0].ActivityID != id1 || up[0].Activity.Text != "done" || up[0].Activity.ID != id1 {
		t.Fatalf("updates = %+v", up)
	}
}

func TestConnectorOmitsZeroFields(t *testing.T) {
	ref := botframework.ConversationReference{ServiceURL: "https://x/", ChannelID: "msteams",
		Conversation: schema.ConversationAccount{ID: "a:1"}, Bot: schema.ChannelAccount{ID: "28:b"}}
	b, err := json.Marshal(ref.NewMessage("hi"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, bad := range []string{"0001-01-01", `"recipient"`, `"timestamp"`, `"value"`, `"channelData"`, `"entities"`, `{}`} {
		if strings.Contains(s, bad) {
			t.Fatalf("marshalled activity contains %s: %s", bad, s)
		}
	}
}

func TestConnectorEscapesConversationID(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	conv := "19:abc123@thread.skype;messageid=1481567603816"
	id, err := ch.Connector().ReplyToActivity(context.Background(), ch.URL+"/", conv, "1481567603816",
		&botframework.Activity{Type: botframework.TypeMessage, Text: "hi"})
	if err != nil || id == "" {
		t.Fatal(err)
	}
	s := ch.Sent()[0]
	if s.ConversationID != conv || s.ReplyToID != "1481567603816" {
		t.Fatalf("channel saw conversation %q, reply to %q", s.ConversationID, s.ReplyToID)
	}
	want := "/v3/conversations/19%3Aabc123%40thread.skype%3Bmessageid%3D1481567603816/activities/1481567603816"
	if s.Path != want {
		t.Fatalf("path = %s, want %s", s.Path, want)
	}
	if got := botframework.EscapeID("a/b c"); got != "a%2Fb%20c" {
		t.Fatalf("EscapeID = %s", got)
	}
}

func TestConnectorRetries(t *testing.T) {
	for _, status := range []int{429, 412} {
		ch := channeltest.New(t, channeltest.Config{})
		ch.Fail(channeltest.Fault{Status: status, Times: 2})
		id, err := ch.Connector().SendToConversation(context.Background(), ch.URL, "a:1", &botframework.Activity{Type: "message", Text: "x"})
		if err != nil || id == "" {
			t.Fatalf("status %d: id %q, err %v", status, id, err)
		}
		if n := len(ch.Sent()); n != 1 {
			t.Fatalf("status %d: %d sent", status, n)
		}
	}
}

// TestConnectorDoesNotResendAPostWithUnknownOutcome: after a 502 or 504 the
// message may have been posted, so a send is not repeated (the user would
// see it twice); an update (PUT) is idempotent and is retried.
func TestConnectorDoesNotResendAPostWithUnknownOutcome(t *testing.T) {
	for _, status := range []int{502, 504} {
		ch := channeltest.New(t, channeltest.Config{})
		ch.Fail(channeltest.Fault{Status: status, Times: 1})
		_, err := ch.Connector().SendToConversation(context.Background(), ch.URL, "a:1", &botframework.Activity{Type: "message", Text: "x"})
		var ce *botframework.ConnectorError
		if !errors.As(err, &ce) || ce.Status != status || len(ch.Sent()) != 0 {
			t.Fatalf("status %d: err %v, %d sent", status, err, len(ch.Sent()))
		}
		ch.Fail(channeltest.Fault{Status: status, Times: 1})
		if err := ch.Connector().UpdateActivity(context.Background(), ch.URL, "a:1", "act-1", &botframework.Activity{Type: "message", Text: "y"}); err != nil {
			t.Fatalf("update after %d: %v", status, err)
		}
		if len(ch.Updates()) != 1 {
			t.Fatalf("update after %d: %d updates", status, len(ch.Updates()))
		}
	}
}

func TestConnectorHonoursRetryAfter(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	ch.Fail(channeltest.Fault{Status: 429, RetryAfter: "0.3"})
	conn := botframework.NewConnector(botframework.ConnectorConfig{
		Tokens: ch.TokenSource(), HTTPClient: ch.Client(), BaseDelay: time.Millisecond, MaxDelay: 5 * time.Second})
	start := time.Now()
	if _, err := conn.SendToConversation(context.Background(), ch.URL, "a:1", &botframework.Activity{Type: "message"}); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 300*time.Millisecond {
		t.Fatalf("retried after %v, Retry-After said 0.3 s", el)
	}
}

func TestConnectorGivesUpAfterMaxAttempts(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	ch.Fail(channeltest.Fault{Status: 429, Code: "TooManyRequests", Times: -1})
	_, err := ch.Connector().SendToConversation(context.Background(), ch.URL, "a:1", &botframework.Activity{Type: "message"})
	var ce *botframework.ConnectorError
	if !errors.As(err, &ce) || ce.Status != 429 || ce.Code != "TooManyRequests" {
		t.Fatalf("err = %v", err)
	}
	if len(ch.Sent()) != 0 {
		t.Fatal("sent despite faults")
	}
}

func TestConnectorForbiddenNotRetried(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	ch.Fail(channeltest.Fault{Status: 403, Code: "Forbidden", SubCode: "MessageWritesBlocked", Message: "Thread is blocked", Times: 1})
	_, err := ch.Connector().SendToConversation(context.Background(), ch.URL, "a:1", &botframework.Activity{Type: "message"})
	var ce *botframework.ConnectorError
	if !errors.As(err, &ce) || ce.Status != 403 || ce.SubCode != "MessageWritesBlocked" || !botframework.IsBlocked(err) {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "MessageWritesBlocked") || strings.Contains(err.Error(), ch.Token()) {
		t.Fatalf("error text: %v", err)
	}
	// The fault was used once: had the call been retried it would have succeeded.
	if n := len(ch.Sent()); n != 0 {
		t.Fatalf("403 was retried (%d sent)", n)
	}
}

func TestConnectorWrongTokenNeverLeaks(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	secret := "eyJhbGciOi-secret-token-value"
	conn := botframework.NewConnector(botframework.ConnectorConfig{Tokens: botframework.StaticTokenSource(secret), HTTPClient: ch.Client()})
	_, err := conn.SendToConversation(context.Background(), ch.URL, "a:1", &botframework.Activity{Type: "message"})
	var ce *botframework.ConnectorError
	if !errors.As(err, &ce) || ce.Status != 401 {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Fatal("error contains the token")
	}
	// Transport errors name the URL, not the token.
	_, err = conn.SendToConversation(context.Background(), "http://127.0.0.1:1", "a:1", &botframework.Activity{Type: "message"})
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("err = %v", err)
	}
}

func TestConnectorHonoursContext(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	ch.Fail(channeltest.Fault{Status: 429, RetryAfter: "10", Times: -1})
	conn := botframework.NewConnector(botframework.ConnectorConfig{Tokens: ch.TokenSource(), HTTPClient: ch.Client(), MaxDelay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := conn.SendToConversation(ctx, ch.URL, "a:1", &botframework.Activity{Type: "message"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("cancellation not honoured during backoff")
	}
	cctx, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := ch.Connector().SendToConversation(cctx, ch.URL, "a:1", &botframework.Activity{Type: "message"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ctx: %v", err)
	}
}

func TestCreateConversation(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	conn := ch.Connector()
	id, err := conn.CreateConversation(context.Background(), ch.URL+"/", botframework.ConversationParameters{
		Bot: ch.BotAccount(), Members: []schema.ChannelAccount{{ID: "29:bob"}}, TenantID: ch.TenantID,
	})
	if err != nil || id == "" {
		t.Fatalf("id %q, err %v", id, err)
	}
	convs := ch.Conversations()
	if len(convs) != 1 || convs[0].ID != id || convs[0].TenantID != ch.TenantID || convs[0].IsGroup ||
		convs[0].Members[0].ID != "29:bob" || convs[0].Bot.ID != "28:"+ch.AppID {
		t.Fatalf("conversations = %+v", convs)
	}
	if _, err := conn.SendToConversation(context.Background(), ch.URL, id, &botframework.Activity{Type: "message", Text: "proactive"}); err != nil {
		t.Fatal(err)
	}
	if s := ch.WaitSent(t, 1, time.Second); s[0].ConversationID != id {
		t.Fatalf("sent to %s", s[0].ConversationID)
	}
	// The channel refuses a conversation without tenant, as Teams does.
	_, err = conn.CreateConversation(context.Background(), ch.URL, botframework.ConversationParameters{
		Bot: ch.BotAccount(), Members: []schema.ChannelAccount{{ID: "29:bob"}}})
	var ce *botframework.ConnectorError
	if !errors.As(err, &ce) || ce.Status != 400 {
		t.Fatalf("err = %v", err)
	}
	if _, err := conn.CreateConversation(context.Background(), ch.URL, botframework.ConversationParameters{}); err == nil {
		t.Fatal("no members accepted")
	}
}

func TestConnectorRefusesBadServiceURL(t *testing.T) {
	conn := botframework.NewConnector(botframework.ConnectorConfig{Tokens: botframework.StaticTokenSource("t")})
	for _, u := range []string{"", "ftp://x", "/relative", "http://"} {
		if _, err := conn.SendToConversation(context.Background(), u, "a:1", &botframework.Activity{Type: "message"}); err == nil {
			t.Fatalf("service URL %q accepted", u)
		}
	}
}

// The service URL found valid for one call does not make another valid.
func TestConnectorRefusesBadServiceURLAfterGoodOne(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	conn := ch.Connector()
	for _, u := range []string{ch.URL, "ftp://x", ch.URL, "/relative", "http://", ch.URL + "\x7f", ch.URL} {
		_, err := conn.SendToConversation(context.Background(), u, "a:1", &botframework.Activity{Type: "message"})
		if (err == nil) != (u == ch.URL) {
			t.Fatalf("service URL %q: err = %v", u, err)
		}
	}
	if len(ch.Sent()) != 3 {
		t.Fatalf("sent %d activities, want 3", len(ch.Sent()))
	}
}

func TestConnectorRefusesNilActivity(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	if _, err := ch.Connector().SendToConversation(context.Background(), ch.URL, "a:1", nil); err == nil {
		t.Fatal("nil activity sent")
	}
	if _, err := ch.Connector().ReplyToActivity(context.Background(), ch.URL, "a:1", "1", nil); err == nil {
		t.Fatal("nil activity sent as a reply")
	}
	if len(ch.Sent()) != 0 {
		t.Fatal("channel received a nil activity")
	}
}

// seqTokens gives its tokens in turn, the last one from then on.
type seqTokens struct {
	mu     sync.Mutex
	tokens []string
}

func (s *seqTokens) Token(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[0]
	if len(s.tokens) > 1 {
		s.tokens = s.tokens[1:]
	}
	return t, nil
}

// Each call carries the token the source gives for it, when it changes too.
func TestConnectorSendsCurrentToken(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization")+" "+r.Header.Get("Content-Type"))
		mu.Unlock()
		_, _ = w.Write([]byte(`{"id":"1"}`))
	}))
	defer srv.Close()
	conn := botframework.NewConnector(botframework.ConnectorConfig{Tokens: &seqTokens{tokens: []string{"a", "a", "b", "a"}}})
	for range 5 {
		if _, err := conn.ReplyToActivity(context.Background(), srv.URL, "a:1", "1", &botframework.Activity{Type: "message"}); err != nil {
			t.Fatal(err)
		}
	}
	const ct = " application/json; charset=utf-8"
	if want := []string{"Bearer a" + ct, "Bearer a" + ct, "Bearer b" + ct, "Bearer a" + ct, "Bearer a" + ct}; !slices.Equal(seen, want) {
		t.Fatalf("Authorization headers %q, want %q", seen, want)
	}
}
