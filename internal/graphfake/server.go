package graphfake

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a fake.
type Options struct {
	// Tenant seeds the directory; DemoTenant() is a ready one.
	Tenant Tenant
	// RequireToken, when set, makes every request without the header
	// "Authorization: Bearer <RequireToken>" fail with 401.
	RequireToken string
	// Latency is added to every request (SetLatency changes it), slept
	// without holding any lock: concurrent requests wait side by side.
	Latency time.Duration
	// WriteQuota, when set, throttles writes as Graph's identity and access
	// write quota does (see WriteQuota; &WriteQuota{} is Graph's 3,000 per
	// 2 min 30 s). Nil: writes are never throttled.
	WriteQuota *WriteQuota
	// MaxRequests bounds the request log (Requests, Count): 0 keeps every
	// request, n > 0 the last n, a negative value none. Stats count every
	// request either way.
	MaxRequests int
	// RevokeNoContent makes revokeSignInSessions answer 204 (its documented
	// intent) instead of 200 {"value":true} (what Graph really answers).
	RevokeNoContent bool
	// AnyMethodBlocksDefault makes every other non-password method block the
	// deletion of the default method. By default only second factors that
	// can be a default (phones, Authenticator, software and hardware OATH)
	// block it, matching the portal's "Require re-register MFA" removing
	// exactly those. Graph documents "other methods" without a list.
	AnyMethodBlocksDefault bool
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// PageSize is how many objects a collection answers per page when the
	// request has no $top (Graph's default is 100 for most directory
	// listings); later pages follow through @odata.nextLink.
	PageSize int
}

// Server is a fake of Microsoft Graph.
type Server struct {
	mu      sync.Mutex
	opts    Options
	latency atomic.Int64     // nanoseconds
	users   map[string]*User // by id
	groups  map[string]*Group
	ix      index
	bucket  bucket
	stats   Stats
	// deleted holds the methods a DELETE removed (user id, method id) until
	// the method is registered again: a DELETE of one of them is a repeat.
	deleted  map[methodKey]bool
	calls    int
	roles    []Role
	eligible []Eligibility
	assigns  []Assignment
	gsched   []GroupSchedule
	apps     []App
	sps      []ServicePrincipal
	// tapPolicy is the tenant's Temporary Access Pass policy.
	tapPolicy TAPPolicy
	revoked   map[string]int
	mails     []Mail
	requests  []Request
	faults    []*Fault
	teams     teamsState
	mux       *http.ServeMux
	ts        *httptest.Server
}

// New starts a fake on a loopback port.
func New(opts Options) *Server {
	s := NewUnstarted(opts)
	s.ts = httptest.NewServer(s.Handler())
	return s
}

// NewUnstarted returns a fake that listens nowhere; mount Handler on a
// listener of your own.
func NewUnstarted(opts Options) *Server {
	s := &Server{opts: opts}
	s.latency.Store(int64(opts.Latency))
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	s.Seed(opts.Tenant)
	s.setQuota(opts.WriteQuota)
	s.routes()
	return s
}

// URL is the fake's base URL, without a version ("http://127.0.0.1:1234");
// empty for an unstarted fake.
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL
}

// Close stops the fake's listener.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

// Handler serves the fake's endpoints under /v1.0 and /beta.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serve) }

// SetLatency changes the latency added to every request.
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

type ctxKey int

const (
	versionKey ctxKey = iota + 1
	pageSizeKey
)

func (s *Server) serve(rw http.ResponseWriter, r *http.Request) {
	if r.URL.Path == StatsPath {
		s.serveStats(rw, r)
		return
	}
	// Graph answers every request, successful or not, with a request-id
	// header, and echoes the client's client-request-id; Microsoft asks
	// that both be logged with every call
	// (https://learn.microsoft.com/graph/best-practices-concept#reliability-and-support).
	rw.Header().Set("request-id", newID())
	if c := r.Header.Get("client-request-id"); c != "" {
		rw.Header().Set("client-request-id", c)
	}
	w := &statusWriter{ResponseWriter: rw}
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Time: s.opts.Now(),
		Gzip: strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip"), ConsistencyLevel: r.Header.Get("ConsistencyLevel")}
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") && len(a) > len("Bearer ") {
		rec.Authorization = "Bearer"
	}
	defer func() {
		rec.Status = w.status
		s.mu.Lock()
		s.logRequest(rec)
		s.mu.Unlock()
	}()

	if lat := time.Duration(s.latency.Load()); lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if tok := s.opts.RequireToken; tok != "" && r.Header.Get("Authorization") != "Bearer "+tok {
		msg := "Access token validation failure. Invalid audience."
		if rec.Authorization == "" {
			msg = "Access token is empty."
		}
		writeError(w, r, http.StatusUnauthorized, "InvalidAuthenticationToken", msg)
		return
	}
	version, rest, ok := splitVersion(r.URL.Path)
	if !ok {
		writeError(w, r, http.StatusBadRequest, "BadRequest", "Invalid version: "+firstSegment(r.URL.Path))
		return
	}
	if f := s.fault(r.Method, rest); f != nil {
		f.write(w, r)
		return
	}
	// Graph documents no endpoint that accepts a compressed request body,
	// and Microsoft's SDK design says its gateway did not; a compression
	// handler is to send again uncompressed after a 415 (or a 400 "Unable
	// to read JSON request payload"):
	// https://github.com/microsoftgraph/msgraph-sdk-design/blob/main/middleware/CompressionHandler.md
	if ce := r.Header.Get("Content-Encoding"); ce != "" {
		writeError(w, r, http.StatusUnsupportedMediaType, "UnsupportedMediaType", "Content-Encoding "+ce+" is not supported for the request body.")
		return
	}
	c := context.WithValue(r.Context(), versionKey, version)
	c = context.WithValue(c, pageSizeKey, s.opts.PageSize)
	r2 := r.Clone(c)
	r2.URL.Path = rest
	r2.URL.RawPath = ""
	if _, pattern := s.mux.Handler(r2); pattern == "" {
		writeError(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+lastSegment(rest)+"'.")
		return
	}
	s.countRepeatDelete(r.Method, rest)
	if refuse, wait := s.overQuota(r.Method, rest); refuse {
		writeThrottled(w, r, wait)
		return
	}
	s.mux.ServeHTTP(w, r2) // matches again, setting the path values
	seen.Store(route(version, r2), true)
}

// splitVersion splits "/v1.0/users/x" into "v1.0" and "/users/x".
func splitVersion(p string) (version, rest string, ok bool) {
	for _, v := range []string{"v1.0", "beta"} {
		if strings.HasPrefix(p, "/"+v+"/") {
			return v, p[len(v)+1:], true
		}
	}
	return "", "", false
}

func version(r *http.Request) string {
	v, _ := r.Context().Value(versionKey).(string)
	return v
}

func firstSegment(p string) string {
	p = strings.TrimPrefix(p, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return p
}

func lastSegment(p string) string {
	p = strings.TrimSuffix(p, "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}
