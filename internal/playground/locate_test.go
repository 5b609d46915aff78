package playground

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fakeTree makes root/go.mod and root/tools/node/node_modules/.bin/agentsplayground.
func fakeTree(t *testing.T) (root, mods string) {
	t.Helper()
	root, _ = filepath.EvalSymlinks(t.TempDir())
	mods = filepath.Join(root, "tools", "node", "node_modules")
	if err := os.MkdirAll(filepath.Join(mods, ".bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{filepath.Join(root, "go.mod"), filepath.Join(mods, binPath)} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root, mods
}

func TestFindNodeModulesWalksUpToGoMod(t *testing.T) {
	root, mods := fakeTree(t)
	deep := filepath.Join(root, "internal", "x")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(NodeToolsEnv, "")
	t.Chdir(deep)
	got, err := FindNodeModules()
	if err != nil || got != mods {
		t.Fatalf("FindNodeModules = %q, %v; want %q", got, err, mods)
	}
}

func TestFindNodeModulesHonoursEnv(t *testing.T) {
	_, mods := fakeTree(t)
	for _, dir := range []string{filepath.Dir(mods), mods} {
		t.Setenv(NodeToolsEnv, dir)
		got, err := FindNodeModules()
		if err != nil || got != mods {
			t.Errorf("%s=%s: got %q, %v; want %q", NodeToolsEnv, dir, got, err, mods)
		}
	}
}

func TestFindNodeModulesReportsMissingInstall(t *testing.T) {
	root, _ := filepath.EvalSymlinks(t.TempDir())
	if err := os.WriteFile(filepath.Join(root, "go.mod"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(NodeToolsEnv, "")
	t.Chdir(root)
	if _, err := FindNodeModules(); !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("err = %v, want ErrNotInstalled", err)
	}
}
