package botframework

import (
	"strconv"
	"strings"
	"testing"
)

// EscapeID escapes every byte as encodeURIComponent does.
func TestEscapeIDEveryByte(t *testing.T) {
	for c := 0; c < 256; c++ {
		id := "a" + string([]byte{byte(c)}) + "b"
		want := "a" + string([]byte{byte(c)}) + "b"
		if !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()", rune(c)) {
			want = "a%" + strings.ToUpper(strconv.FormatInt(int64(c)|0x100, 16)[1:]) + "b"
		}
		if got := EscapeID(id); got != want {
			t.Fatalf("EscapeID(%q) = %q, want %q", id, got, want)
		}
	}
	if got := EscapeID("19:abc@thread.skype;messageid=1"); got != "19%3Aabc%40thread.skype%3Bmessageid%3D1" {
		t.Fatalf("EscapeID = %q", got)
	}
}
