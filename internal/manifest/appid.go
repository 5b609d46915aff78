package manifest

import (
	"crypto/sha1"
	"fmt"
	"strings"
)

// appIDNamespace is the name-based UUID namespace of mfabot's Teams app ids.
// It must never change: it would give every deployment a new Teams app.
var appIDNamespace = [16]byte{
	0x6d, 0x66, 0x61, 0x62, 0x2d, 0x74, 0x65, 0x61,
	0x6d, 0x73, 0x2d, 0x61, 0x70, 0x70, 0x69, 0x64,
}

// AppIDFor derives the Teams app id from the bot id: a name-based (version 5)
// UUID of the lower-cased bot id, so the same bot always gets the same app
// and an updated package replaces the installed one.
func AppIDFor(botID string) string {
	h := sha1.New()
	h.Write(appIDNamespace[:])
	h.Write([]byte(strings.ToLower(strings.TrimSpace(botID))))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
