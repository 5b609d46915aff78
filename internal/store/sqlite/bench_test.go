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
