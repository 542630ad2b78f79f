package corpusgen

import (
	"context"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
)

// TestYear prints the policy of later years, edited, and parses them back:
// the same series, the year's ID, the edits and the new item, every other
// provision's text as it was.
func TestYear(t *testing.T) {
	shipped, err := ShippedPolicy()
	if err != nil {
		t.Fatal(err)
	}
	text := map[string]string{}
	for _, p := range shipped.Provisions {
		text[localOf(p.ID)] = p.Text()
	}
	f, err := Year(2022, EditText("2.1.2", "中小企業", "中小企業・小規模事業者"),
		AddItem("2.2", "量子技術への備え", "量子計算機の実用化を見据えた暗号の移行を進める施策であること"))
	if err != nil {
		t.Fatal(err)
	}
	src := f.Data
	doc, err := parse.Document(context.Background(), "fy2022.txt", src, parse.Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	if doc.ID != "cs-budget-policy-fy2022" || doc.FiscalYear != 2022 || policy.SeriesKey(doc.Title) != policy.SeriesKey(shipped.Title) {
		t.Errorf("document %s, fiscal year %d, title %q", doc.ID, doc.FiscalYear, doc.Title)
	}
	if len(doc.Provisions) != len(shipped.Provisions)+1 {
		t.Errorf("%d provisions, want %d", len(doc.Provisions), len(shipped.Provisions)+1)
	}
	for _, p := range doc.Provisions {
		id := localOf(p.ID)
		switch id {
		case "preamble":
			if want := strings.ReplaceAll(text[id], "令和２年度", "令和４年度"); p.Text() != want {
				t.Errorf("preamble %q, want %q", p.Text(), want)
			}
		case "2.1.2":
			if p.Text() == text[id] {
				t.Errorf("2.1.2 not edited: %q", p.Text())
			}
		case "2.2.8":
			if p.Label != "２(2)⑧" || p.Heading != "量子技術への備え" {
				t.Errorf("new item: %s %q", p.Label, p.Heading)
			}
		default:
			if p.Text() != text[id] {
				t.Errorf("%s: %q, want %q", id, p.Text(), text[id])
			}
		}
	}
	if _, err := Year(2030, EditText("2.1.2", "存在しない語", "x")); err == nil {
		t.Error("an edit of text the provision does not hold succeeded")
	}
}
