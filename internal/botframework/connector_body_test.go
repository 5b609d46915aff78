package botframework

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// lateReader is a RoundTripper that answers 201 at once and reads and
// closes the request body only later, as net/http's Transport may (it
// closes a body in another goroutine after RoundTrip returns).
type lateReader struct {
	mu     sync.Mutex
	bodies []io.ReadCloser
}

func (l *lateReader) RoundTrip(req *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.bodies = append(l.bodies, req.Body)
	l.mu.Unlock()
	return &http.Response{StatusCode: http.StatusCreated, Body: io.NopCloser(strings.NewReader(`{"id":"x"}`)),
		Header: http.Header{}, Request: req}, nil
}

func cardReply(text string) *Activity {
	enc, err := EncodeJSON(map[string]any{"type": "AdaptiveCard", "version": "1.5",
		"body": []any{map[string]any{"type": "TextBlock", "text": text}}})
	if err != nil {
		panic(err)
	}
	return &Activity{Type: TypeMessage, Attachments: []schema.Attachment{CardAttachment(enc)}}
}

// A reply body is not reused while net/http still holds a reader of it
// (net/http may read and close a request body after Client.Do returns): the
// body read after Do returned and after other replies were encoded is still
// the first reply's. A pooled body released when Do returns fails this.
func TestReplyBodyNotReusedBeforeBodyClosed(t *testing.T) {
	rt := &lateReader{}
	conn := NewConnector(ConnectorConfig{Tokens: StaticTokenSource("t"), HTTPClient: &http.Client{Transport: rt}})
	ctx := context.Background()
	want := make([][]byte, 20)
	for i := range want {
		act := cardReply(strings.Repeat(string(rune('a'+i)), 3000))
		b, err := encodeBody(act)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = b
		if _, err := conn.SendToConversation(ctx, "https://smba.example/", "a:1", act); err != nil {
			t.Fatal(err)
		}
	}
	for i, body := range rt.bodies {
		got, err := io.ReadAll(body)
		if err != nil {
			t.Fatalf("body %d: %v", i, err)
		}
		body.Close()
		if !bytes.Equal(got, want[i]) {
			t.Fatalf("body %d was overwritten by a later reply: %.60s…", i, got)
		}
		if !json.Valid(got) {
			t.Fatalf("body %d is not JSON", i)
		}
	}
}
