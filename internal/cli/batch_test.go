package cli

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/mfabot/mfabot/internal/mfa"
)

func plannedBatch() *mfa.Batch {
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	return &mfa.Batch{ID: "B-7K3QW9", State: mfa.BatchPlanned,
		Requester: mfa.Actor{ID: "u-ines", Name: "Ines Incident", UPN: "ines@contoso.com", Via: "cli"},
		Reason:    "AiTM phishing campaign, INC-311", Source: "group Phished 2026-12 (0b7c0000-0000-4000-8000-000000000311)",
		Profile: mfa.ProfileReregister, RevokeSessions: true, NotifyUsers: true,
		Plan: mfa.BatchPlan{Listed: 10214, ToReset: 10200,
			Skipped: []mfa.SkipCount{{Kind: mfa.SkipPrivileged, Count: 9}, {Kind: mfa.SkipGuest, Count: 3}, {Kind: mfa.SkipNotFound, Count: 2}},
			Sample:  []string{"Alice Example <alice@contoso.com>", "Bob Builder <bob@contoso.com>"},
			SkipSample: []string{"Gloria Admin <gloria@contoso.com>: " + mfa.SkipPrivileged.Describe(),
				"nobody@contoso.com: " + mfa.SkipNotFound.Describe()}},
		CreatedAt: at, UpdatedAt: at, ExpiresAt: at.Add(30 * time.Minute)}
}

// The plan says what the approvers decide on — counts, skips by reason, a
// sample, the profile, sessions, notices, the id — and what happens next.
func TestBatchPlanGolden(t *testing.T) {
	b := plannedBatch()
	var out bytes.Buffer
	WriteBatchPlan(&out, b, false)
	golden(t, "batch-plan.txt", out.Bytes())

	out.Reset()
	b.NotifyUsers = false
	WriteBatchPlan(&out, b, true)
	golden(t, "batch-plan-dry-run.txt", out.Bytes())
	if strings.Contains(out.String(), b.ID) {
		t.Error("a dry run shows an id that was never stored")
	}
}

// The export is RFC 4180 CSV a reader gets back field for field — commas,
// quotes and line breaks in Graph's messages included — and no cell that
// a spreadsheet would evaluate: = + - @ (and tab, CR) are prefixed with '.
func TestBatchCSVQuotesAndDefusesFormulas(t *testing.T) {
	fin := time.Date(2026, 12, 5, 9, 31, 2, 0, time.UTC)
	items := []mfa.BatchItem{
		{Seq: 1, UPN: "alice@contoso.com", UserID: "u-alice", State: mfa.ItemDone, Removed: []string{"Microsoft Authenticator (Pixel 8)", "Phone (mobile, +1 ••• ••• 0100)"},
			SessionsRevoked: true, GraphRequestID: "0f6c7a2e-1111-4222-8333-944455556666", FinishedAt: fin},
		{Seq: 2, UPN: "=HYPERLINK(\"http://evil.example\",\"click\")", State: mfa.ItemSkipped, Skip: mfa.SkipNotFound,
			Detail: "no user \"=HYPERLINK\", found\nsecond line"},
		{Seq: 3, UPN: "+1555@contoso.com", UserID: "-u3", State: mfa.ItemPartial, Detail: "@SUM(A1:A9)", FinishedAt: fin},
		{Seq: 4, UPN: "\tcarol@contoso.com", State: mfa.ItemPending},
	}
	var out bytes.Buffer
	c, err := NewBatchCSV(&out)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if err := c.Write(it); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Flush(); err != nil || c.Count() != 4 {
		t.Fatalf("flush %v, count %d", err, c.Count())
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, out.String())
	}
	if len(recs) != 5 || strings.Join(recs[0], ",") != "seq,upn,userId,outcome,skipReason,methodsRemoved,sessionsRevoked,graphRequestId,finishedAt,detail" {
		t.Fatalf("header or line count: %q", recs)
	}
	want := [][]string{
		{"1", "alice@contoso.com", "u-alice", "done", "", "Microsoft Authenticator (Pixel 8); Phone (mobile, +1 ••• ••• 0100)", "true", "0f6c7a2e-1111-4222-8333-944455556666", "2026-12-05T09:31:02Z", ""},
		{"2", "'=HYPERLINK(\"http://evil.example\",\"click\")", "", "skipped", "not_found", "", "false", "", "", "no user \"=HYPERLINK\", found\nsecond line"},
		{"3", "'+1555@contoso.com", "'-u3", "partial", "", "", "false", "", "2026-12-05T09:31:02Z", "'@SUM(A1:A9)"},
		{"4", "'\tcarol@contoso.com", "", "pending", "", "", "false", "", "", ""},
	}
	for i, w := range want {
		if strings.Join(recs[i+1], "|") != strings.Join(w, "|") {
			t.Errorf("line %d:\n got %q\nwant %q", i+2, recs[i+1], w)
		}
	}
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would be evaluated", cell)
			}
		}
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 10214: "10,214", 1234567: "1,234,567"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q", n, got)
		}
	}
}
