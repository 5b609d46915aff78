package bot_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// A user in no group sends `reset mfa <20,000-character word>`: the answer
// fits in a Teams message and the audit keeps a bounded form.
func TestHugeResetFromAnOutsiderStaysSmall(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	before := h.auditSize()
	word := strings.Repeat("x", 20_000)
	for _, text := range []string{"reset mfa " + word, "reset mfa " + word + "@contoso.com lost phone", "reset mfa alice@contoso.com " + word, word} {
		sent := h.say(alice, text)
		if len(sent) != 1 {
			t.Fatalf("%d answers", len(sent))
		}
		raw, _ := json.Marshal(sent[0].Activity)
		if len(raw) > 28<<10 {
			t.Fatalf("an answer of %d bytes: Teams refuses it", len(raw))
		}
	}
	if grew := h.auditSize() - before; grew > 4*1024 {
		t.Fatalf("four refused messages added %d bytes to the audit", grew)
	}
}

// auditSize is the size of what the audit keeps.
func (h *harness) auditSize() int {
	h.t.Helper()
	recs, err := h.store.AuditRecords(ctx, 0, 100_000)
	if err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		raw, _ := json.Marshal(r)
		n += len(raw)
	}
	return n
}
