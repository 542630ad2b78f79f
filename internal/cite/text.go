package cite

import (
	"unicode"
)

// Helpers over the runes of a provision's text.

func isHan(r rune) bool      { return unicode.Is(unicode.Han, r) || r == '々' || r == '〇' }
func isKatakana(r rune) bool { return unicode.Is(unicode.Katakana, r) || r == 'ー' }
func isAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' ||
		r >= '０' && r <= '９' || r >= 'Ａ' && r <= 'Ｚ' || r >= 'ａ' && r <= 'ｚ'
}

// isWordRune reports whether r can be part of a compound noun.
func isWordRune(r rune) bool { return isHan(r) || isKatakana(r) || isAlnum(r) }

// isNameRune reports whether r can be part of a document name: a compound
// noun, with middle dots.
func isNameRune(r rune) bool { return isWordRune(r) || r == '・' }

// Function words written in kanji that may follow a noun without making a
// compound with it: 戦略及び is a use of 戦略, 戦略本部 is not.
var followers = [][]rune{[]rune("及び"), []rune("並びに"), []rune("又は"), []rune("等"), []rune("上"), []rune("中")}

// wholeWord reports whether t[s:e] stands as a word of its own: not the tail
// or head of a compound noun.
func wholeWord(t []rune, s, e int) bool {
	if s > 0 && isWordRune(t[s-1]) {
		return false
	}
	if e < len(t) && isWordRune(t[e]) {
		for _, f := range followers {
			if hasPrefix(t[e:], f) {
				return true
			}
		}
		return false
	}
	return true
}

func hasPrefix(t, p []rune) bool {
	if len(p) > len(t) {
		return false
	}
	for i := range p {
		if t[i] != p[i] {
			return false
		}
	}
	return true
}

func hasSuffix(t, p []rune) bool {
	return len(p) <= len(t) && hasPrefix(t[len(t)-len(p):], p)
}

// index returns the first index of p in t at or after from, or -1.
func index(t, p []rune, from int) int {
	for i := max(from, 0); i+len(p) <= len(t); i++ {
		if hasPrefix(t[i:], p) {
			return i
		}
	}
	return -1
}

// closing returns the index of the bracket that closes the one at t[i]
// (（ or 「), or -1.
func closing(t []rune, i int) int {
	open := t[i]
	var close rune
	switch open {
	case '（', '(':
		close = '）'
	case '「':
		close = '」'
	default:
		return -1
	}
	depth := 0
	for j := i; j < len(t); j++ {
		switch {
		case t[j] == open || open == '（' && t[j] == '(' || open == '(' && t[j] == '（':
			depth++
		case t[j] == close || close == '）' && t[j] == ')':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// nameBefore returns the start of the name that ends at t[e], running back
// over the characters of a compound noun.
func nameBefore(t []rune, e int) int {
	s := e
	for s > 0 && isNameRune(t[s-1]) {
		s--
	}
	for s < e && t[s] == '・' {
		s++
	}
	return s
}

type span struct{ s, e int }

// cover marks the runes of a provision's text taken by citations found so
// far, so that whether a span overlaps one costs the span's length, not the
// number of citations.
type cover []bool

func newCover(n int) cover { return make(cover, n) }

func (c cover) add(s, e int) {
	for i := max(s, 0); i < e && i < len(c); i++ {
		c[i] = true
	}
}

func (c cover) overlaps(s, e int) bool {
	for i := max(s, 0); i < e && i < len(c); i++ {
		if c[i] {
			return true
		}
	}
	return false
}

// lawWindow is how many runes after a parenthesis a law number is read
// from: 令和元年法律第１２３号 and the like are far shorter.
const lawWindow = 40

// matchBrackets finds, in one pass, the bracket closing each opening one of
// t (as closing does) and the parenthesis left open at each offset (as
// openParen does), for the extractor's x.closing and x.openParen.
func (x *extractor) matchBrackets(t []rune) {
	x.closeOf = make([]int, len(t))
	x.openAt = make([]int, len(t)+1)
	var parens, quotes []int
	for i, r := range t {
		x.closeOf[i] = -1
		if n := len(parens); n > 0 {
			x.openAt[i] = parens[n-1]
		} else {
			x.openAt[i] = -1
		}
		switch r {
		case '（', '(':
			parens = append(parens, i)
		case '）', ')':
			if n := len(parens); n > 0 {
				x.closeOf[parens[n-1]] = i
				parens = parens[:n-1]
			}
		case '「':
			quotes = append(quotes, i)
		case '」':
			if n := len(quotes); n > 0 {
				x.closeOf[quotes[n-1]] = i
				quotes = quotes[:n-1]
			}
		}
	}
	if n := len(parens); n > 0 {
		x.openAt[len(t)] = parens[n-1]
	} else {
		x.openAt[len(t)] = -1
	}
}

// closing is closing(t, i) for the text of the provision being read.
func (x *extractor) closing(t []rune, i int) int {
	if len(x.closeOf) != len(t) || i < 0 || i >= len(t) {
		return closing(t, i)
	}
	return x.closeOf[i]
}

// openParen is openParen(t, k) for the text of the provision being read.
func (x *extractor) openParen(t []rune, k int) int {
	if len(x.openAt) != len(t)+1 || k < 0 || k > len(t) {
		return openParen(t, k)
	}
	return x.openAt[k]
}

// Particles that join the parts of a title: 個人情報の保護に関する法律.
var connectors = [][]rune{[]rune("に関する"), []rune("のための"), []rune("における"), []rune("に係る"), []rune("の")}

// titleBefore returns the start of the title that ends at t[e]: a name,
// extended back over connecting particles that have a name before them.
func titleBefore(t []rune, e int) int {
	s := nameBefore(t, e)
	if s == e {
		return s
	}
	for {
		extended := false
		for _, c := range connectors {
			k := s - len(c)
			if k > 0 && hasPrefix(t[k:], c) && isNameRune(t[k-1]) {
				s, extended = nameBefore(t, k), true
				break
			}
		}
		if !extended {
			return s
		}
	}
}
