package graph_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/graph"
	"github.com/mfabot/mfabot/internal/graphfake"
)

// TestMain runs the package's tests, which make every Graph call of
// internal/graph against the fake, then derives those calls from the
// fakes' request log: each must have its least-privileged permission
// recorded, listed in the permission table and so in the README.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		routes := graphfake.SeenRoutes()
		if bad := graph.CheckCalls(routes); len(bad) > 0 {
			fmt.Fprintf(os.Stderr, "Graph calls without a listed permission:\n  %s\n", strings.Join(bad, "\n  "))
			code = 1
		} else if len(routes) < 20 && flag.Lookup("test.run").Value.String() == "" {
			fmt.Fprintf(os.Stderr, "only %d Graph routes seen; the derivation is not working: %v\n", len(routes), routes)
			code = 1
		}
	}
	os.Exit(code)
}

// TestCheckCallsFindsAMissingPermission: the check can fail.
func TestCheckCallsFindsAMissingPermission(t *testing.T) {
	bad := graph.CheckCalls([]string{"GET /v1.0/users/{user}", "GET /v1.0/users/{user}/calendar"})
	if len(bad) != 1 || !strings.Contains(bad[0], "/calendar") {
		t.Fatalf("%v", bad)
	}
	if p, ok := graph.PermissionFor("DELETE /beta/users/{user}/authentication/hardwareOathMethods/{id}"); !ok || p != graph.PermHardwareOATH {
		t.Fatalf("%s %v", p, ok)
	}
}
