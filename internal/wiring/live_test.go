package wiring

import (
	"context"
	"log/slog"
	"net"
	"testing"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/demo"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

// live is the production wiring of `mfabot serve` running inside a test:
// gin on a loopback port, the real Connector authentication, the bot, the
// service and the store, and its own /metrics listener.
type live struct {
	URL        string // the messages endpoint, http://127.0.0.1:port/api/messages
	MetricsURL string // http://127.0.0.1:port/metrics
	W          *Wiring
	Fake       *graphfake.Server // the fake Graph, when started by demoServe
}

// startServe wires cfg with dir, as `mfabot serve` does, and runs the bot
// until the test ends. o's listeners and ready channel are filled in;
// validator and sender default to the test channel's. A nil logger
// discards.
func startServe(t *testing.T, ch *channeltest.Channel, cfg config.Config, dir *graph.Directory, o botOptions, logger *slog.Logger) live {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan *bot.Bot, 1)
	o.listener, o.metrics, o.ready = ln, mln, ready
	if o.validator == nil {
		o.validator = botframework.NewValidator(ch.ValidatorConfig())
	}
	if o.sender == nil {
		o.sender = ch.Connector()
	}
	if o.name == "" {
		o.name = "mfabot"
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	w, err := wireBot(context.Background(), cfg, logger, dir, dir, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runBot(ctx, w, o) }()
	<-ready
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		w.Close()
	})
	return live{URL: "http://" + ln.Addr().String() + "/api/messages", MetricsURL: "http://" + mln.Addr().String() + "/metrics", W: w}
}

// demoServe runs the production wiring on the demo tenant's fake Graph and
// a fresh SQLite file, as app id and tenant of the test channel; mod, when
// not nil, adjusts the policy.
func demoServe(t *testing.T, ch *channeltest.Channel, db string, mod func(*mfa.Policy)) live {
	t.Helper()
	fake := graphfake.New(graphfake.Options{Tenant: graphfake.DemoTenant()})
	t.Cleanup(fake.Close)
	return demoServeOn(t, ch, fake, db, mod)
}

// demoServeOn is demoServe on a fake Graph the caller holds (several
// replicas share one tenant).
func demoServeOn(t *testing.T, ch *channeltest.Channel, fake *graphfake.Server, db string, mod func(*mfa.Policy)) live {
	t.Helper()
	dir, err := graph.NewAnonymous(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg := demo.Config(db)
	cfg.Bot.AppID, cfg.Bot.AppTenantID = ch.AppID, ch.TenantID
	if mod != nil {
		mod(&cfg.Policy)
	}
	lb := startServe(t, ch, cfg, dir, botOptions{}, nil)
	lb.Fake = fake
	return lb
}
