package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Limits on what a client may make the server hold before it is known to
// be the Bot Connector.
const (
	// MaxAuthHeader is the longest Authorization header considered. A
	// Bot Connector token is about 1.5 KiB.
	MaxAuthHeader = 8 << 10
	// DefaultMaxBodyReads bounds the bodies read at once: at most
	// DefaultMaxBodyReads × MaxBody bytes are held by requests whose token
	// is well formed (and, in serve, verified) but whose activity is not
	// yet read.
	DefaultMaxBodyReads = 32
	// DefaultBodyReadWait is how long a request waits for a body-read slot
	// before it is answered 503.
	DefaultBodyReadWait = 2 * time.Second
	// BodyReadTimeout is how long a client may take to send its body.
	BodyReadTimeout = 10 * time.Second
)

// errNoToken is a request that carries nothing that could be a token.
var errNoToken = errors.New("no Bearer token of the JWS compact form in the Authorization header")

// RequireBearer checks, without any I/O, that h is "Bearer <JWS compact
// token>": three non-empty base64url segments separated by dots, at most
// MaxAuthHeader long. It is the check made before the body is read when
// Config.CheckHeader is nil.
func RequireBearer(h string) error {
	if len(h) > MaxAuthHeader {
		return errNoToken
	}
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return errNoToken
	}
	parts := strings.Split(strings.TrimSpace(tok), ".")
	if len(parts) != 3 {
		return errNoToken
	}
	for _, p := range parts {
		if p == "" || strings.IndexFunc(p, notBase64URL) >= 0 {
			return errNoToken
		}
	}
	return nil
}

func notBase64URL(r rune) bool {
	return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '=')
}

// acquireBodyRead takes a body-read slot, waiting at most the configured
// time; it reports false when none freed up.
func (s *Server) acquireBodyRead(ctx context.Context) bool {
	select {
	case s.bodies <- struct{}{}:
	default:
		t := time.NewTimer(s.cfg.BodyReadWait)
		defer t.Stop()
		select {
		case s.bodies <- struct{}{}:
		case <-t.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
	s.reading.Add(1)
	return true
}

func (s *Server) releaseBodyRead() {
	s.reading.Add(-1)
	<-s.bodies
}

// HTTPServer is the http.Server the bot listens with: headers within
// 5 seconds and 64 KiB, a whole request within 20 seconds (a body is also
// cut at BodyReadTimeout by the handler), idle connections closed after
// two minutes.
func HTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       20 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	if log != nil {
		hs.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	}
	return hs
}
