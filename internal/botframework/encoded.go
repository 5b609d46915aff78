package botframework

import (
	"encoding/json"
)

// EncodedJSON is a value already encoded as compact, valid JSON by
// EncodeJSON, e.g. a card that depends on configuration only. The connector
// writes its bytes into a request as they are: encoding/json would validate
// and compact a json.RawMessage again on every call.
type EncodedJSON struct{ b []byte }

// EncodeJSON encodes v once with encoding/json.
func EncodeJSON(v any) (EncodedJSON, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return EncodedJSON{}, err
	}
	return EncodedJSON{b: b}, nil
}

// MarshalJSON returns the encoded bytes (for callers that marshal an
// activity themselves).
func (e EncodedJSON) MarshalJSON() ([]byte, error) {
	if e.b == nil {
		return []byte("null"), nil
	}
	return e.b, nil
}

// Bytes returns the encoded JSON; the caller must not modify it.
func (e EncodedJSON) Bytes() []byte { return e.b }

// encodeBody encodes a connector call's body as json.Marshal does. An
// activity is written by appendActivity, which copies EncodedJSON content
// as it is; anything else goes through json.Marshal.
func encodeBody(in any) ([]byte, error) {
	replyToID := ""
	if r, ok := in.(replyBody); ok {
		in, replyToID = r.act, r.replyToID
	}
	a, ok := in.(*Activity)
	if !ok {
		return json.Marshal(in)
	}
	size := 512
	for _, at := range a.Attachments {
		if e, ok := at.Content.(EncodedJSON); ok {
			size += len(e.b) + 64
		}
	}
	return appendActivity(make([]byte, 0, size), a, replyToID)
}

// replyBody is an activity sent as a reply: its JSON carries replyToID
// when the activity has no replyToId of its own, so that the caller's
// activity is neither changed nor copied.
type replyBody struct {
	act       *Activity
	replyToID string
}
