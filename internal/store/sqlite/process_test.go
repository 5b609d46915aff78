package sqlite_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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

// helperEnv names the database file a helper process races on.
const helperEnv = "MFABOT_SQLITE_RACE_HELPER"

// TestLimitAcrossProcesses runs four processes that each create eight
// requests of one requester at once, under a limit of five: the file ends
// with five.
func TestLimitAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mfabot.db")
	openFile(t, path).Close() // migrated before the processes start
	const procs, each, max = 4, 8, 5
	cmds := make([]*exec.Cmd, procs)
	outs := make([]*strings.Builder, procs)
	for i := range cmds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRaceHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperEnv+"="+path, "HELPER_PREFIX=p"+strconv.Itoa(i),
			"HELPER_EACH="+strconv.Itoa(each), "HELPER_MAX="+strconv.Itoa(max))
		outs[i] = &strings.Builder{}
		cmd.Stdout, cmd.Stderr = outs[i], outs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	created := 0
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v\n%s", i, err, outs[i])
		}
		var n int
		if _, err := fmt.Sscanf(outs[i].String()[strings.Index(outs[i].String(), "created="):], "created=%d", &n); err != nil {
			t.Fatalf("process %d output: %q", i, outs[i])
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
