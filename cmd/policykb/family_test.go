package main

import (
	"encoding/json"
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
