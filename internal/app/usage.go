package app

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// subcommand is one command of the mfabot binary. This table is the only
// place its syntax is written: the top-level help, `mfabot X --help`, the
// usage errors and the README check read it.
type subcommand struct {
	name string
	args string // after "mfabot name"
	// forms are the command's other forms (what follows "mfabot name"),
	// each shown on its own usage line after args.
	forms   []string
	summary string
	detail  string // flags and notes for `mfabot name --help`
}

var subcommands = []subcommand{
	{name: "serve", summary: "run the Teams bot (production)",
		detail: "Reads its configuration from the environment (see `mfabot config` and README.md) and\nnames every missing or invalid value before it starts."},
	{name: "demo", args: "[--port N] [--graph-port N] [--db FILE] [--no-playground] [--agent-port N] [--approver-port N] [--approver2-port N] [--graph-latency D] [--graph-write-quota N/D|off] [--phished-users N]",
		summary: "run the bot on a simulated tenant with Agents Playground",
		detail: "  --port N           the bot's port on 127.0.0.1 (default 3978, or PORT)\n" +
			"  --graph-port N     the simulated Graph's port (default: any free port)\n" +
			"  --db FILE          the SQLite file (default: a new file in a temporary folder)\n" +
			"  --no-playground    do not start Agents Playground\n" +
			"  --agent-port N     Agents Playground port for the helpdesk agent (default 56150)\n" +
			"  --approver-port N  Agents Playground port for the first approver (default 56160)\n" +
			"  --approver2-port N Agents Playground port for the second approver (default 56170)\n" +
			"  --graph-latency D  latency the simulated Graph adds to every call (default 0)\n" +
			"  --graph-write-quota N/D|off\n" +
			"                     the simulated Graph's write quota (default 3000/2m30s, Graph's for one app\n" +
			"                     in one tenant); its counters are at /_fake/stats on the simulated Graph\n" +
			"  --phished-users N  users in the simulated tenant's phished group (default 300)"},
	{name: "show", args: "<upn>", summary: "the user, their methods, and whether policy allows a reset"},
	{name: "check", args: "<upn> [--write]", summary: "try every lookup mfabot needs with this deployment's credentials and name\nthe missing permission (changes nothing); --write runs the go-live smoke\ntest on a dedicated test account",
		detail: "  --write            the go-live smoke test, on a dedicated test account (an enabled member with\n" +
			"                     no role, no role-assignable or mfabot group, no owned app; anything else is\n" +
			"                     refused before anything is written): registers the fictional phone\n" +
			"                     +1 ••• ••• 0100, resets the account through the reset service as the\n" +
			"                     operator (MFABOT_OPERATOR; audited as a smoke test, not counted against\n" +
			"                     the per-target limit), verifies the phone is gone and removes anything\n" +
			"                     left. Each step shows Graph's request-id; exits non-zero naming the\n" +
			"                     step that failed."},
	{name: "reset", args: "<upn> --reason TEXT [--profile reregister|all] [--tap] [--override REASON] [--dry-run]",
		forms: []string{"--group ID|NAME --reason TEXT [--profile reregister|all] [--dry-run]",
			"--file FILE --reason TEXT [--profile reregister|all] [--dry-run]"},
		summary: "reset as the operator (MFABOT_OPERATOR), audited; --group or --file asks\nfor an incident reset of many users, which two approvers approve in Teams",
		detail: "  --reason TEXT      why; recorded in the audit (required unless --dry-run of one user)\n" +
			"  --profile P        reregister (default) or all\n" +
			"  --tap              issue a Temporary Access Pass, shown here once\n" +
			"  --override REASON  reset a user already reset within the per-target window\n" +
			"                     (audited, alerted)\n" +
			"  --dry-run          show what would be removed, or the incident reset's plan;\n" +
			"                     change and store nothing\n" +
			"\nIncident reset (MFABOT_INCIDENT_GROUP_ID set; the operator must be in that group):\n" +
			"  --group ID|NAME    every transitive member of the group (object id or exact name)\n" +
			"  --file FILE        one user principal name or object id a line (- reads standard\n" +
			"                     input); in a CSV file the first column; a header line and blank\n" +
			"                     lines are skipped, a line naming nobody is planned as not found\n" +
			"Prints the plan: how many users are reset, how many skipped and why (privileged,\n" +
			"protected, guest, not found, ...), a sample, the profile, and the incident reset's id.\n" +
			"Nothing changes until two approvers, neither of them the operator, approve it in\n" +
			"Teams naming the same incident; `mfabot serve` then runs it at\n" +
			"MFABOT_INCIDENT_WRITE_RATE. At most MFABOT_INCIDENT_MAX users; one open at a time."},
	{name: "audit", args: "verify | export [--after N] [--kind TYPE]",
		forms:   []string{"export --batch ID [--format csv|json]"},
		summary: "verify the audit hash chain (names the first broken record), or export\nthe records as JSON lines (for a SIEM); --kind lookup exports who looked at whom;\n--batch exports an incident reset, one line per user",
		detail: "  --after N          export the records after sequence number N\n" +
			"  --kind TYPE        export the records of one type only (lookup, refused, alert, ...)\n" +
			"  --batch ID         export one incident reset: a line per user, in the plan's order,\n" +
			"                     with seq, upn, userId, outcome, skipReason, methodsRemoved,\n" +
			"                     sessionsRevoked, graphRequestId, finishedAt and detail; the\n" +
			"                     export is audited (MFABOT_OPERATOR names who exported)\n" +
			"  --format F         csv (default; a cell starting with = + - @ is prefixed with ')\n" +
			"                     or json (JSON lines)"},
	{name: "manifest", args: "[-o FILE] [-version X.Y.Z]", summary: "build the Teams app package (zip)",
		detail: "  -o FILE            where to write it (default mfabot.zip)\n" +
			"  -version X.Y.Z     the app's version (default 1.0.0); Teams installs an update only\n" +
			"                     when it is higher than the installed one\n" +
			"Needs MicrosoftAppId; the developer URLs come from MFABOT_WEBSITE_URL, MFABOT_PRIVACY_URL\nand MFABOT_TERMS_URL."},
	{name: "config", summary: "list every setting with its effective value, secrets hidden; exits 2 when\nsomething `mfabot serve` needs is missing or invalid"},
	{name: "version", summary: "the module version and VCS revision of this build"},
}

// synopsis is "mfabot name args".
func (s subcommand) synopsis() string {
	return strings.TrimSpace("mfabot " + s.name + " " + s.args)
}

// synopses are the usage lines of every form of the command.
func (s subcommand) synopses() []string {
	out := []string{s.synopsis()}
	for _, f := range s.forms {
		out = append(out, "mfabot "+s.name+" "+f)
	}
	return out
}

// topUsage is the help of the binary.
func topUsage() string {
	var b strings.Builder
	b.WriteString("mfabot — reset a user's MFA in Microsoft Entra ID, safely, from Microsoft Teams.\n\nUsage:\n")
	for _, s := range subcommands {
		for _, l := range s.synopses() {
			fmt.Fprintf(&b, "  %s\n", l)
		}
		fmt.Fprintf(&b, "      %s\n", strings.ReplaceAll(s.summary, "\n", "\n      "))
	}
	b.WriteString("\n`mfabot COMMAND --help` explains one command. Configuration comes from the environment;\nsee README.md.\n")
	return b.String()
}

// subcommandOf returns the declaration of a command.
func subcommandOf(name string) (subcommand, bool) {
	for _, s := range subcommands {
		if s.name == name {
			return s, true
		}
	}
	return subcommand{}, false
}

// usageFor is the usage lines of a command, for usage errors.
func usageFor(name string) string {
	s, _ := subcommandOf(name)
	return "usage: " + strings.Join(s.synopses(), "\n       ")
}

// writeHelp writes `mfabot name --help`.
func writeHelp(w io.Writer, s subcommand) {
	fmt.Fprintf(w, "%s\n\n%s\n", usageFor(s.name), s.summary)
	if s.detail != "" {
		fmt.Fprintf(w, "\n%s\n", s.detail)
	}
}

// wantsHelp reports whether a command line asks for help.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// versionText is the module version and VCS revision the build carries.
func versionText() string {
	v := Version
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "mfabot " + v
	}
	if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	var rev, when, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", with uncommitted changes"
			}
		}
	}
	out := fmt.Sprintf("mfabot %s (%s", v, info.GoVersion)
	if rev != "" {
		out += ", revision " + rev
		if when != "" {
			out += " of " + when
		}
		out += modified
	} else if Version == "dev" {
		out += ", no VCS revision: built with go run, from a git worktree or with -buildvcs=false"
	}
	return out + ")"
}
