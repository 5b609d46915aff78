package wiring

import (
	"context"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/mfabot/mfabot/bot"
	"github.com/mfabot/mfabot/internal/botframework"
	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/demo"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

var (
	ines = mfa.Actor{ID: graphfake.DemoResponderID, Name: "Ines Incident", UPN: "ines@contoso.com", Via: "cli"}
	ada  = mfa.Actor{ID: graphfake.DemoApproverID, Name: "Ada Approver", UPN: "ada@contoso.com", Via: "teams"}
	abe  = mfa.Actor{ID: graphfake.DemoApprover2ID, Name: "Abe Approver", UPN: "abe@contoso.com", Via: "teams"}
)

// runningServe runs the production wiring of `mfabot serve` on the demo
// tenant (its phished group of 300) and returns the wiring and how to stop
// it: stop cancels serve's context and returns when runBot has returned.
func runningServe(t *testing.T, fake *graphfake.Server, mod func(*mfa.Policy)) (*Wiring, func() error) {
	t.Helper()
	ch := channeltest.New(t, channeltest.Config{})
	dir, err := graph.NewAnonymous(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg := demo.Config(filepath.Join(t.TempDir(), "mfabot.db"))
	cfg.Bot.AppID, cfg.Bot.AppTenantID = ch.AppID, ch.TenantID
	if mod != nil {
		mod(&cfg.Policy)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan *bot.Bot, 1)
	o := botOptions{listener: ln, ready: ready, validator: botframework.NewValidator(ch.ValidatorConfig()), sender: ch.Connector(), name: "mfabot"}
	w, err := wireBot(context.Background(), cfg, slog.New(slog.DiscardHandler), dir, dir, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runBot(ctx, w, o) }()
	<-ready
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
		w.Close()
	})
	return w, stop
}

// planAndApprove plans the demo's phished group as Ines and has Ada and
// Abe approve it: the batch is running when it returns.
func planAndApprove(t *testing.T, w *Wiring) string {
	t.Helper()
	ctx := context.Background()
	b, err := w.Svc.PlanBatch(ctx, ines, mfa.BatchInput{Group: graphfake.DemoPhishedGroupID, Reason: "AiTM campaign"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []mfa.Actor{ada, abe} {
		if b, err = w.Svc.ApproveBatch(ctx, a, b.ID, "INC-311"); err != nil {
			t.Fatal(err)
		}
	}
	if b.State != mfa.BatchRunning {
		t.Fatalf("after two approvals: %s", b.State)
	}
	return b.ID
}

// `mfabot serve` works on an approved incident reset by itself: nobody
// calls RunBatch; its background runner finds the batch and completes it.
func TestServeRunsApprovedIncidentResets(t *testing.T) {
	fake := graphfake.New(graphfake.Options{Tenant: graphfake.DemoTenant()})
	t.Cleanup(fake.Close)
	w, _ := runningServe(t, fake, func(p *mfa.Policy) { p.IncidentWriteRate = 2000 })
	id := planAndApprove(t, w)
	bs := w.Store.(mfa.BatchStore)
	deadline := time.Now().Add(60 * time.Second)
	for {
		b, err := bs.GetBatch(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if b.State == mfa.BatchCompleted {
			break
		}
		if time.Now().After(deadline) {
			c, _ := bs.BatchCounts(context.Background(), id)
			t.Fatalf("serve left %s %s: %+v", id, b.State, c)
		}
		time.Sleep(50 * time.Millisecond)
	}
	c, err := bs.BatchCounts(context.Background(), id)
	if err != nil || c.Done != graphfake.DemoPhishedUsers || c.Pending != 0 {
		t.Fatalf("counts %+v %v", c, err)
	}
	if st := fake.Stats(); st.MethodsDeleted != 3*graphfake.DemoPhishedUsers || st.RepeatDeletes != 0 {
		t.Fatalf("fake: %+v", st)
	}
}

// A serve that is told to stop mid-run returns only once the users it had
// under way are finished and recorded: no user is left half-reset and
// still pending (their outcome unrecorded until another replica's lease
// ran out), and what was not started stays untouched for the next run.
func TestServeStopsAfterTheUsersUnderWay(t *testing.T) {
	fake := graphfake.New(graphfake.Options{Tenant: graphfake.DemoTenant(), Latency: 100 * time.Millisecond})
	t.Cleanup(fake.Close)
	w, stop := runningServe(t, fake, func(p *mfa.Policy) { p.IncidentWriteRate = 2000; p.IncidentWorkers = 8 })
	id := planAndApprove(t, w)
	bs := w.Store.(mfa.BatchStore)
	// Stop while users are under way: some deleted from, none finished yet
	// would be ideal; at least some methods are gone.
	deadline := time.Now().Add(30 * time.Second)
	for fake.Stats().MethodsDeleted == 0 {
		if time.Now().After(deadline) {
			t.Fatal("serve started no user")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// Now, with serve returned: every user is either final or untouched.
	ctx := context.Background()
	var pending, final int
	var after int64
	for {
		page, err := bs.BatchItems(ctx, id, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page {
			after = it.Seq
			if it.State != mfa.ItemPending {
				final++
				continue
			}
			pending++
			if n := len(fake.Methods(it.UserID)); n != 4 { // the password and three second factors
				t.Errorf("%s is pending with %d methods left: serve stopped in the middle of their reset", it.UPN, n)
			}
		}
		if len(page) < 1000 {
			break
		}
	}
	if final == 0 || pending == 0 {
		t.Fatalf("stopped with %d users final and %d pending; the test wants both", final, pending)
	}
	b, err := bs.GetBatch(ctx, id)
	if err != nil || b.State != mfa.BatchRunning {
		t.Fatalf("after the stop the batch is %v (%v), want running for the next replica", b, err)
	}
}
