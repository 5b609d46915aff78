package sqlstore_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mfabot/mfabot/internal/store/sqlstore"
)

func TestMigrationsInOrder(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0002_more.sql":  {Data: []byte("CREATE TABLE b (x int);")},
		"m/0001_init.sql":  {Data: []byte("CREATE TABLE a (x int);")},
		"m/0003_index.sql": {Data: []byte("CREATE INDEX i ON b (x);")},
		"m/README.md":      {Data: []byte("not a migration")},
	}
	ms, err := sqlstore.Migrations(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	want := []sqlstore.Migration{
		{1, "0001_init.sql", "CREATE TABLE a (x int);"},
		{2, "0002_more.sql", "CREATE TABLE b (x int);"},
		{3, "0003_index.sql", "CREATE INDEX i ON b (x);"},
	}
	if len(ms) != len(want) {
		t.Fatalf("%d migrations, want %d: %+v", len(ms), len(want), ms)
	}
	for i := range want {
		if ms[i] != want[i] {
			t.Fatalf("migration %d: %+v, want %+v", i, ms[i], want[i])
		}
	}
}

func TestMigrationsRefuseBadNumbering(t *testing.T) {
	for name, tc := range map[string]struct {
		files []string
		want  string
	}{
		"gap":       {[]string{"0001_a.sql", "0003_c.sql"}, "0003_c.sql: expected number 2"},
		"duplicate": {[]string{"0001_a.sql", "0001_b.sql"}, "expected number 2"},
		"from zero": {[]string{"0000_a.sql"}, "0000_a.sql: name must be NNNN_description.sql"},
		"no number": {[]string{"init.sql"}, "init.sql: name must be NNNN_description.sql"},
		"no name":   {[]string{"0001.sql"}, "0001.sql: name must be NNNN_description.sql"},
	} {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tc.files {
				fsys["migrations/"+f] = &fstest.MapFile{Data: []byte("SELECT 1;")}
			}
			_, err := sqlstore.Migrations(fsys, "migrations")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestSchema(t *testing.T) {
	tooNew := errors.New("schema too new")
	s := sqlstore.Schema{FS: fstest.MapFS{
		"migrations/0001_a.sql": {Data: []byte("SELECT 1;")},
		"migrations/0002_b.sql": {Data: []byte("SELECT 2;")},
	}, Dir: "migrations", TooNew: tooNew}
	if v := s.Version(); v != 2 {
		t.Fatalf("version %d, want 2", v)
	}
	for cur, want := range map[int]int{0: 2, 1: 1, 2: 0} {
		got, err := s.Pending(cur)
		if err != nil || len(got) != want {
			t.Fatalf("at version %d: %d pending (%v), want %d", cur, len(got), err, want)
		}
		if want > 0 && got[0].Version != cur+1 {
			t.Fatalf("at version %d: first pending is %d", cur, got[0].Version)
		}
	}
	_, err := s.Pending(3)
	if !errors.Is(err, tooNew) || !strings.Contains(err.Error(), "database at version 3, this mfabot knows up to 2") {
		t.Fatalf("at version 3: %v, want the store's too-new error with both versions", err)
	}

	broken := sqlstore.Schema{FS: fstest.MapFS{"migrations/0002_b.sql": {Data: []byte("SELECT 2;")}}, Dir: "migrations", TooNew: tooNew}
	if v := broken.Version(); v != 0 {
		t.Fatalf("version of misnumbered migrations %d, want 0", v)
	}
	if _, err := broken.Pending(0); err == nil || errors.Is(err, tooNew) {
		t.Fatalf("pending of misnumbered migrations: %v, want the numbering error", err)
	}
}
