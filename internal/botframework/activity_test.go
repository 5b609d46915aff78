package botframework_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/botframework"
)

// teamsChannelMessage is a channel message as Teams sends it, with the bot
// and another user mentioned.
const teamsChannelMessage = `{
  "type": "message",
  "id": "1481567603816",
  "timestamp": "2026-11-20T10:00:00.123Z",
  "serviceUrl": "https://smba.trafficmanager.net/amer/",
  "channelId": "msteams",
  "from": {"id": "29:alice", "name": "Alice", "aadObjectId": "a11ce"},
  "conversation": {"isGroup": true, "conversationType": "channel", "tenantId": "t-1", "id": "19:abc@thread.skype;messageid=1481567603816"},
  "recipient": {"id": "28:bot", "name": "mfabot"},
  "text": "<at>mfabot</at> reset mfa <at>Bob Smith</at> lost phone\n",
  "textFormat": "plain",
  "entities": [
    {"type": "mention", "mentioned": {"id": "28:bot", "name": "mfabot"}, "text": "<at>mfabot</at>"},
    {"type": "mention", "mentioned": {"id": "29:bob", "name": "Bob Smith"}, "text": "<at>Bob Smith</at>"},
    {"type": "clientInfo", "locale": "en-US", "country": "US", "platform": "Web"}
  ],
  "channelData": {"teamsChannelId": "19:abc@thread.skype", "team": {"id": "19:team@thread.skype"},
    "channel": {"id": "19:abc@thread.skype"}, "tenant": {"id": "t-1"}},
  "locale": "en-US"
}`

func TestDecodeTeamsChannelMessage(t *testing.T) {
	act, err := botframework.Decode(strings.NewReader(teamsChannelMessage), 1<<16)
	if err != nil {
		t.Fatal(err)
	}
	if act.Tenant() != "t-1" || act.Teams.Team.ID != "19:team@thread.skype" || act.Teams.Channel.ID != "19:abc@thread.skype" {
		t.Fatalf("channelData parsed as %+v", act.Teams)
	}
	if act.From.AadObjectID != "a11ce" || !act.Conversation.IsGroup || act.Personal() {
		t.Fatalf("from/conversation: %+v %+v", act.From, act.Conversation)
	}
	if m := act.Mentions(); len(m) != 2 || m[1].Mentioned.ID != "29:bob" || m[1].Text != "<at>Bob Smith</at>" {
		t.Fatalf("mentions = %+v", m)
	}
	if got, want := botframework.StripMentions(act), "reset mfa <at>Bob Smith</at> lost phone"; got != want {
		t.Fatalf("StripMentions = %q, want %q", got, want)
	}
	// Entities survive a round trip whole (clientInfo keeps its fields).
	b, err := json.Marshal(act)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"platform":"Web"`) || !strings.Contains(string(b), `"teamsChannelId"`) {
		t.Fatalf("round trip lost data: %s", b)
	}
}

func TestDecodeValueShapes(t *testing.T) {
	for name, value := range map[string]string{
		"string": `"approve"`, "array": `[1,2]`, "object": `{"action":{"type":"Action.Execute","verb":"approve","data":{"requestId":"r1"}},"trigger":"manual"}`,
	} {
		t.Run(name, func(t *testing.T) {
			body := `{"type":"invoke","name":"adaptiveCard/action","value":` + value + `}`
			act, err := botframework.Decode(strings.NewReader(body), 1024)
			if err != nil {
				t.Fatal(err)
			}
			if string(act.Value) != value {
				t.Fatalf("value = %s", act.Value)
			}
			ca, err := act.CardAction()
			if name == "object" {
				if err != nil || ca.Action.Verb != "approve" || string(ca.Action.Data) != `{"requestId":"r1"}` {
					t.Fatalf("card action %+v, err %v", ca, err)
				}
			} else if err == nil {
				t.Fatalf("a %s value decoded as a card action", name)
			}
		})
	}
	msg, err := botframework.Decode(strings.NewReader(`{"type":"message","value":{"verb":"x"}}`), 1024)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := msg.CardAction(); err == nil {
		t.Fatal("a message was read as an invoke")
	}
}

func TestDecodeRefuses(t *testing.T) {
	big := `{"type":"message","text":"` + strings.Repeat("x", 2000) + `"}`
	_, err := botframework.Decode(strings.NewReader(big), 1000)
	if !errors.Is(err, botframework.ErrBodyTooLarge) {
		t.Fatalf("oversize: %v", err)
	}
	for name, body := range map[string]string{
		"malformed":  `{"type":"message",`,
		"not object": `[1]`,
		"trailing":   `{"type":"message"} {"type":"message"}`,
		"no type":    `{"text":"hi"}`,
		"empty":      ``,
		"bad field":  `{"type":"message","from":"alice"}`,
	} {
		if _, err := botframework.Decode(strings.NewReader(body), 1000); err == nil {
			t.Fatalf("%s body accepted", name)
		}
	}
	if _, err := botframework.Decode(strings.NewReader(`{"type":"message"}`), 18); err != nil {
		t.Fatalf("a body of exactly the limit was refused: %v", err)
	}
}

func TestStripMentions(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"personal, no entities", `{"type":"message","text":"  reset mfa bob  ","recipient":{"id":"28:bot"},"conversation":{"conversationType":"personal"}}`, "reset mfa bob"},
		{"group without entities", `{"type":"message","text":"<at>mfabot</at> help","recipient":{"id":"28:bot"},"conversation":{"conversationType":"groupChat","isGroup":true}}`, "help"},
		{"mention of someone else only", `{"type":"message","text":"<at>Bob</at> hi","recipient":{"id":"28:bot"},"entities":[{"type":"mention","mentioned":{"id":"29:bob"},"text":"<at>Bob</at>"}],"conversation":{"isGroup":true}}`, "<at>Bob</at> hi"},
		{"entity with wrong shape", `{"type":"message","text":"hi","recipient":{"id":"28:bot"},"entities":[{"type":"mention","mentioned":"x"}, 5]}`, "hi"},
		{"null entities", `{"type":"message","text":" hi ","entities":null}`, "hi"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			act, err := botframework.Decode(strings.NewReader(c.body), 4096)
			if err != nil {
				t.Fatal(err)
			}
			if got := botframework.StripMentions(act); got != c.want {
				t.Fatalf("StripMentions = %q, want %q", got, c.want)
			}
		})
	}
	if botframework.StripMentions(nil) != "" {
		t.Fatal("nil activity")
	}
}

func TestRefAndInvokeResponses(t *testing.T) {
	act, err := botframework.Decode(strings.NewReader(teamsChannelMessage), 1<<16)
	if err != nil {
		t.Fatal(err)
	}
	ref := act.Ref()
	if ref.TenantID != "t-1" || ref.Bot.ID != "28:bot" || ref.User.ID != "29:alice" || ref.ActivityID != act.ID {
		t.Fatalf("ref = %+v", ref)
	}
	b, err := json.Marshal(ref)
	if err != nil {
		t.Fatal(err)
	}
	var back botframework.ConversationReference
	if err := json.Unmarshal(b, &back); err != nil || back.Conversation.ID != ref.Conversation.ID {
		t.Fatalf("ref round trip: %+v %v", back, err)
	}

	for _, c := range []struct {
		r    botframework.InvokeResponse
		want string
	}{
		{botframework.CardResponse(map[string]string{"type": "AdaptiveCard"}), `{"statusCode":200,"type":"application/vnd.microsoft.card.adaptive","value":{"type":"AdaptiveCard"}}`},
		{botframework.MessageResponse("Approved"), `{"statusCode":200,"type":"application/vnd.microsoft.activity.message","value":"Approved"}`},
		{botframework.ErrorResponse(400, "BadRequest", "unknown verb"), `{"statusCode":400,"type":"application/vnd.microsoft.error","value":{"code":"BadRequest","message":"unknown verb"}}`},
	} {
		got, err := json.Marshal(c.r)
		if err != nil || string(got) != c.want {
			t.Fatalf("invoke response = %s, want %s (%v)", got, c.want, err)
		}
	}
}
