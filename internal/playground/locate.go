package playground

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
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
	dir, err := toolsDir()
	if err != nil {
		return "", err
	}
	return checkNodeModules(dir)
}

// toolsDir is $MFABOT_NODE_TOOLS, else tools/node beside the go.mod above
// the working directory.
func toolsDir() (string, error) {
	if dir := os.Getenv(NodeToolsEnv); dir != "" {
		return dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find node tools: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "tools", "node"), nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("find node tools: no go.mod above %s; set %s", wd, NodeToolsEnv)
		}
	}
}

// Install installs the pinned npm packages of tools/node (npm ci, from its
// lock file), so a first `mfabot demo` needs no separate setup step.
func Install(ctx context.Context, log io.Writer) error {
	dir, err := toolsDir()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, "package-lock.json")); err != nil {
		return fmt.Errorf("install node tools: no package-lock.json in %s", dir)
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return fmt.Errorf("install node tools: npm is not installed (Node.js 20 or later is needed for Agents Playground)")
	}
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("install node tools: npm ci in %s: %w", dir, err)
	}
	return nil
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
