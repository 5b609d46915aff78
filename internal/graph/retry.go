package graph

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	khttp "github.com/microsoft/kiota-http-go"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/retryafter"
)

// retry replaces the SDK's retry handler, which truncates a fractional
// Retry-After ("2.128" waits 2 s, "0.5" not at all) and resends any request
// after a 429, 503 or 504 — a POST too, whose outcome a 504 leaves unknown.
// Here:
//   - GET, HEAD, PUT and DELETE are retried after 429, 503 and 504;
//   - POST and PATCH only after an answer that proves nothing was done: 429,
//     or 503 with Retry-After (Graph's throttling answers,
//     https://learn.microsoft.com/graph/throttling). A 504, a 503 without
//     Retry-After or a transport error (a timeout) is never resent: sendMail
//     or a Temporary Access Pass must not happen twice;
//   - Retry-After is honoured exactly, in fractional seconds or as an HTTP
//     date; without one the wait is exponential with jitter;
//   - every 429 and 503 is reported with its wait (mfa.ReportThrottle)
//     before the wait, retried or not, so that a running batch slows all its
//     workers down.
type retry struct {
	maxRetries int
	base       time.Duration // first backoff without Retry-After
	maxTotal   time.Duration // the retries' waits together
}

// retryBase is the first backoff without a Retry-After.
var retryBase = 2 * time.Second

func newRetry() *retry { return &retry{maxRetries: 3, base: retryBase, maxTotal: 180 * time.Second} }

// Intercept implements khttp.Middleware.
func (h *retry) Intercept(p khttp.Pipeline, i int, req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 {
			r = req.Clone(req.Context())
			r.Header.Set("Retry-Attempt", strconv.Itoa(attempt))
		}
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		resp, err := p.Next(r, i)
		if err != nil {
			return resp, err
		}
		throttled := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
		retry := attempt < h.maxRetries && shouldRetry(req.Method, resp)
		if !throttled && !retry {
			return resp, nil
		}
		wait, ok := retryafter.Parse(resp.Header.Get("Retry-After"), time.Now())
		if !ok {
			wait = h.backoff(attempt + 1)
		}
		if throttled {
			// A running incident batch holds every worker, not only this
			// call, for as long as Graph asked.
			mfa.ReportThrottle(req.Context(), wait)
		}
		if !retry || waited+wait > h.maxTotal {
			return resp, nil
		}
		// The answer is dropped for the next attempt's.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		if err := retryafter.Sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		waited += wait
	}
}

// shouldRetry decides from the method and the answer whether to send the
// request again.
func shouldRetry(method string, resp *http.Response) bool {
	switch method {
	case http.MethodPost, http.MethodPatch:
		return resp.StatusCode == http.StatusTooManyRequests ||
			resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != ""
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func (h *retry) backoff(n int) time.Duration {
	d := h.base << (n - 1)
	return d/2 + rand.N(d/2+1)
}
