package config

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// readmeRow is one row of a configuration table in README.md.
type readmeRow struct {
	section       string
	name, deflt   string
	requiredNoted bool
}

// readmeSettings reads the tables of the README's Configuration chapter.
func readmeSettings(t *testing.T) []readmeRow {
	t.Helper()
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []readmeRow
	in, section := false, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			in = line == "## Configuration"
		case !in:
		case strings.HasPrefix(line, "### "):
			section = strings.TrimPrefix(line, "### ")
		case strings.HasPrefix(line, "| `"):
			cells := strings.Split(line, " | ")
			if len(cells) < 3 {
				t.Fatalf("README row with fewer than 3 cells: %s", line)
			}
			rows = append(rows, readmeRow{section: section, name: strings.Trim(strings.TrimPrefix(cells[0], "| "), "`"),
				deflt: cells[1], requiredNoted: strings.Contains(cells[1], "required")})
		}
	}
	return rows
}

// The README's configuration tables list exactly the declared settings,
// each in its section, with its default and whether it is required.
func TestREADMEListsExactlyTheSettings(t *testing.T) {
	rows := readmeSettings(t)
	documented := map[string]readmeRow{}
	for _, r := range rows {
		if _, dup := documented[r.name]; dup {
			t.Errorf("README lists %s twice", r.name)
		}
		documented[r.name] = r
	}
	for _, s := range settings {
		r, ok := documented[s.Name]
		if !ok {
			t.Errorf("%s is declared but not in README's Configuration tables", s.Name)
			continue
		}
		delete(documented, s.Name)
		if !strings.HasPrefix(r.section, string(s.Section)) {
			t.Errorf("%s is under %q in README, declared in section %q", s.Name, r.section, s.Section)
		}
		if s.Default != "" && r.deflt != "`"+s.Default+"`" {
			t.Errorf("%s: README default %s, declared `%s`", s.Name, r.deflt, s.Default)
		}
		if r.requiredNoted != (s.Required&Serve != 0) {
			t.Errorf("%s: README says required=%v, declared required by serve=%v", s.Name, r.requiredNoted, s.Required&Serve != 0)
		}
	}
	for name := range documented {
		t.Errorf("README documents %s, which is not a declared setting", name)
	}
}
