package app

import (
	"os/exec"
	"strings"
	"testing"
)

// TestProductionBinaryHoldsNoDemo: the fake Graph, the Playground launcher
// and the demo itself are linked only with the demo build tag.
func TestProductionBinaryHoldsNoDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	demoOnly := []string{"internal/demo", "internal/graphfake", "internal/playground"}
	deps := func(tags ...string) string {
		t.Helper()
		args := append([]string{"list", "-deps"}, tags...)
		out, err := exec.Command("go", append(args, "github.com/mfabot/mfabot/cmd/mfabot")...).CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		return string(out)
	}
	prod, withDemo := deps(), deps("-tags", "demo")
	for _, p := range demoOnly {
		pkg := "github.com/mfabot/mfabot/" + p + "\n"
		if strings.Contains(prod, pkg) {
			t.Errorf("the production build links %s", p)
		}
		if !strings.Contains(withDemo, pkg) {
			t.Errorf("the demo build lacks %s", p)
		}
	}
}
