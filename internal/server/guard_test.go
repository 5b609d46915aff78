package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// jwtShaped is a header of the shape the Bot Connector sends; its content
// is not checked by these tests.
const jwtShaped = "Bearer eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln"

// spyBody counts the bytes read from a request body and, when block is
// set, holds every read until it is closed: a client that sends a little
// and then waits.
type spyBody struct {
	read  atomic.Int64
	block chan struct{}
}

func (b *spyBody) Read(p []byte) (int, error) {
	if b.block != nil {
		<-b.block
		return 0, io.EOF
	}
	b.read.Add(1)
	return 0, io.EOF
}

func postBody(s *Server, auth string, body io.Reader) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/api/messages", body)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// Without a token, or with something that cannot be one, the answer is 401
// and not one byte of the body is read: a client without a token cannot
// pin memory by sending a large body slowly.
func TestNoTokenIsRefusedBeforeTheBodyIsRead(t *testing.T) {
	bot := &fakeBot{}
	s := New(Config{Bot: bot, Auth: AuthFunc(allow)})
	for _, h := range []string{"", "Basic dXNlcjpwYXNz", "Bearer", "Bearer x", "Bearer a.b", "Bearer a.b.c.d", "Bearer a.b!.c",
		"Bearer " + string(make([]byte, 20000))} {
		body := &spyBody{block: make(chan struct{})} // a read would hang the test
		done := make(chan *httptest.ResponseRecorder, 1)
		go func() { done <- postBody(s, h, body) }()
		select {
		case rec := <-done:
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("%.30q: status %d, want 401", h, rec.Code)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%.30q: the server waited for the body of a request without a token", h)
		}
		close(body.block)
	}
	if len(bot.got) != 0 {
		t.Fatal("a request without a token reached the bot")
	}
}

// The token itself is checked before the body when the authenticator can:
// a forged token costs no body read either.
func TestHeaderCheckRunsBeforeTheBodyIsRead(t *testing.T) {
	forged := errors.New("bad signature")
	var checked atomic.Int32
	s := New(Config{Bot: &fakeBot{}, Auth: AuthFunc(allow), CheckHeader: func(ctx context.Context, h string) error {
		checked.Add(1)
		return forged
	}})
	body := &spyBody{}
	if rec := postBody(s, jwtShaped, body); rec.Code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", rec.Code)
	}
	if body.read.Load() != 0 || checked.Load() != 1 {
		t.Fatalf("body reads %d, header checks %d", body.read.Load(), checked.Load())
	}
}

// At most MaxBodyReads bodies are read at once; past that, a request waits
// a moment and is then told to retry (503), holding no body meanwhile.
func TestConcurrentBodyReadsAreBounded(t *testing.T) {
	s := New(Config{Bot: &fakeBot{}, Auth: AuthFunc(allow), MaxBodyReads: 2, BodyReadWait: 50 * time.Millisecond})
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			postBody(s, jwtShaped, &spyBody{block: release})
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.reading.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	rec := postBody(s, jwtShaped, &spyBody{})
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("third concurrent body: %d %v, want 503 with Retry-After", rec.Code, rec.Header())
	}
	close(release)
	wg.Wait()
	if rec := post(t, s, `{"type":"message"}`); rec.Code != http.StatusOK {
		t.Fatalf("after the slow bodies ended: %d", rec.Code)
	}
}

// The http.Server the bot listens with bounds how long headers and bodies
// may take and how large headers may be.
func TestHTTPServerHasReadLimits(t *testing.T) {
	hs := HTTPServer(http.NotFoundHandler(), nil)
	if hs.ReadHeaderTimeout <= 0 || hs.ReadHeaderTimeout > 10*time.Second || hs.ReadTimeout <= 0 || hs.ReadTimeout > 30*time.Second ||
		hs.MaxHeaderBytes <= 0 || hs.MaxHeaderBytes > 64<<10 || hs.IdleTimeout <= 0 {
		t.Fatalf("limits: header %v, read %v, max header %d, idle %v", hs.ReadHeaderTimeout, hs.ReadTimeout, hs.MaxHeaderBytes, hs.IdleTimeout)
	}
}
