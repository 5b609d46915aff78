package app

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// maxUserLine is how much of a line of a user file is kept: a user
// principal name has at most 113 characters and a mail address 254, so a
// longer line names nobody, and is kept only as far as needed to say so.
const maxUserLine = 1024

// userHeaders are first lines that name a column rather than a user, as
// exports write them (Entra's "Download users" starts with id or
// userPrincipalName; spreadsheets with whatever the column was called).
var userHeaders = map[string]bool{
	"userprincipalname": true, "user principal name": true, "upn": true, "user": true, "users": true,
	"username": true, "user name": true, "id": true, "objectid": true, "object id": true, "user id": true,
	"userid": true, "mail": true, "email": true, "e-mail": true, "email address": true, "signinname": true,
}

// readUserFile reads the users of `mfabot reset --file`: one user
// principal name or object id a line; in a CSV (or semicolon- or
// tab-separated) file, the first column. A header line, blank lines, a
// byte-order mark and surrounding quotes and spaces are tolerated; any
// other line is passed on as it is, and the plan counts a line naming
// nobody as "not found". "-" reads standard input. A file holding NUL
// bytes is refused: it is not text (a spreadsheet, or UTF-16).
func readUserFile(path string, stdin io.Reader) ([]string, error) {
	var r io.Reader
	if path == "-" {
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("--file: %v", err)}
		}
		defer f.Close()
		r = f
	}
	users, err := parseUserList(r)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("--file %s: %v", path, err)}
	}
	if len(users) == 0 {
		return nil, &usageError{fmt.Sprintf("--file %s names no user: write one user principal name or object id a line", path)}
	}
	return users, nil
}

// errNotText is a file with NUL bytes.
var errNotText = errors.New("not a text file (it holds NUL bytes): save it as CSV (UTF-8) or plain text, one user a line")

// parseUserList returns the first column of each non-blank line, without a
// header line.
func parseUserList(r io.Reader) ([]string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var out []string
	first := true
	for {
		line, err := readLine(br)
		if err != nil && err != io.EOF {
			return nil, err
		}
		if bytes.IndexByte(line, 0) >= 0 {
			return nil, errNotText
		}
		if first {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		if key := firstColumn(string(line)); key != "" {
			if !(first && userHeaders[strings.ToLower(key)]) {
				out = append(out, key)
			}
			first = false
		}
		if err == io.EOF {
			return out, nil
		}
	}
}

// readLine reads one line without its end, keeping at most maxUserLine
// bytes of it (the rest is read and dropped).
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		if err != nil {
			if err == io.EOF && line != nil {
				return line, nil
			}
			return line, err
		}
		if room := maxUserLine - len(line); room > 0 {
			line = append(line, chunk[:min(room, len(chunk))]...)
		}
		if !isPrefix {
			return line, nil
		}
	}
}

// firstColumn is the first field of a line of a CSV, semicolon- or
// tab-separated file, without surrounding spaces and quotes. A user
// principal name or object id holds none of these separators.
func firstColumn(line string) string {
	if i := strings.IndexAny(line, ",;\t"); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	line = strings.Trim(line, `"'`)
	line = strings.TrimSpace(line)
	if !utf8.ValidString(line) {
		line = strings.ToValidUTF8(line, "\uFFFD")
	}
	return line
}
