package policy

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func TestSeriesDocuments(t *testing.T) {
	title := func(year string) string {
		return "サイバーセキュリティ関係施策に関する" + year + "予算重点化方針"
	}
	docs := []*Document{
		{ID: "cs-budget-policy-fy2021", Title: title("令和３年度"), FiscalYear: 2021},
		{ID: "cs-budget-policy-fy2020", Title: title("令和２年度"), FiscalYear: 2020},
		{ID: "cs-strategy-2018", Title: "サイバーセキュリティ戦略"}, // no fiscal year: no series
		{ID: "other-fy2020", Title: "他の令和２年度方針", FiscalYear: 2020},
	}
	both := []string{"cs-budget-policy-fy2020", "cs-budget-policy-fy2021"}
	tests := []struct {
		series string
		want   []string
	}{
		{"series:cs-budget-policy", both},
		{SeriesKey(title("令和５年度")), both},
		{"series:other", []string{"other-fy2020"}},
		{"series:cs-strategy-2018", nil},
		{"series:nothing", nil},
		{"cs-budget-policy", both},
		{"cs-budget", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := SeriesDocuments(docs, tt.series); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SeriesDocuments(%q) = %v, want %v", tt.series, got, tt.want)
		}
	}
}

func TestDegraded(t *testing.T) {
	err := fmt.Errorf("index: %w", &Degraded{Reason: "kept in memory"})
	if reason, ok := IsDegraded(err); !ok || reason != "kept in memory" {
		t.Errorf("IsDegraded(%v) = %q, %v", err, reason, ok)
	}
	for _, err := range []error{nil, errors.New("down"), Errorf(EUNAVAILABLE, "being built")} {
		if _, ok := IsDegraded(err); ok {
			t.Errorf("IsDegraded(%v): degraded", err)
		}
	}
}

func TestAnswerBasis(t *testing.T) {
	NoteGeneration(context.Background(), 3) // nothing to note into: no effect
	ctx, b := WithAnswerBasis(context.Background())
	if _, ok := b.Oldest(); ok {
		t.Error("a generation before any was noted")
	}
	for _, g := range []int64{7, 5, 9} {
		NoteGeneration(ctx, g)
	}
	if g, ok := b.Oldest(); !ok || g != 5 {
		t.Errorf("oldest %d, %v; want 5", g, ok)
	}
}

func TestAlsoInLine(t *testing.T) {
	years := map[string]int{"cs-budget-policy-fy2021": 2021, "cs-budget-policy-fy2020": 2020}
	year := func(doc string) int { return years[doc] }
	tests := []struct {
		ids  []string
		max  int
		want string
	}{
		{nil, 5, ""},
		{[]string{"cs-budget-policy-fy2021:2.3.2", "cs-budget-policy-fy2020:2.3.2"}, 5,
			"FY2021 cs-budget-policy-fy2021:2.3.2, FY2020 cs-budget-policy-fy2020:2.3.2"},
		{[]string{"plan:1.2"}, 5, "plan:1.2"},
		{[]string{"cs-budget-policy-fy2021:1", "cs-budget-policy-fy2020:1", "plan:1"}, 1, "FY2021 cs-budget-policy-fy2021:1, and 2 more"},
	}
	for _, tt := range tests {
		if got := AlsoInLine(tt.ids, year, tt.max); got != tt.want {
			t.Errorf("AlsoInLine(%v, %d) = %q, want %q", tt.ids, tt.max, got, tt.want)
		}
	}
}
