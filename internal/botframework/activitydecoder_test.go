package botframework

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// refActivity is Activity as encoding/json decodes it, the reference the
// reflection-free decoder is held to: the same fields and tags, with
// entities decoded by refEntity.
type refActivity struct {
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
	Entities         []refEntity                `json:"entities,omitzero"`
	ChannelData      json.RawMessage            `json:"channelData,omitzero"`
	ReplyToID        string                     `json:"replyToId,omitzero"`
	Name             string                     `json:"name,omitzero"`
	Value            json.RawMessage            `json:"value,omitzero"`
	Action           string                     `json:"action,omitzero"`
	MembersAdded     []schema.ChannelAccount    `json:"membersAdded,omitzero"`
	MembersRemoved   []schema.ChannelAccount    `json:"membersRemoved,omitzero"`
}

// refEntity is Entity decoded by encoding/json alone.
type refEntity Entity

func (e *refEntity) UnmarshalJSON(b []byte) error {
	var m schema.Mention
	if err := json.Unmarshal(b, &m); err != nil {
		m = schema.Mention{}
	}
	e.Type, e.Mentioned, e.Text = m.Type, m.Mentioned, m.Text
	e.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// refDecode decodes body with encoding/json only, as Decode did before the
// reflection-free decoder: the activity, then channelData into Teams.
func refDecode(body []byte) (Activity, error) {
	var r refActivity
	if err := json.Unmarshal(body, &r); err != nil {
		return Activity{}, err
	}
	a := Activity{Type: r.Type, ID: r.ID, Timestamp: r.Timestamp, LocalTimestamp: r.LocalTimestamp,
		ServiceURL: r.ServiceURL, ChannelID: r.ChannelID, From: r.From, Conversation: r.Conversation,
		Recipient: r.Recipient, Locale: r.Locale, Text: r.Text, TextFormat: r.TextFormat, Summary: r.Summary,
		AttachmentLayout: r.AttachmentLayout, Attachments: r.Attachments, ChannelData: r.ChannelData,
		ReplyToID: r.ReplyToID, Name: r.Name, Value: r.Value, Action: r.Action,
		MembersAdded: r.MembersAdded, MembersRemoved: r.MembersRemoved}
	if r.Entities != nil {
		a.Entities = make([]Entity, len(r.Entities))
		for i, e := range r.Entities {
			a.Entities[i] = Entity(e)
		}
	}
	a.Teams = refTeams(a.ChannelData)
	return a, nil
}

// refTeams is channelData parsed by encoding/json, errors ignored.
func refTeams(channelData []byte) TeamsChannelData {
	var t TeamsChannelData
	if len(channelData) > 0 && channelData[0] == '{' {
		_ = json.Unmarshal(channelData, &t)
	}
	return t
}

// fastDecode is the reflection-free decoder alone: ok is false when it
// leaves the body to encoding/json. teamsOK is false when it leaves the
// channelData to encoding/json (Teams is then the reference's).
func fastDecode(body []byte) (a Activity, ok, teamsOK bool) {
	if !decodeActivity(body, &a) {
		return Activity{}, false, false
	}
	teamsOK = true
	if len(a.ChannelData) > 0 && a.ChannelData[0] == '{' && !decodeTeams(a.ChannelData, &a.Teams) {
		teamsOK = false
		a.Teams = refTeams(a.ChannelData)
	}
	return a, true, teamsOK
}

// checkAgrees fails unless the fast decoder, when it decides, and Decode
// give what encoding/json gives for body. It returns whether the fast
// decoder decided.
func checkAgrees(t *testing.T, body []byte) bool {
	t.Helper()
	want, werr := refDecode(body)
	fast, ok, _ := fastDecode(body)
	if ok {
		if werr != nil {
			t.Fatalf("fast decoder accepted what encoding/json refuses (%v):\n%q", werr, body)
		}
		if !reflect.DeepEqual(fast, want) {
			t.Fatalf("fast decoder differs from encoding/json on\n%q\nfast: %#v\nwant: %#v", body, fast, want)
		}
	}
	got, gerr := Decode(bytes.NewReader(body), 1<<20)
	switch {
	case werr != nil || want.Type == "":
		if gerr == nil {
			t.Fatalf("Decode accepted %q; encoding/json: %v", body, werr)
		}
	case gerr != nil:
		t.Fatalf("Decode refused %q: %v", body, gerr)
	case !reflect.DeepEqual(*got, want):
		t.Fatalf("Decode differs from encoding/json on\n%q\ngot:  %#v\nwant: %#v", body, *got, want)
	}
	var viaJSON Activity
	uerr := json.Unmarshal(body, &viaJSON)
	if (uerr != nil) != (werr != nil) || (uerr == nil && !reflect.DeepEqual(viaJSON, want)) {
		t.Fatalf("Activity.UnmarshalJSON differs from encoding/json on %q: %v / %v", body, uerr, werr)
	}
	return ok
}

// decided are activities the fast decoder must decode itself (and as
// encoding/json does): what Teams sends, and JSON's corners in them.
var decided = []string{
	helpActivity,
	`{
  "type": "message", "id": "1481567603816", "timestamp": "2026-11-20T10:00:00.123Z", "localTimestamp": "2026-11-20T11:00:00.123+01:00",
  "serviceUrl": "https://smba.trafficmanager.net/amer/", "channelId": "msteams",
  "from": {"id": "29:alice", "name": "Alice", "aadObjectId": "a11ce"},
  "conversation": {"isGroup": true, "conversationType": "channel", "tenantId": "t-1", "id": "19:abc@thread.skype;messageid=1481567603816"},
  "recipient": {"id": "28:bot", "name": "mfabot"},
  "text": "<at>mfabot</at> reset mfa <at>Bob Smith</at> lost phone\n", "textFormat": "plain",
  "attachments": [{"contentType": "text/html", "content": "<div><at>mfabot</at> reset mfa</div>"}],
  "entities": [
    {"type": "mention", "mentioned": {"id": "28:bot", "name": "mfabot"}, "text": "<at>mfabot</at>"},
    {"type": "mention", "mentioned": {"id": "29:bob", "name": "Bob Smith"}, "text": "<at>Bob Smith</at>"},
    {"type": "clientInfo", "locale": "en-US", "country": "US", "platform": "Web", "timezone": "Europe/Paris"}
  ],
  "channelData": {"teamsChannelId": "19:abc@thread.skype", "teamsTeamId": "19:team@thread.skype", "team": {"id": "19:team@thread.skype"},
    "channel": {"id": "19:abc@thread.skype"}, "tenant": {"id": "t-1"}},
  "locale": "en-US"
}`,
	`{"type":"invoke","name":"adaptiveCard/action","id":"f:1","value":{"action":{"type":"Action.Execute","verb":"approve","data":{"request":"r-1","n":1e400,"big":123456789012345678901234567890,"neg":-0.5e-7}}},` +
		`"from":{"id":"29:a","aadObjectId":"a1","role":"user"},"conversation":{"id":"a:1","isGroup":false,"conversationType":"personal"},"channelData":{"tenant":{"id":"t"},"source":{"name":"message"},"legacy":{"replyToId":"x"}}}`,
	`{"type":"conversationUpdate","membersAdded":[{"id":"28:bot","name":"mfabot"},{"id":"29:u","aadObjectId":"u1"}],"membersRemoved":[],"channelData":{"eventType":"teamMemberAdded","team":{"id":"19:t","name":"Helpdesk","aadGroupId":"g"},"tenant":{"id":"t"},"settings":{"selectedChannel":{"id":"19:c"}}}}`,
	`{"type":"installationUpdate","action":"add","attachments":[{"contentType":"text/html","content":"<p>hi</p>"},{"contentType":"application/json","content":{"a":[1,2.5,null,true]}}]}`,
	// Escapes, surrogates, invalid UTF-8, non-ASCII text and names.
	`{"type":"message","text":"line\nnext \"quoted\" \\ \/ \b\f\r\t \u00e9\u4e2d \ud83d\ude00 lone \ud800 x \udc00\ud800\udc00 end"}`,
	"{\"type\":\"message\",\"text\":\"bad \xff\xfe utf8 \xe2\x82 cut\",\"from\":{\"name\":\"Zoë Ünal 中文 \xc3\"}}",
	`{"type":"message","from":{"name":"\u0000\u001f"},"text":"\u0041\u00412"}`,
	// null keeps a string or struct as it was, empties a slice, is kept raw.
	`{"type":"message","text":"x","text":null,"from":{"id":"a"},"from":null,"entities":null,"value":null,"channelData":null,"timestamp":null,"conversation":{"isGroup":null}}`,
	`{"type":"message","entities":[{"type":"mention"}],"entities":null}`,
	`{"type":"message","entities":[],"membersAdded":[]}`,
	// A repeated key: last wins; a repeated object merges into the struct.
	`{"type":"message","from":{"id":"a","name":"n"},"from":{"id":"b"},"type":"invoke","channelData":{"tenant":{"id":"1"}},"channelData":{"team":{"id":"2"}}}`,
	`{"type":"message","channelData":{"tenant":{"id":"1"},"tenant":{"name":"n"},"tenant":null}}`,
	// Keys match field names without regard to case.
	`{"TYPE":"message","Id":"1","FROM":{"ID":"x","AADOBJECTID":"y"},"ChannelData":{"TENANT":{"ID":"t"}},"serviceURL":"https://s/","ConversationType":"x"}`,
	// Unknown members of every kind, at every level.
	`{"type":"message","x":{"a":[{"b":[[],{}]},-0,0.0,1E+2,1e-2,true,false,null,"s\u1234"]},"from":{"extra":[1,{"y":null}]},"entities":[{"type":"clientInfo","deep":{"a":{"b":{"c":[1]}}}},"str",42,null,[],true]}`,
	// Mentions of every shape.
	`{"type":"message","entities":[{"type":"mention","mentioned":{"id":"28:b","name":"bot"},"text":"<at>bot</at>"},{"type":"mention","mentioned":null},{"type":"mention","text":null,"mentioned":{"id":"1"},"mentioned":{"name":"n"}}]}`,
	"  \t\r\n{ \"type\" : \"message\" , \"entities\" : [ { \"type\" : \"mention\" } , null ] , \"from\" : { } }  \n",
	`{"type":"message","timestamp":"2026-12-05T01:30:00.123456789+01:00","localTimestamp":"2026-12-05T01:30:00Z"}`,
	`{}`,
	`{"type":""}`,
}

// undecided are inputs the fast decoder may leave to encoding/json; the
// answer must still be encoding/json's.
var undecided = []string{
	``, ` `, `null`, `[]`, `"message"`, `1`, `true`, `{`, `}`, `{"type":"message"`, `{"type":"message"}}`,
	`{"type":"message"} x`, `{"type":"message"}{}`, `{"type":"message",}`, `{,"type":"message"}`, `{"type" "message"}`,
	`{"type":message}`, `{'type':'message'}`, `{"type":"message" "id":"1"}`, "\xef\xbb\xbf{\"type\":\"message\"}",
	`{"type":"message","x":01}`, `{"type":"message","x":1.}`, `{"type":"message","x":.5}`, `{"type":"message","x":-}`,
	`{"type":"message","x":1e}`, `{"type":"message","x":+1}`, `{"type":"message","x":0x10}`, `{"type":"message","x":NaN}`,
	`{"type":"message","x":tru}`, `{"type":"message","x":nul}`, `{"type":"message","x":truex}`, `{"type":"message","x":[1,]}`,
	`{"type":"message","x":[1 2]}`, `{"type":"message","x":{"a"}}`, `{"type":"message","x":{1:2}}`,
	"{\"type\":\"message\",\"text\":\"a\x01b\"}", "{\"type\":\"message\",\"text\":\"a\x1fb\"}", "{\"type\":\"message\",\"text\":\"a\nb\"}", `{"type":"message","text":"\x"}`,
	`{"type":"message","text":"\u12"}`, `{"type":"message","text":"\u12G4"}`, `{"type":"message","text":"\'"}`,
	`{"type":"message","text":"end\"}`, "{\"type\":\"message\"}\x00",
	// Type mismatches: encoding/json refuses them.
	`{"type":1}`, `{"type":true}`, `{"type":["message"]}`, `{"type":{"a":1}}`, `{"type":"message","from":"x"}`,
	`{"type":"message","from":[]}`, `{"type":"message","from":{"id":1}}`, `{"type":"message","conversation":{"isGroup":"true"}}`,
	`{"type":"message","conversation":{"isGroup":1}}`, `{"type":"message","entities":{}}`, `{"type":"message","entities":"x"}`,
	`{"type":"message","timestamp":"yesterday"}`, `{"type":"message","timestamp":1}`, `{"type":"message","timestamp":"2026-12-05"}`,
	`{"type":"message","timestamp":"2026-12-05T01:30:00\u005a"}`, `{"type":"message","attachments":{"a":1}}`,
	`{"type":"message","attachments":[{"content":1e400}]}`, `{"type":"message","membersAdded":[{"id":2}]}`,
	`{"type":"message","from":{"role":5}}`,
	// channelData of unexpected shapes: Teams as encoding/json leaves it.
	`{"type":"message","channelData":{"tenant":{"id":"t"},"team":"x"}}`, `{"type":"message","channelData":{"tenant":"t"}}`,
	`{"type":"message","channelData":{"eventType":1,"tenant":{"id":"t"}}}`, `{"type":"message","channelData":[1]}`,
	`{"type":"message","channelData":"x"}`, `{"type":"message","channelData":{"tenant":{"\u0069d":"t"}}}`,
	// Keys encoding/json folds by Unicode rules or unescapes.
	`{"\u0074ype":"message"}`, `{"ſerviceUrl":"https://s/","type":"message"}`, `{"type":"message","from":{"\u212aey":"k","id":"x"}}`,
	`{"type":"message","channelId":"msteams","channelıd":"x"}`, "{\"type\":\"message\",\"te\xffxt\":\"x\"}",
	`{"type":"message","entities":[{"ty\u0070e":"mention"},{"type":"mention","mentioned":{"id":1}},{"type":5}]}`,
	// Deep nesting.
	`{"type":"message","x":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}`,
	`{"type":"message","x":` + strings.Repeat(`{"a":`, 300) + `1` + strings.Repeat("}", 300) + `}`,
	`{"type":"message","x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
}

func TestDecodeAgrees(t *testing.T) {
	for i, body := range decided {
		t.Run("decided/"+strconv.Itoa(i), func(t *testing.T) {
			if !checkAgrees(t, []byte(body)) {
				t.Fatalf("the fast decoder left a Teams activity to encoding/json:\n%s", body)
			}
			if _, _, teamsOK := fastDecode([]byte(body)); !teamsOK {
				t.Fatalf("the fast decoder left channelData to encoding/json:\n%s", body)
			}
		})
	}
	for i, body := range undecided {
		t.Run("undecided/"+strconv.Itoa(i), func(t *testing.T) {
			checkAgrees(t, []byte(body))
		})
	}
}

// TestDecodeAgreesOnFuzzCorpus runs the agreement check over FuzzDecode's
// corpus too.
func TestDecodeAgreesOnFuzzCorpus(t *testing.T) {
	for _, body := range fuzzCorpus(t, "FuzzDecode") {
		checkAgrees(t, body)
	}
}

// FuzzDecodeAgrees: on any input, the reflection-free decoder either
// leaves it to encoding/json or gives what encoding/json gives, and Decode
// and Activity.UnmarshalJSON give what encoding/json gives.
func FuzzDecodeAgrees(f *testing.F) {
	for _, s := range decided {
		f.Add([]byte(s))
	}
	for _, s := range undecided {
		f.Add([]byte(s))
	}
	for _, b := range fuzzCorpus(f, "FuzzDecode") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkAgrees(t, body)
	})
}

// FuzzEntityAgrees: an entity decodes as encoding/json decodes it, on any
// input (Entity.UnmarshalJSON is also called with bytes of other origins).
func FuzzEntityAgrees(f *testing.F) {
	for _, s := range []string{`{"type":"mention","mentioned":{"id":"28:b","name":"bot","aadObjectId":"o","role":"bot"},"text":"<at>bot</at>"}`,
		`null`, `"x"`, `[]`, `{"type":1}`, `{"TYPE":"mention","MENTIONED":{"ID":"x"}}`, `{"type":"mention","mentioned":null,"text":"\u00e9"}`,
		` {"type":"mention"} `, `{"type":"mention"} x`, `{"type":"mention","mentioned":{"id":"a"},"mentioned":{"name":"b"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var got Entity
		var want refEntity
		gerr, werr := got.UnmarshalJSON(b), want.UnmarshalJSON(b)
		if gerr != nil || werr != nil || !reflect.DeepEqual(got, Entity(want)) {
			t.Fatalf("entity %q: got %#v (%v), want %#v (%v)", b, got, gerr, want, werr)
		}
	})
}

// FuzzUnquoteAgrees: a string decodes as encoding/json decodes it.
func FuzzUnquoteAgrees(f *testing.F) {
	for _, s := range []string{`plain`, `\n\t\"\\\/\b\f\r`, `\u00e9\ud83d\ude00`, `\ud800`, `\udc00\ud800\udc00`, `\ud800\u0041`,
		"\xff\xfe", "caf\xc3\xa9 \xe2\x82", `中文`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		quoted := append(append([]byte{'"'}, s...), '"')
		var want string
		werr := json.Unmarshal(quoted, &want)
		p := jsonParser{b: quoted}
		raw, plain, ok := p.str()
		ok = ok && p.i == len(quoted) // a quote inside s ends the string early
		if ok != (werr == nil) {
			t.Fatalf("%q: str ok=%v end=%d, encoding/json: %v", quoted, ok, p.i, werr)
		}
		if ok {
			if got := stringOf(raw, plain); got != want {
				t.Fatalf("%q: got %q, want %q", quoted, got, want)
			}
		}
	})
}

// fuzzCorpus reads the inputs of a fuzz target's corpus in testdata.
func fuzzCorpus(tb testing.TB, target string) [][]byte {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
	if err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "[]byte(") {
				continue
			}
			s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(line, "[]byte("), ")"))
			if err != nil {
				tb.Fatalf("%s: %v", f, err)
			}
			out = append(out, []byte(s))
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no corpus for %s", target)
	}
	return out
}

// FuzzResourceResponseAgrees: the connector's answer decodes as
// encoding/json decodes it, or is left to it.
func FuzzResourceResponseAgrees(f *testing.F) {
	for _, s := range []string{`{"id":"1:abc"}`, `{"id":"a","ID":"b","x":[1,{}]}`, `{"id":null}`, `null`, `{}`, ` {"id":"x"} `,
		`{"id":1}`, `{"id":"x"}x`, `[]`, `{"\u0069d":"x"}`, `{"id":"\ud83d\ude00\u0000"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var got, want schema.ResourceResponse
		werr := json.Unmarshal(b, &want)
		if decodeResourceResponse(b, &got) {
			if werr != nil || got != want {
				t.Fatalf("%q: got %+v, want %+v (%v)", b, got, want, werr)
			}
		} else if got != (schema.ResourceResponse{}) {
			t.Fatalf("%q: left to encoding/json with %+v set", b, got)
		}
	})
}
