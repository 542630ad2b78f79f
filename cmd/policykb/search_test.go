package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateCLI = flag.Bool("update-search", false, "rewrite the expected search outputs in testdata")

// TestSearchExplanation checks, against testdata/search_*.txt exactly, how
// `policykb search` shows why each hit matched and that an answer holds
// only some of the words. -update-search rewrites them.
func TestSearchExplanation(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"variant", []string{"ぜい弱性"}},
		{"reading", []string{"じんざい"}},
		{"english", []string{"research", "and", "development"}},
		{"partial", []string{"--first", "3", "中小企業", "人材", "訓練"}},
		{"compound", []string{"--first", "2", "サイバー外交"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := mustRun(t, append([]string{"search", "--data", data}, tt.args...)...)
			path := filepath.Join("testdata", "search_"+tt.name+".txt")
			if *updateCLI {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("search %s printed\n%s\nwant\n%s", strings.Join(tt.args, " "), got, want)
			}
		})
	}
}
