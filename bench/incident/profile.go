package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"

	"github.com/mfabot/mfabot/internal/app"
)

// runServeRole is `mfabot serve` inside this binary (-role serve), for
// -profile: the same subcommand, with a CPU profile of the whole run, a
// heap profile when it stops, and the Go heap's size logged every five
// seconds, in dir.
func runServeRole(dir string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	pid := strconv.Itoa(os.Getpid())
	cpu, err := os.Create(filepath.Join(dir, "serve-"+pid+".cpu.pprof"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			runtime.ReadMemStats(&m)
			fmt.Fprintf(os.Stderr, "memstats heapAlloc=%dKiB heapInuse=%dKiB heapSys=%dKiB stackInuse=%dKiB sys=%dKiB goroutines=%d gc=%d\n",
				m.HeapAlloc>>10, m.HeapInuse>>10, m.HeapSys>>10, m.StackInuse>>10, m.Sys>>10, runtime.NumGoroutine(), m.NumGC)
			// The heap at its fullest is what RSS follows: keep the last.
			if f, err := os.Create(filepath.Join(dir, "serve-"+pid+".heap.pprof")); err == nil {
				_ = pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}()
	code := app.Main(ctx, []string{"serve"}, os.Stdout, os.Stderr)
	pprof.StopCPUProfile()
	cpu.Close()
	return code
}
