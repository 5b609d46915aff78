package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A _FILE that is not short text is refused with a clear error that
// repeats none of its bytes; a text file with one line and a trailing
// newline is read.
func TestSecretFileMustBeShortText(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sqliteDB := write("mfabot.db", "SQLite format 3\x00\x10\x00\x02\x02\x00@  \x00\x00\x00\x01s3cr3t-bytes")
	cases := map[string]struct{ path, want string }{
		"sqlite database": {sqliteDB, "SQLite database"},
		"binary":          {write("bin", "ab\x00cd\xff\xfes3cr3t-bytes"), "binary"},
		"oversized":       {write("big", strings.Repeat("s3cr3t-bytes", 1000)), "bytes"},
		"two lines":       {write("two", "s3cr3t-bytes\nsecond line\n"), "one line"},
		"directory":       {dir, "not a regular file"},
		"empty":           {write("empty", "\n"), "empty"},
	}
	for name, c := range cases {
		_, err := Load(env(map[string]string{"MFABOT_DATABASE_FILE": c.path}))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "MFABOT_DATABASE_FILE") || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("%s: %v; want it to name the variable and say %q, without the content", name, err, c.want)
		}
	}
	ok := write("url", "postgres://mfabot:pw@db.example/mfabot?sslmode=require\n")
	c, err := Load(env(map[string]string{"MFABOT_DATABASE_FILE": ok}))
	if err != nil || c.Database != "postgres://mfabot:pw@db.example/mfabot?sslmode=require" {
		t.Fatalf("a one-line file: %q %v", c.Database, err)
	}
}
