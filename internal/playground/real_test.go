package playground

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRealPlayground starts the installed Playground (offline) and checks
// what the demo relies on: our config is loaded, a proactive 1:1 for the
// current user lands in the personal chat, and nothing listens beyond
// loopback.
func TestRealPlayground(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	mods, err := FindNodeModules()
	if errors.Is(err, ErrNotInstalled) {
		t.Skip("Agents Playground is not installed")
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	dir := t.TempDir()
	in := demoInstance()
	if err := WriteConfig(dir, in); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The Playground waits up to 15s for the bot to be reachable before it
	// serves its config, so give it one.
	bot := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer bot.Close()
	p, err := Start(ctx, Options{BotEndpoint: bot.URL + "/api/messages", ConfigDir: dir, NodeModulesDir: mods, Log: t.Output()})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()

	var cfg struct {
		Config struct {
			TenantID    string `json:"tenantId"`
			CurrentUser struct {
				ID string `json:"id"`
			} `json:"currentUser"`
		} `json:"config"`
	}
	getJSON(t, http.MethodGet, p.UIURL()+"_internal/v1/config", "", &cfg)
	if cfg.Config.CurrentUser.ID != in.User.ID || cfg.Config.TenantID != in.TenantID {
		t.Errorf("Playground config = %+v, want user %s in tenant %s", cfg.Config, in.User.ID, in.TenantID)
	}

	var conv struct{ ID string }
	getJSON(t, http.MethodPost, p.ServiceURL()+"/v3/conversations",
		`{"bot":{"id":"28:mfabot"},"members":[{"id":"29:hanna"}],"channelData":{"tenant":{"id":"`+in.TenantID+`"}}}`, &conv)
	if conv.ID != PersonalChatIDFor(in.User) {
		t.Errorf("proactive conversation id = %q, want %q", conv.ID, PersonalChatIDFor(in.User))
	}

	if ip := nonLoopbackIP(); ip != "" {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(ip, strconv.Itoa(p.Port())), time.Second)
		if err == nil {
			c.Close()
			t.Errorf("Playground answers on %s, want loopback only", ip)
		}
	}
}

func getJSON(t *testing.T, method, url, body string, v any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %s", method, url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
}

// nonLoopbackIP returns one IPv4 address of this host that is not loopback.
func nonLoopbackIP() string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}
