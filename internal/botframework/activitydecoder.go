package botframework

import (
	"encoding/json"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// decodeActivity decodes body into a (which must be zero) without
// reflection and reports whether it could; it is false for everything
// jsonParser leaves to encoding/json, including every body encoding/json
// refuses. When true, a holds what json.Unmarshal into activityFields
// gives for the same body, channelData not yet parsed.
func decodeActivity(body []byte, a *Activity) bool {
	p := jsonParser{b: body}
	return p.fields(func(key foldedKey) bool { return p.activityField(a, key) }) && p.atEnd()
}

// activityField decodes the value of the activity's member key (folded).
func (p *jsonParser) activityField(a *Activity, key foldedKey) bool {
	switch string(key.b[:key.n]) {
	case "type":
		return p.stringInto(&a.Type)
	case "id":
		return p.stringInto(&a.ID)
	case "timestamp":
		return p.timeInto(&a.Timestamp)
	case "localtimestamp":
		return p.timeInto(&a.LocalTimestamp)
	case "serviceurl":
		return p.stringInto(&a.ServiceURL)
	case "channelid":
		return p.stringInto(&a.ChannelID)
	case "from":
		return p.accountInto(&a.From)
	case "conversation":
		return p.conversationInto(&a.Conversation)
	case "recipient":
		return p.accountInto(&a.Recipient)
	case "locale":
		return p.stringInto(&a.Locale)
	case "text":
		return p.stringInto(&a.Text)
	case "textformat":
		return p.stringInto(&a.TextFormat)
	case "summary":
		return p.stringInto(&a.Summary)
	case "attachmentlayout":
		return p.stringInto(&a.AttachmentLayout)
	case "attachments":
		return p.reflectInto(&a.Attachments)
	case "entities":
		return p.entitiesInto(&a.Entities)
	case "channeldata":
		return p.rawInto(&a.ChannelData)
	case "replytoid":
		return p.stringInto(&a.ReplyToID)
	case "name":
		return p.stringInto(&a.Name)
	case "value":
		return p.rawInto(&a.Value)
	case "action":
		return p.stringInto(&a.Action)
	case "membersadded":
		return p.reflectInto(&a.MembersAdded)
	case "membersremoved":
		return p.reflectInto(&a.MembersRemoved)
	}
	return p.skip(0)
}

// accountInto decodes a schema.ChannelAccount.
func (p *jsonParser) accountInto(c *schema.ChannelAccount) bool {
	return p.structInto(func(key foldedKey) bool {
		switch string(key.b[:key.n]) {
		case "id":
			return p.stringInto(&c.ID)
		case "name":
			return p.stringInto(&c.Name)
		case "aadobjectid":
			return p.stringInto(&c.AadObjectID)
		case "role":
			return p.stringInto((*string)(&c.Role))
		}
		return p.skip(0)
	})
}

// conversationInto decodes a schema.ConversationAccount.
func (p *jsonParser) conversationInto(c *schema.ConversationAccount) bool {
	return p.structInto(func(key foldedKey) bool {
		switch string(key.b[:key.n]) {
		case "isgroup":
			return p.boolInto(&c.IsGroup)
		case "conversationtype":
			return p.stringInto(&c.ConversationType)
		case "tenantid":
			return p.stringInto(&c.TenantID)
		case "id":
			return p.stringInto(&c.ID)
		case "name":
			return p.stringInto(&c.Name)
		case "aadobjectid":
			return p.stringInto(&c.AadObjectID)
		case "role":
			return p.stringInto((*string)(&c.Role))
		}
		return p.skip(0)
	})
}

// idRefInto decodes an IDRef.
func (p *jsonParser) idRefInto(r *IDRef) bool {
	return p.structInto(func(key foldedKey) bool {
		switch string(key.b[:key.n]) {
		case "id":
			return p.stringInto(&r.ID)
		case "name":
			return p.stringInto(&r.Name)
		}
		return p.skip(0)
	})
}

// teamsInto decodes TeamsChannelData.
func (p *jsonParser) teamsInto(t *TeamsChannelData) bool {
	return p.structInto(func(key foldedKey) bool {
		switch string(key.b[:key.n]) {
		case "tenant":
			return p.idRefInto(&t.Tenant)
		case "team":
			return p.idRefInto(&t.Team)
		case "channel":
			return p.idRefInto(&t.Channel)
		case "eventtype":
			return p.stringInto(&t.EventType)
		}
		return p.skip(0)
	})
}

// mentionInto decodes a schema.Mention.
func (p *jsonParser) mentionInto(m *schema.Mention) bool {
	return p.structInto(func(key foldedKey) bool {
		switch string(key.b[:key.n]) {
		case "mentioned":
			return p.accountInto(&m.Mentioned)
		case "text":
			return p.stringInto(&m.Text)
		case "type":
			return p.stringInto(&m.Type)
		}
		return p.skip(0)
	})
}

// timeInto decodes a time as encoding/json does: by time.Time's
// UnmarshalJSON, given the value's bytes.
func (p *jsonParser) timeInto(t *time.Time) bool {
	v, ok := p.value()
	return ok && t.UnmarshalJSON(v) == nil
}

// rawInto keeps a value's bytes (a copy), null included, as
// json.RawMessage does.
func (p *jsonParser) rawInto(dst *json.RawMessage) bool {
	v, ok := p.value()
	if ok {
		*dst = append((*dst)[:0], v...)
	}
	return ok
}

// entitiesInto decodes the entities array; null empties it.
func (p *jsonParser) entitiesInto(dst *[]Entity) bool {
	switch p.peek() {
	case 'n':
		*dst = nil
		return p.literal("null")
	case '[':
	default:
		return false
	}
	var out []Entity
	ok := p.array(func() bool {
		v, ok := p.value()
		if ok {
			var e Entity
			e.decode(v)
			out = append(out, e)
		}
		return ok
	})
	if out == nil {
		out = []Entity{} // encoding/json's empty slice is not nil
	}
	*dst = out
	return ok
}

// reflectInto decodes a member mfabot does not read on the message path
// (attachments, members added or removed) with encoding/json, from the
// value's bytes: the same as decoding it in place.
func (p *jsonParser) reflectInto(dst any) bool {
	v, ok := p.value()
	return ok && json.Unmarshal(v, dst) == nil
}

// decodeTeams parses channelData into t (which must be zero) and reports
// whether it could; false leaves it to encoding/json.
func decodeTeams(channelData []byte, t *TeamsChannelData) bool {
	p := jsonParser{b: channelData}
	return p.teamsInto(t) && p.atEnd()
}

// decodeMention parses an entity as a mention into m (which must be zero)
// and reports whether it could; false leaves it to encoding/json.
func decodeMention(b []byte, m *schema.Mention) bool {
	p := jsonParser{b: b}
	return p.mentionInto(m) && p.atEnd()
}

// decodeResourceResponse parses the connector's answer to a new activity
// into rr and reports whether it could; false leaves it to encoding/json
// (rr is then zero).
func decodeResourceResponse(b []byte, rr *schema.ResourceResponse) bool {
	p := jsonParser{b: b}
	ok := p.structInto(func(key foldedKey) bool {
		if string(key.b[:key.n]) == "id" {
			return p.stringInto(&rr.ID)
		}
		return p.skip(0)
	}) && p.atEnd()
	if !ok {
		*rr = schema.ResourceResponse{}
	}
	return ok
}
