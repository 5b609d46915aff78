package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Soak modes (-soak): RSS of `mfabot serve` sampled over a long run.
const (
	// soakUsers sends signed `help` messages, each from the next of
	// -users distinct users, round robin: the caches keyed by user must
	// stay bounded.
	soakUsers = "users"
	// soakSlowBody opens -conns connections that send a header without a
	// token and 249,900 of a 250,000-byte body, then wait; each reconnects
	// when answered. Nothing may be held for them.
	soakSlowBody = "slowbody"
	// soakSlowBodySigned is the same with the channel's valid token: the
	// bodies read at once are bounded.
	soakSlowBodySigned = "slowbody-signed"
)

// runSoak runs one soak mode against mfabot and prints RSS over time.
func runSoak(ctx context.Context, o options, b *bench) error {
	t, err := b.start(ctx, "mfabot")
	if err != nil {
		return err
	}
	defer t.stop()
	client := newClient(o.concurrency)
	defer client.CloseIdleConnections()
	if err := b.check(ctx, client, t); err != nil {
		return err
	}
	var sent, ok, refused atomic.Int64
	lctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var wg sync.WaitGroup
	switch o.soak {
	case soakUsers:
		for w := range o.concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := int64(w); lctx.Err() == nil; n = sent.Add(1) {
					user := int(n%int64(o.users)) + 1
					tmpl, err := newActivityTemplate(b.ch.serviceURL(), appID, tenantID, user)
					if err != nil {
						return
					}
					status, err := post(lctx, client, t.url, b.token, tmpl.body(nil, "soak-"+strconv.FormatInt(n, 10)))
					if err == nil && status == http.StatusOK {
						ok.Add(1)
					} else if lctx.Err() == nil {
						refused.Add(1)
					}
				}
			}()
		}
	case soakSlowBody, soakSlowBodySigned:
		auth := ""
		if o.soak == soakSlowBodySigned {
			auth = "Bearer " + b.token
		}
		for range o.conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for lctx.Err() == nil {
					sent.Add(1)
					status, err := slowBody(lctx, t.url, auth)
					switch {
					case err == nil && status == http.StatusUnauthorized:
						refused.Add(1)
					case err == nil:
						ok.Add(1) // answered otherwise (503 busy, 408, 400 when cut)
					case lctx.Err() == nil:
						time.Sleep(100 * time.Millisecond)
					}
				}
			}()
		}
	default:
		return fmt.Errorf("unknown soak %q (want %s, %s or %s)", o.soak, soakUsers, soakSlowBody, soakSlowBodySigned)
	}
	fmt.Printf("soak %s: %s, machine shared; RSS of mfabot serve (VmRSS)\n\n", o.soak, o.duration)
	fmt.Println("| elapsed | requests | answered 200 | refused/other | RSS MiB |")
	fmt.Println("|---:|---:|---:|---:|---:|")
	start := time.Now()
	tick := time.NewTicker(o.sample)
	defer tick.Stop()
	report := func() error {
		rss, err := currentRSS(t.cmd.Process.Pid)
		if err != nil {
			return err
		}
		fmt.Printf("| %s | %d | %d | %d | %.1f |\n", time.Since(start).Round(time.Second), sent.Load(), ok.Load(), refused.Load(), float64(rss)/(1<<20))
		return nil
	}
	if err := report(); err != nil {
		return err
	}
	for lctx.Err() == nil {
		select {
		case <-tick.C:
			if err := report(); err != nil {
				return err
			}
		case <-lctx.Done():
		}
	}
	wg.Wait()
	if err := t.alive(); err != nil {
		return err
	}
	peak, _ := t.peakRSS()
	fmt.Printf("\npeak RSS %.1f MiB\n", float64(peak)/(1<<20))
	return report()
}

// slowBody sends a request announcing 250,000 bytes, writes all but 100 of
// them and waits for the answer.
func slowBody(ctx context.Context, target, auth string) (int, error) {
	u, err := url.Parse(target)
	if err != nil {
		return 0, err
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	hdr := "POST " + u.Path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: application/json\r\nContent-Length: 250000\r\n"
	if auth != "" {
		hdr += "Authorization: " + auth + "\r\n"
	}
	if _, err := io.WriteString(c, hdr+"\r\n"+`{"type":"message","text":"`+strings.Repeat("a", 249_900-26)); err != nil {
		// The server may answer and close before the body is written.
		return readStatus(c)
	}
	return readStatus(c)
}

func readStatus(c net.Conn) (int, error) {
	buf := make([]byte, 64)
	n, err := io.ReadAtLeast(c, buf, 12)
	if err != nil {
		return 0, err
	}
	line := string(buf[:n])
	if !strings.HasPrefix(line, "HTTP/1.1 ") {
		return 0, errors.New("not an HTTP answer")
	}
	return strconv.Atoi(line[9:12])
}

// currentRSS is the process's resident set now (VmRSS), in bytes.
func currentRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}
