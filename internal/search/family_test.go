package search

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/testfixture"
)

// short writes a provision ID as year:local (2022:2.1.2).
func short(id string) string {
	doc, local, _ := policy.SplitID(id)
	return strings.TrimPrefix(doc, "cs-budget-policy-fy") + ":" + local
}

// shown is what a user sees of a hit: where it stands, and the years it
// also stands in.
func shown(h policy.SearchHit) string {
	s := short(h.ProvisionID)
	if len(h.AlsoIn) > 0 {
		var also []string
		for _, id := range h.AlsoIn {
			also = append(also, short(id))
		}
		s += " also " + strings.Join(also, " ")
	}
	if h.Partial {
		s += " (partial)"
	}
	return s
}

// TestSeries searches the policy and two later years: unchanged text is
// one hit in the latest year, the others in its alsoIn; changed text and
// new items are hits of their own; collapse off shows every year; facets
// count the provisions found per document, before paging; the filters
// narrow by year and series.
//
// The index is opened before the later years are ingested: it takes them
// by an update, document by document, not by building it whole.
func TestSeries(t *testing.T) {
	db, in := testfixture.Ingester(t)
	path := t.TempDir() + "/index"
	x := openIndex(t, path, db)
	testfixture.IngestSeries(t, in)
	if err := x.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if pub, _ := readCurrent(path); pub.Updates != 1 || pub.Docs != 35+35+36 {
		t.Errorf("published %+v: want one update, of 106 provisions", pub)
	}
	// facets are the counts of FY2020, FY2021 and FY2022, most first.
	facets := func(counts ...int) []policy.SearchFacet {
		var out []policy.SearchFacet
		for i, y := range []int{2020, 2021, 2022} {
			if counts[i] > 0 {
				out = append(out, policy.SearchFacet{DocumentID: fmt.Sprintf("cs-budget-policy-fy%d", y), Count: counts[i]})
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
		return out
	}
	tests := []struct {
		name   string
		q      string
		f      policy.SearchFilter
		first  int
		hits   []string
		total  int
		facets []policy.SearchFacet
	}{
		{"unchanged text is one hit, in the latest year; changed text one of its own", "サプライチェーン", policy.SearchFilter{}, 10, []string{
			"2020:2.1.2",
			"2022:2.1.2 also 2021:2.1.2",
			"2022:2.2.3.3 also 2021:2.2.3.3 2020:2.2.3.3",
			"2022:2.3.2 also 2021:2.3.2 2020:2.3.2",
			"2022:2.4.2 also 2021:2.4.2 2020:2.4.2",
		}, 5, facets(4, 4, 4)},
		{"facets count before paging", "サプライチェーン", policy.SearchFilter{}, 2, []string{
			"2020:2.1.2",
			"2022:2.1.2 also 2021:2.1.2",
		}, 5, facets(4, 4, 4)},
		{"collapse off: every year", "中小企業 サプライチェーン", policy.SearchFilter{NoCollapse: true}, 10, []string{
			"2021:2.1.2", "2022:2.1.2", "2020:2.1.2",
		}, 3, facets(1, 1, 1)},
		{"collapse off: every year of unchanged text", "サプライチェーン", policy.SearchFilter{NoCollapse: true}, 20, []string{
			"2020:2.1.2", "2021:2.1.2", "2022:2.1.2",
			"2020:2.2.3.3", "2021:2.2.3.3", "2022:2.2.3.3",
			"2020:2.3.2", "2021:2.3.2", "2022:2.3.2",
			"2020:2.4.2", "2021:2.4.2", "2022:2.4.2",
		}, 12, facets(4, 4, 4)},
		{"a new item is a hit of its own", "暗号", policy.SearchFilter{}, 10, []string{
			"2022:2.2.8",
			"2022:2.4.2 also 2021:2.4.2 2020:2.4.2",
		}, 2, facets(1, 1, 2)},
		{"changed text: each version once", "小規模事業者", policy.SearchFilter{}, 10, []string{
			"2022:2.1.2 also 2021:2.1.2", // as written
			"2020:2.1.2",                 // 中小企業, a near synonym
			"2022:2.4.3 also 2021:2.4.3 2020:2.4.3",
		}, 3, facets(2, 2, 2)},
		{"a year narrows", "サプライチェーン", policy.SearchFilter{FiscalYears: []int{2020}}, 10, []string{
			"2020:2.1.2", "2020:2.2.3.3", "2020:2.3.2", "2020:2.4.2",
		}, 4, facets(4, 0, 0)},
		{"two years: the latest of them shows", "暗号", policy.SearchFilter{FiscalYears: []int{2020, 2021}}, 10, []string{
			"2021:2.4.2 also 2020:2.4.2",
		}, 1, facets(1, 1, 0)},
		{"a document narrows, as its facet says", "サプライチェーン", policy.SearchFilter{DocumentID: "cs-budget-policy-fy2021"}, 10, []string{
			"2021:2.1.2", "2021:2.2.3.3", "2021:2.3.2", "2021:2.4.2",
		}, 4, facets(0, 4, 0)},
		{"the series by its ID", "暗号", policy.SearchFilter{Series: "series:cs-budget-policy"}, 10, []string{
			"2022:2.2.8",
			"2022:2.4.2 also 2021:2.4.2 2020:2.4.2",
		}, 2, facets(1, 1, 2)},
		{"the series by its key", "暗号", policy.SearchFilter{Series: policy.SeriesKey("サイバーセキュリティ関係施策に関する令和２年度予算重点化方針")}, 10, []string{
			"2022:2.2.8",
			"2022:2.4.2 also 2021:2.4.2 2020:2.4.2",
		}, 2, facets(1, 1, 2)},
		{"no such series", "暗号", policy.SearchFilter{Series: "series:nothing"}, 10, nil, 0, nil},
		{"no such year", "暗号", policy.SearchFilter{FiscalYears: []int{1999}}, 10, nil, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := x.Search(context.Background(), policy.SearchQuery{Query: tt.q, First: tt.first, Filter: tt.f})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range r.Hits {
				got = append(got, shown(h))
			}
			if !reflect.DeepEqual(got, tt.hits) || r.TotalCount != tt.total {
				t.Errorf("%s: %d hits\n%s\nwant %d\n%s", tt.q, r.TotalCount, strings.Join(got, "\n"), tt.total, strings.Join(tt.hits, "\n"))
			}
			if !reflect.DeepEqual(r.Facets, tt.facets) && (len(r.Facets) > 0 || len(tt.facets) > 0) {
				t.Errorf("facets %+v, want %+v", r.Facets, tt.facets)
			}
		})
	}
}

// TestPartialAfterFull checks that provisions holding every word of a
// query come first, then (for three words or more, or a compound of three
// parts or more) those holding most of them, marked partial; that two
// words held together add nothing looser; and that traps stay empty.
func TestPartialAfterFull(t *testing.T) {
	_, x := corpusIndex(t, "")
	tests := []struct {
		q    string
		hits []string
	}{
		{"大学 訓練 演習", []string{"2020:2.2.4", "2020:2.2.2.1 (partial)"}},
		{"人材 育成 教員", []string{"2020:2.4.1", "2020:2.4 (partial)"}},
		{"重要インフラ 防護 研究開発", []string{"2020:3", "2020:2.2.2 (partial)"}},
		{"東京大会レガシー", []string{"2020:2.2.5", "2020:2.5 (partial)"}},
		// Two words: those holding both, nothing looser.
		{"訓練 演習", []string{"2020:2.2.2.1", "2020:2.2.4"}},
		// None holds all three: those holding most, then fewer.
		{"大学 訓練 ドローン", []string{"2020:2.2.4 (partial)", "2020:2.2.2.1 (partial)", "2020:2.2.1.3 (partial)"}},
		{"xyzzy plugh", nil},
		{"京大", nil},
	}
	for _, tt := range tests {
		r := run(t, x, tt.q)
		var got []string
		for _, h := range r.Hits {
			got = append(got, shown(h))
		}
		if !reflect.DeepEqual(got, tt.hits) {
			t.Errorf("%s:\n%s\nwant\n%s", tt.q, strings.Join(got, "\n"), strings.Join(tt.hits, "\n"))
		}
	}
}
