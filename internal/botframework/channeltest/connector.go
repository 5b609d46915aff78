package channeltest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"
	"github.com/mfabot/mfabot/internal/botframework"
)

// Sent is an activity the bot posted to a conversation.
type Sent struct {
	ID             string // the id the channel gave it
	ConversationID string
	ReplyToID      string // set for replyToActivity calls
	Path           string // the escaped request path
	Activity       botframework.Activity
}

// Update is an activity the bot replaced (PUT).
type Update struct {
	ConversationID string
	ActivityID     string
	Path           string
	Activity       botframework.Activity
}

// Conversation is a conversation the bot created.
type Conversation struct {
	ID       string
	Bot      schema.ChannelAccount
	Members  []schema.ChannelAccount
	TenantID string
	IsGroup  bool
	Activity *botframework.Activity
}

// Fault makes the connector endpoints fail. Times is how many requests it
// hits (0 means 1, negative means every request).
type Fault struct {
	Status     int
	Code       string
	SubCode    string
	Message    string
	RetryAfter string // Retry-After header value
	Times      int
	// Method and PathContains restrict the fault to matching requests.
	Method       string
	PathContains string
}

// Fail queues a fault; faults apply in the order queued.
func (c *Channel) Fail(f Fault) {
	if f.Times == 0 {
		f.Times = 1
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, &f)
}

// takeFault returns the fault for r, if any; c.mu must be held.
func (c *Channel) takeFault(r *http.Request) *Fault {
	for i, f := range c.faults {
		if (f.Method != "" && f.Method != r.Method) || !strings.Contains(r.URL.EscapedPath(), f.PathContains) {
			continue
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				c.faults = append(c.faults[:i:i], c.faults[i+1:]...)
			}
		}
		return f
	}
	return nil
}

func (c *Channel) serveConnector(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+c.token {
		writeError(w, http.StatusUnauthorized, "Unauthorized", "Authorization has been denied for this request.", "")
		return
	}
	c.mu.Lock()
	f := c.takeFault(r)
	c.mu.Unlock()
	if f != nil {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(w, f.Status, or(f.Code, http.StatusText(f.Status)), or(f.Message, "injected fault"), f.SubCode)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadArgument", "cannot read body", "")
		return
	}
	segs, err := segments(strings.TrimPrefix(r.URL.EscapedPath(), "/v3/conversations"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "BadArgument", err.Error(), "")
		return
	}
	switch {
	case len(segs) == 0 && r.Method == http.MethodPost:
		c.createConversation(w, body)
	case len(segs) == 2 && segs[1] == "activities" && r.Method == http.MethodPost:
		c.postActivity(w, r, body, segs[0], "")
	case len(segs) == 3 && segs[1] == "activities" && r.Method == http.MethodPost:
		c.postActivity(w, r, body, segs[0], segs[2])
	case len(segs) == 3 && segs[1] == "activities" && r.Method == http.MethodPut:
		c.putActivity(w, r, body, segs[0], segs[2])
	default:
		writeError(w, http.StatusNotFound, "NotFound", r.Method+" "+r.URL.EscapedPath()+" is not served", "")
	}
}

// segments splits an escaped path into unescaped segments.
func segments(escaped string) ([]string, error) {
	escaped = strings.Trim(escaped, "/")
	if escaped == "" {
		return nil, nil
	}
	parts := strings.Split(escaped, "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil {
			return nil, fmt.Errorf("bad path segment %q", p)
		}
		parts[i] = u
	}
	return parts, nil
}

func decodeActivity(w http.ResponseWriter, body []byte) (botframework.Activity, bool) {
	var act botframework.Activity
	if err := json.Unmarshal(body, &act); err != nil || act.Type == "" {
		writeError(w, http.StatusBadRequest, "BadArgument", "invalid activity", "")
		return act, false
	}
	return act, true
}

func (c *Channel) postActivity(w http.ResponseWriter, r *http.Request, body []byte, conv, replyTo string) {
	act, ok := decodeActivity(w, body)
	if !ok {
		return
	}
	c.mu.Lock()
	c.nextID++
	id := "1" + strconv.FormatInt(time.Now().UnixMilli(), 10) + strconv.Itoa(c.nextID)
	c.sent = append(c.sent, Sent{ID: id, ConversationID: conv, ReplyToID: replyTo, Path: r.URL.EscapedPath(), Activity: act})
	c.notify()
	c.mu.Unlock()
	writeJSON(w, http.StatusCreated, schema.ResourceResponse{ID: id})
}

func (c *Channel) putActivity(w http.ResponseWriter, r *http.Request, body []byte, conv, id string) {
	act, ok := decodeActivity(w, body)
	if !ok {
		return
	}
	c.mu.Lock()
	c.updates = append(c.updates, Update{ConversationID: conv, ActivityID: id, Path: r.URL.EscapedPath(), Activity: act})
	c.notify()
	c.mu.Unlock()
	writeJSON(w, http.StatusOK, schema.ResourceResponse{ID: id})
}

func (c *Channel) createConversation(w http.ResponseWriter, body []byte) {
	var in struct {
		IsGroup     bool                    `json:"isGroup"`
		Bot         schema.ChannelAccount   `json:"bot"`
		Members     []schema.ChannelAccount `json:"members"`
		TenantID    string                  `json:"tenantId"`
		ChannelData struct {
			Tenant struct {
				ID string `json:"id"`
			} `json:"tenant"`
		} `json:"channelData"`
		Activity *botframework.Activity `json:"activity"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeError(w, http.StatusBadRequest, "BadArgument", "invalid conversation parameters", "")
		return
	}
	tenant := or(in.ChannelData.Tenant.ID, in.TenantID)
	switch {
	case len(in.Members) == 0 || in.Members[0].ID == "":
		writeError(w, http.StatusBadRequest, "BadArgument", "Members are required", "")
		return
	case tenant == "":
		writeError(w, http.StatusBadRequest, "BadArgument", "Tenant id is required", "")
		return
	}
	c.mu.Lock()
	c.nextID++
	id := fmt.Sprintf("a:channeltest-conv-%d", c.nextID)
	c.convs = append(c.convs, Conversation{ID: id, Bot: in.Bot, Members: in.Members, TenantID: tenant, IsGroup: in.IsGroup, Activity: in.Activity})
	c.notify()
	c.mu.Unlock()
	writeJSON(w, http.StatusCreated, schema.ConversationResourceResponse{ID: id})
}
