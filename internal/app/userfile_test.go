package app

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A user file as people make them: a byte-order mark, a header, CSV with
// quotes, blank lines, Windows line ends, a semicolon- and a tab-separated
// line, and lines naming nobody, which stay for the plan to count as not
// found.
func TestUserFileTakesTheFirstColumn(t *testing.T) {
	in := "\uFEFFuserPrincipalName,displayName\r\n" +
		"alice@contoso.com,Alice Example\r\n" +
		"\r\n" +
		"  \"bob@contoso.com\" , \"Bob, the builder\"\r\n" +
		"4d3c6f3a-8f0e-4b7a-9a55-0c2f6b1e9d11\n" +
		"carol@contoso.com;Carol\n" +
		"dave@contoso.com\tDave\n" +
		"not a user\n" +
		"=cmd|' /C calc'!A0\n" +
		"   \n" +
		"eve@contoso.com" // no line end
	got, err := parseUserList(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"alice@contoso.com", "bob@contoso.com", "4d3c6f3a-8f0e-4b7a-9a55-0c2f6b1e9d11", "carol@contoso.com",
		"dave@contoso.com", "not a user", "=cmd|' /C calc'!A0", "eve@contoso.com"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

// Only the first line may be a header, and only a header's name: a user
// called "id" further down, or a first line naming a user, is a user.
func TestUserFileHeaderOnlyFirst(t *testing.T) {
	got, err := parseUserList(strings.NewReader("alice@contoso.com\nid\nUPN\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"alice@contoso.com", "id", "UPN"}) {
		t.Fatalf("got %q", got)
	}
	for _, h := range []string{"upn", "UserPrincipalName", "Object ID", "id,userPrincipalName,displayName", `"Email"`} {
		got, err := parseUserList(strings.NewReader(h + "\nbob@contoso.com\n"))
		if err != nil || !slices.Equal(got, []string{"bob@contoso.com"}) {
			t.Errorf("header %q: %q, %v", h, got, err)
		}
	}
}

// A line longer than any name is kept only in part (it names nobody
// anyway), so a file of one huge line costs no memory; the next line is
// still read.
func TestUserFileLongLine(t *testing.T) {
	in := strings.Repeat("x", 1<<20) + "\nalice@contoso.com\n"
	got, err := parseUserList(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[0]) != maxUserLine || got[1] != "alice@contoso.com" {
		t.Fatalf("got %d lines, first %d bytes", len(got), len(got[0]))
	}
}

// A spreadsheet or a UTF-16 file is refused with what to do, not read as
// thousands of users nobody can find.
func TestUserFileRefusesBinary(t *testing.T) {
	utf16 := []byte{0xFF, 0xFE, 'a', 0, '@', 0, 'b', 0, '\n', 0}
	if _, err := parseUserList(bytes.NewReader(utf16)); !errors.Is(err, errNotText) {
		t.Fatalf("UTF-16: %v", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "users.xlsx")
	if err := os.WriteFile(path, []byte("PK\x03\x04\x14\x00\x06\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := readUserFile(path, nil)
	var ue *usageError
	if !errors.As(err, &ue) || !strings.Contains(ue.msg, "save it as CSV") {
		t.Fatalf("xlsx: %v", err)
	}
	empty := filepath.Join(dir, "empty.csv")
	if err := os.WriteFile(empty, []byte("userPrincipalName\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readUserFile(empty, nil); !errors.As(err, &ue) || !strings.Contains(ue.msg, "names no user") {
		t.Fatalf("a header only: %v", err)
	}
	if _, err := readUserFile(filepath.Join(dir, "missing.csv"), nil); !errors.As(err, &ue) {
		t.Fatalf("missing file: %v", err)
	}
	got, err := readUserFile("-", strings.NewReader("alice@contoso.com\n"))
	if err != nil || !slices.Equal(got, []string{"alice@contoso.com"}) {
		t.Fatalf("stdin: %q %v", got, err)
	}
}
