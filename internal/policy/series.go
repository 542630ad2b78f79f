package policy

import (
	"regexp"
	"strings"
)

// fiscalYearInTitle matches the fiscal year a title names: 令和２年度, 平成31年度,
// 令和元年度, 2021年度, in digits of either width or in kanji numerals.
var fiscalYearInTitle = regexp.MustCompile(`(?:明治|大正|昭和|平成|令和)\s*(?:元|[0-9０-９]+|[〇一二三四五六七八九十]+)\s*年度|(?:19|20|21|１９|２０|２１)[0-9０-９]{2}\s*年度`)

// SeriesKey returns what documents of one series share: the title with its
// fiscal year taken out (サイバーセキュリティ関係施策に関する令和２年度予算重点化方針
// and …平成31年度… give the same key), and "" for a title that names no
// fiscal year, which belongs to no series.
func SeriesKey(title string) string {
	if !fiscalYearInTitle.MatchString(title) {
		return ""
	}
	return strings.Join(strings.Fields(fiscalYearInTitle.ReplaceAllString(title, "〇年度")), "")
}
