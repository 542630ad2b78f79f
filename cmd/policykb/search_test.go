package main

import (
	"slices"
	"strings"
	"testing"
)

// TestSearchExplanation checks, against testdata/search_*.txt exactly, how
// `policykb search` shows why each hit matched and that an answer holds
// only some of the words. -update rewrites them.
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
			golden(t, "search_"+tt.name+".txt", got)
		})
	}
}

// TestSearchPages checks that --first and --page show the hits a page at a
// time, numbered on from page to page, and say how many of how many.
func TestSearchPages(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	all := mustRun(t, "search", "--data", data, "--first", "100", "サプライチェーン")
	if !strings.HasPrefix(all, "4 hits\n") {
		t.Fatalf("search サプライチェーン printed %q; want 4 hits", all)
	}
	tests := []struct {
		args  []string
		first string // the first line
		ranks []string
	}{
		{[]string{"--first", "2"}, "2 of 4 hits (page 1 of 2; --page 2 shows more)", []string{" 1.", " 2."}},
		{[]string{"--first", "2", "--page", "2"}, "2 of 4 hits (page 2 of 2)", []string{" 3.", " 4."}},
		{[]string{"--first", "3", "--page", "2"}, "1 of 4 hits (page 2 of 2)", []string{" 4."}},
		{[]string{"--first", "2", "--page", "3"}, "0 of 4 hits (page 3 of 2)", nil},
	}
	var pages string
	for _, tt := range tests {
		out := mustRun(t, append([]string{"search", "--data", data}, append(tt.args, "サプライチェーン")...)...)
		first, rest, _ := strings.Cut(out, "\n")
		if first != tt.first {
			t.Errorf("search %q: first line %q, want %q", tt.args, first, tt.first)
		}
		var ranks []string
		for line := range strings.Lines(rest) {
			if len(line) > 3 && line[2] == '.' {
				ranks = append(ranks, line[:3])
			}
		}
		if !slices.Equal(ranks, tt.ranks) {
			t.Errorf("search %q: ranks %q, want %q", tt.args, ranks, tt.ranks)
		}
		if tt.args[1] == "2" && tt.ranks != nil {
			pages += rest
		}
	}
	if _, rest, _ := strings.Cut(all, "\n"); pages != rest {
		t.Errorf("pages 1 and 2 of 2 hits together:\n%s\nwant the hits of one page of 100:\n%s", pages, rest)
	}
	if code, _, errs := policykb(t, "search", "--data", data, "--page", "0", "サプライチェーン"); code != 2 || !strings.Contains(errs, `--page: invalid value "0"`) {
		t.Errorf("--page 0: exit %d, %q", code, errs)
	}
}
