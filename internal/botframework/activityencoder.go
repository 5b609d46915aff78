package botframework

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// appendActivity appends a's JSON, byte for byte what json.Marshal(a)
// writes, without reflection for the members a reply carries: strings,
// accounts, the conversation and attachments (EncodedJSON content is
// copied as it is). Times, entities, channelData, value and members are
// rare in replies and are each written by json.Marshal, which gives the
// same bytes as inside the activity. TestAppendActivityMatchesMarshal and
// FuzzAppendActivityMatchesMarshal hold it to json.Marshal.
//
// A replyToID is written when a has no ReplyToID of its own, as if a's
// were set to it.
func appendActivity(dst []byte, a *Activity, replyToID string) ([]byte, error) {
	w := objectWriter{b: append(dst, '{')}
	w.str("type", a.Type)
	w.str("id", a.ID)
	if !a.Timestamp.IsZero() {
		w.marshal("timestamp", a.Timestamp)
	}
	if !a.LocalTimestamp.IsZero() {
		w.marshal("localTimestamp", a.LocalTimestamp)
	}
	w.str("serviceUrl", a.ServiceURL)
	w.str("channelId", a.ChannelID)
	w.account("from", a.From)
	w.conversation("conversation", a.Conversation)
	w.account("recipient", a.Recipient)
	w.str("locale", a.Locale)
	w.str("text", a.Text)
	w.str("textFormat", a.TextFormat)
	w.str("summary", a.Summary)
	w.str("attachmentLayout", a.AttachmentLayout)
	if a.Attachments != nil {
		w.key("attachments")
		w.b = append(w.b, '[')
		for i, at := range a.Attachments {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.attachment(at)
		}
		w.b = append(w.b, ']')
	}
	if a.Entities != nil {
		w.marshal("entities", a.Entities)
	}
	if a.ChannelData != nil {
		w.marshal("channelData", a.ChannelData)
	}
	if a.ReplyToID != "" {
		replyToID = a.ReplyToID
	}
	w.str("replyToId", replyToID)
	w.str("name", a.Name)
	if a.Value != nil {
		w.marshal("value", a.Value)
	}
	w.str("action", a.Action)
	if a.MembersAdded != nil {
		w.marshal("membersAdded", a.MembersAdded)
	}
	if a.MembersRemoved != nil {
		w.marshal("membersRemoved", a.MembersRemoved)
	}
	if w.err != nil {
		return nil, w.err
	}
	return append(w.b, '}'), nil
}

// objectWriter writes the members of a JSON object.
type objectWriter struct {
	b    []byte
	more bool // a member was written
	err  error
}

// key writes a member's name (names here need no escaping).
func (w *objectWriter) key(name string) {
	if w.more {
		w.b = append(w.b, ',')
	}
	w.more = true
	w.b = append(w.b, '"')
	w.b = append(w.b, name...)
	w.b = append(w.b, '"', ':')
}

// str writes a string member unless it is empty (omitzero, omitempty).
func (w *objectWriter) str(name, v string) {
	if v != "" {
		w.key(name)
		w.b = appendJSONString(w.b, v)
	}
}

// marshal writes a member with json.Marshal.
func (w *objectWriter) marshal(name string, v any) {
	if w.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		w.err = err
		return
	}
	w.key(name)
	w.b = append(w.b, b...)
}

// account writes a schema.ChannelAccount member unless it is zero.
func (w *objectWriter) account(name string, c schema.ChannelAccount) {
	if c == (schema.ChannelAccount{}) {
		return
	}
	w.key(name)
	in := objectWriter{b: append(w.b, '{')}
	in.str("id", c.ID)
	in.str("name", c.Name)
	in.str("aadObjectId", c.AadObjectID)
	in.str("role", string(c.Role))
	w.b = append(in.b, '}')
}

// conversation writes a schema.ConversationAccount member unless it is
// zero.
func (w *objectWriter) conversation(name string, c schema.ConversationAccount) {
	if c == (schema.ConversationAccount{}) {
		return
	}
	w.key(name)
	in := objectWriter{b: append(w.b, '{')}
	if c.IsGroup {
		in.key("isGroup")
		in.b = append(in.b, "true"...)
	}
	in.str("conversationType", c.ConversationType)
	in.str("tenantId", c.TenantID)
	in.str("id", c.ID)
	in.str("name", c.Name)
	in.str("aadObjectId", c.AadObjectID)
	in.str("role", string(c.Role))
	w.b = append(in.b, '}')
}

// attachment writes one schema.Attachment (all its members omitempty).
func (w *objectWriter) attachment(at schema.Attachment) {
	in := objectWriter{b: append(w.b, '{')}
	in.str("contentType", at.ContentType)
	in.str("contentUrl", at.ContentURL)
	switch c := at.Content.(type) {
	case nil:
	case EncodedJSON:
		in.key("content")
		if c.b == nil {
			in.b = append(in.b, "null"...)
		} else {
			in.b = append(in.b, c.b...)
		}
	default:
		in.err = w.err
		in.marshal("content", c)
		w.err = in.err
	}
	in.str("name", at.Name)
	in.str("thumbnailUrl", at.ThumbnailURL)
	w.b = append(in.b, '}')
}

// jsonSafe holds the ASCII bytes encoding/json writes as they are.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString appends s quoted as encoding/json writes strings: ", \
// and the control characters escaped (\b \f \n \r \t by name), <, > and &
// as \u003c, \u003e and \u0026, U+2028 and U+2029 escaped, and each byte
// of invalid UTF-8 as \ufffd.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
