package parse

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/policy"
)

// This file is where provisions are numbered: it recognises the markers of
// each level (section １, area (1), item ①, sub-item ⅰ）) and prints labels.

// marker is a recognised numbering marker at the start of a line.
type marker struct {
	kind   policy.Kind
	number int
	raw    string // the marker as printed, with the blanks after it
	rest   string // what follows on the line
}

// maxNumber bounds the value of a marker's number. Numbers must run on one by
// one from 1, so no input the size limit admits reaches it.
const maxNumber = 1 << 40

// digitValue reads a run of ASCII or full-width digits. full reports whether
// every digit was full-width.
func digitValue(s string) (n int, full, ok bool) {
	if s == "" {
		return 0, false, false
	}
	full = true
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n = n*10 + int(r-'0')
			full = false
		case r >= '０' && r <= '９':
			n = n*10 + int(r-'０')
		default:
			return 0, false, false
		}
		// No cap on numbering, but no overflow either: a number this
		// large is out of any sequence the input can hold.
		n = min(n, maxNumber)
	}
	return n, full, true
}

// leadingDigits splits s after its leading run of ASCII or full-width digits.
func leadingDigits(s string) (digits, rest string) {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !(r >= '0' && r <= '9' || r >= '０' && r <= '９') {
			break
		}
		i += n
	}
	return s[:i], s[i:]
}

// splitBlank splits s after its leading blanks.
func splitBlank(s string) (blank, rest string) {
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	return s[:len(s)-len(t)], t
}

// pageNumber recognises a page footer: a line holding only a page number,
// bare ("3", "３") or decorated ("- 3 -", "— 3 —", "3 / 6", "3ページ").
func pageNumber(s string) (n int, full, decorated, ok bool) {
	if n, full, ok = digitValue(s); ok {
		return n, full, false, true
	}
	t := strings.TrimSpace(strings.Trim(s, "-－‐–—―─~〜 　"))
	if t != s {
		if n, full, ok = digitValue(t); ok && strings.ContainsAny(s, "-－‐–—―─~〜") {
			return n, full, true, true
		}
	}
	if d, rest := leadingDigits(s); d != "" {
		rest = strings.TrimSpace(rest)
		if rest == "ページ" || rest == "頁" {
			n, full, ok = digitValue(d)
			return n, full, true, ok
		}
		if strings.HasPrefix(rest, "/") {
			if _, _, ok2 := digitValue(strings.TrimSpace(rest[1:])); ok2 {
				n, full, ok = digitValue(d)
				return n, full, true, ok
			}
		}
	}
	return 0, false, false, false
}

// sectionMarker recognises a section number alone on a line ("２"), or
// followed by blanks and a heading ("２　重点化を図るべき分野").
func sectionMarker(s string) (m marker, full, ok bool) {
	d, rest := leadingDigits(s)
	n, full, ok := digitValue(d)
	if !ok || n == 0 {
		return m, false, false
	}
	blank, heading := splitBlank(rest)
	if heading != "" && blank == "" {
		return m, false, false
	}
	return marker{kind: policy.KindSection, number: n, raw: d + blank, rest: heading}, full, true
}

// areaMarker recognises "(1) heading" in any width of parentheses and digits.
func areaMarker(s string) (m marker, ok bool) {
	r, n := utf8.DecodeRuneInString(s)
	if r != '(' && r != '（' {
		return m, false
	}
	b1, t := splitBlank(s[n:])
	d, t := leadingDigits(t)
	num, _, ok := digitValue(d)
	if !ok || num == 0 {
		return m, false
	}
	b2, t := splitBlank(t)
	r, n2 := utf8.DecodeRuneInString(t)
	if r != ')' && r != '）' {
		return m, false
	}
	b3, rest := splitBlank(t[n2:])
	raw := s[:n] + b1 + d + b2 + t[:n2] + b3
	return marker{kind: policy.KindArea, number: num, raw: raw, rest: rest}, true
}

// itemMarker recognises "① heading": circled numbers ① to ㊿.
func itemMarker(s string) (m marker, ok bool) {
	r, n := utf8.DecodeRuneInString(s)
	num := circledValue(r)
	if num == 0 {
		return m, false
	}
	blank, rest := splitBlank(s[n:])
	return marker{kind: policy.KindItem, number: num, raw: s[:n] + blank, rest: rest}, true
}

func circledValue(r rune) int {
	switch {
	case r >= '①' && r <= '⑳':
		return int(r-'①') + 1
	case r >= '㉑' && r <= '㉟':
		return int(r-'㉑') + 21
	case r >= '㊱' && r <= '㊿':
		return int(r-'㊱') + 36
	}
	return 0
}

// romanValue returns the value of a lower-case Roman numeral written the
// usual way (i … xx … xlix … cccxcix), or 0.
func romanValue(s string) int {
	if s == "" || len(s) > 16 {
		return 0
	}
	vals := map[byte]int{'i': 1, 'v': 5, 'x': 10, 'l': 50, 'c': 100}
	n := 0
	for i := 0; i < len(s); i++ {
		v := vals[s[i]]
		if v == 0 {
			return 0
		}
		if i+1 < len(s) && vals[s[i+1]] > v {
			n -= v
		} else {
			n += v
		}
	}
	if n <= 0 || n >= 400 || roman(n) != s {
		return 0
	}
	return n
}

// roman writes n (1 to 399) as a lower-case Roman numeral.
func roman(n int) string {
	var b strings.Builder
	for _, d := range []struct {
		v int
		s string
	}{{100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}} {
		for ; n >= d.v; n -= d.v {
			b.WriteString(d.s)
		}
	}
	return b.String()
}

// subItemMarker recognises "ⅰ）text": small roman numerals (ⅰ to ⅻ, or in
// Latin letters of either width, up to xxxix) followed by a closing parenthesis, with or
// without blanks before it ("ⅲ ）").
func subItemMarker(s string) (m marker, ok bool) {
	i := 0
	var roman strings.Builder
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= 'ⅰ' && r <= 'ⅻ':
			if roman.Len() > 0 {
				return m, false
			}
			roman.WriteString([]string{"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"}[r-'ⅰ'])
			i += n
			// A single-character numeral stands alone.
			goto done
		case r == 'i' || r == 'v' || r == 'x':
			roman.WriteRune(r)
		case r == 'ｉ' || r == 'ｖ' || r == 'ｘ':
			roman.WriteRune(r - 'ｉ' + 'i')
		default:
			goto done
		}
		i += n
	}
done:
	num := romanValue(roman.String())
	if num == 0 {
		return m, false
	}
	b1, t := splitBlank(s[i:])
	r, n := utf8.DecodeRuneInString(t)
	if r != ')' && r != '）' {
		return m, false
	}
	b2, rest := splitBlank(t[n:])
	return marker{kind: policy.KindSubItem, number: num, raw: s[:i] + b1 + t[:n] + b2, rest: rest}, true
}

// labelPart prints the part a provision of kind k and number n adds to its
// parent's label: "２", "(1)", "③", "ⅰ）".
func labelPart(k policy.Kind, n int) string {
	switch k {
	case policy.KindSection:
		var b strings.Builder
		for _, c := range strconv.Itoa(n) {
			b.WriteRune(c - '0' + '０')
		}
		return b.String()
	case policy.KindArea:
		return "(" + strconv.Itoa(n) + ")"
	case policy.KindItem:
		switch {
		case n <= 20:
			return string(rune('①' + n - 1))
		case n <= 35:
			return string(rune('㉑' + n - 21))
		case n <= 50:
			return string(rune('㊱' + n - 36))
		}
		return "(" + strconv.Itoa(n) + ")"
	case policy.KindSubItem:
		if n <= 12 {
			return string(rune('ⅰ'+n-1)) + "）"
		}
		if n < 400 {
			return roman(n) + "）"
		}
		return strconv.Itoa(n) + "）"
	}
	return ""
}
