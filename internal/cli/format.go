// Package cli is the operator command line over the shared reset service:
// show, reset, and the audit commands. Output is plain text for people;
// audit export is JSON lines for a SIEM.
package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

// WriteTarget prints what `mfabot show` shows.
func WriteTarget(w io.Writer, v *mfa.TargetView) {
	u := v.User
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "User:\t%s\n", u.DisplayName)
	fmt.Fprintf(tw, "UPN:\t%s\n", u.UPN)
	fmt.Fprintf(tw, "Object id:\t%s\n", u.ID)
	fmt.Fprintf(tw, "Job title:\t%s\n", dash(u.JobTitle))
	fmt.Fprintf(tw, "Department:\t%s\n", dash(u.Department))
	fmt.Fprintf(tw, "Account:\t%s\n", map[bool]string{true: "enabled", false: "disabled"}[u.AccountEnabled])
	tw.Flush()
	fmt.Fprintf(w, "\nRegistered methods (%d):\n", len(v.Methods))
	writeMethods(w, v.Methods, v.Profile)
	fmt.Fprintf(w, "\nProfile %q removes %s.\n", v.Profile, v.Profile.Explain())
	if v.Refusal != nil {
		fmt.Fprintf(w, "Policy: REFUSED (%s) — %s.\n", v.Refusal.Kind, v.Refusal.String())
	} else {
		fmt.Fprintf(w, "Policy: allowed — %d method(s) would be removed, sessions revoked.\n", len(v.Planned))
	}
}

func writeMethods(w io.Writer, ms []mfa.Method, p mfa.Profile) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, m := range ms {
		mark := "kept"
		if p.Includes(m) {
			mark = "REMOVE"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", mark, m.Describe(), m.ID)
	}
	tw.Flush()
}

// WriteRequest prints a request and, when it ran, its result.
func WriteRequest(w io.Writer, r *mfa.Request) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Request:\t%s\n", r.ID)
	fmt.Fprintf(tw, "State:\t%s\n", r.State)
	fmt.Fprintf(tw, "Target:\t%s (%s)\n", r.Target.DisplayName, r.Target.UPN)
	fmt.Fprintf(tw, "Requested by:\t%s\n", r.Requester)
	if by := r.ApprovedBy(); by != "" {
		fmt.Fprintf(tw, "Approved by:\t%s — %s\n", by, r.Verification.Describe())
	}
	fmt.Fprintf(tw, "Reason:\t%s\n", dash(r.Reason))
	fmt.Fprintf(tw, "Profile:\t%s\n", r.Profile)
	fmt.Fprintf(tw, "Created:\t%s\n", r.CreatedAt.UTC().Format(time.RFC3339))
	tw.Flush()
	res := r.Result
	if res == nil {
		return
	}
	fmt.Fprintf(w, "\nRemoved (%d):\n", len(res.Removed))
	for _, m := range res.Removed {
		fmt.Fprintf(w, "  - %s\n", m.Describe())
	}
	if len(res.Failed) > 0 {
		fmt.Fprintf(w, "Failed (%d):\n", len(res.Failed))
		for _, f := range res.Failed {
			fmt.Fprintf(w, "  - %s: %s", f.Method.Describe(), f.Message)
			if f.Code != "" {
				fmt.Fprintf(w, " [%s, request-id %s]", f.Code, dash(f.RequestID))
			}
			fmt.Fprintln(w)
		}
	}
	if len(res.Remaining) > 0 {
		fmt.Fprintf(w, "Still registered (%d):\n", len(res.Remaining))
		for _, m := range res.Remaining {
			fmt.Fprintf(w, "  - %s\n", m.Describe())
		}
	}
	if res.Unchecked != "" {
		fmt.Fprintf(w, "Not checked: %s\n", res.Unchecked)
	}
	switch {
	case res.SessionsRevoked:
		fmt.Fprintln(w, "Sessions: revoked")
	case res.RevokeError != "":
		fmt.Fprintf(w, "Sessions: NOT revoked — %s\n", res.RevokeError)
	}
	if r.IssueTAP {
		if res.TAPIssued {
			fmt.Fprintf(w, "Temporary Access Pass: issued, expires %s\n", res.TAPExpires.UTC().Format(time.RFC3339))
		}
		if res.TAPError != "" {
			fmt.Fprintf(w, "Temporary Access Pass: %s\n", res.TAPError)
		}
	}
	if res.Error != "" {
		fmt.Fprintf(w, "Error: %s\n", res.Error)
	}
	fmt.Fprintf(w, "Audit: %s\n", dash(res.AuditRef))
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
