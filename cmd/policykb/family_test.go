package main

import (
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestIngestExcerpt: an excerpt of another scheme, ingested with --partial
// and the fields its text does not print, keeps its printed numbers, and
// export shows the fields given; without --partial the same text is refused
// with file and line.
func TestIngestExcerpt(t *testing.T) {
	data := t.TempDir()
	file := "../../internal/parse/testdata/family/parts.txt"
	code, _, errs := policykb(t, "ingest", "--data", data, "--id", "cs-annual-excerpt", file)
	if code != 1 || !strings.Contains(errs, "parts.txt:1:") {
		t.Fatalf("without --partial: exit %d, %q; want 1 and a message naming parts.txt:1", code, errs)
	}
	mustRun(t, "ingest", "--data", data, "--id", "cs-annual-excerpt", "--partial",
		"--title", "サイバーセキュリティ2020（抜粋）", "--decided-on", "令和２年７月２１日", "--decided-by", "サイバーセキュリティ戦略本部",
		"--fiscal-year", "2020", file)
	var export struct {
		Documents []struct {
			ID, Title, DecidedOn, DecidedBy string
			FiscalYear                      int
			Partial                         bool
			Provisions                      []struct {
				ID, Kind, Label string
				Level           int
			}
		}
	}
	out := mustRun(t, "export", "--data", data, "--document", "cs-annual-excerpt")
	if err := json.Unmarshal([]byte(out), &export); err != nil {
		t.Fatal(err)
	}
	if len(export.Documents) != 1 {
		t.Fatalf("%d documents exported", len(export.Documents))
	}
	d := export.Documents[0]
	got := strings.Join([]string{d.Title, d.DecidedOn, d.DecidedBy}, "|")
	if got != "サイバーセキュリティ2020（抜粋）|2020-07-21|サイバーセキュリティ戦略本部" || d.FiscalYear != 2020 || !d.Partial {
		t.Errorf("document %+v", d)
	}
	var ids []string
	for _, p := range d.Provisions[:4] {
		ids = append(ids, strings.TrimPrefix(p.ID, "cs-annual-excerpt:")+" "+p.Kind+" "+p.Label)
	}
	if got, want := strings.Join(ids, ", "), "1 SECTION 第1部, 1.1 AREA 第1部第1章, 1.1.1 ITEM 第1部第1章第1, 1.1.1.1 SUBITEM 第1部第1章第1の1"; got != want {
		t.Errorf("provisions %s, want %s", got, want)
	}
}

// TestCompareCommand: compare and series print, and refuse an unknown
// document (exit 1) and an unknown --format (exit 2).
func TestCompareCommand(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, "../../internal/corpusgen/testdata/years/series/cs-budget-policy-fy2021.txt")
	out := mustRun(t, "compare", "--data", data, "cs-budget-policy-fy2020", "cs-budget-policy-fy2021")
	if !strings.Contains(out, "35 → 36 provisions: 33 same, 2 changed, 0 moved, 1 added, 0 removed") {
		t.Errorf("compare printed %q", out)
	}
	var answer struct {
		Compare struct {
			Pairs []struct{ Kind string }
		}
	}
	if err := json.Unmarshal([]byte(mustRun(t, "compare", "--data", data, "--format", "json", "cs-budget-policy-fy2020", "cs-budget-policy-fy2021")), &answer); err != nil || len(answer.Compare.Pairs) != 36 {
		t.Errorf("compare --format json: %d pairs, %v; want 36", len(answer.Compare.Pairs), err)
	}
	if out := mustRun(t, "series", "--data", data); !strings.Contains(out, "series:cs-budget-policy") {
		t.Errorf("series printed %q", out)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"compare", "--data", data, "cs-budget-policy-fy2020", "nosuch"}, 1, `no document "nosuch"`},
		{[]string{"compare", "--data", data, "--format", "xml", "cs-budget-policy-fy2020", "cs-budget-policy-fy2021"}, 2, `--format "xml": want text or json`},
		{[]string{"compare", "--data", data, "cs-budget-policy-fy2020"}, 2, "give two document IDs"},
		{[]string{"series", "--data", data, "series:nosuch"}, 1, "series:nosuch"},
	} {
		code, _, errs := policykb(t, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, %q; want %d and …%s…", tt.args, code, errs, tt.code, tt.want)
		}
	}
}

// TestSeriesCommand: policykb series prints each provision's line through
// five made-up years as the script that made them says it runs (lines.tsv).
func TestSeriesCommand(t *testing.T) {
	data := t.TempDir()
	years := "../../internal/corpusgen/testdata/years/series/"
	for fy := 2021; fy <= 2024; fy++ {
		mustRun(t, "ingest", "--data", data, years+"cs-budget-policy-fy"+strconv.Itoa(fy)+".txt")
	}
	out := mustRun(t, "series", "--data", data, "series:cs-budget-policy")
	_, rows, ok := strings.Cut(out, " lines:\n")
	if !ok {
		t.Fatalf("series printed no lines:\n%s", out)
	}
	var got []string
	for row := range strings.Lines(rows) {
		var cells []string
		for k, cell := range strings.Split(strings.TrimSpace(row), " | ") {
			id, kind := strings.Fields(cell)[0], "SAME"
			for _, k := range []string{"changed", "moved", "added"} {
				if strings.HasSuffix(cell, " ("+k+")") {
					kind = strings.ToUpper(k)
				}
			}
			switch {
			case cell == "—":
				cells = append(cells, "·")
			case cell == "removed":
				cells = append(cells, "REMOVED")
			case k == 0:
				cells = append(cells, id)
			default:
				cells = append(cells, kind+" "+id)
			}
		}
		got = append(got, strings.Join(cells, "\t"))
	}
	wantFile, err := os.ReadFile(years + "lines.tsv")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(wantFile)), "\n")
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("lines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
