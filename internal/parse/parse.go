// Package parse reads the text of a budget-priority policy, as extracted from
// its PDF, into the structure of package policy: title, decision date and
// body, and the numbered provisions with their headings, paragraphs and pages.
//
// Nothing is lost: every character of the input except line breaks, the
// blanks at the edges of lines and page-footer lines lands in exactly one of
// the title, date and deciding-body lines, the markers, the headings and the
// paragraphs (see Pieces).
package parse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/wareki"
)

// Options adjust Document.
type Options struct {
	// ID is the document ID. When empty it is derived from the title of a
	// cybersecurity budget-priority policy (令和２年度 → cs-budget-policy-fy2020);
	// other documents must be given one.
	ID string
	// AllowTruncated accepts a text that looks cut short (see ErrTruncated);
	// the returned document's Warnings then say why it looks so.
	AllowTruncated bool

	// The fields below, where set, override what the text prints.
	Title      string      // the title
	DecidedOn  policy.Date // the date of decision
	DecidedBy  string      // who decided it, without 決定
	FiscalYear int         // the Gregorian fiscal year

	// Partial reads the text as an excerpt: its numbering may start at any
	// number and level, and it needs no title line (then Title).
	Partial bool
}

// IDPattern is the form of a document ID.
var IDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,99}$`)

type lineClass int

const (
	clBlank lineClass = iota
	clFooter
	clTitle
	clDate
	clBody
	clSection
	clHeading // the heading line of a section
	clArea
	clItem
	clSubItem
	clText
)

type srcLine struct {
	no     int
	text   string // without the blanks at its edges
	indent int    // cells of leading blanks
	class  lineClass
	m      marker
	page   int
}

// Document parses src, the bytes of a file called name (used in errors).
// It returns a *Error when the input is not a policy of this family: not
// text, no numbered structure, a marker out of sequence, or (unless
// opt.AllowTruncated) a text that looks truncated, for which
// errors.Is(err, ErrTruncated) holds. Parsing takes time linear in the size
// of src and stops with ctx.Err() soon after ctx is done.
func Document(ctx context.Context, name string, src []byte, opt Options) (*policy.Document, error) {
	c := &canceller{ctx: ctx}
	doc, err := document(c, src, opt)
	if c.err != nil {
		return nil, c.err
	}
	if err != nil {
		err.File = name
		if err.Kind == ErrTruncated && opt.AllowTruncated && doc != nil {
			doc.Warnings = append(doc.Warnings, err.Error())
			return doc, nil
		}
		return nil, err
	}
	return doc, nil
}

// canceller polls a context now and then from the loops of the parser.
type canceller struct {
	ctx context.Context
	n   int
	err error
}

// stop reports whether parsing must stop: every pollEvery calls it looks at
// the context, and once it is done it stays stopped.
func (c *canceller) stop() bool {
	if c.err != nil {
		return true
	}
	if c.n++; c.n%pollEvery == 0 {
		c.err = c.ctx.Err()
	}
	return c.err != nil
}

// checkNow looks at the context at once.
func (c *canceller) checkNow() bool {
	if c.err == nil {
		c.err = c.ctx.Err()
	}
	return c.err != nil
}

// pollEvery is how many lines the parser handles between two looks at its
// context: a few hundred microseconds of work.
const pollEvery = 64

// errStopped is returned inside the parser once its context is done; Document
// returns the context's error instead.
var errStopped = &Error{Line: 1, Msg: "stopped"}

func document(c *canceller, src []byte, opt Options) (*policy.Document, *Error) {
	if c.ctx.Err() != nil {
		c.err = c.ctx.Err()
		return nil, errStopped
	}
	text, enc, cut, err := decode(c, src)
	if err != nil {
		return nil, err
	}
	// Cut in the middle of a character: truncated, whatever else the text
	// holds; with AllowTruncated, the text without that character.
	var cutErr *Error
	if cut > 0 {
		cutErr = &Error{Line: textLines(text), Kind: ErrTruncated,
			Msg: fmt.Sprintf("text looks truncated: it ends in the middle of a character (%s left out)", plural(cut, "incomplete byte", "incomplete bytes"))}
		if !opt.AllowTruncated {
			return nil, cutErr
		}
	}
	if c.ctx.Err() != nil {
		c.err = c.ctx.Err()
		return nil, errStopped
	}
	if n := textLines(text); n > maxLines(len(src)) {
		return nil, &Error{Line: maxLines(len(src)) + 1, Msg: fmt.Sprintf("%d lines in %d bytes: more lines than a policy text has (at most one per %d bytes after the first %d); not a policy text",
			n, len(src), minBytesPerLine, freeLines)}
	}
	lines := splitLines(c, text)
	if c.err != nil {
		return nil, errStopped
	}
	if err := classify(c, lines); err != nil {
		return nil, err
	}
	doc := &policy.Document{Encoding: enc, Source: text}
	sum := sha256.Sum256(src)
	doc.SHA256 = hex.EncodeToString(sum[:])
	doc.PageCount = paginate(lines)
	for _, l := range lines {
		switch l.class {
		case clTitle:
			doc.Title, doc.TitleLine, doc.TitleLineNo = l.text, l.text, l.no
			if y, ok := wareki.FiscalYear(l.text); ok {
				doc.FiscalYear = y
			}
		case clDate:
			doc.DateLine, doc.DateLineNo = l.text, l.no
			doc.DecidedOn, _ = wareki.Parse(l.text)
		case clBody:
			doc.DecidedByLine, doc.DecidedByLineNo = l.text, l.no
			doc.DecidedBy = strings.TrimSuffix(l.text, "決定")
		}
	}
	switch {
	case opt.ID != "":
		if !IDPattern.MatchString(opt.ID) {
			return nil, &Error{Line: doc.TitleLineNo, Msg: fmt.Sprintf("invalid document ID %s: use lower-case ASCII letters, digits, '.', '_' and '-'", policy.Quote(opt.ID))}
		}
		doc.ID = opt.ID
	case doc.FiscalYear != 0 && strings.Contains(doc.Title, "サイバーセキュリティ") && strings.Contains(doc.Title, "予算重点化方針"):
		doc.ID = fmt.Sprintf("cs-budget-policy-fy%d", doc.FiscalYear)
	default:
		return nil, &Error{Line: doc.TitleLineNo, Msg: "cannot derive a document ID from the title; give one (--id)"}
	}
	doc.Provisions = build(c, doc.ID, lines)
	if c.err != nil {
		return nil, errStopped
	}
	if cutErr != nil {
		return doc, cutErr
	}
	if err := truncated(lines, doc); err != nil {
		return doc, err
	}
	return doc, nil
}

// A text may have freeLines lines, and one more per minBytesPerLine bytes:
// the lines of a policy hold 20 to 60 characters, and most of what the
// parser keeps is per line, so that this bounds its memory by the size of
// the text. A text of nothing but short lines (2 million lines of one
// character in 8 MiB) is refused at once.
const (
	freeLines       = 4096
	minBytesPerLine = 10
)

// maxLines is the number of lines a text of size bytes may have.
func maxLines(size int) int { return freeLines + size/minBytesPerLine }

// textLines returns the number of lines of text, counting CRLF, CR and LF
// as line breaks: the number of its last line.
func textLines(text string) int {
	return 1 + strings.Count(text, "\n") + strings.Count(text, "\r") - strings.Count(text, "\r\n")
}

// plural returns "1 byte" or "n bytes".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// splitLines splits text at CRLF, CR or LF.
func splitLines(c *canceller, text string) []srcLine {
	if strings.Contains(text, "\r") {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	raw := strings.Split(text, "\n")
	lines := make([]srcLine, len(raw))
	for i, r := range raw {
		if c.stop() {
			return nil
		}
		t := strings.TrimLeftFunc(r, unicode.IsSpace)
		lines[i] = srcLine{no: i + 1, indent: cells(r[:len(r)-len(t)]), text: strings.TrimRightFunc(t, unicode.IsSpace)}
	}
	return lines
}

func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}

// headingLike reports whether s can be a heading: short and not a sentence.
func headingLike(s string) bool {
	return !strings.HasSuffix(s, "。") && cells(s) <= 80
}

// classify decides what each line is: header, footer, marker or text.
//
// Numbering is strict. A marker is taken when it comes next in the numbering
// (section n+1; area, item or sub-item m+1 within its parent, from 1 under a
// new parent). A line that has the form of a marker line but another number
// is an error naming what was found and what was expected, when it stands
// where a marker may stand: after a header, heading or marker line, or after
// a line that ends a sentence (。 or こと) with every bracket closed. The same
// line inside running text (after a line that stops mid-sentence, or when
// the marker runs into a particle, as in "(2)に掲げる") is text.
func classify(c *canceller, lines []srcLine) *Error {
	next := func(i int) int {
		for i++; i < len(lines); i++ {
			if lines[i].text != "" {
				return i
			}
		}
		return -1
	}
	i := next(-1)
	if i < 0 {
		return &Error{Line: 1, Msg: "empty file"}
	}
	if !hasJapanese(lines[i].text) || !headingLike(lines[i].text) {
		return &Error{Line: lines[i].no, Msg: "no title: the first line is not the Japanese title of a policy"}
	}
	lines[i].class = clTitle
	if j := next(i); j >= 0 {
		if _, ok := wareki.Parse(lines[j].text); ok {
			lines[j].class = clDate
			i = j
		}
	}
	if j := next(i); j >= 0 && isDecidingBody(lines[j].text) {
		lines[j].class = clBody
		i = j
	}
	var sec, area, item, sub, lastPage int
	prev := ""
	expectHeading := false
	// boundary: the previous line closes what came before it, so that a
	// marker may stand here. depth: brackets open in the running text.
	// tail: the end of the running text, which a line break may have split
	// (…であるこ / と).
	boundary, depth, tail := true, 0, ""
	for i = next(i); i >= 0; i = next(i) {
		if c.stop() {
			return errStopped
		}
		l := &lines[i]
		t := l.text
		if n, full, decorated, ok := pageNumber(t); ok {
			isSection := false
			if !decorated && nextIsHeading(lines, i) {
				switch {
				case n == sec+1:
					isSection = full || n != lastPage+1 || strings.HasSuffix(prev, "。") && !sectionAhead(lines, i, n)
				case boundary && (lastPage == 0 && full || lastPage > 0 && n != lastPage+1):
					// A number alone before a heading, where a section may
					// begin, that is not the next page's footer either, is a
					// section number out of sequence: full-width as sections
					// are printed, or half-width once the footers have shown
					// how pages are numbered.
					return outOfSequence(l.no, policy.KindSection, t, sec, area, item, sub)
				}
			}
			if !isSection {
				l.class = clFooter
				lastPage = n
				continue
			}
			m, _, _ := sectionMarker(t)
			l.class, l.m = clSection, m
			sec, area, item, sub = m.number, 0, 0, 0
			expectHeading, prev = true, t
			boundary, depth, tail = true, 0, ""
			continue
		}
		if expectHeading {
			expectHeading = false
			if !isMarker(t) {
				l.class = clHeading
				prev = t
				boundary, depth, tail = true, 0, ""
				continue
			}
		}
		m, ok := structural(t, sec, area, item, sub, boundary && depth == 0)
		if !ok && boundary && depth == 0 {
			if f, form := markerForm(t, sec); form {
				return outOfSequence(l.no, f.kind, f.raw, sec, area, item, sub)
			}
		}
		switch {
		case !ok:
			l.class = clText
		case m.kind == policy.KindSection:
			l.class, l.m = clSection, m
			sec, area, item, sub = m.number, 0, 0, 0
			expectHeading = m.rest == ""
		case m.kind == policy.KindArea:
			l.class, l.m = clArea, m
			area, item, sub = m.number, 0, 0
		case m.kind == policy.KindItem:
			l.class, l.m = clItem, m
			item, sub = m.number, 0
		case m.kind == policy.KindSubItem:
			l.class, l.m = clSubItem, m
			sub = m.number
		}
		switch l.class {
		case clText:
			depth, tail = bracketDepthFrom(depth, t), lastRunes(tail+t, 8)
			boundary = depth == 0 && closesBlock(tail)
		case clSubItem:
			depth, tail = bracketDepthFrom(0, m.rest), lastRunes(m.rest, 8)
			boundary = depth == 0 && (m.rest == "" || closesBlock(tail))
		default:
			boundary, depth, tail = true, 0, ""
		}
		prev = t
	}
	if sec == 0 {
		last := len(lines)
		for last > 1 && lines[last-1].text == "" {
			last--
		}
		return &Error{Line: last, Msg: "no numbered structure: no section １ found"}
	}
	return nil
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

// outOfSequence is the error for a marker of kind k, printed raw, found where
// the numbering stands at sec, area, item and sub.
func outOfSequence(line int, k policy.Kind, raw string, sec, area, item, sub int) *Error {
	name := map[policy.Kind]string{policy.KindSection: "section", policy.KindArea: "area",
		policy.KindItem: "item", policy.KindSubItem: "sub-item"}
	found := name[k] + " " + strings.TrimSpace(raw)
	// The enclosing level that is missing, if any.
	parents := []struct {
		kind policy.Kind
		cur  int
	}{{policy.KindSection, sec}, {policy.KindArea, area}, {policy.KindItem, item}}
	depth := map[policy.Kind]int{policy.KindSection: 0, policy.KindArea: 1, policy.KindItem: 2, policy.KindSubItem: 3}[k]
	for d := 0; d < depth; d++ {
		if parents[d].cur == 0 {
			pk := parents[d].kind
			return &Error{Line: line, Msg: fmt.Sprintf("%s out of sequence: expected %s %s before it", found, name[pk], labelPart(pk, 1))}
		}
	}
	cur := []int{sec, area, item, sub}[depth]
	want := fmt.Sprintf("expected %s", labelPart(k, cur+1))
	if cur > 0 {
		want += " after " + labelPart(k, cur)
	}
	return &Error{Line: line, Msg: fmt.Sprintf("%s out of sequence: %s", found, want)}
}

// structural recognises the marker that may come next in the numbering, given
// the current section, area, item and sub-item numbers. atBoundary says
// whether the line stands where a new block may begin.
func structural(t string, sec, area, item, sub int, atBoundary bool) (marker, bool) {
	if !atBoundary {
		return marker{}, false
	}
	if m, _, ok := sectionMarker(t); ok && m.rest != "" && m.number == sec+1 && headingLike(m.rest) && cells(m.rest) <= 40 {
		return m, true
	}
	if sec > 0 {
		if m, ok := areaMarker(t); ok && m.number == area+1 && headingLike(m.rest) && markerRest(m) {
			return m, true
		}
	}
	if area > 0 {
		if m, ok := itemMarker(t); ok && m.number == item+1 && headingLike(m.rest) && markerRest(m) {
			return m, true
		}
	}
	if item > 0 {
		if m, ok := subItemMarker(t); ok && m.number == sub+1 && markerRest(m) {
			return m, true
		}
	}
	return marker{}, false
}

// markerRest reports whether what follows a marker makes the line a marker
// line: a blank after the marker, or nothing, or text that does not run on
// from the marker as a reference in a sentence does ("(2)に掲げる",
// "①及び②").
func markerRest(m marker) bool {
	if m.rest == "" || m.raw != strings.TrimRightFunc(m.raw, unicode.IsSpace) {
		return true
	}
	return !runsOn(m.rest)
}

// runsOn reports whether s starts as the rest of a sentence does: with
// hiragana (a particle), punctuation or a closing bracket.
func runsOn(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.Is(unicode.Hiragana, r) || strings.ContainsRune("、。，．,.・ー）」』】〕］｝〉》)]及並又等", r)
}

// markerForm recognises a line that has the form of a marker line at any
// level, whatever its number: a section number and heading, an area or item
// marker and a heading, a sub-item marker and text.
func markerForm(t string, sec int) (marker, bool) {
	// A half-width number far ahead of the numbering is rather a year or a
	// quantity ("2020 年") than a section.
	if m, full, ok := sectionMarker(t); ok && m.rest != "" && headingLike(m.rest) && cells(m.rest) <= 40 && !runsOn(m.rest) &&
		(full || m.number <= sec+2) {
		return m, true
	}
	if m, ok := areaMarker(t); ok && headingLike(m.rest) && markerRest(m) {
		return m, true
	}
	if m, ok := itemMarker(t); ok && headingLike(m.rest) && markerRest(m) {
		return m, true
	}
	if m, ok := subItemMarker(t); ok && markerRest(m) {
		return m, true
	}
	return marker{}, false
}

func isMarker(t string) bool {
	if _, ok := areaMarker(t); ok {
		return true
	}
	if _, ok := itemMarker(t); ok {
		return true
	}
	_, ok := subItemMarker(t)
	return ok
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
// heading, as follows a section number.
func nextIsHeading(lines []srcLine, i int) bool {
	for i++; i < len(lines); i++ {
		t := lines[i].text
		if _, _, _, footer := pageNumber(t); t == "" || footer {
			continue
		}
		return !isMarker(t) && headingLike(t) && cells(t) <= 40
	}
	return false
}

func isDecidingBody(t string) bool {
	if strings.Contains(t, "。") || cells(t) > 80 || isMarker(t) {
		return false
	}
	for _, s := range []string{"決定", "了承", "報告", "改定"} {
		if strings.HasSuffix(t, s) {
			return true
		}
	}
	return false
}

// paginate assigns each line its page and returns the number of the last
// page that holds text. Footers close pages; when their numbers run on one by
// one they also give the number of the first page.
func paginate(lines []srcLine) int {
	var nums []int
	for _, l := range lines {
		if l.class == clFooter {
			n, _, _, _ := pageNumber(l.text)
			nums = append(nums, n)
		}
	}
	first := 1
	if len(nums) > 0 && nums[0] >= 1 {
		first = nums[0]
		for i, n := range nums {
			if n != nums[0]+i {
				first = 1
				break
			}
		}
	}
	page, last := first, 0
	for i := range lines {
		lines[i].page = page
		switch lines[i].class {
		case clFooter:
			page++
		case clBlank:
		default:
			last = page
		}
	}
	return last
}

// build turns classified lines into provisions.
func build(c *canceller, docID string, lines []srcLine) []*policy.Provision {
	var provs []*policy.Provision
	var regions [][]pline
	all, starts := make([]pline, 0, len(lines)), []int(nil)
	var path []int
	var parents []*policy.Provision // parents[k] is the open provision at depth k
	add := func(l srcLine, kind policy.Kind, depth int) *policy.Provision {
		if len(path) > depth {
			path = path[:depth]
		}
		path = append(path, l.m.number)
		parents = parents[:min(len(parents), depth)]
		p := &policy.Provision{
			DocumentID: docID, Seq: len(provs), Kind: kind, Number: l.m.number,
			Marker: l.m.raw, Line: l.no, Pages: []int{l.page},
		}
		p.ID = policy.ProvisionID(docID, path)
		label := labelPart(kind, l.m.number)
		if depth > 0 {
			parent := parents[depth-1]
			p.ParentID = parent.ID
			label = parent.Label + label
		}
		p.Label = label
		parents = append(parents, p)
		provs = append(provs, p)
		regions, starts = append(regions, nil), append(starts, len(all))
		return p
	}
	// push adds a line to the last region. The lines of all regions share
	// one array, each source line giving at most one: no region is copied
	// as it grows.
	push := func(pl pline) {
		all = append(all, pl)
		n := len(regions) - 1
		regions[n] = all[starts[n]:len(all):len(all)]
	}
	for _, l := range lines {
		if c.stop() {
			return nil
		}
		switch l.class {
		case clText:
			if len(provs) == 0 {
				provs = append(provs, &policy.Provision{
					ID: policy.ProvisionID(docID, nil), DocumentID: docID, Kind: policy.KindPreamble,
					Label: policy.PreambleLabel, Line: l.no,
				})
				regions, starts = append(regions, nil), append(starts, len(all))
			}
			push(pline{no: l.no, page: l.page, text: l.text, indent: l.indent})
		case clSection:
			p := add(l, policy.KindSection, 0)
			if l.m.rest != "" {
				p.Heading, p.HeadingLine = l.m.rest, l.no
			}
		case clHeading:
			p := provs[len(provs)-1]
			p.Heading, p.HeadingLine = l.text, l.no
			p.Pages = append(p.Pages, l.page)
		case clArea, clItem:
			depth := 1
			if l.class == clItem {
				depth = 2
			}
			p := add(l, map[lineClass]policy.Kind{clArea: policy.KindArea, clItem: policy.KindItem}[l.class], depth)
			p.Heading = l.m.rest
			if p.Heading != "" {
				p.HeadingLine = l.no
			}
		case clSubItem:
			add(l, policy.KindSubItem, 3)
			if l.m.rest != "" {
				push(pline{no: l.no, page: l.page, text: l.m.rest, lead: cells(l.m.raw), leadN: utf8.RuneCountInString(l.m.raw), indent: l.indent})
			}
		}
	}
	printed := make([][]vline, len(regions))
	for i, r := range regions {
		if c.stop() {
			return nil
		}
		printed[i] = printedLines(c, r)
	}
	if c.stop() {
		return nil
	}
	byChars := countsChars(printed)
	byID := make(map[string]*policy.Provision, len(provs))
	for i, p := range provs {
		byID[p.ID] = p
		for j, para := range paragraphs(c, printed[i], byChars) {
			owner := p
			// A paragraph after a sub-item's first belongs to the enclosing item.
			if j > 0 && p.Kind == policy.KindSubItem {
				owner = byID[p.ParentID]
			}
			var b strings.Builder
			for _, pl := range para {
				b.WriteString(pl.text)
				if n := len(owner.Pages); n == 0 || owner.Pages[n-1] != pl.page {
					owner.Pages = append(owner.Pages, pl.page)
				}
			}
			owner.Paragraphs = append(owner.Paragraphs, b.String())
			owner.ParagraphLines = append(owner.ParagraphLines, para[0].no)
		}
	}
	for _, p := range provs {
		p.Pages = uniqueSorted(p.Pages)
		if p.Paragraphs == nil {
			p.Paragraphs = []string{}
			p.ParagraphLines = []int{}
		}
	}
	return provs
}

func uniqueSorted(xs []int) []int {
	out := xs[:0]
	for _, x := range xs {
		i := len(out)
		for i > 0 && out[i-1] > x {
			i--
		}
		if i > 0 && out[i-1] == x {
			continue
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = x
	}
	return out
}
