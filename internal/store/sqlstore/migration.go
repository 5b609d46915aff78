package sqlstore

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one numbered schema change.
type Migration struct {
	Version int    // from the file name, counting from 1
	Name    string // the file name, NNNN_description.sql
	SQL     string // the file's statements
}

// Migrations returns the migrations in directory dir of fsys (the *.sql
// files), in order. Their names must be NNNN_description.sql, numbered from
// 1 without gaps or duplicates.
func Migrations(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_description.sql", base)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: base, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %d (no gaps or duplicates)", m.Name, i+1)
		}
	}
	return ms, nil
}

// Schema is a store's embedded migrations: the *.sql files of directory
// Dir in FS, numbered as Migrations requires.
type Schema struct {
	FS  fs.FS
	Dir string
	// TooNew is the store's error for a database that a newer binary has
	// migrated past the last of these migrations.
	TooNew error
}

// Migrations returns the schema's migrations in order.
func (s Schema) Migrations() ([]Migration, error) { return Migrations(s.FS, s.Dir) }

// Version is the newest schema version, the number of the last migration
// (0 when the migrations cannot be read).
func (s Schema) Version() int {
	ms, err := s.Migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// Pending returns the migrations a database at schema version cur still
// needs. A database past the last of them was migrated by a newer binary:
// the error wraps TooNew.
func (s Schema) Pending(cur int) ([]Migration, error) {
	ms, err := s.Migrations()
	if err != nil {
		return nil, err
	}
	if cur > len(ms) {
		return nil, fmt.Errorf("%w (database at version %d, this mfabot knows up to %d)", s.TooNew, cur, len(ms))
	}
	return ms[cur:], nil
}
