package graph

import (
	"context"
	"net/http"
	"sync"

	"github.com/mfabot/mfabot/internal/mfa"
)

// RequestIDs collects the request-id response header of every Graph call
// made with a context from WithRequestIDs, successful or not. Microsoft
// asks that it be logged with every call: with the time it is what
// Microsoft support needs to find a request
// (https://learn.microsoft.com/graph/best-practices-concept#reliability-and-support).
type RequestIDs struct {
	mu  sync.Mutex
	ids []string
}

type requestIDsKey struct{}

// WithRequestIDs returns a context whose Graph calls record their
// request-id in the returned collector.
func WithRequestIDs(ctx context.Context) (context.Context, *RequestIDs) {
	r := &RequestIDs{}
	return context.WithValue(ctx, requestIDsKey{}, r), r
}

// All returns the request ids recorded, in the order answered (a retried
// call records one per attempt).
func (r *RequestIDs) All() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ids...)
}

// Last returns the last request id recorded, or "".
func (r *RequestIDs) Last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ids) == 0 {
		return ""
	}
	return r.ids[len(r.ids)-1]
}

func (r *RequestIDs) add(id string) {
	r.mu.Lock()
	r.ids = append(r.ids, id)
	r.mu.Unlock()
}

// recordRequestIDs is the transport under the SDK middleware: it sees every
// attempt's response and records its request-id header in the collector
// of the request's context, if any.
type recordRequestIDs struct{ next http.RoundTripper }

func (t recordRequestIDs) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := t.next.RoundTrip(req)
	if res != nil {
		mfa.ReportRequestID(req.Context(), req.Method, res.Header.Get("request-id"))
		if c, ok := req.Context().Value(requestIDsKey{}).(*RequestIDs); ok {
			if id := res.Header.Get("request-id"); id != "" {
				c.add(id)
			}
		}
	}
	return res, err
}
