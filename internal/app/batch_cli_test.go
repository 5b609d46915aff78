package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mfabot/mfabot/internal/cli"
	"github.com/mfabot/mfabot/internal/graphfake"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store"
)

// The demo's phished group: 300 ordinary users, a Global Administrator, a
// PIM-eligible admin, the break-glass account and a guest.
const phishedGroup = "Phished users (incident demo)"

var batchIDLine = regexp.MustCompile(`Incident reset:\s+(B-[0-9A-Z]+)`)

// A dry run prints the whole plan — counts, each skip reason, a sample —
// and stores nothing: no batch, no item, another plan may follow at once.
func TestCLIIncidentDryRunStoresNothing(t *testing.T) {
	w, fake, _, _ := cliEnv(t)
	cfg := w.Config
	cfg.Operator = "ines@contoso.com"
	var out bytes.Buffer
	err := cliResetBatch(context.Background(), w, cfg, mfa.BatchInput{Group: phishedGroup, Reason: "AiTM campaign", DryRun: true}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{"(dry run: not stored, no id)", "Listed:    304", "To reset:  300", "Skipped:   4",
		"2  " + mfa.SkipPrivileged.Describe(), "1  " + mfa.SkipProtected.Describe(), "1  " + mfa.SkipGuest.Describe(),
		"Dry run: nothing was stored or changed"} {
		if !strings.Contains(s, want) {
			t.Errorf("plan lacks %q:\n%s", want, s)
		}
	}
	if batchIDLine.MatchString(s) {
		t.Errorf("a dry run shows a batch id:\n%s", s)
	}
	bs := w.Store.(mfa.BatchStore)
	if open, err := bs.ListBatches(context.Background(), 0); err != nil || len(open) != 0 {
		t.Fatalf("a dry run stored %d batches (%v)", len(open), err)
	}
	if st := fake.Stats(); st.MethodsDeleted != 0 {
		t.Fatalf("a dry run deleted %d methods", st.MethodsDeleted)
	}
}

// The operator must be in the incident group: Ada (an approver) is refused,
// and nothing is stored.
func TestCLIIncidentOperatorMustBeResponder(t *testing.T) {
	w, _, _, _ := cliEnv(t) // MFABOT_OPERATOR=ada@contoso.com
	var out bytes.Buffer
	err := cliResetBatch(context.Background(), w, w.Config, mfa.BatchInput{Group: phishedGroup, Reason: "AiTM campaign"}, &out)
	if mfa.Code(err) != mfa.EForbidden || out.Len() != 0 {
		t.Fatalf("an approver asking for an incident reset: %v\n%s", err, out.String())
	}
	if bs, _ := w.Store.(mfa.BatchStore).ListBatches(context.Background(), 0); len(bs) != 0 {
		t.Fatalf("the refusal stored %d batches", len(bs))
	}
}

// A file as a spreadsheet exports it: a header, CSV, blank lines, one line
// naming nobody and one that is not a name at all. Both bad lines are
// planned as "not found", the rest by the same rules as a group; the plan
// is stored, two approvers start it, the service runs it, and the export
// has every line once, in a final state, as CSV.
func TestCLIIncidentFileToExport(t *testing.T) {
	w, fake, _, db := cliEnv(t)
	ctx := context.Background()
	cfg := w.Config
	cfg.Operator = "ines@contoso.com"
	file := filepath.Join(t.TempDir(), "clicked.csv")
	lines := "userPrincipalName,displayName\n" +
		"alice@contoso.com,Alice\n" +
		"\n" +
		"\"bob@contoso.com\",\"Bob, B.\"\n" +
		"gloria@contoso.com,Gloria\n" +
		"nobody@contoso.com,Nobody\n" +
		"=cmd|' /C calc'!A0\n" +
		graphfake.IncidentUserUPN("phished", "", 1) + "\n"
	if err := os.WriteFile(file, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	users, err := readUserFile(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := cliResetBatch(ctx, w, cfg, mfa.BatchInput{Users: users, SourceName: "clicked.csv", Reason: "AiTM campaign"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	m := batchIDLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no batch id:\n%s", out.String())
	}
	id := m[1]
	for _, want := range []string{"Source:          file clicked.csv", "Listed:    6", "To reset:  3", "2  not found", "status " + id} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, out.String())
		}
	}
	for _, a := range []mfa.Actor{
		{ID: graphfake.DemoApproverID, Name: "Ada", UPN: "ada@contoso.com", Via: "teams"},
		{ID: graphfake.DemoApprover2ID, Name: "Abe", UPN: "abe@contoso.com", Via: "teams"},
	} {
		if _, err := w.Svc.ApproveBatch(ctx, a, id, "INC-311"); err != nil {
			t.Fatal(err)
		}
	}
	b, err := w.Svc.RunBatch(ctx, id)
	if err != nil || b.State != mfa.BatchCompleted {
		t.Fatalf("run: %v %+v", err, b)
	}
	if n := len(fake.Methods(graphfake.DemoBobID)); n > 1 { // his password may stay
		t.Errorf("Bob still has %d methods", n)
	}
	w.Close()

	// mfabot audit export --batch, as the command runs it: the store only.
	st, err := store.Open(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var exp bytes.Buffer
	if err := exportBatch(ctx, st, cfg, strings.ToLower(id), "csv", &exp); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&exp).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v\n%s", err, exp.String())
	}
	if len(recs) != 7 || strings.Join(recs[0], ",") != strings.Join(cli.BatchCSVHeader, ",") {
		t.Fatalf("export: %q", recs)
	}
	got := map[string]string{}
	for i, r := range recs[1:] {
		if r[0] != []string{"1", "2", "3", "4", "5", "6"}[i] {
			t.Errorf("line %d has seq %s", i+2, r[0])
		}
		got[r[1]] = r[3] + "/" + r[4]
		if r[3] == "done" && (r[5] == "" || r[6] != "true" || r[8] == "") {
			t.Errorf("done without methods, revocation or time: %q", r)
		}
	}
	want := map[string]string{"alice@contoso.com": "done/", "bob@contoso.com": "done/", "gloria@contoso.com": "skipped/privileged",
		"nobody@contoso.com": "skipped/not_found", "'=cmd|' /C calc'!A0": "skipped/not_found", graphfake.IncidentUserUPN("phished", "", 1): "done/"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q (export %q)", k, got[k], v, got)
		}
	}
	// The export is itself audited, in the operator's name.
	var audit bytes.Buffer
	if _, err := cli.ExportAuditKind(ctx, &audit, st, 0, mfa.AuditLookup); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(audit.String(), "incident reset export") || !strings.Contains(audit.String(), "ines@contoso.com") {
		t.Fatalf("export not audited:\n%s", audit.String())
	}
	// A batch that does not exist is refused, and writes nothing.
	exp.Reset()
	if err := exportBatch(ctx, st, cfg, "B-NOPE42", "csv", &exp); mfa.Code(err) != mfa.ENotFound || exp.Len() != 0 {
		t.Fatalf("unknown batch: %v, %q", err, exp.String())
	}
}
