package main

import (
	"strings"
	"testing"
)

const header = "seq,upn,userId,outcome,skipReason,methodsRemoved,sessionsRevoked,graphRequestId,finishedAt,detail\n"

// The export check counts a user missing, one still pending and one
// exported twice: the benchmark's "0 lost, 0 twice" can fail.
func TestCheckFindsLostAndDoubleUsers(t *testing.T) {
	res := &result{Listed: 4}
	err := res.check([]byte(header +
		"1,a@contoso.com,u-a,done,,Phone,true,r1,2026-12-05T09:00:00Z,\n" +
		"2,b@contoso.com,u-b,pending,,,false,,,\n" +
		"3,a@contoso.com,u-a,done,,Phone,true,r2,2026-12-05T09:00:01Z,\n"))
	if err != nil {
		t.Fatal(err)
	}
	// seq 4 missing, seq 2 pending: two lost; u-a twice.
	if res.Lost != 2 || res.Doubles != 1 || res.Done != 2 || res.Revoked != 2 || res.Exported != 3 {
		t.Fatalf("%+v", res)
	}
	if err := (&result{}).check([]byte("seq,upn\n1,a\n")); err == nil || !strings.Contains(err.Error(), "header") {
		t.Fatalf("a foreign header: %v", err)
	}
}

// The fake's bucket refills at the rate and holds one second of writes.
func TestQuotaForRate(t *testing.T) {
	q := quotaFor(500)
	if q.Limit != 500 || q.Window.Seconds() != 1 {
		t.Fatalf("%+v", q)
	}
}
