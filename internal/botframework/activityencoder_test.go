package botframework

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// checkEncodes fails unless appendActivity writes what json.Marshal writes
// for a, or fails where it fails; and, given a replyToID, what json.Marshal
// writes for a copy of a with its empty ReplyToID set to it.
func checkEncodes(t *testing.T, a *Activity) {
	t.Helper()
	for _, replyToID := range []string{"", "1:reply <&>"} {
		cp := *a
		if cp.ReplyToID == "" {
			cp.ReplyToID = replyToID
		}
		want, werr := json.Marshal(&cp)
		got, gerr := appendActivity(nil, a, replyToID)
		if (gerr != nil) != (werr != nil) {
			t.Fatalf("appendActivity error %v, json.Marshal error %v for %#v", gerr, werr, a)
		}
		if werr == nil && !bytes.Equal(got, want) {
			t.Fatalf("appendActivity differs from json.Marshal:\n got %s\nwant %s", got, want)
		}
		var in any = a
		if replyToID != "" {
			in = replyBody{act: a, replyToID: replyToID}
		}
		body, err := encodeBody(in)
		if werr == nil && (err != nil || !bytes.Equal(body, want)) {
			t.Fatalf("encodeBody differs from json.Marshal (%v):\n got %s\nwant %s", err, body, want)
		}
	}
}

func TestAppendActivityMatchesMarshal(t *testing.T) {
	card, err := EncodeJSON(map[string]any{"type": "AdaptiveCard", "body": []any{map[string]any{"text": "<b>a & b</b> \u2028"}}})
	if err != nil {
		t.Fatal(err)
	}
	ref := ConversationReference{ServiceURL: "https://smba.example/amer/", ChannelID: "msteams",
		Conversation: schema.ConversationAccount{ID: "a:1", ConversationType: "personal", TenantID: "t1"},
		Bot:          schema.ChannelAccount{ID: "28:bot", Name: "mfabot"}, User: schema.ChannelAccount{ID: "29:u", Name: "U", AadObjectID: "o"}}
	weird := "q\" b\\ / <a href='x'>&amp;</a> \x00\x01\x1f\x7f \b\f\n\r\t é 中 😀 \u2028\u2029 bad\xff\xfe cut\xe2\x82"
	help := ref.NewCardMessage(card)
	help.ReplyToID = "1733360000000"
	text := ref.NewMessage(weird)
	text.Entities = []Entity{{Type: "mention", Text: "<at>U</at>", Mentioned: schema.ChannelAccount{ID: "29:u", Name: "U"}},
		{Raw: json.RawMessage(` {"type" : "clientInfo", "x":"<>"} `)}}
	full := &Activity{Type: weird, ID: weird, Timestamp: time.Date(2026, 12, 5, 1, 2, 3, 4, time.UTC),
		LocalTimestamp: time.Date(2026, 12, 5, 1, 2, 3, 0, time.FixedZone("x", 3600)), ServiceURL: weird, ChannelID: weird,
		From: schema.ChannelAccount{ID: weird, Name: weird, AadObjectID: weird, Role: "user"},
		Conversation: schema.ConversationAccount{IsGroup: true, ConversationType: weird, TenantID: weird, ID: weird,
			Name: weird, AadObjectID: weird, Role: "bot"},
		Recipient: schema.ChannelAccount{Role: "bot"}, Locale: weird, Text: weird, TextFormat: weird, Summary: weird,
		AttachmentLayout: weird, Attachments: []schema.Attachment{{ContentType: weird, ContentURL: weird, Content: card, Name: weird, ThumbnailURL: weird},
			{Content: map[string]any{"a": weird, "n": 1.5}}, {Content: EncodedJSON{}}, {Content: (*struct{})(nil)}, {}},
		Entities: []Entity{}, ChannelData: json.RawMessage(`{"tenant": {"id": "<t>"}}`), ReplyToID: weird, Name: weird,
		Value: json.RawMessage(`[1, "\u00e9", null]`), Action: weird, MembersAdded: []schema.ChannelAccount{{ID: "x"}}, MembersRemoved: []schema.ChannelAccount{}}
	for name, a := range map[string]*Activity{
		"help card":        help,
		"text and mention": text,
		"every member":     full,
		"empty":            {},
		"empty slices":     {Type: "message", Attachments: []schema.Attachment{}, Entities: []Entity{}, MembersAdded: []schema.ChannelAccount{}},
		"bad raw":          {Type: "message", ChannelData: json.RawMessage(`{`)},
		"empty raw":        {Type: "message", Value: json.RawMessage{}},
		"bad content":      {Type: "message", Attachments: []schema.Attachment{{Content: func() {}}}},
		"bad time":         {Type: "message", Timestamp: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(name, func(t *testing.T) { checkEncodes(t, a) })
	}
}

// FuzzAppendActivityMatchesMarshal: activities with any strings encode as
// json.Marshal encodes them.
func FuzzAppendActivityMatchesMarshal(f *testing.F) {
	f.Add("help", "29:u", "<at>x</at> & \u2028", []byte(`{"a":1}`), uint16(0xffff))
	f.Add("\xff\x00\"\\", "", "é", []byte(`[`), uint16(0x5555))
	f.Fuzz(func(t *testing.T, s1, s2, s3 string, raw []byte, mask uint16) {
		on := func(bit int) bool { return mask&(1<<bit) != 0 }
		pick := func(bit int, s string) string {
			if on(bit) {
				return s
			}
			return ""
		}
		a := &Activity{Type: s1, ID: pick(0, s2), ServiceURL: pick(1, s3), ChannelID: pick(2, s1), Text: pick(3, s3),
			TextFormat: pick(4, s2), ReplyToID: pick(5, s1),
			From:         schema.ChannelAccount{ID: pick(6, s2), Name: pick(7, s3), Role: schema.RoleTypes(pick(8, s1))},
			Conversation: schema.ConversationAccount{IsGroup: on(9), ID: pick(10, s3), TenantID: pick(11, s2)}}
		if on(12) {
			card, err := EncodeJSON(map[string]string{"text": s3})
			if err != nil {
				t.Fatal(err)
			}
			a.Attachments = []schema.Attachment{{ContentType: s1, Content: card}, {Name: s2, Content: s3}}
		}
		if on(13) {
			a.Entities = []Entity{{Type: s1, Text: s2, Mentioned: schema.ChannelAccount{ID: s3}}}
		}
		if on(14) {
			a.ChannelData = raw
		}
		if on(15) {
			a.Value = raw
		}
		checkEncodes(t, a)
	})
}
