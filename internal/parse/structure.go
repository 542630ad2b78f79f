package parse

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/numbering"
	"github.com/policykb/policykb/internal/policy"
)

// This file decides what each line of a text is — header, page footer,
// footnote, marker, heading or running text — and nests the markers into
// the document's scheme (see package numbering).
//
// Numbering is strict. A marker is taken when it comes next in the
// numbering: the number after its previous sibling, or the first number of
// its style under a new parent (any number where an excerpt's level first
// appears). Its parent is the innermost open level that ranks above it,
// where the document has not shown that another level stands between: a
// level the document has nested elsewhere may be left out only where it
// groups (部, 章, 節). A line that has the form of a marker line but another
// number is an error naming what was found and what was expected, when it
// stands where a marker may stand: after a header, heading or marker line,
// after a line that ends a sentence (。 or こと) with every bracket closed,
// or after a short line. The same line inside running text (after a line
// that stops mid-sentence, or when the marker runs into a particle, as in
// "(2)に掲げる") is text.

// level is an open level of the numbering while the lines are walked.
type level struct {
	style  numbering.Style // the style's key (see key)
	number int
	chain  []int
	path   []int // the ordinals of the provision and its ancestors
	raw    string
	full   bool
}

// styleInfo is what the walk has learned of a style.
type styleInfo struct {
	parent    numbering.Style // the style of the level that enclosed it first
	hasParent bool
	level     int
	example   numbering.Marker
	// votes for the marker's rest being a heading or the first line of text.
	heading, text int
}

// key is the style markers are nested by: small Roman numerals are one
// level whatever their frame (ⅰ）, (i)).
func key(s numbering.Style) numbering.Style {
	if s.Kind == numbering.Small {
		s.Frame = numbering.Bare
	}
	return s
}

type walker struct {
	c       *canceller
	lines   []srcLine
	partial bool
	stack   []level
	seen    map[numbering.Style]*styleInfo
	ids     map[string]int // provision path → line number, to refuse duplicates
	paths   map[int][]int  // line index of a marker → the ordinals of its provision and its ancestors
	// pending: marker lines, standing alone, whose headings are yet to come.
	pending []int
	notes   []note
	noteN   int // the number of the last footnote
	width   int // the width, in cells, of a full line of running text
}

func (w *walker) info(s numbering.Style) *styleInfo {
	return w.seen[key(s)]
}

// place finds where marker m would stand: the index in the stack of its
// parent (-1 at the top), the number it must have (-1 where any will do),
// and its level; err where a level it needs is missing.
func (w *walker) place(m numbering.Marker) (parent, want, lvl int, err string) {
	k := key(m.Style)
	for i, l := range w.stack {
		if l.style == k {
			if k.Kind == numbering.Decimal && i > 0 && !sameChain(w.stack[i-1], m.Chain) {
				break
			}
			return i - 1, l.number + 1, i + 1, ""
		}
	}
	parent = -1
	for i := len(w.stack) - 1; i >= 0; i-- {
		if w.stack[i].style.Rank() < k.Rank() {
			parent = i
			break
		}
	}
	if k.Kind == numbering.Decimal {
		// A chain nests under the level whose numbers it continues.
		parent = -1
		for i := len(w.stack) - 1; i >= 0; i-- {
			if sameChain(w.stack[i], m.Chain) {
				parent = i
				break
			}
		}
	}
	want = 1
	inf := w.info(k)
	if w.partial && inf == nil {
		want = -1
	}
	lvl = parent + 2
	if inf != nil && inf.hasParent {
		// The document nested this style before: the level that held it
		// must be open, unless it only groups.
		pk := inf.parent
		if parent < 0 || w.stack[parent].style != pk {
			open := false
			for _, l := range w.stack[:parent+1] {
				if l.style == pk {
					open = true
				}
			}
			if !open && !pk.Grouping() && (parent < 0 || w.stack[parent].style.Rank() < pk.Rank()) {
				pi := w.seen[pk]
				return parent, want, inf.level, fmt.Sprintf("expected %s %s before it", numbering.LevelName(pi.level),
					numbering.Format(pk, 1, firstChain(pk), pi.example.Full))
			}
		}
	}
	return parent, want, lvl, ""
}

// sameChain reports whether a decimal chain continues the numbers of open
// level l: 1.2.3 under 1.2, 1.2 under 1.
func sameChain(l level, chain []int) bool {
	if len(chain) < 2 {
		return false
	}
	prefix := chain[:len(chain)-1]
	own := l.chain
	if own == nil {
		own = []int{l.number}
	}
	if len(own) != len(prefix) {
		return false
	}
	for i := range own {
		if own[i] != prefix[i] {
			return false
		}
	}
	return l.style.Kind == numbering.Arabic || l.style.Kind == numbering.Decimal
}

func firstChain(s numbering.Style) []int {
	if s.Kind != numbering.Decimal {
		return nil
	}
	c := make([]int, s.Depth)
	for i := range c {
		c[i] = 1
	}
	return c
}

// accept opens the level of marker m, read on line i, under stack[parent].
func (w *walker) accept(i int, m numbering.Marker, parent, lvl int) *Error {
	l := &w.lines[i]
	k := key(m.Style)
	var path []int
	if parent >= 0 {
		path = append(path, w.stack[parent].path...)
	}
	path = append(path, m.Number)
	id := policy.ProvisionID("", path)
	if prev, dup := w.ids[id]; dup {
		return &Error{Line: l.no, Msg: fmt.Sprintf("%s %s repeats the number of the provision at line %d (%s)",
			numbering.LevelName(len(path)), strings.TrimSpace(m.Raw), prev, strings.TrimPrefix(id, ":"))}
	}
	w.ids[id] = l.no
	w.paths[i] = path
	w.stack = append(w.stack[:parent+1], level{style: k, number: m.Number, chain: m.Chain, path: path, raw: m.Raw, full: m.Full})
	if w.seen[k] == nil {
		inf := &styleInfo{level: len(path), example: m}
		if parent >= 0 {
			inf.parent, inf.hasParent = w.stack[parent].style, true
		}
		w.seen[k] = inf
	}
	l.class, l.m = clMarker, m
	return nil
}

// outOfSequence is the error for marker m, found on line where the
// numbering wants another number (want; -1 for any).
func (w *walker) outOfSequence(line int, m numbering.Marker, parent, want, lvl int, missing string) *Error {
	found := numbering.LevelName(lvl) + " " + strings.TrimSpace(m.Raw)
	if missing != "" {
		return &Error{Line: line, Msg: fmt.Sprintf("%s out of sequence: %s", found, missing)}
	}
	k := key(m.Style)
	full := m.Full
	prev := -1
	var prevChain []int
	for i, l := range w.stack {
		if l.style == k && i == parent+1 {
			prev, full, prevChain = l.number, l.full, l.chain
		}
	}
	if inf := w.info(k); inf != nil && prev < 0 {
		full = inf.example.Full
	}
	chainFor := func(n int) []int {
		if k.Kind != numbering.Decimal {
			return nil
		}
		var c []int
		if prevChain != nil {
			c = append(c, prevChain[:len(prevChain)-1]...)
		} else if parent >= 0 {
			pl := w.stack[parent]
			if pl.chain != nil {
				c = append(c, pl.chain...)
			} else {
				c = append(c, pl.number)
			}
		}
		return append(c, n)
	}
	msg := "expected " + numbering.Format(m.Style, want, chainFor(want), full)
	if prev > 0 {
		msg += " after " + numbering.Format(m.Style, prev, chainFor(prev), full)
	}
	return &Error{Line: line, Msg: fmt.Sprintf("%s out of sequence: %s", found, msg)}
}

// classify decides what each line is: header, footer, footnote, marker,
// heading or text.
func classify(c *canceller, lines []srcLine, opt Options) (*walker, *Error) {
	i, err := header(lines, opt)
	if err != nil {
		return nil, err
	}
	w := &walker{c: c, lines: lines, partial: opt.Partial, seen: map[numbering.Style]*styleInfo{}, ids: map[string]int{}, paths: map[int][]int{}}
	w.width = fullWidth(lines)
	return w, w.walk(i)
}

// next returns the index of the first non-blank line after i, or -1.
func next(lines []srcLine, i int) int {
	for i++; i < len(lines); i++ {
		if lines[i].text != "" {
			return i
		}
	}
	return -1
}

// fullWidth estimates the width, in cells, of a full line of running text:
// the width most lines of 20 cells or more reach, give or take a cell.
func fullWidth(lines []srcLine) int {
	count := map[int]int{}
	for _, l := range lines {
		if w := l.indent + l.w; w >= 20 && w <= 400 {
			count[w]++
		}
	}
	best, bestN := 0, 0
	for w, n := range count {
		if m := n + count[w-1] + count[w+1]; m > bestN || m == bestN && w > best {
			best, bestN = w, m
		}
	}
	return best
}

func (w *walker) walk(i int) *Error {
	lines := w.lines
	var lastPage int
	prev := ""
	// boundary: the previous line closes what came before it, so that a
	// marker may stand here. depth: brackets open in the running text.
	// tail: the end of the running text, which a line break may have split
	// (…であるこ / と).
	boundary, depth, tail := true, 0, ""
	found := false
	for i = next(lines, i); i >= 0; i = next(lines, i) {
		if w.c.stop() {
			return errStopped
		}
		l := &lines[i]
		t := l.text
		if j, ok := w.footnotes(i); ok {
			i = j
			continue
		}
		if entry, ok := contentsEntry(t); ok {
			// An entry of a table of contents is a paragraph of its own,
			// and so is the line before the first (目次).
			if k := prevText(lines, i); k >= 0 {
				lines[k].brk = true
			}
			l.text, l.class, l.brk = entry, clText, true
			boundary, depth, tail, prev = true, 0, "", entry
			continue
		}
		if n, full, decorated, ok := pageNumber(t); ok {
			m := numbering.Marker{Style: numbering.Style{Kind: numbering.Arabic}, Number: n, Full: full, Raw: t}
			isMarker := false
			parent, want, lvl, missing := w.place(m)
			if !decorated && nextIsHeading(lines, i) {
				switch {
				case missing == "" && (n == want || want < 0 && (full || len(w.pending) > 0)):
					isMarker = full || len(w.pending) > 0 || n != lastPage+1 ||
						(strings.HasSuffix(prev, "。") || prev == "") && !sectionAhead(lines, i, n)
				case boundary && (lastPage == 0 && full || lastPage > 0 && n != lastPage+1):
					// A number alone before a heading, where a section may
					// begin, that is not the next page's footer either, is a
					// section number out of sequence: full-width as sections
					// are printed, or half-width once the footers have shown
					// how pages are numbered.
					return w.outOfSequence(l.no, m, parent, max(want, 1), lvl, missing)
				}
			}
			if !isMarker {
				l.class = clFooter
				lastPage = n
				continue
			}
			if err := w.accept(i, m, parent, lvl); err != nil {
				return err
			}
			found = true
			w.queueHeading(i)
			boundary, depth, tail, prev = true, 0, "", t
			continue
		}
		cands := w.continuingFirst(numbering.Read(t))
		accepted := false
		if boundary && depth == 0 {
			for _, m := range cands {
				if !w.markerLine(m) {
					continue
				}
				parent, want, lvl, missing := w.place(m)
				if missing != "" || want >= 0 && m.Number != want {
					continue
				}
				if err := w.accept(i, m, parent, lvl); err != nil {
					return err
				}
				accepted, found = true, true
				break
			}
			if !accepted {
				for _, m := range cands {
					if !w.markerForm(m) {
						continue
					}
					parent, want, lvl, missing := w.place(m)
					if missing == "" && want >= 0 && m.Number >= 1000 && !m.Full && m.Style.Kind == numbering.Arabic {
						// A half-width number of four digits is rather a
						// year ("2020 年") than a marker.
						continue
					}
					return w.outOfSequence(l.no, m, parent, want, lvl, missing)
				}
			}
		}
		if accepted {
			m := l.m
			if m.Rest == "" {
				w.queueHeading(i)
				boundary, depth, tail = true, 0, ""
			} else {
				w.pending = nil
				depth, tail = bracketDepthFrom(0, m.Rest), lastRunes(m.Rest, 8)
				boundary = depth == 0 && (closesBlock(tail) || headingLike(m.Rest) && (m.Style.Headed() || !w.full(l)))
			}
			prev = t
			continue
		}
		if len(w.pending) > 0 && len(cands) == 0 && headingLike(t) && cells(t) <= 80 {
			l.class = clHeading
			w.pending = w.pending[1:]
			boundary, depth, tail, prev = true, 0, "", t
			continue
		}
		w.pending = nil
		l.class = clText
		depth, tail = bracketDepthFrom(depth, t), lastRunes(tail+t, 8)
		boundary = depth == 0 && (closesBlock(tail) || w.short(l) || bullet(t) && !w.continued(i))
		prev = t
	}
	if !found {
		last := len(lines)
		for last > 1 && lines[last-1].text == "" {
			last--
		}
		return &Error{Line: last, Msg: "no numbered structure: no numbered provision found"}
	}
	w.resolveHeadings()
	return nil
}

// continuingFirst orders the readings of a line so that one that goes on
// with an open level comes first: (i) after (h) is the ninth letter, not a
// first small Roman numeral.
func (w *walker) continuingFirst(ms []numbering.Marker) []numbering.Marker {
	if len(ms) < 2 {
		return ms
	}
	for i, m := range ms {
		for _, l := range w.stack {
			if l.style == key(m.Style) && l.number+1 == m.Number {
				return append([]numbering.Marker{m}, append(ms[:i:i], ms[i+1:]...)...)
			}
		}
	}
	return ms
}

// prevText returns the index of the last text line before i, or -1.
func prevText(lines []srcLine, i int) int {
	for k := i - 1; k >= 0; k-- {
		switch lines[k].class {
		case clText:
			return k
		case clBlank, clFooter:
			continue
		}
		return -1
	}
	return -1
}

// separated reports whether marker m is set apart from what follows it on
// its line: by a blank, or by the dot or parenthesis that closes it.
func separated(m numbering.Marker) bool {
	raw := strings.TrimRightFunc(m.Raw, unicode.IsSpace)
	return raw != m.Raw || strings.HasSuffix(raw, ".") || strings.HasSuffix(raw, "．")
}

// short reports whether line l stops well short of a full line, so that
// what follows it starts anew.
func (w *walker) short(l *srcLine) bool {
	return w.width > 0 && 2*(l.indent+l.w) < w.width
}

// continued reports whether the line after i runs on from it.
func (w *walker) continued(i int) bool {
	j := next(w.lines, i)
	return j >= 0 && runsOn(w.lines[j].text)
}

// bullet reports whether a line starts with a bullet: ○, ・, -, ■ …
func bullet(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return strings.ContainsRune("○◯●・-－‐■□◆◇▪•※", r)
}

// digitKind reports whether m is numbered with digits.
func digitKind(m numbering.Marker) bool {
	switch m.Style.Kind {
	case numbering.Arabic, numbering.Decimal, numbering.Paren:
		return true
	}
	return false
}

// markerLine reports whether what follows marker m makes its line a marker
// line: a blank after the marker, nothing, or text that does not run on
// from the marker as a reference in a sentence does ("(2)に掲げる", "①及び
// ②", "1 人当たり").
func (w *walker) markerLine(m numbering.Marker) bool {
	if m.Rest == "" {
		return m.Style.Kind != numbering.Arabic
	}
	if !separated(m) && runsOn(m.Rest) || counter(m) {
		return false
	}
	switch m.Style.Kind {
	case numbering.Arabic:
		// A number and a blank start prose too: the heading of a section
		// number is short, unless the document numbers with it already.
		return headingLike(m.Rest) && (cells(m.Rest) <= 40 || w.info(m.Style) != nil || len(w.stack) > 0) || closesBlock(m.Rest)
	}
	return true
}

// markerForm reports whether a line that starts with marker m has the form
// of a marker line, whatever its number: the error for a number out of
// sequence is given only for such lines.
func (w *walker) markerForm(m numbering.Marker) bool {
	if m.Rest == "" || counter(m) {
		return m.Rest == "" && m.Style.Kind != numbering.Arabic && m.Style.Kind != numbering.Latin
	}
	if runsOn(m.Rest) && !separated(m) {
		return false
	}
	switch m.Style.Kind {
	case numbering.Arabic:
		return headingLike(m.Rest) && (cells(m.Rest) <= 40 || w.info(m.Style) != nil) && !runsOn(m.Rest)
	case numbering.Small, numbering.Latin, numbering.Kana:
		return true
	}
	return headingLike(m.Rest)
}

// counter reports whether a number is followed by a counter or unit, as
// in "2023 年度", "1 人当たり", "3 件": a quantity, not a marker.
func counter(m numbering.Marker) bool {
	if !digitKind(m) || m.Style.Kind == numbering.Paren {
		return false
	}
	r := m.Rest
	for _, c := range []string{"年", "月", "か月", "ヶ月", "カ月", "件", "円", "万", "億", "千", "割", "回", "名", "倍", "時間", "%", "％", "箇", "歳", "社", "台", "個", "種類", "分の", "人当", "人程", "人以", "人を", "人が", "人に", "人の", "人は", "人体制", "日間", "日の", "日に", "日ま", "日から", "か年", "ヵ年", "カ年", "ヶ年", "国間", "者間", "つの", "つ目"} {
		if strings.HasPrefix(r, c) {
			return true
		}
	}
	return false
}

// endsSentence reports whether a line ends as the sentences and items of
// this family end: with 。 or with the nominal こと of an item.
func endsSentence(t string) bool {
	return strings.HasSuffix(t, "。") || strings.HasSuffix(t, "こと")
}

// lastRunes returns the last n runes of s, or s if it is shorter.
func lastRunes(s string, n int) string {
	i := len(s)
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:]
}

// closesBlock reports whether a line, with every bracket closed, ends what
// came before it, so that a marker may follow: it ends a sentence, perhaps
// inside brackets or quotes that it closes (…とする。）).
func closesBlock(t string) bool {
	return endsSentence(strings.TrimRight(t, closeBrackets))
}

// runsOn reports whether s starts as the rest of a sentence does: with
// hiragana (a particle), punctuation or a closing bracket.
func runsOn(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.Is(unicode.Hiragana, r) || strings.ContainsRune("、。，．,.・ー）」』】〕］｝〉》)]及並又等", r)
}
