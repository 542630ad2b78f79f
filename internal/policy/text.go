package policy

import "strings"

// NormalText is a document's text with the differences that do not change
// it removed: line breaks (CRLF and CR) become LF, a leading byte-order
// mark is dropped, and line breaks at the end are dropped. Two files hold
// the same text when their decoded texts have the same NormalText,
// whatever their encodings.
func NormalText(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return strings.TrimRight(s, "\n")
}

// SameText reports whether two decoded texts are the same text (see
// NormalText).
func SameText(a, b string) bool {
	if a == b {
		return true
	}
	return NormalText(a) == NormalText(b)
}

// LineBreaks names the line breaks of s: "LF", "CRLF", "CR", "mixed", or
// "no" where it has none.
func LineBreaks(s string) string {
	crlf := strings.Count(s, "\r\n")
	cr := strings.Count(s, "\r") - crlf
	lf := strings.Count(s, "\n") - crlf
	kinds := 0
	name := "no"
	for _, k := range []struct {
		n    int
		name string
	}{{lf, "LF"}, {crlf, "CRLF"}, {cr, "CR"}} {
		if k.n > 0 {
			kinds++
			name = k.name
		}
	}
	if kinds > 1 {
		return "mixed"
	}
	return name
}
