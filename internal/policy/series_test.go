package policy

import "testing"

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
