package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/server"
	"github.com/mfabot/mfabot/internal/store/sqlite"
)

// roleWhatIf serves the bot wired as `mfabot serve` wires it, with some
// costs of the message path removed, to measure what each one costs. It is
// an experiment, not a product configuration.
const roleWhatIf = "mfabot-whatif"

// What-ifs, comma-separated in -whatif.
const (
	// whatIfOnceMem dedupes activity ids in memory instead of an fsync'd
	// SQLite write per message.
	whatIfOnceMem = "once-mem"
	// whatIfUsersMem answers the bot's per-message read of the sender's
	// conversation reference from memory instead of SQLite.
	whatIfUsersMem = "users-mem"
	// whatIfAuthCache skips the RS256 verification of a channel token
	// already verified for the same service URL, channel and tenant.
	whatIfAuthCache = "auth-cache"
)

// serveWhatIf runs until ctx ends.
func serveWhatIf(ctx context.Context, whatIfs string) error {
	on := map[string]bool{}
	for w := range strings.SplitSeq(whatIfs, ",") {
		switch w = strings.TrimSpace(w); w {
		case "":
		case whatIfOnceMem, whatIfUsersMem, whatIfAuthCache:
			on[w] = true
		default:
			return fmt.Errorf("unknown what-if %q", w)
		}
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	db, err := sqlite.Open(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer db.Close()
	var st botstate.Store = db
	if on[whatIfOnceMem] || on[whatIfUsersMem] {
		st = &memStore{Store: db, once: on[whatIfOnceMem], users: on[whatIfUsersMem], seen: map[string]time.Time{}, vals: map[string]botstate.User{}}
	}
	cred, err := botframework.NewBotCredential(cfg.Bot.AppType, cfg.Bot.AppID, cfg.Bot.AppPassword, cfg.Bot.AppTenantID, cfg.Bot.CertificatePath, cfg.Bot.LoginURL)
	if err != nil {
		return err
	}
	connector := botframework.NewConnector(botframework.ConnectorConfig{
		Tokens: botframework.NewAzureTokenSource(cred, cfg.Bot.OAuthScope), Logger: log,
	})
	validator := botframework.NewValidator(botframework.ValidatorConfig{
		AppID: cfg.Bot.AppID, TenantID: cfg.Bot.AppTenantID, OpenIDMetadataURL: cfg.Bot.OpenIDMetadata, Logger: log,
	})
	m := bot.NewMessenger(bot.Config{AppID: cfg.Bot.AppID, Name: cfg.BotName}, st, connector, log)
	b := bot.New(m, mfa.NewService(cfg.Policy, mfa.Deps{Store: db, Notifier: m, Log: log}))
	auth := &authCache{v: validator, on: on[whatIfAuthCache], ok: map[string]time.Time{}}
	srv := server.New(server.Config{Bot: b, Auth: server.AuthFunc(auth.check), Ready: db.Ping, Log: log})
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.BindAddress, strconv.Itoa(cfg.Port)))
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	go func() { <-ctx.Done(); _ = hs.Shutdown(context.Background()) }()
	if err := hs.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	b.Wait()
	return nil
}

// memStore replaces Once, and the reads and writes of user references,
// with maps.
type memStore struct {
	botstate.Store
	once, users bool

	mu   sync.Mutex
	seen map[string]time.Time
	vals map[string]botstate.User
}

func (s *memStore) Once(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if !s.once {
		return s.Store.Once(ctx, key, ttl)
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if exp, ok := s.seen[key]; ok && now.Before(exp) {
		return false, nil
	}
	s.seen[key] = now.Add(ttl)
	return true, nil
}

func (s *memStore) User(ctx context.Context, oid string) (botstate.User, error) {
	if s.users {
		s.mu.Lock()
		v, ok := s.vals[oid]
		s.mu.Unlock()
		if ok {
			return v, nil
		}
	}
	return s.Store.User(ctx, oid)
}

func (s *memStore) PutUser(ctx context.Context, oid string, u botstate.User) error {
	if err := s.Store.PutUser(ctx, oid, u); err != nil {
		return err
	}
	if s.users {
		s.mu.Lock()
		s.vals[oid] = u
		s.mu.Unlock()
	}
	return nil
}

// authCache remembers tokens the validator accepted, per service URL,
// channel and tenant, until a minute before they expire.
type authCache struct {
	v  *botframework.Validator
	on bool

	mu sync.Mutex
	ok map[string]time.Time
}

func (a *authCache) check(ctx context.Context, h string, act *botframework.Activity) error {
	if !a.on {
		_, err := a.v.Authenticate(ctx, h, act)
		return err
	}
	key := h + "\x00" + act.ServiceURL + "\x00" + act.ChannelID + "\x00" + act.Tenant()
	a.mu.Lock()
	exp, hit := a.ok[key]
	a.mu.Unlock()
	if hit && time.Now().Before(exp) {
		return nil
	}
	c, err := a.v.Authenticate(ctx, h, act)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.ok[key] = c.ExpiresAt.Add(-time.Minute)
	a.mu.Unlock()
	return nil
}
