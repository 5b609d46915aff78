package postgres_test

import (
	"testing"

	"github.com/mfabot/mfabot/internal/store/storetest"
)

func BenchmarkAppendAudit(b *testing.B) { storetest.BenchAppendAudit(b, newDB(b)) }

// BenchmarkAppendAuditParallel appends from many goroutines: the appends
// queue on audit_head, so this measures the chain's throughput under
// contention.
func BenchmarkAppendAuditParallel(b *testing.B) { storetest.BenchAppendAuditParallel(b, newDB(b)) }

func BenchmarkUpdateRequest(b *testing.B) { storetest.BenchUpdateRequest(b, newDB(b)) }

// BenchmarkClaimFinish claims 50 items of a batch and finishes each, one
// worker; BenchmarkClaimFinishParallel does it with 16, whose claims pass
// over each other's locked rows (SKIP LOCKED).
func BenchmarkClaimFinish(b *testing.B) { storetest.BenchClaimFinish(b, newDB(b), 1) }

func BenchmarkClaimFinishParallel(b *testing.B) { storetest.BenchClaimFinish(b, newDB(b), 16) }
