package config

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// maxSecretFile bounds a NAME_FILE: a secret, a webhook URL or a database
// URL is a short line of text.
const maxSecretFile = 8 << 10

// readSecretFile reads the value of setting name from the file at path, as
// NAME_FILE asks: one line of UTF-8 text (a trailing line break is fine),
// at most maxSecretFile bytes. Anything else is refused with an error that
// names the variable and what is wrong, and never repeats the file's
// bytes: a _FILE pointing at the wrong file (the SQLite database itself,
// a key, a binary) must not become the setting, nor reach a log.
func readSecretFile(name, path string) (string, error) {
	v := name + "_FILE"
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", v, err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s: %s is not a regular file; it must name a file holding the value of %s", v, path, name)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", v, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return "", fmt.Errorf("%s: read %s: %w", v, path, err)
	}
	switch {
	case bytes.HasPrefix(b, []byte("SQLite format 3\x00")):
		return "", fmt.Errorf("%s: %s is an SQLite database, not a text file holding the value of %s; to use that database, set %s to its path", v, path, name, name)
	case len(b) > maxSecretFile:
		return "", fmt.Errorf("%s: %s is %d bytes or more; it must hold the value of %s as one short line of text (at most %d bytes)", v, path, len(b), name, maxSecretFile)
	case !utf8.Valid(b) || bytes.ContainsFunc(b, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f }):
		return "", fmt.Errorf("%s: %s holds binary data, not the text value of %s", v, path, name)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", fmt.Errorf("%s: %s is empty", v, path)
	}
	if n := strings.Count(s, "\n") + 1; strings.ContainsAny(s, "\r\n") {
		return "", fmt.Errorf("%s: %s has %d lines; it must hold the value of %s on one line", v, path, n, name)
	}
	return s, nil
}
