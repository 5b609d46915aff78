// Package server is mfabot's HTTP edge on gin: POST /api/messages for the
// Bot Connector, GET /healthz, /readyz and /metrics. gin stays here; the
// handlers decode, authenticate and hand activities to the bot.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
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
}

// Server is the HTTP handler.
type Server struct {
	cfg     Config
	log     *slog.Logger
	engine  *gin.Engine
	metrics *metrics
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
	s := &Server{cfg: cfg, log: cfg.Log.With("component", "http"), engine: gin.New(), metrics: newMetrics(cfg.Registry)}
	s.engine.Use(gin.Recovery())
	s.engine.POST("/api/messages", s.messages)
	s.engine.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	s.engine.GET("/readyz", s.ready)
	s.engine.GET("/metrics", gin.WrapH(promhttp.HandlerFor(cfg.Registry, promhttp.HandlerOpts{})))
	return s
}

// Handler returns the http.Handler.
func (s *Server) Handler() http.Handler { return s.engine }

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
	act, err := botframework.Decode(http.MaxBytesReader(c.Writer, c.Request.Body, MaxBody+1), MaxBody)
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, botframework.ErrBodyTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		s.log.Info("activity refused", "status", status, "err", err)
		c.JSON(status, gin.H{"error": "the request body is not a valid activity"})
		return status, "invalid"
	}
	log := s.log.With("activity", act.ID, "type", act.Type)
	if err := s.cfg.Auth.Check(c.Request.Context(), c.GetHeader("Authorization"), act); err != nil {
		status := botframework.StatusCode(err)
		log.Warn("activity not authenticated", "status", status, "err", err)
		c.JSON(status, gin.H{"error": http.StatusText(status)})
		return status, act.Type
	}
	resp, err := s.cfg.Bot.HandleActivity(c.Request.Context(), act)
	if err != nil {
		log.Error("activity failed", "err", err)
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
