package botframework

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// Activity types mfabot handles, re-exported from the schema package.
const (
	TypeMessage            = string(schema.Message)
	TypeInvoke             = string(schema.Invoke)
	TypeConversationUpdate = string(schema.ConversationUpdate)
	TypeInstallationUpdate = string(schema.InstallationUpdate)
	TypeTyping             = string(schema.Typing)
)

// ChannelMSTeams is the channel id of Microsoft Teams.
const ChannelMSTeams = "msteams"

// Activity is a Bot Framework activity as mfabot reads and writes it. It is
// JSON-compatible with the protocol; zero fields are omitted on output.
// Value and ChannelData stay raw JSON because the protocol allows any JSON
// there; Teams is parsed from ChannelData when the activity is decoded.
type Activity struct {
	Type             string                     `json:"type,omitzero"`
	ID               string                     `json:"id,omitzero"`
	Timestamp        time.Time                  `json:"timestamp,omitzero"`
	LocalTimestamp   time.Time                  `json:"localTimestamp,omitzero"`
	ServiceURL       string                     `json:"serviceUrl,omitzero"`
	ChannelID        string                     `json:"channelId,omitzero"`
	From             schema.ChannelAccount      `json:"from,omitzero"`
	Conversation     schema.ConversationAccount `json:"conversation,omitzero"`
	Recipient        schema.ChannelAccount      `json:"recipient,omitzero"`
	Locale           string                     `json:"locale,omitzero"`
	Text             string                     `json:"text,omitzero"`
	TextFormat       string                     `json:"textFormat,omitzero"`
	Summary          string                     `json:"summary,omitzero"`
	AttachmentLayout string                     `json:"attachmentLayout,omitzero"`
	Attachments      []schema.Attachment        `json:"attachments,omitzero"`
	Entities         []Entity                   `json:"entities,omitzero"`
	ChannelData      json.RawMessage            `json:"channelData,omitzero"`
	ReplyToID        string                     `json:"replyToId,omitzero"`
	Name             string                     `json:"name,omitzero"`
	Value            json.RawMessage            `json:"value,omitzero"`
	Action           string                     `json:"action,omitzero"`
	MembersAdded     []schema.ChannelAccount    `json:"membersAdded,omitzero"`
	MembersRemoved   []schema.ChannelAccount    `json:"membersRemoved,omitzero"`

	// Teams is channelData parsed; filled by Decode and UnmarshalJSON, never
	// marshalled. To send channelData, set ChannelData.
	Teams TeamsChannelData `json:"-"`
}

// TeamsChannelData is the part of Teams' channelData mfabot reads.
type TeamsChannelData struct {
	Tenant    IDRef  `json:"tenant,omitzero"`
	Team      IDRef  `json:"team,omitzero"`
	Channel   IDRef  `json:"channel,omitzero"`
	EventType string `json:"eventType,omitzero"`
}

// IDRef is an object carrying an id (and sometimes a name).
type IDRef struct {
	ID   string `json:"id,omitzero"`
	Name string `json:"name,omitzero"`
}

// UnmarshalJSON decodes an activity and parses its Teams channelData. A
// channelData of an unexpected shape leaves Teams empty rather than failing,
// so the tenant check fails closed.
func (a *Activity) UnmarshalJSON(b []byte) error {
	var p activityFields
	if !decodeActivity(b, (*Activity)(&p)) {
		p = activityFields{}
		if err := json.Unmarshal(b, &p); err != nil {
			return err
		}
	}
	*a = Activity(p)
	a.parseTeams()
	return nil
}

// activityFields is Activity without its UnmarshalJSON: what encoding/json
// fills before the channelData is parsed.
type activityFields Activity

// parseTeams sets Teams from ChannelData.
func (a *Activity) parseTeams() {
	a.Teams = TeamsChannelData{}
	if len(a.ChannelData) > 0 && a.ChannelData[0] == '{' && !decodeTeams(a.ChannelData, &a.Teams) {
		a.Teams = TeamsChannelData{}
		_ = json.Unmarshal(a.ChannelData, &a.Teams)
	}
}

// bodyBuffers hold activity bodies while they are decoded.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody is the largest buffer kept for reuse; an activity is a few
// KB, so one large body does not stay in memory.
const maxPooledBody = 64 << 10

func putBodyBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBody {
		return
	}
	b.Reset()
	bodyBuffers.Put(b)
}

// ErrBodyTooLarge is returned by Decode for a body over its limit.
var ErrBodyTooLarge = errors.New("activity body too large")

// Decode reads one activity from r, refusing bodies over limit bytes,
// malformed JSON, trailing data and activities without a type.
func Decode(r io.Reader, limit int64) (*Activity, error) {
	if limit <= 0 {
		return nil, errors.New("decode activity: limit must be positive")
	}
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer putBodyBuffer(buf)
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, fmt.Errorf("decode activity: read body: %w", err)
	}
	// Both decoders copy what they keep (strings, raw JSON), so the buffer
	// is reused for the next body.
	body := buf.Bytes()
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("decode activity: %w (limit %d bytes)", ErrBodyTooLarge, limit)
	}
	// The activity is read without reflection when it can be; anything
	// that decoder is not sure of (including every malformed body) is
	// decoded by encoding/json, in one pass (a Decoder and UnmarshalJSON
	// would scan it twice), which refuses data after the activity.
	var act Activity
	if !decodeActivity(body, &act) {
		act = Activity{}
		if err := json.Unmarshal(body, (*activityFields)(&act)); err != nil {
			return nil, fmt.Errorf("decode activity: malformed JSON: %w", err)
		}
	}
	act.parseTeams()
	if act.Type == "" {
		return nil, errors.New("decode activity: missing type")
	}
	return &act, nil
}

// Tenant returns the Entra tenant id of the activity: channelData.tenant.id,
// else conversation.tenantId, else "".
func (a *Activity) Tenant() string {
	if a.Teams.Tenant.ID != "" {
		return a.Teams.Tenant.ID
	}
	return a.Conversation.TenantID
}

// Personal reports whether the activity comes from a 1:1 chat with the bot.
func (a *Activity) Personal() bool {
	return a.Conversation.ConversationType == "personal" ||
		(a.Conversation.ConversationType == "" && !a.Conversation.IsGroup)
}

// DecodeValue unmarshals the activity's value into v.
func (a *Activity) DecodeValue(v any) error {
	if len(a.Value) == 0 || string(a.Value) == "null" {
		return errors.New("activity has no value")
	}
	if err := json.Unmarshal(a.Value, v); err != nil {
		return fmt.Errorf("decode activity value: %w", err)
	}
	return nil
}

// SetChannelData marshals v into the activity's channelData.
func (a *Activity) SetChannelData(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode channelData: %w", err)
	}
	a.ChannelData = b
	return nil
}

// Entity is one entry of activity.entities, kept whole: Raw holds the entry
// as received (or as set), and Type, Mentioned and Text are read from it.
type Entity struct {
	Type      string
	Mentioned schema.ChannelAccount
	Text      string
	Raw       json.RawMessage
}

// UnmarshalJSON keeps the raw entity and reads the mention fields.
func (e *Entity) UnmarshalJSON(b []byte) error {
	e.decode(b)
	return nil
}

// decode sets the entity from its JSON: the mention fields read without
// reflection when they can be, else by encoding/json; an entity of
// another shape (json.Unmarshal fails) is kept raw and ignored.
func (e *Entity) decode(b []byte) {
	var m schema.Mention
	if !decodeMention(b, &m) {
		m = schema.Mention{}
		if err := json.Unmarshal(b, &m); err != nil {
			m = schema.Mention{}
		}
	}
	e.Type, e.Mentioned, e.Text = m.Type, m.Mentioned, m.Text
	e.Raw = append(json.RawMessage(nil), b...)
}

// MarshalJSON writes the raw entity if there is one, else a mention-shaped
// object from the fields.
func (e Entity) MarshalJSON() ([]byte, error) {
	if len(e.Raw) > 0 {
		return e.Raw, nil
	}
	type mention struct {
		Type      string                `json:"type"`
		Mentioned schema.ChannelAccount `json:"mentioned,omitzero"`
		Text      string                `json:"text,omitzero"`
	}
	return json.Marshal(mention{Type: e.Type, Mentioned: e.Mentioned, Text: e.Text})
}

// Mentions returns the activity's mention entities.
func (a *Activity) Mentions() []Entity {
	var out []Entity
	for _, e := range a.Entities {
		if strings.EqualFold(e.Type, "mention") {
			out = append(out, e)
		}
	}
	return out
}
