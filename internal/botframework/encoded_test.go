package botframework

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// A reply carrying a pre-encoded card must be the same JSON as the one
// encoding/json writes for the card as a value, with every field the
// connector needs, and the card's bytes copied unchanged.
func TestEncodeBodyWithEncodedCardMatchesMarshal(t *testing.T) {
	card := map[string]any{"type": "AdaptiveCard", "version": "1.5",
		"body": []any{map[string]any{"type": "TextBlock", "text": "<b>a & b</b> \u2028"}}}
	enc, err := EncodeJSON(card)
	if err != nil {
		t.Fatal(err)
	}
	ref := ConversationReference{ServiceURL: "https://smba.example/amer/", ChannelID: "msteams",
		Conversation: schema.ConversationAccount{ID: "a:1", ConversationType: "personal", TenantID: "t1"},
		Bot:          schema.ChannelAccount{ID: "28:bot", Name: "mfabot"}, User: schema.ChannelAccount{ID: "29:u", Name: "U"}}
	for name, extra := range map[string][]schema.Attachment{
		"one card":       nil,
		"card and other": {{ContentType: "text/plain", Name: "n", ContentURL: "https://x/y"}},
	} {
		t.Run(name, func(t *testing.T) {
			fast := ref.NewCardMessage(enc)
			fast.Attachments = append(fast.Attachments, extra...)
			fast.ReplyToID = "1:reply"
			if err := fast.SetChannelData(TeamsChannelData{Tenant: IDRef{ID: "t1"}}); err != nil {
				t.Fatal(err)
			}
			slow := *fast
			slow.Attachments = append([]schema.Attachment(nil), fast.Attachments...)
			slow.Attachments[0].Content = card

			got, err := encodeBody(fast)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(got, enc.Bytes()) {
				t.Errorf("card bytes not copied into %s", got)
			}
			want, err := json.Marshal(&slow)
			if err != nil {
				t.Fatal(err)
			}
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("body is not JSON: %v\n%s", err, got)
			}
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("body differs from json.Marshal:\n got %s\nwant %s", got, want)
			}
			if m := g.(map[string]any); m["replyToId"] != "1:reply" || m["serviceUrl"] == nil || m["conversation"] == nil || m["channelData"] == nil {
				t.Errorf("body lacks connector fields: %s", got)
			}
		})
	}
}

// An activity without EncodedJSON goes through json.Marshal unchanged.
func TestEncodeBodyPlain(t *testing.T) {
	a := &Activity{Type: TypeMessage, Text: "hi"}
	got, err := encodeBody(a)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(a)
	if !bytes.Equal(got, want) {
		t.Errorf("got %s, want %s", got, want)
	}
}

func BenchmarkEncodeHelpSizedReply(b *testing.B) {
	body := make([]any, 40)
	for i := range body {
		body[i] = map[string]any{"type": "TextBlock", "text": "reset mfa <user> <reason> — asks for a reset; an approver approves", "wrap": true}
	}
	card := map[string]any{"type": "AdaptiveCard", "version": "1.5", "body": body}
	enc, _ := EncodeJSON(card)
	raw, _ := json.Marshal(card)
	act := &Activity{Type: TypeMessage, ServiceURL: "https://smba.example/", ReplyToID: "1",
		Conversation: schema.ConversationAccount{ID: "a:1"}}
	b.Run("EncodedJSON", func(b *testing.B) {
		a := *act
		a.Attachments = []schema.Attachment{CardAttachment(enc)}
		for b.Loop() {
			if _, err := encodeBody(&a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("RawMessage", func(b *testing.B) {
		a := *act
		a.Attachments = []schema.Attachment{CardAttachment(json.RawMessage(raw))}
		for b.Loop() {
			if _, err := encodeBody(&a); err != nil {
				b.Fatal(err)
			}
		}
	})
}
