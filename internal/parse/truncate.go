package parse

import (
	"fmt"
	"strings"

	"github.com/policykb/policykb/internal/policy"
)

// A text of this family ends as its provisions end. truncated refuses one
// that does not, as a conversion or a copy cut short leaves it:
//
//   - the last line holding text must be a paragraph's, not a marker's or a
//     heading's (a provision announced and never written);
//   - that paragraph must close every bracket it opens;
//   - it must end as this family's sentences and items end: with 。 or with
//     the nominal こと (…ものであること); a text cut anywhere else ends
//     mid-sentence (…する, …を), mid-word (…であるこ) or mid-bracket;
//   - a whole text (not an excerpt) whose pages carry footers must end with
//     the footer of its last page: pages are closed by their footers, the
//     last one too.
//
// The cut points it cannot see are the ones that leave a text ending, like a
// sound one, after a sentence at the end of a provision on an unfooted page.
func truncated(lines []srcLine, doc *policy.Document) *Error {
	last, lastAny, footers := -1, -1, false
	for i, l := range lines {
		switch l.class {
		case clBlank:
			if l.text == "" {
				continue
			}
			last = i // a line the classifier did not reach (none today)
		case clFooter:
			footers = true
		default:
			last = i
		}
		lastAny = i
	}
	if last < 0 {
		return nil
	}
	l := lines[last]
	fail := func(format string, args ...any) *Error {
		return &Error{Line: l.no, Msg: "text looks truncated: " + fmt.Sprintf(format, args...), Kind: ErrTruncated}
	}
	switch l.class {
	case clHeading:
		return fail("it ends with the marker or heading %q, and no text follows", l.text)
	case clMarker:
		if l.m.Rest == "" {
			return fail("it ends with the marker %q, and no text follows", l.text)
		}
		for _, p := range doc.Provisions {
			if p.Line == l.no && p.HeadingLine == l.no {
				return fail("it ends with the marker or heading %q, and no text follows", l.text)
			}
		}
	}
	para, ok := lastParagraph(doc)
	if !ok {
		return fail("it ends without a paragraph")
	}
	tail := para
	if r := []rune(tail); len(r) > 16 {
		tail = "…" + string(r[len(r)-16:])
	}
	switch {
	case bracketDepthFrom(0, para) > 0:
		return fail("its last paragraph ends inside brackets: %s", tail)
	case !endsSentence(para):
		return fail("its last paragraph ends inside a sentence (not with 。 or こと): %s", tail)
	case footers && !lastFooter(lines, lastAny) && !doc.Partial:
		// An excerpt ends where it was cut from its document, mid-page as
		// often as not; its last sentence must still end.
		return fail("it has page footers but its last page has none after %s", tail)
	}
	return nil
}

// lastFooter reports whether lines[i] is a footer that closes the last page:
// the page after the one closed by the footer before it, or, as the only
// footer, page 1 or a page number as footers print it (half-width or
// decorated). A full-width number alone at the end of a text is rather
// the number of a section cut off before its heading.
func lastFooter(lines []srcLine, i int) bool {
	if lines[i].class != clFooter {
		return false
	}
	n, full, decorated, _ := pageNumber(lines[i].text)
	for j := i - 1; j >= 0; j-- {
		if lines[j].class == clFooter {
			m, _, _, _ := pageNumber(lines[j].text)
			return n == m+1
		}
	}
	return n == 1 || !full || decorated
}

// lastParagraph returns the paragraph of doc that stands last in the source.
func lastParagraph(doc *policy.Document) (string, bool) {
	best, line, ok := "", -1, false
	for _, p := range doc.Provisions {
		for i, para := range p.Paragraphs {
			if p.ParagraphLines[i] >= line {
				best, line, ok = para, p.ParagraphLines[i], true
			}
		}
	}
	return strings.TrimSpace(best), ok
}
