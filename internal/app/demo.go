package app

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// DemoFunc runs `mfabot demo`.
type DemoFunc func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// demoRunner is the demo, in binaries built with the "demo" build tag
// (cmd/mfabot/demo.go sets it). The production binary has none: the fake
// Graph and the Playground launcher (internal/demo) are not linked into it.
var demoRunner DemoFunc

// SetDemo installs the demo subcommand.
func SetDemo(run DemoFunc) { demoRunner = run }

// runDemo runs the demo, or says how to get one.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if demoRunner == nil {
		return &usageError{"this mfabot is a production build, without the demo; run the demo with: go run -tags demo ./cmd/mfabot demo\n" + usageFor("demo")}
	}
	err := demoRunner(ctx, args, stdout, stderr)
	var mistake interface{ UsageMistake() }
	if errors.As(err, &mistake) {
		return &usageError{fmt.Sprintf("%v\n%s", err, usageFor("demo"))}
	}
	return err
}
