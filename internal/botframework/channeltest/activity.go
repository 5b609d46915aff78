package channeltest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"
	"github.com/mfabot/mfabot/internal/botframework"
)

// User is a Teams user talking to the bot.
type User struct {
	ID          string // Teams user id, "29:…"
	AADObjectID string // Entra object id
	Name        string
}

// Account is the user's channel account.
func (u User) Account() schema.ChannelAccount {
	return schema.ChannelAccount{ID: u.ID, Name: u.Name, AadObjectID: u.AADObjectID}
}

// BotAccount is the bot's account in this channel ("28:<app id>").
func (c *Channel) BotAccount() schema.ChannelAccount {
	return schema.ChannelAccount{ID: "28:" + c.AppID, Name: "mfabot"}
}

// PersonalConversationID is the id of the 1:1 chat between u and the bot.
func (c *Channel) PersonalConversationID(u User) string { return "a:personal-" + u.ID }

// Message returns a message from u to the bot in their 1:1 chat, as Teams
// sends it: service URL, tenant in channelData and conversation, ids.
func (c *Channel) Message(u User, text string) *botframework.Activity {
	c.mu.Lock()
	c.nextID++
	n := c.nextID
	c.mu.Unlock()
	act := &botframework.Activity{
		Type:       botframework.TypeMessage,
		ID:         fmt.Sprintf("1%012d", n),
		Timestamp:  time.Now().UTC(),
		ServiceURL: c.URL + "/",
		ChannelID:  c.ChannelID,
		From:       u.Account(),
		Recipient:  c.BotAccount(),
		Conversation: schema.ConversationAccount{
			ID: c.PersonalConversationID(u), ConversationType: "personal", TenantID: c.TenantID,
		},
		Text:       text,
		TextFormat: "plain",
		Locale:     "en-US",
	}
	act.Entities = []botframework.Entity{{Raw: json.RawMessage(`{"type":"clientInfo","locale":"en-US","country":"US","platform":"Web"}`), Type: "clientInfo"}}
	_ = act.SetChannelData(botframework.TeamsChannelData{Tenant: botframework.IDRef{ID: c.TenantID}})
	act.Teams.Tenant.ID = c.TenantID
	return act
}

// Invoke returns the adaptiveCard/action invoke Teams sends when u clicks
// an Action.Execute button with verb and data on the card replyToID.
func (c *Channel) Invoke(u User, replyToID, verb string, data any) *botframework.Activity {
	act := c.Message(u, "")
	act.Type = botframework.TypeInvoke
	act.Name = botframework.InvokeAdaptiveCardAction
	act.Text, act.TextFormat = "", ""
	act.ReplyToID = replyToID
	v := map[string]any{"action": map[string]any{"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}
	b, err := json.Marshal(v)
	if err != nil {
		panic("channeltest: invoke data: " + err.Error())
	}
	act.Value = b
	return act
}

// NewRequest returns the POST the channel would make to botURL with act,
// with a freshly signed Authorization header for act's service URL.
func (c *Channel) NewRequest(botURL string, act *botframework.Activity) *http.Request {
	return c.NewRequestWithToken(botURL, act, c.SignWith(c.SigningKey(), c.Claims(act.ServiceURL, nil)))
}

// NewRequestWithToken is NewRequest with a given token ("" sends no
// Authorization header).
func (c *Channel) NewRequestWithToken(botURL string, act *botframework.Activity, token string) *http.Request {
	b, err := json.Marshal(act)
	if err != nil {
		panic("channeltest: encode activity: " + err.Error())
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, botURL, bytes.NewReader(b))
	if err != nil {
		panic("channeltest: request: " + err.Error())
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// Post sends act to botURL as the channel does and returns the status and
// body of the bot's answer.
func (c *Channel) Post(botURL string, act *botframework.Activity) (int, []byte, error) {
	resp, err := http.DefaultClient.Do(c.NewRequest(botURL, act))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}
