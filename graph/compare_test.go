package graph_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
)

// golden compares got with the file testdata/name, or writes it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update to rewrite it):\n%s", path, got)
	}
}

// TestPrintComparison prints comparisons as policykb compare does, in text
// and JSON, and checks them against testdata.
func TestPrintComparison(t *testing.T) {
	for _, name := range []string{"split-merged", "renamed", "renumbered"} {
		t.Run(name, func(t *testing.T) {
			_, db := yearStore(t, map[string]ingest.Options{filepath.Join(yearsData, name, "to.txt"): {}})
			res := &graph.Resolver{Documents: db, Provisions: db, References: db}
			for _, format := range []string{graph.FormatText, graph.FormatJSON} {
				var b bytes.Buffer
				if err := graph.PrintComparison(context.Background(), res, &b, docID, "cs-budget-policy-fy2021", format); err != nil {
					t.Fatal(err)
				}
				ext := map[string]string{graph.FormatText: ".txt", graph.FormatJSON: ".json"}[format]
				golden(t, "compare-"+name+ext, b.Bytes())
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		_, db := yearStore(t, nil)
		res := &graph.Resolver{Documents: db, Provisions: db, References: db}
		var b bytes.Buffer
		for _, c := range []struct {
			from, to, format, code string
		}{
			{docID, "nosuch", graph.FormatText, policy.ENOTFOUND},
			{"nosuch", docID, graph.FormatJSON, policy.ENOTFOUND},
			{docID, docID, "yaml", policy.EINVALID},
		} {
			err := graph.PrintComparison(context.Background(), res, &b, c.from, c.to, c.format)
			if policy.ErrorCode(err) != c.code {
				t.Errorf("compare %s %s --format %s: %v, want %s", c.from, c.to, c.format, err, c.code)
			}
		}
		if b.Len() > 0 {
			t.Errorf("printed %q on error", b.String())
		}
	})
}

// TestPrintSeries prints the series of five made-up years as policykb
// series does, and checks it against testdata.
func TestPrintSeries(t *testing.T) {
	_, db := yearStore(t, seriesFiles(t))
	res := &graph.Resolver{Documents: db, Provisions: db, References: db}
	for _, c := range []struct{ id, format, file string }{
		{"", graph.FormatText, "series.txt"},
		{"", graph.FormatJSON, "series.json"},
		{"series:cs-budget-policy", graph.FormatText, "series-lines.txt"},
	} {
		var b bytes.Buffer
		if err := graph.PrintSeries(context.Background(), res, &b, c.id, c.format); err != nil {
			t.Fatal(err)
		}
		golden(t, c.file, b.Bytes())
	}
	var b bytes.Buffer
	if err := graph.PrintSeries(context.Background(), res, &b, "series:nosuch", graph.FormatText); policy.ErrorCode(err) != policy.ENOTFOUND {
		t.Errorf("series:nosuch: %v", err)
	}
}
