package bot_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"sync"

	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/server"
)

// endpoint serves the harness's bot at /api/messages as production does:
// gin, and the Connector authentication against the test channel's keys.
type endpoint struct {
	once sync.Once
	url  string
}

// postHTTP posts act, signed by the channel, to the bot's HTTP endpoint and
// returns the invoke response it answered (nil for other activities); it
// waits for the background work the activity started.
func (h *harness) postHTTP(act *botframework.Activity) *botframework.InvokeResponse {
	h.t.Helper()
	resp := h.postHTTPAtOnce(act)
	h.bot.Wait()
	return resp
}

// postHTTPAtOnce is postHTTP without waiting for the bot's background
// work, for posts made from several goroutines at once (the bot's Wait
// must not run beside the work it waits for being started); the caller
// waits after them.
func (h *harness) postHTTPAtOnce(act *botframework.Activity) *botframework.InvokeResponse {
	h.t.Helper()
	h.endpoint.once.Do(func() {
		v := botframework.NewValidator(h.ch.ValidatorConfig())
		auth := server.AuthFunc(func(ctx context.Context, hdr string, act *botframework.Activity) error {
			_, err := v.Authenticate(ctx, hdr, act)
			return err
		})
		srv := httptest.NewServer(server.New(server.Config{Bot: h.bot, Auth: auth}).Handler())
		h.t.Cleanup(srv.Close)
		h.endpoint.url = srv.URL + "/api/messages"
	})
	status, body, err := h.ch.Post(h.endpoint.url, act)
	if err != nil || status != 200 {
		h.t.Fatalf("POST %s %q: %d %v %s", act.Type, act.Text, status, err, body)
	}
	if act.Type != botframework.TypeInvoke {
		return nil
	}
	var resp botframework.InvokeResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		h.t.Fatalf("invoke answer %s: %v", body, err)
	}
	return &resp
}

// sayHTTP sends a message from u in their personal chat through the HTTP
// endpoint and returns what the bot posted in answer.
func (h *harness) sayHTTP(u channeltest.User, text string) []channeltest.Sent {
	h.t.Helper()
	before := len(h.ch.Sent())
	h.postHTTP(h.ch.Message(u, text))
	return h.ch.Sent()[before:]
}
