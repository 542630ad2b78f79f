// Package numbering is where provisions are numbered: the markers of
// Japanese official texts (第1部, 第１, １, (1), ①, ア, (ア), a, ⅰ） …) as
// data, read from the start of a line, ordered against each other, and
// printed again.
//
// A marker has a Style: its kind of numeral and its frame (bare, in
// parentheses). A document's scheme is the styles it uses, nested in the
// order the parser finds them; where styles meet for the first time, their
// Rank (the order of official writing, outermost first) decides which
// encloses the other. The parser (package parse), label lookup (package
// label), the citation finder's internal references (package cite) and the
// pages all read markers through this package.
package numbering

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is a kind of numeral, with the words around it.
type Kind int

// The kinds of marker, outermost first in the order of official writing.
const (
	Part    Kind = iota // 第1部
	Chapter             // 第1章
	Clause              // 第1節
	Dai                 // 第1, 第１, 第一
	Roman               // I. II. Ⅰ Ⅱ
	Arabic              // 1, 1., １, １．
	Decimal             // 1.1, 1.1.1 (a chain of the numbers of its parents)
	Paren               // (1), （１）
	Circled             // ①
	Kana                // ア, (ア)
	Latin               // a., (a)
	Small               // ⅰ）, i), (i): small Roman numerals
)

// Frame is what surrounds a numeral: nothing or a dot after it, a pair of
// parentheses, or a closing parenthesis.
type Frame int

// The frames.
const (
	Bare   Frame = iota // 1, 1., ア
	Paren2              // (ア), (a): parentheses around
	Close               // ア）, a)
)

// Style is a kind of marker in a frame: one level of a document's scheme.
// Depth is the length of a decimal chain (2 for 1.1), 0 for other kinds.
type Style struct {
	Kind  Kind
	Frame Frame
	Depth int
}

// Rank orders styles outermost first: a style of lower rank encloses one of
// higher rank where a document has not shown otherwise.
func (s Style) Rank() int { return (int(s.Kind)*4+int(s.Frame))*64 + min(s.Depth, 63) }

// Grouping reports whether a level of this style may be left out in one
// part of a document and present in another (第2部 directly followed by
// 第1, where 第1部 had chapters): parts, chapters and clauses.
func (s Style) Grouping() bool { return s.Kind <= Clause }

// Headed reports whether markers of this style carry a heading by default
// (第１ 基本的な考え方, (1) 経済社会の…) rather than the first line of their
// text (ア 〇〇を推進する。, ⅰ）…). A document may show otherwise.
func (s Style) Headed() bool {
	switch s.Kind {
	case Kana, Latin, Small:
		return false
	}
	return true
}

// Marker is a marker read from the start of a line.
type Marker struct {
	Style  Style
	Number int    // the ordinal: 3 for ③, ウ, c, ⅲ, 第３; the last number of a decimal chain
	Chain  []int  // a decimal chain's numbers, 1.2.3 → [1 2 3]; nil otherwise
	Full   bool   // digits printed in full width
	Raw    string // the marker as printed, with the blanks that follow it
	Rest   string // what follows on the line
}

// MaxNumber bounds the value of a marker's number. Numbers must run on one
// by one, so no input the parser admits reaches it.
const MaxNumber = 1 << 40

// Read returns the markers that the start of line t can be read as, most
// likely first: usually none or one; two where the same characters are two
// numerals ((i) is the ninth Latin letter or the first small Roman
// numeral). Read takes t without leading blanks.
func Read(t string) []Marker {
	var out []Marker
	add := func(m Marker, ok bool) {
		if ok {
			out = append(out, m)
		}
	}
	r, _ := utf8.DecodeRuneInString(t)
	switch {
	case r == '第':
		add(dai(t))
	case r == '(' || r == '（':
		add(paren(t))
		if m, ok := paren(t); ok && m.Style.Kind == Small {
			if l, ok := latinIn(t); ok {
				out = append(out, l)
			}
		}
	case isDigit(r):
		add(arabic(t))
	case circledValue(r) > 0:
		n := circledValue(r)
		_, size := utf8.DecodeRuneInString(t)
		blank, rest := splitBlank(t[size:])
		out = append(out, Marker{Style: Style{Kind: Circled}, Number: n, Raw: t[:size] + blank, Rest: rest})
	case r >= 'Ⅰ' && r <= 'Ⅻ':
		add(romanUpper(t))
	case r == 'I' || r == 'V' || r == 'X':
		add(romanUpper(t))
	case kanaValue(r) > 0:
		add(kanaBare(t))
	case r >= 'ⅰ' && r <= 'ⅻ' || r == 'i' || r == 'v' || r == 'x' || r == 'ｉ' || r == 'ｖ' || r == 'ｘ':
		add(small(t))
		if m, ok := latinBare(t); ok {
			out = append(out, m)
		}
	case r >= 'a' && r <= 'z' || r >= 'ａ' && r <= 'ｚ':
		add(latinBare(t))
	}
	return out
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

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
		n = min(n, MaxNumber)
	}
	return n, full, true
}

// DigitValue reads a run of ASCII or full-width digits; full reports
// whether every digit was full-width.
func DigitValue(s string) (n int, full, ok bool) { return digitValue(s) }

// LeadingDigits splits s after its leading run of ASCII or full-width digits.
func LeadingDigits(s string) (digits, rest string) { return splitRun(s, isDigit) }

// splitBlank splits s after its leading blanks.
func splitBlank(s string) (blank, rest string) { return splitRun(s, unicode.IsSpace) }

// splitRun splits s after its leading run of runes for which f holds.
func splitRun(s string, f func(rune) bool) (run, rest string) {
	t := strings.TrimLeftFunc(s, f)
	return s[:len(s)-len(t)], t
}

// kanjiValue reads kanji numerals (一 … 九十九, 百): 0 if s is not one.
func kanjiValue(s string) int {
	digits := map[rune]int{'〇': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	n, cur := 0, 0
	for _, r := range s {
		switch r {
		case '十':
			n += max(cur, 1) * 10
			cur = 0
		case '百':
			n += max(cur, 1) * 100
			cur = 0
		default:
			d, ok := digits[r]
			if !ok {
				return 0
			}
			cur = cur*10 + d
		}
	}
	return n + cur
}

func isKanjiDigit(r rune) bool {
	return strings.ContainsRune("〇一二三四五六七八九十百", r)
}

// dai reads 第N部, 第N章, 第N節 and 第N, in Arabic digits of either width or
// in kanji numerals.
func dai(t string) (Marker, bool) {
	s := t[len("第"):]
	_, s = splitBlank(s)
	d, rest := LeadingDigits(s)
	n, full, ok := digitValue(d)
	if !ok {
		d, rest = splitRun(s, isKanjiDigit)
		n, full, ok = kanjiValue(d), true, d != ""
	}
	if !ok || n == 0 {
		return Marker{}, false
	}
	b1, rest := splitBlank(rest)
	kind := Dai
	suffix := ""
	for _, k := range []struct {
		s string
		k Kind
	}{{"部", Part}, {"章", Chapter}, {"節", Clause}} {
		// Extraction may leave a blank before the word: 第 1 部.
		if strings.HasPrefix(rest, k.s) {
			kind, suffix = k.k, k.s
		}
	}
	if kind == Dai {
		// 第１ stands alone or before a blank: 第2条, 第3回 and 第1四半期
		// are words.
		if rest != "" && b1 == "" {
			return Marker{}, false
		}
		return Marker{Style: Style{Kind: Dai}, Number: n, Full: full, Raw: t[:len(t)-len(rest)], Rest: rest}, true
	}
	rest = rest[len(suffix):]
	blank, rest := splitBlank(rest)
	return Marker{Style: Style{Kind: kind}, Number: n, Full: full, Raw: t[:len(t)-len(rest)-len(blank)] + blank, Rest: rest}, true
}

// arabic reads 1, 1., １．, and the decimal chains 1.1, 1.1.1.
func arabic(t string) (Marker, bool) {
	d, rest := LeadingDigits(t)
	n, full, _ := digitValue(d)
	if n == 0 {
		return Marker{}, false
	}
	chain := []int{n}
	s := rest
	dot := false
	for {
		r, size := utf8.DecodeRuneInString(s)
		if r != '.' && r != '．' {
			break
		}
		d2, after := LeadingDigits(s[size:])
		if d2 == "" {
			// A dot that ends the marker: 1. or 1.1.
			s, dot = s[size:], true
			break
		}
		m, f2, _ := digitValue(d2)
		if m == 0 || len(chain) == 63 {
			return Marker{}, false
		}
		chain, s, full = append(chain, m), after, full && f2
	}
	blank, rest2 := splitBlank(s)
	if rest2 != "" && blank == "" && !dot {
		return Marker{}, false
	}
	raw := t[:len(t)-len(rest2)]
	if len(chain) > 1 {
		return Marker{Style: Style{Kind: Decimal, Depth: len(chain)}, Number: chain[len(chain)-1], Chain: chain,
			Full: full, Raw: raw, Rest: rest2}, true
	}
	return Marker{Style: Style{Kind: Arabic}, Number: n, Full: full, Raw: raw, Rest: rest2}, true
}

// paren reads a numeral in parentheses: (1), （１）, (ア), (a), (i).
func paren(t string) (Marker, bool) {
	_, n := utf8.DecodeRuneInString(t)
	_, s := splitBlank(t[n:])
	var m Marker
	switch r, _ := utf8.DecodeRuneInString(s); {
	case isDigit(r):
		d, rest := LeadingDigits(s)
		num, full, _ := digitValue(d)
		if num == 0 {
			return m, false
		}
		m, s = Marker{Style: Style{Kind: Paren}, Number: num, Full: full}, rest
	case kanaValue(r) > 0:
		_, size := utf8.DecodeRuneInString(s)
		m, s = Marker{Style: Style{Kind: Kana, Frame: Paren2}, Number: kanaValue(r)}, s[size:]
	default:
		v, size := smallValue(s)
		if v > 0 {
			m, s = Marker{Style: Style{Kind: Small, Frame: Paren2}, Number: v}, s[size:]
		} else if l, size := latinValue(s); l > 0 {
			m, s = Marker{Style: Style{Kind: Latin, Frame: Paren2}, Number: l}, s[size:]
		} else {
			return m, false
		}
	}
	_, s = splitBlank(s)
	r, n2 := utf8.DecodeRuneInString(s)
	if r != ')' && r != '）' {
		return Marker{}, false
	}
	b3, rest := splitBlank(s[n2:])
	m.Raw = t[:len(t)-len(s)] + s[:n2] + b3
	m.Rest = rest
	return m, true
}

// latinIn reads (i), (v), (x) as Latin letters.
func latinIn(t string) (Marker, bool) {
	m, ok := paren(t)
	if !ok {
		return m, false
	}
	_, n := utf8.DecodeRuneInString(t)
	_, s := splitBlank(t[n:])
	l, size := latinValue(s)
	if l == 0 || size != len(strings.TrimRightFunc(strings.SplitN(strings.SplitN(s, ")", 2)[0], "）", 2)[0], unicode.IsSpace)) {
		return m, false
	}
	m.Style, m.Number = Style{Kind: Latin, Frame: Paren2}, l
	return m, true
}

// kanaValue returns the ordinal of a katakana in the order of the syllabary
// used for numbering (ア イ ウ エ オ カ …), or 0.
func kanaValue(r rune) int {
	const order = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
	if i := strings.IndexRune(order, r); i >= 0 {
		return utf8.RuneCountInString(order[:i]) + 1
	}
	return 0
}

// kanaBare reads ア followed by a blank, a dot or a closing parenthesis.
func kanaBare(t string) (Marker, bool) {
	r, n := utf8.DecodeRuneInString(t)
	s := t[n:]
	frame := Bare
	switch {
	case strings.HasPrefix(s, "）") || strings.HasPrefix(s, ")"):
		frame = Close
		_, k := utf8.DecodeRuneInString(s)
		s = s[k:]
	case strings.HasPrefix(s, "．") || strings.HasPrefix(s, "."):
		_, k := utf8.DecodeRuneInString(s)
		s = s[k:]
	}
	blank, rest := splitBlank(s)
	if frame == Bare && blank == "" && rest != "" && len(s) == len(t[n:]) {
		return Marker{}, false
	}
	return Marker{Style: Style{Kind: Kana, Frame: frame}, Number: kanaValue(r), Raw: t[:len(t)-len(rest)], Rest: rest}, true
}

// latinValue reads one lower-case Latin letter of either width.
func latinValue(s string) (int, int) {
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case r >= 'a' && r <= 'z':
		return int(r-'a') + 1, n
	case r >= 'ａ' && r <= 'ｚ':
		return int(r-'ａ') + 1, n
	}
	return 0, 0
}

// latinBare reads a. or a) (a letter alone before a blank is a word).
func latinBare(t string) (Marker, bool) {
	v, n := latinValue(t)
	if v == 0 {
		return Marker{}, false
	}
	s := t[n:]
	frame := Bare
	r, k := utf8.DecodeRuneInString(s)
	switch r {
	case '.', '．':
	case ')', '）':
		frame = Close
	default:
		return Marker{}, false
	}
	blank, rest := splitBlank(s[k:])
	if rest != "" && blank == "" && frame == Bare {
		return Marker{}, false
	}
	return Marker{Style: Style{Kind: Latin, Frame: frame}, Number: v, Raw: t[:len(t)-len(rest)], Rest: rest}, true
}

// smallValue reads a small Roman numeral: ⅰ … ⅻ, or i, v and x in Latin
// letters of either width (up to xxxix), and returns its value and size.
func smallValue(s string) (int, int) {
	r, n := utf8.DecodeRuneInString(s)
	if r >= 'ⅰ' && r <= 'ⅻ' {
		return int(r-'ⅰ') + 1, n
	}
	i := 0
	var b strings.Builder
	for i < len(s) && b.Len() < 16 {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 'i' || r == 'v' || r == 'x':
			b.WriteRune(r)
		case r == 'ｉ' || r == 'ｖ' || r == 'ｘ':
			b.WriteRune(r - 'ｉ' + 'i')
		default:
			return RomanValue(b.String()), i
		}
		i += n
	}
	return RomanValue(b.String()), i
}

// small reads ⅰ）, ⅲ ）, iv), i. — a small Roman numeral before a closing
// parenthesis or a dot.
func small(t string) (Marker, bool) {
	v, n := smallValue(t)
	if v == 0 {
		return Marker{}, false
	}
	_, s := splitBlank(t[n:])
	r, k := utf8.DecodeRuneInString(s)
	switch r {
	case ')', '）', '.', '．':
	default:
		return Marker{}, false
	}
	b2, rest := splitBlank(s[k:])
	return Marker{Style: Style{Kind: Small}, Number: v, Raw: t[:len(t)-len(s)] + s[:k] + b2, Rest: rest}, true
}

// romanUpper reads I. II. Ⅳ． and Ⅰ before a blank.
func romanUpper(t string) (Marker, bool) {
	var v, i int
	r, n := utf8.DecodeRuneInString(t)
	if r >= 'Ⅰ' && r <= 'Ⅻ' {
		v, i = int(r-'Ⅰ')+1, n
	} else {
		for i < len(t) && i < 16 && strings.IndexByte("IVXLC", t[i]) >= 0 {
			i++
		}
		v = RomanValue(strings.ToLower(t[:i]))
	}
	if v == 0 {
		return Marker{}, false
	}
	s := t[i:]
	dot := false
	// Extraction may leave a blank before the dot: Ⅱ ．
	if _, after := splitBlank(s); after != "" {
		if r, k := utf8.DecodeRuneInString(after); r == '.' || r == '．' {
			s, dot = after[k:], true
		}
	}
	blank, rest := splitBlank(s)
	if !dot && blank == "" && rest != "" {
		return Marker{}, false
	}
	return Marker{Style: Style{Kind: Roman}, Number: v, Raw: t[:len(t)-len(rest)], Rest: rest}, true
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

// RomanValue returns the value of a lower-case Roman numeral written the
// usual way (i … xx … xlix … cccxcix), or 0.
func RomanValue(s string) int {
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

// digits prints n in half-width or full-width digits.
func digits(n int, full bool) string {
	s := strconv.Itoa(n)
	if !full {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		b.WriteRune(c - '0' + '０')
	}
	return b.String()
}

// Format prints the marker of style s with number n (and, for a decimal
// chain, the numbers of its parents) as a label shows it: the digits in the
// width given, the frame of the style. The FY2020 policy's markers print as
// ２, (2), ③ and ⅰ）.
func Format(s Style, n int, chain []int, full bool) string {
	switch s.Kind {
	case Part, Chapter, Clause:
		return "第" + digits(n, full) + map[Kind]string{Part: "部", Chapter: "章", Clause: "節"}[s.Kind]
	case Dai:
		return "第" + digits(n, full)
	case Roman:
		if n <= 12 {
			return string(rune('Ⅰ' + n - 1))
		}
		return strings.ToUpper(roman(min(n, 399)))
	case Arabic:
		return digits(n, full)
	case Decimal:
		parts := make([]string, 0, len(chain))
		for _, c := range chain {
			parts = append(parts, digits(c, full))
		}
		if len(chain) == 0 {
			parts = append(parts, digits(n, full))
		}
		return strings.Join(parts, ".")
	case Paren:
		return "(" + strconv.Itoa(n) + ")"
	case Circled:
		switch {
		case n <= 20:
			return string(rune('①' + n - 1))
		case n <= 35:
			return string(rune('㉑' + n - 21))
		case n <= 50:
			return string(rune('㊱' + n - 36))
		}
		return "(" + strconv.Itoa(n) + ")"
	case Kana:
		const order = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
		rs := []rune(order)
		k := strconv.Itoa(n)
		if n >= 1 && n <= len(rs) {
			k = string(rs[n-1])
		}
		switch s.Frame {
		case Paren2:
			return "(" + k + ")"
		case Close:
			return k + "）"
		}
		return k
	case Latin:
		k := strconv.Itoa(n)
		if n >= 1 && n <= 26 {
			k = string(rune('a' + n - 1))
		}
		switch s.Frame {
		case Paren2:
			return "(" + k + ")"
		case Close:
			return k + ")"
		}
		return k
	case Small:
		var k string
		switch {
		case n <= 12 && s.Frame != Paren2:
			return string(rune('ⅰ'+n-1)) + "）"
		case n < 400:
			k = roman(n)
		default:
			k = strconv.Itoa(n)
		}
		if s.Frame == Paren2 {
			return "(" + k + ")"
		}
		return k + "）"
	}
	return strconv.Itoa(n)
}

// LevelName is what messages call a provision at level (1 outermost):
// section, area, item, sub-item, point.
func LevelName(level int) string {
	switch level {
	case 0:
		return "preamble"
	case 1:
		return "section"
	case 2:
		return "area"
	case 3:
		return "item"
	case 4:
		return "sub-item"
	}
	return "point"
}
