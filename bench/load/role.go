package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
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
		return serveBare(ctx, addr)
	case roleMfabotProfile:
		return serveMfabotProfiled(ctx, cpuProfile)
	case roleWhatIf:
		return serveWhatIf(ctx, whatIfs)
	}
	return fmt.Errorf("unknown role %q", role)
}

// serveBare is the ceiling: gin, configured as mfabot configures it,
// reading the activity and answering 200 without looking at it.
func serveBare(ctx context.Context, addr string) error {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(gin.Recovery())
	e.POST("/api/messages", func(c *gin.Context) {
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
// with the CPU profiler on, writing the profile when it stops.
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
	if code != 0 {
		return errors.New("mfabot serve exited with code " + fmt.Sprint(code))
	}
	return nil
}
