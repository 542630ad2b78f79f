package policy

import (
	"slices"
	"strings"
	"testing"
)

func TestSeriesKey(t *testing.T) {
	const key = "サイバーセキュリティ関係施策に関する〇年度予算重点化方針"
	for _, title := range []string{
		"サイバーセキュリティ関係施策に関する令和２年度予算重点化方針",
		"サイバーセキュリティ関係施策に関する平成31年度予算重点化方針",
		"サイバーセキュリティ関係施策に関する令和元年度予算重点化方針",
		"サイバーセキュリティ関係施策に関する２０２３年度予算重点化方針",
	} {
		if got := SeriesKey(title); got != key {
			t.Errorf("SeriesKey(%q) = %q, want %q", title, got, key)
		}
	}
	if got := SeriesKey("サイバーセキュリティ戦略"); got != "" {
		t.Errorf("a title without a fiscal year: %q, want none", got)
	}
}

func TestGroupSeries(t *testing.T) {
	doc := func(id, title string, fy int) *Document { return &Document{ID: id, Title: title, FiscalYear: fy} }
	const budget = "サイバーセキュリティ関係施策に関する%s予算重点化方針"
	title := func(year string) string { return strings.Replace(budget, "%s", year, 1) }
	tests := []struct {
		name string
		docs []*Document
		want []string // "series ID: document IDs in order"
	}{
		{"none", []*Document{doc("strategy", "サイバーセキュリティ戦略", 0)}, nil},
		{"one year", []*Document{doc("cs-budget-policy-fy2020", title("令和２年度"), 2020)},
			[]string{"series:cs-budget-policy: cs-budget-policy-fy2020"}},
		{"Heisei and Reiwa, in fiscal-year order", []*Document{
			doc("cs-budget-policy-fy2020", title("令和２年度"), 2020),
			doc("cs-budget-policy-fy2016", title("平成28年度"), 2016),
			doc("cs-budget-policy-fy2019", title("平成31年度"), 2019),
			doc("strategy", "サイバーセキュリティ戦略", 0),
		}, []string{"series:cs-budget-policy: cs-budget-policy-fy2016 cs-budget-policy-fy2019 cs-budget-policy-fy2020"}},
		{"IDs without a shared stem: the first's", []*Document{
			doc("plan-b-2022", "サイバーセキュリティ2022", 0),
			doc("plan-a", "サイバーセキュリティ2021年度計画", 2021),
			doc("plan-c", "サイバーセキュリティ2022年度計画", 2022),
		}, []string{"series:plan-a: plan-a plan-c"}},
		{"two series with one stem", []*Document{
			doc("x-fy2020", "甲の令和２年度方針", 2020),
			doc("x-fy2021", "乙の令和３年度方針", 2021),
		}, []string{"series:x-62853127: x-fy2021", "series:x-b604d38e: x-fy2020"}},
		{"a numeric stem", []*Document{doc("2020-fy2020", "令和２年度の方針", 2020)}, []string{"series:s-2020: 2020-fy2020"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range GroupSeries(tt.docs) {
				ids := make([]string, len(s.Documents))
				for i, d := range s.Documents {
					ids[i] = d.ID
				}
				got = append(got, s.ID+": "+strings.Join(ids, " "))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDateAgrees(t *testing.T) {
	d := func(y, m, day int) Date { return Date{y, m, day} }
	for _, c := range []struct {
		a, b Date
		want bool
	}{
		{d(2018, 7, 27), d(2018, 7, 27), true},
		{d(2018, 7, 27), d(2018, 7, 28), false},
		{d(2018, 7, 0), d(2018, 7, 27), true},
		{d(2018, 0, 0), d(2018, 3, 1), true},
		{d(2018, 6, 0), d(2018, 7, 27), false},
		{d(2017, 7, 27), d(2018, 7, 27), false},
		{Date{}, d(2018, 7, 27), false},
	} {
		if got := c.a.Agrees(c.b); got != c.want || c.b.Agrees(c.a) != c.want {
			t.Errorf("%v agrees with %v: %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
