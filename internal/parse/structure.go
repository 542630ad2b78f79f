package parse

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/numbering"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/wareki"
	"golang.org/x/text/unicode/norm"
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

// note is a footnote found while walking: its marker and text lines, and
// the line whose text held its marker.
type note struct {
	marker, sep string
	first, last int // line indexes of the note
	ref         int // line index of the text that held the marker
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
		cands := numbering.Read(t)
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
					if missing == "" && want >= 0 && m.Number > want+2 && !m.Full && digitKind(m) {
						// A half-width number far ahead of the numbering is
						// rather a year or a quantity ("2020 年") than a marker.
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
	for _, c := range []string{"年", "月", "か月", "ヶ月", "カ月", "件", "円", "万", "億", "千", "割", "回", "名", "倍", "時間", "%", "％", "箇", "歳", "社", "台", "個", "種類", "分の", "人当", "人程", "人以", "人を", "人が", "人に", "人の", "人は", "日間", "日の", "日に", "日ま", "日から"} {
		if strings.HasPrefix(r, c) {
			return true
		}
	}
	return false
}

// footnotes recognises a block of footnotes at the foot of a page, starting
// at line i: lines up to the page's footer (or a page break, or the end of
// the text), the first of which starts with the next footnote's number, whose
// marker stands glued to a word earlier on the page (GSOC1). It takes the
// markers out of the text, records the notes and returns the index of the
// block's last line, and false where there is no such block.
func (w *walker) footnotes(i int) (last int, ok bool) {
	lines := w.lines
	n := w.noteN + 1
	if r, _ := utf8.DecodeRuneInString(lines[i].text); !(r >= '0' && r <= '9' || r >= '０' && r <= '９' || superscript(r) > 0 || strings.ContainsRune("※注*＊", r)) {
		return i, false
	}
	if _, _, _, footer := pageNumber(lines[i].text); footer {
		return i, false
	}
	if _, toc := contentsEntry(lines[i].text); toc {
		return i, false
	}
	_, _, _, isNote := noteStart(lines[i].text, n)
	if !isNote {
		return i, false
	}
	// The block runs to the page's end, within a few lines.
	end := -1
	for j := i + 1; j < len(lines) && j <= i+12; j++ {
		if lines[j].pageBreak {
			end = j - 1
			break
		}
		if _, _, _, ok := pageNumber(lines[j].text); ok {
			end = j - 1
			break
		}
	}
	if end < 0 {
		if next(lines, i+12) >= 0 && i+12 < len(lines) {
			return i, false
		}
		end = len(lines) - 1
	}
	// The page's text, back to its start, must hold the marker.
	start := i - 1
	for start >= 0 && lines[start].class != clFooter && !lines[start].pageBreak && lines[start].class != clNote {
		start--
	}
	if start >= 0 && lines[start].pageBreak {
		start--
	}
	var blocks []note
	cur := note{}
	num := n
	if end-i > 8 {
		return i, false
	}
	for j := i; j <= end; j++ {
		t := lines[j].text
		if t == "" {
			continue
		}
		if _, _, _, ok := noteStart(t, num); !ok && j > i && len(numbering.Read(t)) > 0 {
			// A numbered provision below the would-be note: no foot of a page.
			return i, false
		}
		if m2, s2, _, ok := noteStart(t, num); ok {
			ref := w.findRef(start+1, i, num, blocks)
			if ref < 0 {
				if j == i {
					return i, false
				}
				break
			}
			if j > i {
				cur.last = j - 1
				blocks = append(blocks, cur)
			}
			cur = note{marker: m2, sep: s2, first: j, ref: ref}
			num++
			continue
		}
		if j == i {
			return i, false
		}
	}
	cur.last = end
	blocks = append(blocks, cur)
	// Take the markers out of the text and mark the lines.
	for _, b := range blocks {
		removeRef(&lines[b.ref], b.marker)
		for j := b.first; j <= b.last; j++ {
			if lines[j].text != "" {
				lines[j].class = clNote
			}
		}
		w.notes = append(w.notes, b)
		w.noteN++
	}
	return blocks[len(blocks)-1].last, true
}

// noteStart reads the start of a footnote numbered n: "1 text", "※1 text",
// "注1 text", "*1 text", "¹ text".
func noteStart(t string, n int) (marker, sep, rest string, ok bool) {
	s := t
	prefix := ""
	for _, p := range []string{"※", "注", "*", "＊"} {
		if strings.HasPrefix(s, p) {
			prefix, s = p, s[len(p):]
			break
		}
	}
	d, after := numbering.LeadingDigits(s)
	v, _, okd := numbering.DigitValue(d)
	if !okd {
		if r, size := utf8.DecodeRuneInString(s); superscript(r) == n && n > 0 {
			d, after, v, okd = s[:size], s[size:], n, true
		}
	}
	if !okd || v != n {
		return "", "", "", false
	}
	blank, rest := splitBlankRune(after)
	if rest == "" || blank == "" && prefix == "" && !strings.HasPrefix(after, "：") && !strings.HasPrefix(after, ":") ||
		!strings.ContainsFunc(rest, unicode.IsLetter) {
		return "", "", "", false
	}
	return prefix + d, blank, rest, true
}

func splitBlankRune(s string) (blank, rest string) {
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	return s[:len(s)-len(t)], t
}

// superscript returns the value of a superscript digit, or -1.
func superscript(r rune) int {
	switch r {
	case '¹':
		return 1
	case '²':
		return 2
	case '³':
		return 3
	}
	if r >= '⁴' && r <= '⁹' {
		return int(r-'⁴') + 4
	}
	return -1
}

// findRef finds, in lines[from:to], the line whose text holds the marker of
// footnote n glued to a word: the number right after a letter, not part of
// a longer number. It returns -1 where there is none.
func (w *walker) findRef(from, to, n int, taken []note) int {
	for j := max(from, 0); j < to; j++ {
		if w.lines[j].class == clNote || w.lines[j].class == clFooter {
			continue
		}
		t := w.lines[j].text
		if k := refIndex(t, n); k >= 0 {
			// A number at the end of a line may go on at the start of the
			// next (第1 / 04号).
			if k+len(fmt.Sprint(n)) == len(t) {
				if nx := next(w.lines, j); nx >= 0 {
					if r, _ := utf8.DecodeRuneInString(w.lines[nx].text); r >= '0' && r <= '9' {
						continue
					}
				}
			}
			return j
		}
	}
	return -1
}

// refIndex returns the byte offset of footnote marker n glued to a word in
// t, or -1.
func refIndex(t string, n int) int {
	want := fmt.Sprint(n)
	prev := rune(0)
	for i, r := range t {
		if superscript(r) == n && n < 10 && prev != 0 && unicode.IsLetter(prev) {
			return i
		}
		if r >= '0' && r <= '9' && !(prev >= '0' && prev <= '9') && prev != 0 && glueable(prev) {
			d, _ := numbering.LeadingDigits(t[i:])
			if d == want {
				after, _ := utf8.DecodeRuneInString(t[i+len(d):])
				if !(after >= '0' && after <= '9') && !strings.ContainsRune(".．,，年月日部章節条項号次回期", after) {
					return i
				}
			}
		}
		prev = r
	}
	return -1
}

// glueable reports whether a footnote marker may stand glued after r: a
// letter of a word (GSOC1, 監視2), not a sign or a number's part.
func glueable(r rune) bool {
	if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
		return true
	}
	if r == '第' {
		return false // 第1 is a number
	}
	return unicode.In(r, unicode.Han, unicode.Katakana) || r == 'ー' || r == '」' || r == '）' || r == ')'
}

// removeRef takes footnote marker mk out of line l's text.
func removeRef(l *srcLine, mk string) {
	d := strings.TrimLeft(mk, "※注*＊")
	n, _, ok := numbering.DigitValue(d)
	if !ok {
		n = superscript([]rune(d)[0])
	}
	if i := refIndex(l.text, n); i >= 0 {
		_, size := utf8.DecodeRuneInString(l.text[i:])
		if superscript([]rune(l.text[i:])[0]) < 0 {
			size = len(fmt.Sprint(n))
		}
		l.text = l.text[:i] + l.text[i+size:]
	}
}

// contentsEntry recognises an entry of a table of contents: a heading,
// leader dots and a page number ("第1 基本的な考え方……………1"). It returns
// the heading without the leader and the page number.
func contentsEntry(t string) (string, bool) {
	// The page number at the end.
	s := t
	for {
		r, size := utf8.DecodeLastRuneInString(s)
		if size == 0 || !(r >= '0' && r <= '9' || r >= '０' && r <= '９') {
			break
		}
		s = s[:len(s)-size]
	}
	if len(s) == len(t) || s == "" {
		return "", false
	}
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	n := 0
	for {
		r, size := utf8.DecodeLastRuneInString(s)
		if size == 0 || !strings.ContainsRune("…‥・.．·･", r) {
			break
		}
		if r == '…' || r == '‥' {
			n += 2
		}
		n++
		s = s[:len(s)-size]
	}
	if n < 3 {
		return "", false
	}
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	if s == "" {
		return "", false
	}
	return s, true
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

// isDecidingBody reports whether t names who decided the text: …決定,
// …了承, …報告, …改定.
func isDecidingBody(t string) bool {
	if strings.Contains(t, "。") || cells(t) > 80 || len(numbering.Read(t)) > 0 {
		return false
	}
	for _, s := range []string{"決定", "了承", "報告", "改定"} {
		if strings.HasSuffix(t, s) {
			return true
		}
	}
	return false
}

// header finds the title, date and deciding-body lines among the first
// lines, in whichever order they stand, and returns the index of the line
// before the body of the text.
func header(lines []srcLine, opt Options) (int, *Error) {
	i := next(lines, -1)
	if i < 0 {
		return 0, &Error{Line: 1, Msg: "empty file"}
	}
	last := -1
	title := false
	for k := 0; k < 5 && i >= 0; k++ {
		t := lines[i].text
		switch {
		case isDate(t) && lines[i].class == clBlank:
			lines[i].class = clDate
		case isDecidingBody(t):
			lines[i].class = clBody
		case !title && titleLine(t, opt):
			lines[i].class = clTitle
			title = true
			// A title over two lines: the second is short and not a
			// sentence, and a date or a deciding body follows it, or the
			// first stops mid-phrase.
			if j := next(lines, i); j >= 0 && titleLine(lines[j].text, opt) && !isDecidingBody(lines[j].text) {
				if k := next(lines, j); k >= 0 && (isDate(lines[k].text) || isDecidingBody(lines[k].text)) || openPhrase(t) {
					lines[j].class = clTitle
					i = j
				}
			}
		default:
			k = 5
			continue
		}
		last = i
		i = next(lines, i)
	}
	if !title && !opt.Partial {
		first := next(lines, -1)
		return 0, &Error{Line: lines[first].no, Msg: "no title: the first line is not the Japanese title of a policy (an excerpt without one: --partial --title)"}
	}
	return last, nil
}

// isDate reports whether t is a date line: 令和元年５月２３日, 2019年5月23日,
// perhaps in brackets, perhaps followed by who decided
// (令和元年５月２３日 サイバーセキュリティ戦略本部決定).
func isDate(t string) bool {
	_, _, ok := dateLine(t)
	return ok
}

// dateLine reads a date line: the date, and who decided where the line
// names them after the date.
func dateLine(t string) (d policy.Date, by string, ok bool) {
	s := strings.Trim(t, "（）()【】［］〔〕 　")
	if d, ok = wareki.Parse(s); ok {
		return d, "", true
	}
	// The date, a blank, and the deciding body.
	i := strings.IndexAny(s, " 　")
	for i > 0 {
		date, rest := s[:i], strings.TrimSpace(s[i:])
		if d, ok = wareki.Parse(date); ok && isDecidingBody(rest) {
			return d, strings.TrimSuffix(rest, "決定"), true
		}
		j := strings.IndexAny(s[i+1:], " 　")
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return policy.Date{}, "", false
}

// titleLine reports whether t can be (part of) a title: Japanese, short,
// not a sentence, not a marker, and, for an excerpt whose title is given,
// that title.
func titleLine(t string, opt Options) bool {
	if !hasJapanese(t) || !headingLike(t) || len(numbering.Read(t)) > 0 || isDate(t) {
		return false
	}
	if _, ok := contentsEntry(t); ok || t == "目次" {
		return false
	}
	if opt.Partial && opt.Title != "" {
		return blankless(norm.NFKC.String(t)) == blankless(norm.NFKC.String(opt.Title))
	}
	return true
}

// openPhrase reports whether a title line stops mid-phrase, so that the
// next line goes on with it.
func openPhrase(t string) bool {
	for _, s := range []string{"に関する", "における", "に係る", "のための", "及び", "並びに", "の", "・", "、"} {
		if strings.HasSuffix(t, s) {
			return true
		}
	}
	return false
}

func blankless(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
