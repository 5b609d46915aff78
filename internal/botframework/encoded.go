package botframework

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/infracloudio/msbotbuilder-go/schema"
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

// encodeBody encodes a connector call's body. An activity whose attachments
// carry EncodedJSON content is encoded without them and the attachments are
// appended with their content copied as it is; anything else goes through
// json.Marshal.
func encodeBody(in any) ([]byte, error) {
	a, ok := in.(*Activity)
	if !ok || !hasEncoded(a.Attachments) {
		return json.Marshal(in)
	}
	cp := *a
	cp.Attachments = nil
	head, err := json.Marshal(&cp)
	if err != nil {
		return nil, err
	}
	if len(head) < 2 || head[len(head)-1] != '}' {
		return nil, errors.New("activity did not encode as an object")
	}
	size := len(head) + 32
	for _, at := range a.Attachments {
		if e, ok := at.Content.(EncodedJSON); ok {
			size += len(e.b) + 64
		}
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	buf.Write(head[:len(head)-1])
	if len(head) > 2 {
		buf.WriteByte(',')
	}
	buf.WriteString(`"attachments":[`)
	for i, at := range a.Attachments {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := appendAttachment(buf, at); err != nil {
			return nil, err
		}
	}
	buf.WriteString("]}")
	return buf.Bytes(), nil
}

func hasEncoded(as []schema.Attachment) bool {
	for _, at := range as {
		if _, ok := at.Content.(EncodedJSON); ok {
			return true
		}
	}
	return false
}

// appendAttachment writes one attachment; EncodedJSON content is copied.
func appendAttachment(buf *bytes.Buffer, at schema.Attachment) error {
	e, ok := at.Content.(EncodedJSON)
	if !ok || e.b == nil {
		b, err := json.Marshal(at)
		if err != nil {
			return err
		}
		buf.Write(b)
		return nil
	}
	at.Content = nil
	b, err := json.Marshal(at)
	if err != nil {
		return err
	}
	buf.Write(b[:len(b)-1])
	if len(b) > 2 {
		buf.WriteByte(',')
	}
	buf.WriteString(`"content":`)
	buf.Write(e.b)
	buf.WriteByte('}')
	return nil
}
