package channeltest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
)

var bob = channeltest.User{ID: "29:bob", AADObjectID: "b0b00000-0000-4000-8000-000000000002", Name: "Bob"}

// echoBot is a minimal bot endpoint: authenticate, answer invokes in the
// HTTP response, reply to messages asynchronously through the connector.
func echoBot(t *testing.T, ch *channeltest.Channel) *httptest.Server {
	v := botframework.NewValidator(ch.ValidatorConfig())
	conn := ch.Connector()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		act, err := botframework.Decode(r.Body, 1<<20)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if _, err := v.Authenticate(r.Context(), r.Header.Get("Authorization"), act); err != nil {
			http.Error(w, "", botframework.StatusCode(err))
			return
		}
		switch act.Type {
		case botframework.TypeInvoke:
			ca, err := act.CardAction()
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(botframework.MessageResponse("did " + ca.Action.Verb))
		case botframework.TypeMessage:
			w.WriteHeader(http.StatusOK)
			ref := act.Ref()
			go func() {
				_, _ = conn.ReplyToActivity(t.Context(), ref.ServiceURL, ref.Conversation.ID, act.ID,
					ref.NewMessage("echo: "+botframework.StripMentions(act)))
			}()
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRoundTripThroughABot(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	bot := echoBot(t, ch)

	msg := ch.Message(bob, "hello")
	status, _, err := ch.Post(bot.URL, msg)
	if err != nil || status != http.StatusOK {
		t.Fatalf("status %d, err %v", status, err)
	}
	sent := ch.WaitSent(t, 1, 5*time.Second)
	if sent[0].Activity.Text != "echo: hello" || sent[0].ReplyToID != msg.ID || sent[0].ConversationID != ch.PersonalConversationID(bob) {
		t.Fatalf("sent = %+v", sent[0])
	}

	status, body, err := ch.Post(bot.URL, ch.Invoke(bob, sent[0].ID, "approve", map[string]string{"requestId": "r1"}))
	if err != nil || status != http.StatusOK {
		t.Fatalf("invoke: status %d, err %v", status, err)
	}
	var ir botframework.InvokeResponse
	if err := json.Unmarshal(body, &ir); err != nil || ir.Value != "did approve" || ir.Type != botframework.ContentTypeMessage {
		t.Fatalf("invoke response %s (%v)", body, err)
	}

	// A request without a token, or with a token for another service URL,
	// is refused by the bot.
	unsigned := ch.NewRequestWithToken(bot.URL, ch.Message(bob, "x"), "")
	if resp, err := http.DefaultClient.Do(unsigned); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	forged := ch.NewRequestWithToken(bot.URL, ch.Message(bob, "x"), ch.Sign(map[string]any{"serviceurl": "https://elsewhere.example/"}))
	if resp, err := http.DefaultClient.Do(forged); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}

func TestFaultsMatchAndExpire(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	ch.Fail(channeltest.Fault{Status: 403, SubCode: "MessageWritesBlocked", Times: -1, PathContains: "blocked"})
	conn := ch.Connector()
	ctx := t.Context()
	for range 2 {
		if _, err := conn.SendToConversation(ctx, ch.URL, "a:blocked", &botframework.Activity{Type: "message"}); !botframework.IsBlocked(err) {
			t.Fatalf("err = %v", err)
		}
	}
	if _, err := conn.SendToConversation(ctx, ch.URL, "a:open", &botframework.Activity{Type: "message"}); err != nil {
		t.Fatalf("unrelated conversation hit the fault: %v", err)
	}
	ch.Fail(channeltest.Fault{Status: 502, Times: 1, Method: http.MethodPut})
	if _, err := conn.SendToConversation(ctx, ch.URL, "a:open", &botframework.Activity{Type: "message"}); err != nil {
		t.Fatal(err)
	}
	if err := conn.UpdateActivity(ctx, ch.URL, "a:open", "1", &botframework.Activity{Type: "message"}); err != nil {
		t.Fatalf("502 on PUT was not retried: %v", err)
	}
	if n := len(ch.Updates()); n != 1 {
		t.Fatalf("%d updates", n)
	}
}
