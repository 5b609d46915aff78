package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// WriteBatchPlan prints the plan of an incident reset: what the approvers
// decide on, and what happens next. dryRun says nothing was stored.
func WriteBatchPlan(w io.Writer, b *mfa.Batch, dryRun bool) {
	p := b.Plan
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if dryRun {
		fmt.Fprintf(tw, "Incident reset:\t(dry run: not stored, no id)\n")
	} else {
		fmt.Fprintf(tw, "Incident reset:\t%s\n", b.ID)
		fmt.Fprintf(tw, "State:\t%s\n", b.State)
	}
	fmt.Fprintf(tw, "Source:\t%s\n", b.Source)
	fmt.Fprintf(tw, "Requested by:\t%s\n", b.Requester)
	fmt.Fprintf(tw, "Reason:\t%s\n", dash(b.Reason))
	fmt.Fprintf(tw, "Profile:\t%s — removes %s\n", b.Profile, b.Profile.Explain())
	fmt.Fprintf(tw, "Sessions:\t%s\n", yesNo(b.RevokeSessions, "revoked for every user reset", "not revoked"))
	fmt.Fprintf(tw, "Users told:\t%s\n", yesNo(b.NotifyUsers, "by mail, in groups, once the reset ends", "no (no mailbox: MFABOT_MAIL_FROM is not set)"))
	tw.Flush()

	fmt.Fprintf(w, "\nListed:    %s\n", count(p.Listed))
	fmt.Fprintf(w, "To reset:  %s\n", count(p.ToReset))
	fmt.Fprintf(w, "Skipped:   %s\n", count(p.SkippedTotal()))
	for _, s := range p.Skipped {
		fmt.Fprintf(w, "  %7s  %s\n", count(s.Count), s.Kind.Describe())
	}
	if len(p.Sample) > 0 {
		fmt.Fprintf(w, "\nTo reset, for example:\n")
		for _, s := range p.Sample {
			fmt.Fprintf(w, "  - %s\n", s)
		}
	}
	if len(p.SkipSample) > 0 {
		fmt.Fprintf(w, "\nSkipped, for example:\n")
		for _, s := range p.SkipSample {
			fmt.Fprintf(w, "  - %s\n", s)
		}
	}
	fmt.Fprintln(w)
	switch {
	case dryRun:
		fmt.Fprintln(w, "Dry run: nothing was stored or changed. Run it again without --dry-run to ask for it.")
	case p.ToReset == 0:
		fmt.Fprintf(w, "Nobody would be reset. Approving %s would change nothing; cancel it in Teams, or let it expire at %s.\n",
			b.ID, b.ExpiresAt.UTC().Format(time.RFC3339))
	default:
		fmt.Fprintf(w, "Next: two approvers (members of the approver group, neither of them you) approve %s\n", b.ID)
		fmt.Fprintf(w, "in Teams, each naming the same incident (ticket), before %s; until then nothing\n", b.ExpiresAt.UTC().Format(time.RFC3339))
		fmt.Fprintf(w, "changes. The command line posts no card: each approver types \"status %s\" to mfabot\n", b.ID)
		fmt.Fprintln(w, "and approves on the card it answers with. The second approval starts it: `mfabot serve`")
		fmt.Fprintln(w, "resets the users at MFABOT_INCIDENT_WRITE_RATE writes per second, and approvers may pause,")
		fmt.Fprintln(w, "resume or cancel it on that card.")
		fmt.Fprintf(w, "When it ends: mfabot audit export --batch %s --format csv\n", b.ID)
	}
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// count writes n with thousands separators ("10,000").
func count(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// BatchCSVHeader is the first line of an incident reset's CSV export.
var BatchCSVHeader = []string{"seq", "upn", "userId", "outcome", "skipReason", "methodsRemoved", "sessionsRevoked", "graphRequestId", "finishedAt", "detail"}

// BatchCSV writes an incident reset's users as CSV, one line each after a
// header, quoted as RFC 4180 asks (encoding/csv). A cell that a
// spreadsheet would read as a formula is prefixed with ' (see csvCell).
type BatchCSV struct {
	w *csv.Writer
	n int
}

// NewBatchCSV returns a writer that has written the header.
func NewBatchCSV(w io.Writer) (*BatchCSV, error) {
	c := &BatchCSV{w: csv.NewWriter(w)}
	if err := c.w.Write(BatchCSVHeader); err != nil {
		return nil, err
	}
	return c, nil
}

// Write writes one user.
func (c *BatchCSV) Write(it mfa.BatchItem) error {
	finished := ""
	if !it.FinishedAt.IsZero() {
		finished = it.FinishedAt.UTC().Format(time.RFC3339)
	}
	rec := []string{strconv.FormatInt(it.Seq, 10), it.UPN, it.UserID, string(it.State), string(it.Skip),
		strings.Join(it.Removed, "; "), strconv.FormatBool(it.SessionsRevoked), it.GraphRequestID, finished, it.Detail}
	for i := range rec {
		rec[i] = csvCell(rec[i])
	}
	c.n++
	return c.w.Write(rec)
}

// Flush writes what is buffered and returns the first error of any write.
func (c *BatchCSV) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// Count is how many users were written.
func (c *BatchCSV) Count() int { return c.n }

// csvCell keeps a cell from being run as a formula when the file is
// opened in a spreadsheet (CSV injection: a UPN, a display name or Graph's
// message may start with =, +, -, @, a tab or a carriage return): such a
// cell is prefixed with ', which spreadsheets show as text and do not
// evaluate.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
