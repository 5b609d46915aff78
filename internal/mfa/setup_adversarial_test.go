package mfa_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
	"github.com/mfabot/mfabot/internal/store/sqlite"
	"github.com/mfabot/mfabot/internal/testutil/syncbuf"
)

// rig is a service over a SQLite file that a test can close and reopen, as
// a restart would, with every collaborator recorded.
type rig struct {
	t      *testing.T
	path   string
	policy mfa.Policy
	svc    *mfa.Service
	store  *sqlite.DB
	dir    *mfatest.Directory
	note   *mfatest.Notifier
	alerts *mfatest.Alerter
	clock  *mfatest.Clock
	mail   *mailRecorder
	logs   *syncbuf.Buffer
	// alerter, when set, replaces the recorder (a real webhook).
	alerter mfa.Alerter
}

func newRig(t *testing.T, mod func(*mfa.Policy)) *rig {
	t.Helper()
	p := mfatest.Policy()
	if mod != nil {
		mod(&p)
	}
	g := &rig{t: t, path: filepath.Join(t.TempDir(), "mfabot.db"), policy: p, dir: mfatest.Tenant(),
		note: mfatest.NewNotifier(), alerts: &mfatest.Alerter{}, mail: &mailRecorder{}, logs: &syncbuf.Buffer{},
		clock: mfatest.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))}
	g.open()
	t.Cleanup(func() { g.store.Close() })
	return g
}

// open (re)opens the database file and builds a new Service on it.
func (g *rig) open() {
	g.t.Helper()
	st, err := sqlite.Open(context.Background(), g.path)
	if err != nil {
		g.t.Fatal(err)
	}
	g.store = st
	var al mfa.Alerter = g.alerts
	if g.alerter != nil {
		al = g.alerter
	}
	log := slog.New(slog.NewJSONHandler(g.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	g.svc = mfa.NewService(g.policy, mfa.Deps{Directory: g.dir, Store: st, Notifier: g.note, Alerter: al,
		Mailer: g.mail, Clock: g.clock, Log: log})
}

// restart closes the database and opens a new Service over the same file.
func (g *rig) restart() {
	g.t.Helper()
	if err := g.store.Close(); err != nil {
		g.t.Fatal(err)
	}
	g.open()
}

// ask makes a request and delivers it as the bot would (every approver
// reached, the target when marked reachable).
func (g *rig) ask(actor mfa.Actor, target string) (*mfa.Request, error) {
	r, err := g.svc.Request(ctx, actor, mfa.RequestInput{Target: target, Reason: "caller says: lost phone"})
	if err != nil {
		return r, err
	}
	return g.note.Deliver(ctx, g.svc, r, true)
}

func (g *rig) mustAsk(actor mfa.Actor, target string) *mfa.Request {
	g.t.Helper()
	r, err := g.ask(actor, target)
	if err != nil {
		g.t.Fatalf("request %s by %s: %v", target, actor.Name, err)
	}
	return r
}

// approveAndRun approves as the standard approver and executes.
func (g *rig) approveAndRun(id string) *mfa.Request {
	g.t.Helper()
	if _, err := g.svc.Approve(ctx, mfatest.Approver, id, approveIn()); err != nil {
		g.t.Fatalf("approve %s: %v", id, err)
	}
	r, err := g.svc.Execute(ctx, id)
	if err != nil {
		g.t.Fatalf("execute %s: %v", id, err)
	}
	return r
}

func (g *rig) get(id string) *mfa.Request {
	g.t.Helper()
	r, err := g.store.GetRequest(ctx, id)
	if err != nil {
		g.t.Fatal(err)
	}
	return r
}

// records returns the audit chain, verifying every link.
func (g *rig) records() []mfa.AuditRecord {
	g.t.Helper()
	recs, err := g.store.AuditRecords(ctx, 0, 10000)
	if err != nil {
		g.t.Fatal(err)
	}
	v := mfa.NewChainVerifier()
	for _, r := range recs {
		if err := v.Check(r); err != nil {
			g.t.Fatalf("audit chain: %v", err)
		}
	}
	return recs
}

// audited counts audit records of a type (and, for alerts, of a kind).
func (g *rig) audited(typ, kind string) int {
	g.t.Helper()
	n := 0
	for _, r := range g.records() {
		if r.Type == typ && (kind == "" || r.Detail["kind"] == kind) {
			n++
		}
	}
	return n
}

// addAgents adds n more helpdesk agents and returns them.
func (g *rig) addAgents(n int) []mfa.Actor {
	var out []mfa.Actor
	for i := range n {
		a := mfa.Actor{ID: "u-extra-agent-" + string(rune('a'+i)), Name: "Agent " + string(rune('A'+i)), Via: "teams"}
		g.dir.AddUser(mfa.User{ID: a.ID, UPN: a.ID + "@contoso.com", DisplayName: a.Name, AccountEnabled: true}, mfatest.AuthApp)
		g.dir.AddMember(mfatest.HelpdeskGroup, a.ID)
		out = append(out, a)
	}
	return out
}

// resetBob gives Bob a method again, so he can be reset a second time.
func (g *rig) resetBob() {
	g.dir.AddUser(mfa.User{ID: mfatest.BobID, UPN: "bob@contoso.com", Mail: "bob@contoso.com", DisplayName: "Bob Example", AccountEnabled: true}, mfatest.AuthApp)
}

func wantCode(t *testing.T, what string, err error, code mfa.ErrorCode) {
	t.Helper()
	if mfa.Code(err) != code {
		t.Fatalf("%s: got %v (code %q), want code %q", what, err, mfa.Code(err), code)
	}
}

func hasKind(a *mfatest.Alerter, kind string) bool { return slices.Contains(a.Kinds(), kind) }

// mailRecorder is an mfa.Mailer that records mail, or fails with Err.
type mailRecorder struct {
	mu   sync.Mutex
	Err  error
	Sent []sentMail
}

type sentMail struct {
	From          string
	To            []string
	Subject, Text string
}

var _ mfa.Mailer = (*mailRecorder)(nil)

func (m *mailRecorder) SendMail(_ context.Context, from string, to []string, subject, text string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return m.Err
	}
	m.Sent = append(m.Sent, sentMail{from, to, subject, text})
	return nil
}

func (m *mailRecorder) sent() []sentMail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]sentMail(nil), m.Sent...)
}
