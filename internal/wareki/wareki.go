// Package wareki converts dates written in the Japanese era calendar (和暦),
// such as 令和元年５月２３日 or 平成28年８月, into Gregorian dates.
package wareki

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/policykb/policykb/internal/policy"
	"golang.org/x/text/unicode/norm"
)

// Eras lists the modern eras with the Gregorian year of their first year.
var eras = map[string]int{
	"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019,
}

const num = `(元|[0-9]+|[〇一二三四五六七八九十百]+)`

var dateRe = regexp.MustCompile(`^(明治|大正|昭和|平成|令和)` + num + `年(?:` + num + `月(?:` + num + `日)?)?$`)

var seirekiRe = regexp.MustCompile(`^([0-9]{4})年(?:([0-9]+)月(?:([0-9]+)日)?)?$`)

// Parse converts a 和暦 date — full-width or half-width digits or kanji
// numerals, 元年, with or without blanks between the characters — into a date
// with the precision of the source: 平成28年８月 → 2016-08. ok is false if s
// is not such a date or names an impossible one.
func Parse(s string) (d policy.Date, ok bool) {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, norm.NFKC.String(s))
	m := dateRe.FindStringSubmatch(s)
	if m == nil {
		// 西暦: 2019年5月23日.
		if m = seirekiRe.FindStringSubmatch(s); m == nil {
			return d, false
		}
		d.Year = number(m[1])
		if d.Year < 1868 || d.Year > 2999 {
			return d, false
		}
		m = append([]string{m[0], ""}, m[1:]...)
	} else {
		y := number(m[2])
		if y < 1 || y > 99 {
			return d, false
		}
		d.Year = eras[m[1]] + y - 1
	}
	if m[3] != "" {
		d.Month = number(m[3])
		if d.Month < 1 || d.Month > 12 {
			return policy.Date{}, false
		}
	}
	if m[4] != "" {
		d.Day = number(m[4])
		if d.Day < 1 || d.Day > daysIn(d.Year, d.Month) {
			return policy.Date{}, false
		}
	}
	return d, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

var kanjiDigits = map[rune]int{'〇': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// number reads 元, an ASCII number or a kanji numeral below 1000; -1 if it
// cannot.
func number(s string) int {
	if s == "元" {
		return 1
	}
	if s[0] >= '0' && s[0] <= '9' {
		n := 0
		for _, c := range s {
			n = n*10 + int(c-'0')
			if n > 9999 {
				return -1
			}
		}
		return n
	}
	// Kanji: either positional (二〇一九) or with 十/百 (二十三).
	if !strings.ContainsAny(s, "十百") {
		n := 0
		for _, r := range s {
			n = n*10 + kanjiDigits[r]
			if n > 9999 {
				return -1
			}
		}
		return n
	}
	total, cur := 0, 0
	for _, r := range s {
		switch r {
		case '百':
			if cur == 0 {
				cur = 1
			}
			total += cur * 100
			cur = 0
		case '十':
			if cur == 0 {
				cur = 1
			}
			total += cur * 10
			cur = 0
		default:
			cur = cur*10 + kanjiDigits[r]
		}
	}
	return total + cur
}

// FiscalYear finds the first era year (令和２年度, 平成31年度) in s and returns
// its Gregorian year; ok is false if there is none.
func FiscalYear(s string) (year int, ok bool) {
	m := fiscalRe.FindStringSubmatch(norm.NFKC.String(s))
	if m == nil {
		// 西暦: 2021年度.
		if m := seirekiFiscalRe.FindStringSubmatch(norm.NFKC.String(s)); m != nil {
			return number(m[1]), true
		}
		return 0, false
	}
	y := number(m[2])
	if y < 1 || y > 99 {
		return 0, false
	}
	return eras[m[1]] + y - 1, true
}

var seirekiFiscalRe = regexp.MustCompile(`(?:^|[^0-9])((?:19|20|21)[0-9]{2})年度`)

var fiscalRe = regexp.MustCompile(`(明治|大正|昭和|平成|令和)` + num + `年度`)
