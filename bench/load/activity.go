package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// idMark stands for the activity id in the body template.
const idMark = "\x00ID\x00"

// activityTemplate is a Teams `help` message from one user in their 1:1
// chat with the bot, split around its id so each request only pastes a
// fresh id in.
type activityTemplate struct {
	prefix, suffix []byte
}

// newActivityTemplate builds the message as Teams sends it: service URL,
// tenant in channelData and conversation, the user's Entra object id.
func newActivityTemplate(serviceURL, appID, tenantID string, user int) (activityTemplate, error) {
	act := map[string]any{
		"type":       "message",
		"id":         idMark,
		"timestamp":  time.Now().UTC().Format(time.RFC3339Nano),
		"serviceUrl": serviceURL,
		"channelId":  "msteams",
		"from": map[string]any{
			"id": fmt.Sprintf("29:bench-user-%d", user), "name": fmt.Sprintf("Bench User %d", user),
			"aadObjectId": fmt.Sprintf("00000000-0000-4000-8000-%012d", user),
		},
		"recipient": map[string]any{"id": "28:" + appID, "name": "mfabot"},
		"conversation": map[string]any{
			"id": fmt.Sprintf("a:bench-personal-%d", user), "conversationType": "personal", "tenantId": tenantID,
		},
		"channelData": map[string]any{"tenant": map[string]any{"id": tenantID}},
		"entities":    []any{map[string]any{"type": "clientInfo", "locale": "en-US", "country": "US", "platform": "Web"}},
		"text":        "help",
		"textFormat":  "plain",
		"locale":      "en-US",
	}
	b, err := json.Marshal(act)
	if err != nil {
		return activityTemplate{}, err
	}
	mark, _ := json.Marshal(idMark)
	i := bytes.Index(b, mark)
	if i < 0 {
		return activityTemplate{}, fmt.Errorf("activity template: id mark not found")
	}
	return activityTemplate{prefix: b[:i], suffix: b[i+len(mark):]}, nil
}

// body returns the activity with id, appended to buf[:0].
func (t activityTemplate) body(buf []byte, id string) []byte {
	buf = append(buf[:0], t.prefix...)
	buf = strconv.AppendQuote(buf, id)
	return append(buf, t.suffix...)
}
