package parse

import (
	"strings"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/numbering"
)

// This file decides what follows a marker: a heading on its line or on the
// next, or the first line of the provision's text.

// queueHeading notes that the marker on line i stands alone: its heading
// is on a later line. Markers alone one after another (第2 / 1) take the
// headings that follow in their order.
func (w *walker) queueHeading(i int) {
	if !key(w.lines[i].m.Style).Headed() {
		w.pending = nil
		return
	}
	if len(w.pending) > 0 {
		w.pending = append(w.pending, i)
		return
	}
	w.pending = []int{i}
}

// resolveHeadings decides for each style whether the text after its
// markers is a heading or the first line of the provision's text: by the
// lines themselves (a sentence end, a next line that runs on) where they
// tell, else by the style's habit.
func (w *walker) resolveHeadings() {
	for i := range w.lines {
		l := &w.lines[i]
		if l.class != clMarker || l.m.Rest == "" {
			continue
		}
		inf := w.info(l.m.Style)
		j := next(w.lines, i)
		for j >= 0 && (w.lines[j].class == clFooter || w.lines[j].class == clNote) {
			j = next(w.lines, j)
		}
		switch {
		case closesBlock(l.m.Rest) || !headingLike(l.m.Rest):
			inf.text++
		case j >= 0 && w.lines[j].class == clText && (runsOnParticle(w.lines[j].text) || w.full(l)):
			inf.text++
		case j < 0 || w.lines[j].class == clMarker || w.lines[j].class == clText && !w.full(l):
			inf.heading++
		}
	}
}

// headsChildren reports whether the text after the marker on line i is a
// heading though its style carries text: a short phrase, not a sentence,
// right before the markers of its children (イ 職員の研修に要する経費 /
// （ア） …).
func (w *walker) headsChildren(i int) bool {
	l := &w.lines[i]
	if closesBlock(l.m.Rest) || !headingLike(l.m.Rest) || w.full(l) {
		return false
	}
	j := next(w.lines, i)
	for j >= 0 && (w.lines[j].class == clFooter || w.lines[j].class == clNote) {
		j = next(w.lines, j)
	}
	return j >= 0 && w.lines[j].class == clMarker && len(w.paths[j]) > len(w.paths[i])
}

// full reports whether a marker line reaches the width of running text.
func (w *walker) full(l *srcLine) bool {
	lw := l.indent + l.w
	return w.width > 0 && lw >= w.width-4 && lw <= w.width+1
}

// runsOnParticle reports whether a line starts as the rest of a sentence
// does: with a particle that no sentence starts with, or a character that
// may not start a line.
func runsOnParticle(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return strings.ContainsRune("をにがのへ", r) || noStart(r)
}

// headed reports whether the text after marker m is its heading.
func (w *walker) headed(m numbering.Marker) bool {
	if closesBlock(m.Rest) {
		return false
	}
	inf := w.info(m.Style)
	if inf == nil {
		return m.Style.Headed()
	}
	if inf.text != inf.heading {
		return inf.heading > inf.text
	}
	return m.Style.Headed() && headingLike(m.Rest)
}

// sectionAhead reports whether the number n alone on line i, which could be
// a page footer or a section number, is followed before the next footer by
// the same number printed full-width before a heading: then that is the
// section, and line i the footer.
func sectionAhead(lines []srcLine, i, n int) bool {
	for j := i + 1; j < len(lines) && j <= i+500; j++ {
		m, full, decorated, ok := pageNumber(lines[j].text)
		if ok {
			return m == n && full && !decorated && nextIsHeading(lines, j)
		}
	}
	return false
}

// nextIsHeading reports whether the next non-blank line after i is a short
// heading, as follows a section number, or another marker alone (第2 / 1 /
// heading of 第2 / heading of 1), up to a few in a row.
func nextIsHeading(lines []srcLine, i int) bool {
	for alone := 0; alone < 8; alone++ {
		j := i + 1
		for ; j < len(lines) && j <= i+500; j++ {
			t := lines[j].text
			if _, _, _, footer := pageNumber(t); t == "" || footer {
				continue
			}
			break
		}
		if j >= len(lines) || j > i+500 {
			return false
		}
		t := lines[j].text
		ms := numbering.Read(t)
		if len(ms) == 0 {
			return headingLike(t) && cells(t) <= 40
		}
		if ms[0].Rest != "" {
			return false
		}
		i = j
	}
	return false
}
