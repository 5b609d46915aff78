package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// loadConfig is one load phase against one target.
type loadConfig struct {
	URL         string // the target's /api/messages
	Token       string // the one channel token, reused
	Concurrency int
	Duration    time.Duration
	MaxRequests int64  // stop early after this many requests (0: no bound)
	IDPrefix    string // makes activity ids unique across phases
	Templates   []activityTemplate
}

// loadResult is what a phase measured, from the client's side.
type loadResult struct {
	Requests  int64           // requests completed (any outcome)
	OK        int64           // answered 200
	Statuses  map[int]int64   // answers other than 200, by status
	NetErrors int64           // transport errors
	FirstErr  string          // the first failure, for the report
	Elapsed   time.Duration   // from the first request to the last answer
	Latencies []time.Duration // of the 200 answers, sorted
}

// RPS is completed requests per second.
func (r loadResult) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile returns the p-th percentile (0–100) of the 200 answers'
// latency, nearest rank.
func (r loadResult) Percentile(p float64) time.Duration {
	n := len(r.Latencies)
	if n == 0 {
		return 0
	}
	i := int(float64(n)*p/100+0.999999) - 1
	return r.Latencies[min(max(i, 0), n-1)]
}

// newClient returns a keep-alive client with one connection per worker,
// as a channel keeps connections open to a busy bot.
func newClient(concurrency int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        concurrency,
			MaxIdleConnsPerHost: concurrency,
			MaxConnsPerHost:     concurrency,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

// runLoad sends help activities from Concurrency workers until Duration has
// passed or MaxRequests were sent.
func runLoad(ctx context.Context, client *http.Client, cfg loadConfig) loadResult {
	// Requests are issued until the deadline and then allowed to finish, so
	// every answered request is counted and none is cut off half-way.
	deadline := time.Now().Add(cfg.Duration)
	var (
		issued atomic.Int64
		mu     sync.Mutex
		res    = loadResult{Statuses: map[int]int64{}}
		wg     sync.WaitGroup
	)
	start := time.Now()
	for range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			statuses := map[int]int64{}
			var done, ok, netErrs int64
			var firstErr string
			for ctx.Err() == nil && time.Now().Before(deadline) {
				n := issued.Add(1)
				if cfg.MaxRequests > 0 && n > cfg.MaxRequests {
					break
				}
				// A fresh body each time: the transport may still read the
				// previous one after the answer arrived.
				// The senders take turns, whatever connection carries them.
				tmpl := cfg.Templates[int(n)%len(cfg.Templates)]
				body := tmpl.body(nil, cfg.IDPrefix+strconv.FormatInt(n, 10))
				t0 := time.Now()
				status, err := post(ctx, client, cfg.URL, cfg.Token, body)
				d := time.Since(t0)
				if err != nil && ctx.Err() != nil {
					break // the run was interrupted: not counted
				}
				done++
				switch {
				case err != nil:
					netErrs++
					if firstErr == "" {
						firstErr = err.Error()
					}
				case status != http.StatusOK:
					statuses[status]++
					if firstErr == "" {
						firstErr = "HTTP " + strconv.Itoa(status)
					}
				default:
					ok++
					lat = append(lat, d)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.Requests += done
			res.OK += ok
			res.NetErrors += netErrs
			for s, k := range statuses {
				res.Statuses[s] += k
			}
			if res.FirstErr == "" {
				res.FirstErr = firstErr
			}
			res.Latencies = append(res.Latencies, lat...)
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	slices.Sort(res.Latencies)
	return res
}

// post sends one activity and drains the answer so the connection is
// reused.
func post(ctx context.Context, client *http.Client, url, token string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, fmt.Errorf("read answer: %w", err)
	}
	return resp.StatusCode, nil
}
