// Command mfabot is a Microsoft Teams bot with which an IT helpdesk resets a
// user's MFA registration in Microsoft Entra ID, safely, and the operator
// command line over the same reset service.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/mfabot/mfabot/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if code != 0 {
		os.Exit(code)
	}
}
