package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mfabot/mfabot/internal/app"
)

// Hidden roles: the benchmark re-executes itself to run the bare handler,
// or mfabot under the CPU profiler, as processes of their own.
const (
	roleBare          = "bare"
	roleMfabotProfile = "mfabot-profiled"
	roleBareReply     = "bare-reply"
)

// runRole runs a hidden role until SIGTERM.
func runRole(role, addr, cpuProfile, whatIfs string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cpuProfile != "" && role != roleMfabotProfile {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	switch role {
	case roleBare:
		return serveBare(ctx, addr, nil)
	case roleBareReply:
		return serveBare(ctx, addr, newReplier(os.Getenv("BENCH_CONNECTOR_TOKEN")))
	case roleMfabotProfile:
		return serveMfabotProfiled(ctx, cpuProfile)
	case roleWhatIf:
		return serveWhatIf(ctx, whatIfs)
	}
	return fmt.Errorf("unknown role %q", role)
}

// serveBare is the ceiling: gin, configured as mfabot configures it,
// reading the activity and answering 200 without looking at it. With a
// replier it is the least a bot does: decode the activity and post a reply
// to the connector (no authentication, no state).
func serveBare(ctx context.Context, addr string, rep *replier) error {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(gin.Recovery())
	e.POST("/api/messages", func(c *gin.Context) {
		if rep != nil {
			c.Status(rep.handle(c.Request.Context(), http.MaxBytesReader(c.Writer, c.Request.Body, 256<<10)))
			return
		}
		if _, err := io.Copy(io.Discard, http.MaxBytesReader(c.Writer, c.Request.Body, 256<<10)); err != nil {
			c.Status(http.StatusBadRequest)
			return
		}
		c.Status(http.StatusOK)
	})
	e.GET("/healthz", func(c *gin.Context) { c.Status(http.StatusOK) })
	hs := &http.Server{Addr: addr, Handler: e, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}

// serveMfabotProfiled runs `mfabot serve` (the same code as the binary)
// with the CPU profiler on, writing the profile and the allocations
// profile (DIR/mfabot.allocs.pprof) when it stops.
func serveMfabotProfiled(ctx context.Context, cpuProfile string) error {
	f, err := os.Create(cpuProfile)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return err
	}
	code := app.Main(ctx, []string{"serve"}, os.Stdout, os.Stderr)
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		return err
	}
	// The allocations of the whole run beside it (go tool pprof
	// -sample_index=alloc_space).
	af, err := os.Create(strings.TrimSuffix(cpuProfile, ".cpu.pprof") + ".allocs.pprof")
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(af, 0); err != nil {
		af.Close()
		return err
	}
	if err := af.Close(); err != nil {
		return err
	}
	if code != 0 {
		return errors.New("mfabot serve exited with code " + fmt.Sprint(code))
	}
	return nil
}

// replier posts a short text reply to each message's conversation.
type replier struct {
	token  string
	client *http.Client
}

func newReplier(token string) *replier {
	return &replier{token: token, client: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}}}
}

// handle decodes the activity, replies and returns the status to answer.
func (r *replier) handle(ctx context.Context, body io.Reader) int {
	var act struct {
		ID           string `json:"id"`
		ServiceURL   string `json:"serviceUrl"`
		Conversation struct {
			ID string `json:"id"`
		} `json:"conversation"`
		From      json.RawMessage `json:"from"`
		Recipient json.RawMessage `json:"recipient"`
	}
	if err := json.NewDecoder(body).Decode(&act); err != nil {
		return http.StatusBadRequest
	}
	out, err := json.Marshal(map[string]any{"type": "message", "text": "You said: help",
		"from": act.Recipient, "recipient": act.From, "replyToId": act.ID})
	if err != nil {
		return http.StatusInternalServerError
	}
	u := strings.TrimSuffix(act.ServiceURL, "/") + "/v3/conversations/" + url.PathEscape(act.Conversation.ID) + "/activities/" + url.PathEscape(act.ID)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(out))
	if err != nil {
		return http.StatusBadRequest
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+r.token)
	resp, err := r.client.Do(req)
	if err != nil {
		return http.StatusBadGateway
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode/100 != 2 {
		return http.StatusBadGateway
	}
	return http.StatusOK
}
