//go:build demo

package main

import (
	"context"
	"io"

	"github.com/mfabot/mfabot/internal/app"
	"github.com/mfabot/mfabot/internal/demo"
	"github.com/mfabot/mfabot/internal/wiring"
)

// The demo is linked only into binaries built with -tags demo.
func init() {
	app.SetDemo(func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		return demo.Run(ctx, args, stdout, stderr, wiring.ServeLocal)
	})
}
