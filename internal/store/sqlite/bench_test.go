package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/mfabot/mfabot/internal/store/storetest"
)

func BenchmarkAppendAudit(b *testing.B) {
	storetest.BenchAppendAudit(b, openFile(b, filepath.Join(b.TempDir(), "bench.db")))
}

// BenchmarkAppendAuditParallel appends from many goroutines, which queue
// on the single writer connection.
func BenchmarkAppendAuditParallel(b *testing.B) {
	storetest.BenchAppendAuditParallel(b, openFile(b, filepath.Join(b.TempDir(), "bench.db")))
}

func BenchmarkUpdateRequest(b *testing.B) {
	storetest.BenchUpdateRequest(b, openFile(b, filepath.Join(b.TempDir(), "bench.db")))
}

// BenchmarkClaimFinish claims 50 items of a batch and finishes each, one
// worker; BenchmarkClaimFinishParallel does it with 16, who queue on the
// single writer connection.
func BenchmarkClaimFinish(b *testing.B) {
	storetest.BenchClaimFinish(b, openFile(b, filepath.Join(b.TempDir(), "bench.db")), 1)
}

func BenchmarkClaimFinishParallel(b *testing.B) {
	storetest.BenchClaimFinish(b, openFile(b, filepath.Join(b.TempDir(), "bench.db")), 16)
}
