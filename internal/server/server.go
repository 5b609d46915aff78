// Package server is mfabot's HTTP edge on gin: POST /api/messages for the
// Bot Connector, GET /healthz and /readyz, and, on a listener of its own,
// GET /metrics. gin stays here; the handlers decode, authenticate and hand
// activities to the bot.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mfabot/mfabot/internal/botframework"
)

// MaxBody is the largest activity accepted. Teams activities are a few KiB;
// an Adaptive Card action with inputs stays far below this.
const MaxBody = 256 << 10

// Bot handles an authenticated activity. For an invoke it returns the
// response to write as the HTTP body; for anything else nil.
type Bot interface {
	HandleActivity(ctx context.Context, act *botframework.Activity) (*botframework.InvokeResponse, error)
}

// Authenticator checks an inbound request's Authorization header against
// the activity it carries.
type Authenticator interface {
	Check(ctx context.Context, authHeader string, act *botframework.Activity) error
}

// AuthFunc adapts a function to Authenticator.
type AuthFunc func(ctx context.Context, authHeader string, act *botframework.Activity) error

// Check calls f.
func (f AuthFunc) Check(ctx context.Context, h string, act *botframework.Activity) error {
	return f(ctx, h, act)
}

// Config is what the server needs.
type Config struct {
	Bot  Bot
	Auth Authenticator
	// Ready reports whether the service can take work (store reachable).
	Ready func(ctx context.Context) error
	Log   *slog.Logger
	// Registry collects the metrics; a new one when nil.
	Registry *prometheus.Registry
	// CheckHeader checks the Authorization header before the body is read
	// (serve verifies the token's signature there); nil applies
	// RequireBearer. An error is answered 401 or 403 (StatusCode) without
	// reading the body.
	CheckHeader func(ctx context.Context, authHeader string) error
	// MaxBodyReads bounds the bodies read at once (DefaultMaxBodyReads);
	// BodyReadWait is how long a request waits for a slot
	// (DefaultBodyReadWait) before it is answered 503.
	MaxBodyReads int
	BodyReadWait time.Duration
}

// Server is the HTTP handler.
type Server struct {
	cfg     Config
	log     *slog.Logger
	engine  *gin.Engine
	metrics *metrics
	bodies  chan struct{} // body-read slots
	reading atomic.Int32  // bodies being read
}

// New builds the routes.
func New(cfg Config) *Server {
	gin.SetMode(gin.ReleaseMode)
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.CheckHeader == nil {
		cfg.CheckHeader = func(_ context.Context, h string) error { return RequireBearer(h) }
	}
	if cfg.MaxBodyReads <= 0 {
		cfg.MaxBodyReads = DefaultMaxBodyReads
	}
	if cfg.BodyReadWait <= 0 {
		cfg.BodyReadWait = DefaultBodyReadWait
	}
	s := &Server{cfg: cfg, log: cfg.Log.With("component", "http"), engine: gin.New(), metrics: newMetrics(cfg.Registry),
		bodies: make(chan struct{}, cfg.MaxBodyReads)}
	s.engine.Use(gin.Recovery())
	s.engine.POST("/api/messages", s.messages)
	s.engine.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	s.engine.GET("/readyz", s.ready)
	return s
}

// Handler returns the http.Handler of the Bot endpoint's listener. It does
// not serve /metrics: that listener faces the internet.
func (s *Server) Handler() http.Handler { return s.engine }

// MetricsHandler serves GET /metrics (Prometheus) and nothing else, for
// its own listener (MFABOT_METRICS_ADDR, loopback by default).
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{}))
	return mux
}

func (s *Server) ready(c *gin.Context) {
	if s.cfg.Ready != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := s.cfg.Ready(ctx); err != nil {
			s.log.Warn("not ready", "err", err)
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable"})
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}

// messages is the Bot Connector endpoint: decode, authenticate, hand over.
func (s *Server) messages(c *gin.Context) {
	start := time.Now()
	status, kind := s.handle(c)
	s.metrics.observe(kind, status, time.Since(start))
}

func (s *Server) handle(c *gin.Context) (int, string) {
	// The token is in the header: check it before holding any of the body.
	if err := s.cfg.CheckHeader(c.Request.Context(), c.GetHeader("Authorization")); err != nil {
		return s.unauthenticated(c, err), "unauthenticated"
	}
	act, err := s.readActivity(c)
	if errors.Is(err, errBusy) {
		c.Header("Retry-After", "1")
		c.JSON(http.StatusServiceUnavailable, gin.H{"error": "busy: retry"})
		return http.StatusServiceUnavailable, "busy"
	}
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, botframework.ErrBodyTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		s.log.Info("activity refused", "status", status, "err", err)
		c.JSON(status, gin.H{"error": "the request body is not a valid activity"})
		return status, "invalid"
	}
	if err := s.cfg.Auth.Check(c.Request.Context(), c.GetHeader("Authorization"), act); err != nil {
		status := botframework.StatusCode(err)
		s.log.Warn("activity not authenticated", "activity", act.ID, "type", act.Type, "status", status, "err", err)
		c.JSON(status, gin.H{"error": http.StatusText(status)})
		return status, act.Type
	}
	resp, err := s.cfg.Bot.HandleActivity(c.Request.Context(), act)
	if err != nil {
		s.log.Error("activity failed", "activity", act.ID, "type", act.Type, "err", err)
		c.JSON(http.StatusInternalServerError, gin.H{"error": "the bot could not handle the activity"})
		return http.StatusInternalServerError, act.Type
	}
	if resp != nil {
		c.JSON(http.StatusOK, resp)
		return http.StatusOK, act.Type
	}
	c.Status(http.StatusOK)
	return http.StatusOK, act.Type
}

var errBusy = errors.New("too many bodies being read")

// readActivity reads and decodes the body within a body-read slot and
// BodyReadTimeout.
func (s *Server) readActivity(c *gin.Context) (*botframework.Activity, error) {
	if !s.acquireBodyRead(c.Request.Context()) {
		return nil, errBusy
	}
	defer s.releaseBodyRead()
	// Not every ResponseWriter supports deadlines (test recorders); the
	// server's ReadTimeout still applies then.
	_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(BodyReadTimeout))
	return botframework.Decode(http.MaxBytesReader(c.Writer, c.Request.Body, MaxBody+1), MaxBody)
}

// unauthenticated answers a request refused on its header alone. Go's
// server then closes the connection rather than read an unread body.
func (s *Server) unauthenticated(c *gin.Context, err error) int {
	status := botframework.StatusCode(err)
	s.log.Info("request refused before its body", "status", status, "err", err)
	c.Header("Connection", "close")
	c.JSON(status, gin.H{"error": http.StatusText(status)})
	return status
}
