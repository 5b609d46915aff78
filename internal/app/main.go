// Package app is mfabot's subcommands: each parses its flags and
// environment, builds what it needs with internal/wiring, and runs.
// cmd/mfabot only calls Main.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/mfa"
)

// Version is set at build time with -ldflags "-X …/internal/app.Version=…".
var Version = "dev"

// Exit codes.
const (
	exitOK      = 0
	exitError   = 1
	exitUsage   = 2
	exitRefused = 3 // policy refused, or a reset ended partial/failed
)

// Main runs one subcommand and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, topUsage())
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	if s, ok := subcommandOf(cmd); ok && wantsHelp(rest) {
		writeHelp(stdout, s)
		return exitOK
	}
	var err error
	switch cmd {
	case "help", "-h", "--help":
		if s, ok := subcommandOf(strings.Join(rest, "")); ok && len(rest) == 1 {
			writeHelp(stdout, s)
		} else {
			fmt.Fprint(stdout, topUsage())
		}
		return exitOK
	case "version", "--version":
		fmt.Fprintln(stdout, versionText())
		return exitOK
	case "serve":
		err = runServe(ctx, stderr)
	case "demo":
		err = runDemo(ctx, rest, stdout, stderr)
	case "show":
		err = runShow(ctx, rest, stdout)
	case "check":
		err = runCheck(ctx, rest, stdout)
	case "reset":
		err = runReset(ctx, rest, stdout)
	case "audit":
		err = runAudit(ctx, rest, stdout)
	case "manifest":
		err = runManifest(rest, stdout, stderr)
	case "config":
		err = runConfig(stdout)
	default:
		fmt.Fprintf(stderr, "mfabot: unknown command %q\n\n%s", cmd, topUsage())
		return exitUsage
	}
	return report(err, stderr)
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// refusedError carries the exit code for a refusal or an incomplete reset,
// after the output already said why.
type refusedError struct{ msg string }

func (e *refusedError) Error() string { return e.msg }

func report(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ue *usageError
	var re *refusedError
	var cb *mfa.ChainBreak
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "mfabot: %s\n", ue.msg)
		return exitUsage
	case errors.As(err, &re):
		fmt.Fprintf(stderr, "mfabot: %s\n", re.msg)
		return exitRefused
	case errors.As(err, &cb):
		return exitRefused
	case config.IsConfigError(err):
		var ce *config.Error
		errors.As(err, &ce)
		fmt.Fprintf(stderr, "mfabot: the configuration is not valid:\n  - %s\n", strings.Join(ce.Problems, "\n  - "))
		return exitUsage
	case errors.Is(err, context.Canceled):
		return exitOK
	}
	switch mfa.Code(err) {
	case mfa.EForbidden, mfa.ERateLimited, mfa.EConflict, mfa.EInvalid, mfa.ENotFound:
		fmt.Fprintf(stderr, "mfabot: %s\n", mfa.Message(err))
		return exitRefused
	}
	fmt.Fprintf(stderr, "mfabot: %s\n", mfa.Message(err))
	if !strings.Contains(mfa.Message(err), err.Error()) {
		fmt.Fprintf(stderr, "  cause: %v\n", err)
	}
	return exitError
}
