package wiring

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/server"
)

// Serve is `mfabot serve`: it builds the Microsoft Graph directory, the Bot
// Framework edge and the service from cfg, listens on the bot's port (and
// on MFABOT_METRICS_ADDR for /metrics), and serves the bot until ctx ends.
// version is logged at start.
func Serve(ctx context.Context, cfg config.Config, log *slog.Logger, version string) error {
	dir, mail, err := Directory(cfg)
	if err != nil {
		return err
	}
	validator, connector, err := botEdge(cfg, log, nil)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.BindAddress, strconv.Itoa(cfg.Port)))
	if err != nil {
		return fmt.Errorf("listen on port %d: %w", cfg.Port, err)
	}
	var mln net.Listener
	if cfg.MetricsAddr != "" {
		if mln, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("listen for metrics on MFABOT_METRICS_ADDR=%s: %w", cfg.MetricsAddr, err)
		}
		log.Info("metrics served", "addr", mln.Addr().String(), "path", "/metrics")
	}
	if warn := cfg.LoginTenantWarning(); warn != "" {
		log.Warn(warn)
	}
	o := botOptions{listener: ln, metrics: mln, validator: validator, sender: connector, name: cfg.BotName,
		installer: newInstaller(dir, cfg.TeamsCatalogAppID)}
	w, err := wireBot(ctx, cfg, log, dir, mail, o)
	if err != nil {
		ln.Close()
		if mln != nil {
			mln.Close()
		}
		return err
	}
	defer w.Close()
	log.Info("mfabot serving", "addr", ln.Addr().String(), "version", version, "appType", cfg.Bot.AppType, "cloud", cfg.Cloud)
	return runBot(ctx, w, o)
}

// botEdge builds the Bot Framework edge from the configuration: the
// inbound validator (metadata URL, issuer, app id, tenant of the cloud)
// and the outbound connector with its credential (login authority and
// Connector scope). transport, when not nil, carries every call (tests
// send Microsoft's real URLs to a fake channel with it).
func botEdge(cfg config.Config, log *slog.Logger, transport http.RoundTripper) (*botframework.Validator, *botframework.Connector, error) {
	var client *http.Client
	copts := azcore.ClientOptions{}
	if transport != nil {
		client = &http.Client{Transport: transport, Timeout: 30 * time.Second}
		copts.Transport = client
	}
	cred, err := botframework.NewCredential(botframework.CredentialConfig{AppType: cfg.Bot.AppType, AppID: cfg.Bot.AppID,
		Password: cfg.Bot.AppPassword, TenantID: cfg.Bot.AppTenantID, CertPath: cfg.Bot.CertificatePath,
		LoginURL: cfg.Bot.LoginURL, ClientOptions: copts})
	if err != nil {
		return nil, nil, fmt.Errorf("bot credential (%s): %w", cfg.Bot.AppType, err)
	}
	connector := botframework.NewConnector(botframework.ConnectorConfig{
		Tokens: botframework.NewAzureTokenSource(cred, cfg.Bot.OAuthScope), HTTPClient: client, Logger: log,
	})
	var issuers []string
	if cfg.Bot.TokenIssuer != "" {
		issuers = []string{cfg.Bot.TokenIssuer}
	}
	validator := botframework.NewValidator(botframework.ValidatorConfig{
		AppID: cfg.Bot.AppID, TenantID: cfg.Bot.AppTenantID, OpenIDMetadataURL: cfg.Bot.OpenIDMetadata,
		Issuers: issuers, HTTPClient: client, Logger: log,
	})
	return validator, connector, nil
}

// botOptions are what differs between serve, demo and the tests.
type botOptions struct {
	listener net.Listener
	// metrics, when not nil, serves GET /metrics; it is never the bot's
	// listener, which faces the internet.
	metrics   net.Listener
	validator *botframework.Validator
	sender    bot.Sender
	name      string
	installer bot.Installer // nil: targets are reachable only once they wrote to the bot
	// ready is closed once the server accepts requests.
	ready chan<- *bot.Bot
}

// runBot serves the bot until ctx ends: it resumes requests a crash left
// executing, every minute expires pending ones and runs those a crash left
// approved, works on running incident resets (this replica's share of
// their queue), and shuts down gracefully, letting background executions
// and the users of an incident reset under way finish.
func runBot(ctx context.Context, w *Wiring, o botOptions) error {
	log := w.Log
	if w.msgr == nil {
		if o.ready != nil {
			close(o.ready) // a caller waiting for the bot gets nil, not a hang
		}
		return errors.New("run bot: the service was not wired for the bot (wireBot)")
	}
	b := bot.New(w.msgr, w.Svc)
	reg := w.reg
	auth := server.AuthFunc(func(ctx context.Context, h string, act *botframework.Activity) error {
		_, err := o.validator.Authenticate(ctx, h, act)
		return err
	})
	srv := server.New(server.Config{Bot: b, Auth: auth, Ready: w.Store.Ping, Log: log, Registry: reg,
		CheckHeader: o.validator.VerifyHeader})
	hs := server.HTTPServer(srv.Handler(), log)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		maintain(ctx, w, time.Minute)
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		runBatches(ctx, w)
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		every(ctx, time.Minute, func() {
			if n, err := b.RedactExpiredTAPs(ctx); err != nil {
				log.Error("periodic work failed", "job", "remove expired passes from chats", "err", err)
			} else if n > 0 {
				log.Info("removed expired passes from chats", "count", n)
			}
		})
	}()
	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(o.listener) }()
	var ms *http.Server
	if o.metrics != nil {
		ms = server.HTTPServer(srv.MetricsHandler(), log)
		go func() { errc <- ms.Serve(o.metrics) }()
	}
	if o.ready != nil {
		o.ready <- b
	}
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_ = hs.Shutdown(sctx)
	if ms != nil {
		_ = ms.Shutdown(sctx)
	}
	b.Wait()
	wg.Wait()
	log.Info("mfabot stopped")
	return nil
}
