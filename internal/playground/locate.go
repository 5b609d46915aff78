package playground

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// NodeToolsEnv names the environment variable that points at the Node
// tooling: either tools/node or its node_modules directory.
const NodeToolsEnv = "MFABOT_NODE_TOOLS"

// binPath is the Playground's executable inside node_modules.
var binPath = filepath.Join(".bin", "agentsplayground")

// FindNodeModules returns the node_modules directory holding the Playground:
// $MFABOT_NODE_TOOLS if set, else tools/node/node_modules of the module
// found by walking up from the working directory to go.mod.
func FindNodeModules() (string, error) {
	if dir := os.Getenv(NodeToolsEnv); dir != "" {
		return checkNodeModules(dir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find node tools: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return checkNodeModules(filepath.Join(dir, "tools", "node"))
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("find node tools: no go.mod above %s; set %s", wd, NodeToolsEnv)
		}
	}
}

// checkNodeModules accepts dir or dir/node_modules if it has the Playground.
func checkNodeModules(dir string) (string, error) {
	for _, d := range []string{filepath.Join(dir, "node_modules"), dir} {
		if _, err := os.Stat(filepath.Join(d, binPath)); err == nil {
			return filepath.Abs(d)
		}
	}
	return "", fmt.Errorf("find node tools: %w in %s (run ./scripts/setup.sh)", ErrNotInstalled, dir)
}

// ErrNotInstalled reports that the Playground's npm package is missing
// (tools/node has not been installed).
var ErrNotInstalled = errors.New("@microsoft/m365agentsplayground is not installed")
