package botframework_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/botframework"
)

// FuzzDecode: Decode never panics; a decoded activity marshals, decodes
// again to the same activity and marshals to the same bytes; reading its
// tenant, mentions, card action and mention-stripped text never panics.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"type":"message","text":"<at>mfabot</at> help","recipient":{"id":"28:bot"},"entities":[{"type":"mention","text":"<at>mfabot</at>","mentioned":{"id":"28:bot"}}]}`))
	const limit = 64 << 10
	f.Fuzz(func(t *testing.T, body []byte) {
		act, err := botframework.Decode(bytes.NewReader(body), limit)
		if err != nil {
			if act != nil {
				t.Fatalf("Decode returned an activity with error %v", err)
			}
			if int64(len(body)) > limit && !errors.Is(err, botframework.ErrBodyTooLarge) {
				t.Fatalf("oversized body: %v", err)
			}
			return
		}
		if act.Type == "" {
			t.Fatal("decoded an activity without a type")
		}
		_ = act.Tenant()
		_ = act.Personal()
		_ = act.Mentions()
		if ca, err := act.CardAction(); err == nil && ca.Action.Type != "Action.Execute" {
			t.Fatalf("card action of type %q accepted", ca.Action.Type)
		}
		stripped := botframework.StripMentions(act)
		if len(stripped) > len(act.Text) || stripped != strings.TrimSpace(stripped) {
			t.Fatalf("StripMentions(%q) = %q", act.Text, stripped)
		}

		b1, err := json.Marshal(act)
		if err != nil {
			// Only times Go cannot write back (years past 9999 cannot be read
			// either, so nothing else is expected to fail).
			t.Fatalf("marshal a decoded activity: %v", err)
		}
		again, err := botframework.Decode(bytes.NewReader(b1), limit*2)
		if err != nil {
			t.Fatalf("decode a marshalled activity: %v\n%s", err, b1)
		}
		if again.Teams != act.Teams || again.Tenant() != act.Tenant() || botframework.StripMentions(again) != stripped {
			t.Fatalf("round trip changed the activity:\n%+v\n%+v", act.Teams, again.Teams)
		}
		b2, err := json.Marshal(again)
		if err != nil || !bytes.Equal(b1, b2) {
			t.Fatalf("marshal is not stable: %v\n%s\n%s", err, b1, b2)
		}
		if !reflect.DeepEqual(again.Value, compact(act.Value)) {
			t.Fatalf("value changed: %s → %s", act.Value, again.Value)
		}
	})
}

// compact is raw JSON as Marshal writes it: compacted, with <, > and &
// escaped as \u003c, \u003e and \u0026 (the same JSON value).
func compact(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return nil
	}
	var b, h bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	json.HTMLEscape(&h, b.Bytes())
	return h.Bytes()
}
