package parse

import (
	"strings"

	"github.com/policykb/policykb/internal/numbering"
)

// pageNumber recognises a page footer: a line holding only a page number,
// bare ("3", "３") or decorated ("- 3 -", "— 3 —", "3 / 6", "3ページ").
func pageNumber(s string) (n int, full, decorated, ok bool) {
	if n, full, ok = numbering.DigitValue(s); ok {
		return n, full, false, true
	}
	t := strings.TrimSpace(strings.Trim(s, "-－‐–—―─~〜 　"))
	if t != s {
		if n, full, ok = numbering.DigitValue(t); ok && strings.ContainsAny(s, "-－‐–—―─~〜") {
			return n, full, true, true
		}
	}
	if d, rest := numbering.LeadingDigits(s); d != "" {
		rest = strings.TrimSpace(rest)
		if rest == "ページ" || rest == "頁" {
			n, full, ok = numbering.DigitValue(d)
			return n, full, true, ok
		}
		if strings.HasPrefix(rest, "/") || strings.HasPrefix(rest, "／") {
			_, size := firstRune(rest)
			if _, _, ok2 := numbering.DigitValue(strings.TrimSpace(rest[size:])); ok2 {
				n, full, ok = numbering.DigitValue(d)
				return n, full, true, ok
			}
		}
	}
	return 0, false, false, false
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i == 0 {
			return r, len(string(r))
		}
	}
	return 0, 0
}
