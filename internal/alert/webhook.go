// Package alert sends mfabot's security alerts to a webhook.
package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// Webhook posts each alert as JSON. The body is a Teams message with an
// Adaptive Card (what a Teams Workflows "when a webhook request is received"
// flow posts to a channel) and, beside it, the alert's fields under "alert"
// for SIEMs and other consumers.
type Webhook struct {
	URL    string
	Client *http.Client
}

var _ mfa.Alerter = (*Webhook)(nil)

// NewWebhook returns a webhook alerter with a 10-second timeout.
func NewWebhook(url string) *Webhook {
	return &Webhook{URL: url, Client: &http.Client{Timeout: 10 * time.Second}}
}

// Body is the JSON the webhook receives.
func Body(a mfa.Alert) map[string]any {
	facts := []map[string]string{{"title": "Kind", "value": a.Kind}, {"title": "When", "value": a.At.UTC().Format(time.RFC1123)}}
	if a.RequestID != "" {
		facts = append(facts, map[string]string{"title": "Request", "value": a.RequestID})
	}
	if a.Target != "" {
		facts = append(facts, map[string]string{"title": "Target", "value": a.Target})
	}
	if a.Actor != "" {
		facts = append(facts, map[string]string{"title": "Actor", "value": a.Actor})
	}
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard",
		"version": "1.4",
		"body": []any{
			map[string]any{"type": "TextBlock", "text": "mfabot security alert", "weight": "Bolder", "color": "Attention", "size": "Medium"},
			map[string]any{"type": "TextBlock", "text": a.Summary, "wrap": true},
			map[string]any{"type": "FactSet", "facts": facts},
		},
	}
	return map[string]any{
		"type":        "message",
		"attachments": []any{map[string]any{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}},
		"alert":       a,
	}
}

// Alert posts a; a non-2xx answer is an error.
func (w *Webhook) Alert(ctx context.Context, a mfa.Alert) error {
	b, err := json.Marshal(Body(a))
	if err != nil {
		return fmt.Errorf("alert webhook: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("alert webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.Client.Do(req)
	if err != nil {
		// The URL may carry a signature: report the host only.
		return fmt.Errorf("alert webhook %s: request failed", req.URL.Host)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("alert webhook %s: status %d", req.URL.Host, resp.StatusCode)
	}
	return nil
}
