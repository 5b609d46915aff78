package graphfake

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// WriteQuota is a token bucket over the writes of one app in one tenant,
// as Microsoft Entra ID throttles them: the bucket holds Limit writes and
// refills evenly, Limit per Window. A write without a token is answered
// 429 Too Many Requests with a Retry-After header and is not carried out.
//
// Graph documents, for identity and access (users, groups, directory
// objects; "application + tenant pair"), a write quota of "3,000 requests
// per 2 minutes and 30 seconds", beside resource units per 10 seconds
// (https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-service-limits).
// A write is a POST, PATCH, PUT or DELETE ("Write: Write requests for the
// scope (POST, PATCH, PUT, DELETE...)"), each costing one write unless the
// page's table of base costs lists it at 0 — of the calls mfabot makes,
// POST /users/{id}/checkMemberGroups ("me/checkMemberGroups", write cost 0;
// "any request cost that applies to a request path starting with me/ also
// applies to … users/{id | userPrincipalName}/"). sendMail (Outlook) and
// teamwork installations (Teams) belong to services with limits of their
// own and are not counted here. Graph does not say whether the
// authentication-method endpoints fall under this quota; the fake counts
// them, as a reset's deletions are what an incident spends.
type WriteQuota struct {
	// Limit is how many writes the bucket holds; 0 means 3,000.
	Limit int
	// Window is how long the bucket takes to refill from empty; 0 means
	// 2 min 30 s.
	Window time.Duration
}

// DefaultWriteQuota is Graph's documented write quota for one app in one
// tenant: 3,000 writes per 2 min 30 s.
var DefaultWriteQuota = WriteQuota{Limit: 3000, Window: 150 * time.Second}

func (q WriteQuota) withDefaults() WriteQuota {
	if q.Limit <= 0 {
		q.Limit = DefaultWriteQuota.Limit
	}
	if q.Window <= 0 {
		q.Window = DefaultWriteQuota.Window
	}
	return q
}

// bucket is the quota's state; the server's mutex guards it.
type bucket struct {
	on     bool
	quota  WriteQuota
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

// take spends a token at now, or returns how long until one is there.
func (b *bucket) take(now time.Time) (ok bool, wait time.Duration) {
	rate := float64(b.quota.Limit) / b.quota.Window.Seconds() // tokens per second
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = math.Min(float64(b.quota.Limit), b.tokens+el*rate)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate * float64(time.Second))
}

// SetWriteQuota turns the write quota on with q (zero fields are Graph's
// defaults), with a full bucket, or off with nil.
func (s *Server) SetWriteQuota(q *WriteQuota) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setQuota(q)
}

// setQuota applies q; the caller holds s.mu.
func (s *Server) setQuota(q *WriteQuota) {
	if q == nil {
		s.bucket = bucket{}
		return
	}
	full := q.withDefaults()
	s.bucket = bucket{on: true, quota: full, tokens: float64(full.Limit), at: s.opts.Now()}
}

// writeCost is how many writes of the identity and access quota the
// request costs (see WriteQuota); path is without its version.
func writeCost(method, path string) int {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
	default:
		return 0
	}
	switch {
	case method == http.MethodPost && strings.HasPrefix(path, "/users/") && strings.HasSuffix(path, "/checkMemberGroups"):
		return 0
	case strings.HasSuffix(path, "/sendMail"), strings.Contains(path, "/teamwork/"):
		return 0
	}
	return 1
}

// overQuota charges the request's write, if it costs one, and reports
// whether it must be refused, with the Retry-After to answer.
func (s *Server) overQuota(method, path string) (refuse bool, retryAfter time.Duration) {
	cost := writeCost(method, path)
	isWrite := method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut || method == http.MethodDelete
	s.mu.Lock()
	defer s.mu.Unlock()
	if cost > 0 && s.bucket.on {
		ok, wait := s.bucket.take(s.opts.Now())
		if !ok {
			return true, wait
		}
	}
	if isWrite {
		s.stats.Writes++
	}
	if cost > 0 {
		s.stats.Charged++
	}
	return false, 0
}

// writeThrottled answers 429 as Graph does when a quota is spent: a
// Retry-After header in whole seconds (at least 1), the throttle scope and
// reason headers of identity and access, and the ODataError body of
// https://learn.microsoft.com/en-us/graph/throttling#sample-response.
func writeThrottled(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(1, secs)))
	w.Header().Set("x-ms-throttle-scope", "Tenant_Application/Write/"+fakeAppID+"/"+fakeTenantID)
	w.Header().Set("x-ms-throttle-information", "WriteLimitExceeded")
	writeErrorInner(w, r, http.StatusTooManyRequests, "TooManyRequests", "Please retry again later.",
		map[string]any{"code": "429", "message": "Please retry after", "status": "429"})
}

// The ids the throttle scope names (the fake knows no real app or tenant).
const (
	fakeAppID    = "00000000-0000-4000-8000-0000000000b0"
	fakeTenantID = "00000000-0000-4000-8000-0000000000c0"
)
