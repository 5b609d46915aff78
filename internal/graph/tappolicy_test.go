package graph_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
)

func TestTAPPolicyIsRead(t *testing.T) {
	s, d := newEnv(t, graphfake.Options{})
	p, err := d.TAPPolicy(ctx)
	if err != nil || !p.Enabled || !p.AllUsers || p.MinLifetime != time.Hour || p.MaxLifetime != 8*time.Hour || p.OneTimeOnly {
		t.Fatalf("%v %+v", err, p)
	}
	s.SetTAPPolicy(graphfake.TAPPolicy{State: "enabled", IncludeGroups: []string{"g-1"}, ExcludeGroups: []string{"g-2"}, MinLifetime: 10, MaxLifetime: 120, IsUsableOnce: true})
	p, err = d.TAPPolicy(ctx)
	if err != nil || p.AllUsers || len(p.IncludeGroups) != 1 || p.IncludeGroups[0] != "g-1" || p.ExcludeGroups[0] != "g-2" ||
		p.MaxLifetime != 2*time.Hour || !p.OneTimeOnly {
		t.Fatalf("%v %+v", err, p)
	}
	// Bob is in no included group: Graph refuses his pass, with its reason.
	_, err = d.CreateTAP(ctx, graphfake.DemoBobID, mfa.TAPRequest{Lifetime: time.Hour})
	if !mfa.IsDirectoryReason(err, mfa.ReasonRejected) || !strings.Contains(mfa.Message(err), "Converged UserCredentialPolicy") {
		t.Fatalf("err %v", err)
	}
	s.FailNext("GET", "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/*", 403, "")
	if _, err := d.TAPPolicy(ctx); !strings.Contains(mfa.Message(err), "Policy.Read.All") {
		t.Fatalf("403: %v", err)
	}
}
