package graph

import (
	"bytes"
	"io"
	"net/http"
)

// bodyCopy gives each attempt its own copy of the request body. The SDK's
// retry handler rewinds and resends the same body reader; when Graph
// answers (a 429, say) before reading the whole body, net/http may still be
// writing the old attempt from that reader while the next one starts — a
// data race and a corrupt body. With a copy per attempt the transport
// never shares the reader the retry handler rewinds.
type bodyCopy struct{ next http.RoundTripper }

func (b bodyCopy) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return b.next.RoundTrip(r)
	}
	data, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	c := r.Clone(r.Context())
	c.Body = io.NopCloser(bytes.NewReader(data))
	c.ContentLength = int64(len(data))
	c.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return b.next.RoundTrip(c)
}
