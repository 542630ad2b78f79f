package wareki

import (
	"regexp"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/policy"
)

var prefixRe = regexp.MustCompile(`^(明治|大正|昭和|平成|令和)(元|[0-9０-９]+)年(?:([0-9０-９]+)月(?:([0-9０-９]+)日)?)?`)

// Prefix parses a 和暦 date at the start of s, in full-width or half-width
// digits, and returns it with its length in runes. ok is false if s does not
// start with a valid date.
func Prefix(s string) (d policy.Date, runes int, ok bool) {
	m := prefixRe.FindString(s)
	if m == "" {
		return d, 0, false
	}
	d, ok = Parse(m)
	return d, utf8.RuneCountInString(m), ok
}

var lawNumberRe = regexp.MustCompile(`^(明治|大正|昭和|平成|令和)(元|[0-9０-９]+)年法律第([0-9０-９]+)号`)

// LawNumber parses a law number such as 平成26年法律第104号 at the start of s.
// It returns the number in half-width digits, the year of the law, its
// length in runes, and a compact slug ("h26-104").
func LawNumber(s string) (num string, year int, runes int, slug string, ok bool) {
	m := lawNumberRe.FindStringSubmatch(s)
	if m == nil {
		return "", 0, 0, "", false
	}
	y := number(halfWidth(m[2]))
	if y < 1 {
		return "", 0, 0, "", false
	}
	n := halfWidth(m[3])
	era := map[string]string{"明治": "m", "大正": "t", "昭和": "s", "平成": "h", "令和": "r"}[m[1]]
	yy := halfWidth(m[2])
	slugYear := yy
	if yy == "元" {
		slugYear = "1"
	}
	return m[1] + yy + "年法律第" + n + "号", eras[m[1]] + y - 1, utf8.RuneCountInString(m[0]), era + slugYear + "-" + n, true
}

func halfWidth(s string) string {
	b := []rune(s)
	for i, r := range b {
		if r >= '０' && r <= '９' {
			b[i] = r - '０' + '0'
		}
	}
	return string(b)
}
