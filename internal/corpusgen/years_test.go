package corpusgen

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/years from the generator")

// TestYearsTestdata checks that testdata/years holds what WriteYears
// writes now, so that the tests that read it test what the generator
// makes. With -update it rewrites it.
func TestYearsTestdata(t *testing.T) {
	const dir = "testdata/years"
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := WriteYears(dir); err != nil {
			t.Fatal(err)
		}
		return
	}
	tmp := t.TempDir()
	if err := WriteYears(tmp); err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, root := range []string{tmp, dir} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(root, path)
				files[rel] = true
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for rel := range files {
		want, _ := os.ReadFile(filepath.Join(tmp, rel))
		got, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s/%s is not what the generator writes now (go test ./internal/corpusgen -run TestYearsTestdata -update)", dir, rel)
		}
	}
}

// TestYearEdits checks the edits that make up the years: each one refuses
// what it cannot do.
func TestYearEdits(t *testing.T) {
	base, err := ShippedPolicy()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(*tree) error
	}{
		{"an unknown provision", func(t *tree) error { return t.rename("9.9", "x") }},
		{"a split of a provision with children", func(t *tree) error { return t.split("2.2.1", 1, "x") }},
		{"a merge of provisions with children", func(t *tree) error { return t.merge("2.2.1", "2.2.2") }},
		{"a merge of parts of one size", func(t *tree) error { return t.merge("2.3.2", "2.3.3") }},
		{"a swap across parents", func(t *tree) error { return t.swap("2.1.1", "2.2.1") }},
	}
	for _, tt := range tests {
		if err := tt.edit(newTree(base)); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}
