package botframework

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkReplyOverTLS posts a help-sized card reply to a local TLS server
// with the connector's transport settings.
func BenchmarkReplyOverTLS(b *testing.B) {
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":"1"}`))
	}))
	defer ts.Close()
	tr := ts.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	tr.WriteBufferSize = 16 << 10
	conn := NewConnector(ConnectorConfig{Tokens: StaticTokenSource("t"), HTTPClient: &http.Client{Transport: tr}})
	act := cardReply(strings.Repeat("reset mfa <user> <reason> — asks for a reset. ", 120))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := conn.ReplyToActivity(ctx, ts.URL+"/", "a:1", "1", act); err != nil {
			b.Fatal(err)
		}
	}
}
