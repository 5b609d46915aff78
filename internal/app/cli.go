package app

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mfabot/mfabot/internal/cli"
	"github.com/mfabot/mfabot/internal/config"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store"
	"github.com/mfabot/mfabot/internal/wiring"
)

// operatorActor resolves MFABOT_OPERATOR to a directory user, so the audit
// names a real person.
func operatorActor(ctx context.Context, dir mfa.Directory, key string) (mfa.Actor, error) {
	u, err := dir.FindUser(ctx, key)
	if err != nil {
		return mfa.Actor{}, mfa.Wrap(mfa.Code(err), err, "MFABOT_OPERATOR=%s: %s", key, mfa.Message(err))
	}
	return mfa.Actor{ID: u.ID, Name: u.DisplayName, UPN: u.UPN, Via: "cli"}, nil
}

func runShow(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return &usageError{usageFor("show")}
	}
	cfg, err := config.FromEnvFor(config.Show)
	if err != nil {
		return err
	}
	w, err := wire(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer w.Close()
	return cliShow(ctx, w, cfg, args[0], stdout)
}

// cliShow looks a user up as the operator would see it. The operator is not
// required to be in a group; policy is evaluated for the target.
func cliShow(ctx context.Context, w *wiring.Wiring, cfg config.Config, target string, stdout io.Writer) error {
	actor := mfa.Actor{ID: "operator", Via: "cli"}
	if cfg.Operator != "" {
		a, err := operatorActor(ctx, w.Dir, cfg.Operator)
		if err != nil {
			return err
		}
		actor = a
	}
	v, err := w.Svc.Inspect(ctx, actor, target)
	if err != nil {
		return err
	}
	cli.WriteTarget(stdout, v)
	return nil
}

func runReset(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("reset", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	reason := fs.String("reason", "", "why (recorded in the audit)")
	profile := fs.String("profile", "", "reregister (default) or all")
	tap := fs.Bool("tap", false, "issue a one-time Temporary Access Pass, shown here once")
	dry := fs.Bool("dry-run", false, "show what would be removed; change nothing")
	override := fs.String("override", "", "why to reset a user already reset within the per-target window (audited, alerted)")
	group := fs.String("group", "", "incident reset: every transitive member of this group")
	file := fs.String("file", "", "incident reset: the users of this file, one a line")
	target, flags := splitTarget(args)
	if err := fs.Parse(flags); err != nil || fs.NArg() > 0 {
		return &usageError{usageFor("reset")}
	}
	incident := *group != "" || *file != ""
	switch {
	case incident && (target != "" || *group != "" && *file != ""):
		return &usageError{"name one user, or --group, or --file: not more than one\n" + usageFor("reset")}
	case incident && (*tap || *override != ""):
		return &usageError{"--tap and --override are for one user's reset, not for an incident reset"}
	case incident && strings.TrimSpace(*reason) == "":
		return &usageError{"--reason is required: it goes into the audit and on the approvers' card"}
	case !incident && target == "":
		return &usageError{usageFor("reset")}
	case strings.TrimSpace(*reason) == "" && !*dry:
		return &usageError{"--reason is required: it goes into the audit"}
	}
	var in mfa.BatchInput
	if incident {
		in = mfa.BatchInput{Group: strings.TrimSpace(*group), Reason: *reason, DryRun: *dry}
		if *file != "" {
			users, err := readUserFile(*file, os.Stdin)
			if err != nil {
				return err
			}
			in.Users, in.SourceName = users, filepath.Base(*file)
			if *file == "-" {
				in.SourceName = "standard input"
			}
		}
	}
	cfg, err := config.FromEnvFor(config.Reset)
	if err != nil {
		return err
	}
	if *profile != "" {
		p, err := mfa.ParseProfile(*profile)
		if err != nil {
			return &usageError{mfa.Message(err)}
		}
		cfg.Policy.Profile = p
	}
	w, err := wire(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	defer w.Close()
	if incident {
		return cliResetBatch(ctx, w, cfg, in, stdout)
	}
	return cliReset(ctx, w, cfg, resetArgs{target: target, reason: *reason, tap: *tap, dryRun: *dry, override: *override}, stdout)
}

// cliResetBatch plans an incident reset as the operator and prints the
// plan; with in.DryRun nothing is stored.
func cliResetBatch(ctx context.Context, w *wiring.Wiring, cfg config.Config, in mfa.BatchInput, stdout io.Writer) error {
	op, err := operatorActor(ctx, w.Dir, cfg.Operator)
	if err != nil {
		return err
	}
	b, err := w.Svc.PlanBatch(ctx, op, in)
	if err != nil {
		return err
	}
	cli.WriteBatchPlan(stdout, b, in.DryRun)
	return nil
}

type resetArgs struct {
	target, reason string
	tap, dryRun    bool
	// override passes the per-target limit, with the operator's reason.
	override string
}

func cliReset(ctx context.Context, w *wiring.Wiring, cfg config.Config, a resetArgs, stdout io.Writer) error {
	op, err := operatorActor(ctx, w.Dir, cfg.Operator)
	if err != nil {
		return err
	}
	if a.dryRun {
		v, err := w.Svc.Inspect(ctx, op, a.target)
		if err != nil {
			return err
		}
		cli.WriteTarget(stdout, v)
		fmt.Fprintln(stdout, "\nDry run: nothing was changed.")
		if v.Refusal != nil {
			return &refusedError{"a reset would be refused"}
		}
		return nil
	}
	tap := a.tap
	r, err := w.Svc.OperatorReset(ctx, op, mfa.RequestInput{Target: a.target, Reason: a.reason, Profile: cfg.Policy.Profile, TAP: &tap}, a.override)
	if r != nil {
		cli.WriteRequest(stdout, r)
	}
	if err != nil {
		return err
	}
	if r.State != mfa.StateCompleted {
		return &refusedError{fmt.Sprintf("the reset of %s ended %s", r.Target.UPN, r.State)}
	}
	return nil
}

// valueFlags are the reset flags that take a value in the next argument.
var valueFlags = []string{"--reason", "-reason", "--profile", "-profile", "--override", "-override", "--group", "-group", "--file", "-file"}

// splitTarget lets the target stand before or after the flags.
func splitTarget(args []string) (string, []string) {
	var target string
	var flags []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "-"):
			flags = append(flags, a)
			if slices.Contains(valueFlags, a) && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		case target == "":
			target = a
		default:
			flags = append(flags, a) // a stray word: flag parsing reports it
		}
	}
	return target, flags
}

func runAudit(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return &usageError{usageFor("audit")}
	}
	var run func(context.Context, store.Store, config.Config) error
	switch args[0] {
	case "verify":
		run = func(ctx context.Context, st store.Store, _ config.Config) error {
			return cli.VerifyAudit(ctx, stdout, st)
		}
	case "export":
		fs := flag.NewFlagSet("export", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		after := fs.Int64("after", 0, "export records after this sequence number")
		kind := fs.String("kind", "", "export records of this type only (e.g. lookup, refused, alert)")
		batch := fs.String("batch", "", "export one incident reset, a line per user")
		format := fs.String("format", "", "csv (default) or json, with --batch")
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
			return &usageError{usageFor("audit")}
		}
		switch {
		case *batch == "" && *format != "":
			return &usageError{"--format is for an incident reset's export (--batch ID); the audit records are JSON lines"}
		case *batch != "" && (*after != 0 || *kind != ""):
			return &usageError{"--batch exports one incident reset: --after and --kind are for the audit records"}
		case *batch != "" && *format != "" && *format != "csv" && *format != "json":
			return &usageError{fmt.Sprintf("--format %q: use csv or json", *format)}
		case *batch != "":
			run = func(ctx context.Context, st store.Store, cfg config.Config) error {
				return exportBatch(ctx, st, cfg, *batch, *format, stdout)
			}
		default:
			run = func(ctx context.Context, st store.Store, _ config.Config) error {
				_, err := cli.ExportAuditKind(ctx, stdout, st, *after, *kind)
				return err
			}
		}
	default:
		return &usageError{fmt.Sprintf("unknown audit command %q: use verify or export", args[0])}
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	if !store.IsPostgres(cfg.Database) {
		// Reading the audit must not create an empty database by mistake.
		if _, err := os.Stat(cfg.Database); err != nil {
			return &usageError{fmt.Sprintf("no database at %s: set MFABOT_DATABASE to the bot's database", cfg.Database)}
		}
	}
	st, err := store.Open(ctx, cfg.Database, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer st.Close()
	return run(ctx, st, cfg)
}

// exportBatch writes one incident reset's users, as CSV or JSON lines, and
// audits the export in the operator's name (MFABOT_OPERATOR, or
// "operator"). It needs the store only, not Microsoft Graph.
func exportBatch(ctx context.Context, st store.Store, cfg config.Config, id, format string, stdout io.Writer) error {
	actor := mfa.Actor{ID: "operator", Via: "cli"}
	if cfg.Operator != "" {
		actor = mfa.Actor{ID: cfg.Operator, UPN: cfg.Operator, Via: "cli"}
	}
	svc := mfa.NewService(cfg.Policy, mfa.Deps{Store: st, Log: slog.New(slog.DiscardHandler)})
	// Rows go out through a buffer: a 50,000-user export is written as it
	// is read, page by page, never held whole.
	bw := bufio.NewWriterSize(stdout, 64<<10)
	var write func(mfa.BatchItem) error
	var flush func() error
	switch format {
	case "", "csv":
		c, err := cli.NewBatchCSV(bw)
		if err != nil {
			return err
		}
		write, flush = c.Write, c.Flush
	default:
		enc := json.NewEncoder(bw)
		write, flush = func(it mfa.BatchItem) error { return enc.Encode(it) }, func() error { return nil }
	}
	if err := svc.ExportBatch(ctx, actor, id, write); err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	return bw.Flush()
}

// runConfig lists every setting as `mfabot serve` would see it; missing or
// invalid values make it fail, so a deployment script can run it first.
func runConfig(stdout io.Writer) error {
	cfg, err := config.FromEnvFor(config.Serve)
	for _, l := range cfg.Listing(config.Serve) {
		fmt.Fprintln(stdout, l)
	}
	return err
}

// cliNotifier is the operator's terminal: the TAP is printed there once.
type cliNotifier struct {
	mfa.NopNotifier
	out io.Writer
}

func (n cliNotifier) DeliverTAP(ctx context.Context, r *mfa.Request, t mfa.TAP) error {
	if n.out == nil {
		return mfa.Errorf(mfa.EInternal, "no terminal to show the Temporary Access Pass on")
	}
	kind := "multi-use"
	if t.OneTime {
		kind = "one-time"
	}
	fmt.Fprintf(n.out, "\nTemporary Access Pass for %s (%s, expires %s): %s\nGive it to the user over a verified channel; it is not shown again.\n\n",
		r.Target.UPN, kind, t.ExpiresAt.UTC().Format(time.RFC1123), t.Value)
	return nil
}
