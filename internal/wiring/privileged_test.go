package wiring

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/botframework/channeltest"
	"github.com/mfabot/mfabot/internal/demo"
	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

// demoProtected are the demo tenant's people on every path to power, each
// with the kind of refusal and the words that name their path.
var demoProtected = []struct {
	upn  string
	kind mfa.RefusalKind
	path string
}{
	{"abe@contoso.com", mfa.RefuseBotGroup, "the approver group (member)"},
	{"harry@contoso.com", mfa.RefuseBotGroup, "the helpdesk group (member)"},
	{"olga@contoso.com", mfa.RefuseBotGroup, "the approver group (owner)"},
	{"breakglass@contoso.com", mfa.RefuseProtectedGroup, "the protected group"},
	{"gloria@contoso.com", mfa.RefuseActiveRole, "Global Administrator"},
	{"aurelia@contoso.com", mfa.RefuseActiveRole, "User Administrator (scope /administrativeUnits/"},
	{"eli@contoso.com", mfa.RefuseEligibleRole, "Privileged Role Administrator"},
	{"fred@contoso.com", mfa.RefuseEligibleRole, "Global Administrator (from 2030-01-01)"},
	{"rita@contoso.com", mfa.RefuseRoleGroup, "Tier 0 Operators"},
	{"owen@contoso.com", mfa.RefuseRoleGroup, "Tier 0 Operators (owner)"},
	{"pia@contoso.com", mfa.RefuseEligibleGroup, "Tier 0 Operators (PIM for Groups: eligible member)"},
	{"andy@contoso.com", mfa.RefuseAppOwner, "the app Payroll Sync (holds User Administrator, User.ReadWrite.All)"},
	{"xena_fabrikam.com#EXT#@contoso.com", mfa.RefuseExternal, "ExternalAzureAD"},
}

// TestDemoPrivilegedTargetsAreRefused: each of the demo tenant's people on
// a path to power is refused at service level, over the real Graph SDK and
// the fake Graph, with the path named and audited.
func TestDemoPrivilegedTargetsAreRefused(t *testing.T) {
	fake := graphfake.New(graphfake.Options{Tenant: graphfake.DemoTenant()})
	t.Cleanup(fake.Close)
	dir, err := graph.NewAnonymous(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	w, err := New(context.Background(), demo.Config(filepath.Join(t.TempDir(), "mfabot.db")), slog.New(slog.DiscardHandler), dir, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	hanna := mfa.Actor{ID: graphfake.DemoAgentID, Name: "Hanna Helpdesk", Via: "teams"}
	for _, c := range demoProtected {
		_, err := w.Svc.Request(context.Background(), hanna, mfa.RequestInput{Target: c.upn, Reason: "caller says: new phone"})
		rf, ok := mfa.AsRefusal(err)
		if mfa.Code(err) != mfa.EForbidden || !ok || rf.Kind != c.kind || !strings.Contains(mfa.Message(err), c.path) || rf.Next == "" {
			t.Errorf("%s: %v (refusal %+v), want %s naming %q", c.upn, err, rf, c.kind, c.path)
		}
	}
	recs, err := w.Store.AuditRecords(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range demoProtected {
		found := false
		for _, r := range recs {
			found = found || r.Type == mfa.AuditRefused && r.Target == c.upn && r.Detail["kind"] == string(c.kind) && strings.Contains(r.Detail["paths"], c.path)
		}
		if !found {
			t.Errorf("%s: refusal not audited with its path", c.upn)
		}
	}
	if _, err := w.Svc.Request(context.Background(), hanna, mfa.RequestInput{Target: "bob@contoso.com", Reason: "new phone"}); err != nil {
		t.Fatalf("an ordinary user is refused: %v", err)
	}
}

// TestDemoPrivilegedTargetsAreRefusedThroughTheEndpoint: the same people,
// asked for through the bot's signed HTTP endpoint in production wiring:
// each reply names the path and what to do instead, and no request is made.
func TestDemoPrivilegedTargetsAreRefusedThroughTheEndpoint(t *testing.T) {
	ch := channeltest.New(t, channeltest.Config{})
	lb := demoServe(t, ch, filepath.Join(t.TempDir(), "mfabot.db"), nil)
	w, url := lb.W, lb.URL
	hanna := channeltest.User{ID: "29:hanna", AADObjectID: graphfake.DemoAgentID, Name: "Hanna Helpdesk"}
	for i, c := range demoProtected {
		status, _, err := ch.Post(url, ch.Message(hanna, "reset mfa "+c.upn+" caller says: new phone"))
		if err != nil || status != 200 {
			t.Fatalf("%s: %d %v", c.upn, status, err)
		}
		sent := ch.WaitSent(t, i+1, 10*time.Second)
		reply, _ := json.Marshal(sent[i].Activity)
		text := strings.ReplaceAll(string(reply), `\u0026`, "&")
		if !strings.Contains(text, "refused") || !strings.Contains(text, jsonText(c.path)) {
			t.Errorf("%s: reply does not name %q: %s", c.upn, c.path, text)
		}
	}
	if rs, err := w.Store.ListRequests(context.Background(), mfa.RequestFilter{}); err != nil || len(rs) != 0 {
		t.Fatalf("requests made: %v %v", rs, err)
	}
}

// jsonText is s as it appears inside a JSON string.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return strings.ReplaceAll(string(b[1:len(b)-1]), `\u0026`, "&")
}
