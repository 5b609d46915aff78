// Package storetest is the shared test suite of the stores: every
// implementation (SQLite and PostgreSQL) runs the same Run over both ports
// it implements, mfa.Store, mfa.BatchStore and botstate.Store, so they
// behave alike.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mfabot/mfabot/bot/botstate"
	"github.com/mfabot/mfabot/internal/mfa"
	"github.com/mfabot/mfabot/internal/mfa/mfatest"
	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

// Opener returns a fresh, empty store for one test, reading the time from
// now wherever the store needs the current time itself (Once expiry). It
// should register the store's Close with t.Cleanup; Close must tolerate
// being called again.
type Opener func(t *testing.T, now func() time.Time) Store

// Store is what a store implements: the domain's ports, the bot's, and the
// key-value table both keep small values in.
type Store interface {
	mfa.Store
	mfa.BatchStore
	botstate.Store
	sqlstore.KV
}

// BatchStore is a batch store that answers Ping, as both stores do: the
// racing helpers ping from every racer before the start, so the racers
// have their connections open when it comes.
type BatchStore interface {
	mfa.BatchStore
	Ping(ctx context.Context) error
}

// Run runs the whole suite against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s Store, c *Clock)
	}{
		{"RequestRoundTrip", testRequestRoundTrip},
		{"RequestNotFound", testRequestNotFound},
		{"CreateDuplicate", testCreateDuplicate},
		{"OneOpenPerTarget", testOneOpenPerTarget},
		{"UpdateConditional", testUpdateConditional},
		{"UpdateRace", testUpdateRace},
		{"LimitOnCreate", testLimitOnCreate},
		{"LimitOnUpdate", testLimitOnUpdate},
		{"Lease", testLease},
		{"LeaseRace", testLeaseRace},
		{"Filters", testFilters},
		{"Steps", testSteps},
		{"AuditRoundTrip", testAuditRoundTrip},
		{"AuditPaging", testAuditPaging},
		{"AuditConcurrent", testAuditConcurrent},
		{"AuditTamper", testAuditTamper},
		{"KV", testKV},
		{"Breaker", testBreaker},
		{"BotUsers", testBotUsers},
		{"BotApprovers", testBotApprovers},
		{"BotCards", testBotCards},
		{"BotFailedTurns", testBotFailedTurns},
		{"BotConversations", testBotConversations},
		{"BotEarlierFormat", testBotEarlierFormat},
		{"Once", testOnce},
		{"OnceConcurrent", testOnceConcurrent},
		{"BatchRoundTrip", testBatchRoundTrip},
		{"BatchOneOpen", testBatchOneOpen},
		{"BatchUpdate", testBatchUpdate},
		{"BatchList", testBatchList},
		{"BatchItemsAdd", testBatchItemsAdd},
		{"BatchPaging", testBatchPaging},
		{"BatchSteps", testBatchSteps},
		{"BatchClaims", testBatchClaims},
		{"BatchClaimRace", testBatchClaimRace},
		{"Throttle", testThrottle},
		{"ThrottleRace", testThrottleRace},
		{"Ping", testPing},
		{"AfterClose", testAfterClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each test has its own store and clock
			c := NewClock(time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC))
			tc.fn(t, open(t, c.Now), c)
		})
	}
}

// Clock is the fake clock the suite moves: mfatest's, which moves only when
// told.
type Clock = mfatest.Clock

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return mfatest.NewClock(t) }

var ctx = context.Background()

// wantCode fails t unless err is an *mfa.Error (or maps to one) with code.
func wantCode(t *testing.T, err error, code mfa.ErrorCode, what string) {
	t.Helper()
	if got := mfa.Code(err); got != code {
		t.Fatalf("%s: got error %v (code %q), want code %q", what, err, got, code)
	}
	var e *mfa.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %v is not an *mfa.Error", what, err)
	}
}
