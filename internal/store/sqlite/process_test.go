package sqlite_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/store/sqlite"
	"github.com/mfabot/mfabot/internal/store/storetest"
)

// Two handles on one file stand for two processes (mfabot serve beside
// mfabot reset): each has its own writer connection, so only SQLite's file
// lock (BEGIN IMMEDIATE) keeps their counts and writes apart.
func handles(t *testing.T, n int) []mfa.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mfabot.db")
	out := make([]mfa.Store, n)
	for i := range out {
		out[i] = openFile(t, path)
	}
	return out
}

func TestLimitsAcrossHandles(t *testing.T) {
	t.Run("create", func(t *testing.T) { storetest.RaceLimitedCreate(t, handles(t, 3), "A", 24, 5) })
	t.Run("approve", func(t *testing.T) { storetest.RaceLimitedApprovals(t, handles(t, 3), 12, 2) })
	t.Run("lease", func(t *testing.T) { storetest.RaceLeaseTakeover(t, handles(t, 3), 12) })
}

// TestBatchesAcrossHandles: batch claims, creations and write reservations
// through three handles on one file.
func TestBatchesAcrossHandles(t *testing.T) {
	stores := func() []storetest.BatchStore {
		var out []storetest.BatchStore
		for _, h := range handles(t, 3) {
			out = append(out, h.(storetest.BatchStore))
		}
		return out
	}
	t.Run("claims", func(t *testing.T) { storetest.RaceBatchClaims(t, stores(), 300, 6, 7) })
	t.Run("one open", func(t *testing.T) { storetest.RaceCreateBatch(t, stores(), 12) })
	t.Run("throttle", func(t *testing.T) { storetest.RaceReserveWrites(t, stores(), 24) })
}

// TestBatchClaimsAcrossProcesses: three processes, four workers each,
// claim one batch at once: every item goes to one worker.
func TestBatchClaimsAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mfabot.db")
	const items = 300
	if err := storetest.NewBatch(openFile(t, path), "B-PROC", items); err != nil {
		t.Fatal(err)
	}
	var claims [][]int64
	for i, out := range helpers(t, 3, "claims", path, "HELPER_ID=B-PROC", "HELPER_EACH=4") {
		got, err := helperSeqs(out)
		if err != nil {
			t.Fatalf("process %d: %v", i, err)
		}
		claims = append(claims, got...)
	}
	storetest.CheckClaims(t, claims, items)
}

// helperSeqs reads the lines "claimed=1,2,…" of a helper process's
// output, one per worker.
func helperSeqs(out string) ([][]int64, error) {
	var all [][]int64
	for _, line := range strings.Split(out, "\n") {
		list, ok := strings.CutPrefix(line, "claimed=")
		if !ok {
			continue
		}
		var seqs []int64
		for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' }) {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("output %q: %w", out, err)
			}
			seqs = append(seqs, n)
		}
		all = append(all, seqs)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("no claimed= in the output %q", out)
	}
	return all, nil
}

// helperEnv names the database file a helper process races on.
const helperEnv = "MFABOT_SQLITE_RACE_HELPER"

// TestLimitAcrossProcesses runs four processes that each create eight
// requests of one requester at once, under a limit of five: the file ends
// with five.
func TestLimitAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mfabot.db")
	openFile(t, path).Close() // migrated before the processes start
	const procs, each, max = 4, 8, 5
	created := 0
	for i, out := range helpers(t, procs, "create", path, "HELPER_EACH="+strconv.Itoa(each), "HELPER_MAX="+strconv.Itoa(max)) {
		n, err := helperCount(out, "created")
		if err != nil {
			t.Fatalf("process %d: %v", i, err)
		}
		created += n
	}
	db := openFile(t, path)
	stored, err := db.CountRequests(ctx, mfa.RequestFilter{RequesterID: "A"})
	if err != nil {
		t.Fatal(err)
	}
	if created != max || stored != max {
		t.Fatalf("%d processes created %d requests (%d stored) against a limit of %d", procs, created, stored, max)
	}
}

// TestLeaseTakeoverAcrossProcesses: four processes, six goroutines each,
// take over one request whose executor's lease ran out: one claim wins.
func TestLeaseTakeoverAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mfabot.db")
	db := openFile(t, path)
	id, err := storetest.LeftExecuting(db)
	if err != nil {
		t.Fatal(err)
	}
	const procs = 4
	won := 0
	for i, out := range helpers(t, procs, "lease", path, "HELPER_ID="+id, "HELPER_EACH=6") {
		n, err := helperCount(out, "won")
		if err != nil {
			t.Fatalf("process %d: %v", i, err)
		}
		won += n
	}
	if won != 1 {
		t.Fatalf("%d claims across %d processes took one run-out lease over", won, procs)
	}
}

// helperCount reads "name=N" from a helper process's output.
func helperCount(out, name string) (int, error) {
	i := strings.Index(out, name+"=")
	if i < 0 {
		return 0, fmt.Errorf("no %s= in the output %q", name, out)
	}
	var n int
	if _, err := fmt.Sscanf(out[i:], name+"=%d", &n); err != nil {
		return 0, fmt.Errorf("output %q: %w", out, err)
	}
	return n, nil
}

// helpers runs n helper processes of the given mode on the database at
// path and returns their outputs.
func helpers(t *testing.T, n int, mode, path string, env ...string) []string {
	t.Helper()
	cmds := make([]*exec.Cmd, n)
	outs := make([]*strings.Builder, n)
	for i := range cmds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRaceHelperProcess$", "-test.count=1")
		cmd.Env = append(append(os.Environ(), env...), helperEnv+"="+path, "HELPER_MODE="+mode, "HELPER_PREFIX=p"+strconv.Itoa(i))
		outs[i] = &strings.Builder{}
		cmd.Stdout, cmd.Stderr = outs[i], outs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	res := make([]string, n)
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v\n%s", i, err, outs[i])
		}
		res[i] = outs[i].String()
	}
	return res
}

// TestRaceHelperProcess is the body of a helper process of
// TestLimitAcrossProcesses; it does nothing in a normal run.
func TestRaceHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	each, _ := strconv.Atoi(os.Getenv("HELPER_EACH"))
	max, _ := strconv.Atoi(os.Getenv("HELPER_MAX"))
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	switch os.Getenv("HELPER_MODE") {
	case "claims":
		claimWorkers(t, db, each)
		return
	case "lease":
		won := 0
		for i, err := range storetest.ClaimRacing([]mfa.Store{db}, os.Getenv("HELPER_ID"), os.Getenv("HELPER_PREFIX"), each) {
			switch {
			case err == nil:
				won++
			case mfa.Code(err) != mfa.EConflict:
				t.Fatalf("claim %d: %v", i, err)
			}
		}
		fmt.Printf("won=%d\n", won)
		return
	}
	created := 0
	for i, err := range storetest.CreateRacing([]mfa.Store{db}, os.Getenv("HELPER_PREFIX"), "A", each, max) {
		switch {
		case err == nil:
			created++
		case mfa.Code(err) != mfa.ERateLimited:
			t.Fatalf("creation %d: %v", i, err)
		}
	}
	fmt.Printf("created=%d\n", created)
}

// claimWorkers runs workers workers on the batch HELPER_ID at once, each
// claiming until none is left, and prints each one's items on a line of
// its own.
func claimWorkers(t *testing.T, db *sqlite.DB, workers int) {
	claims := make([][]int64, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			owner := fmt.Sprintf("%s-%d", os.Getenv("HELPER_PREFIX"), i)
			if claims[i], err = storetest.ClaimUntilEmpty(db, os.Getenv("HELPER_ID"), owner, 5); err != nil {
				t.Errorf("worker %s: %v", owner, err)
			}
		}()
	}
	wg.Wait()
	for _, seqs := range claims {
		strs := make([]string, len(seqs))
		for i, n := range seqs {
			strs[i] = strconv.FormatInt(n, 10)
		}
		fmt.Printf("claimed=%s\n", strings.Join(strs, ","))
	}
}
