// Package parse reads the text of a document of the budget-priority policy's
// family, as extracted from its PDF, into the structure of package policy:
// title, decision date and body, and the numbered provisions — in whatever
// scheme the document numbers them (package numbering), at any depth — with
// their headings, paragraphs, footnotes and pages.
//
// Nothing is lost: every character of the input except line breaks, the
// blanks at the edges of lines, page-footer lines, the markers of footnotes
// and the leaders and page numbers of a table of contents lands in exactly
// one of the title, date and deciding-body lines, the markers, the headings,
// the paragraphs and the notes (see Pieces).
package parse

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/policykb/policykb/internal/numbering"

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
	clMarker  // a numbered provision's marker, and what follows it on the line
	clHeading // the heading of a marker that stands alone on its line
	clText
	clNote // a footnote at the foot of a page
)

type srcLine struct {
	no     int
	text   string // without the blanks at its edges (and without a footnote marker or leader dots)
	indent int    // cells of leading blanks
	w      int    // cells of text, as split
	class  lineClass
	m      numbering.Marker
	page   int
	// brk ends a paragraph after the line: an entry of a table of contents.
	brk bool
	// pageBreak: a form feed starts a new page at this line.
	pageBreak bool
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
	w, err := classify(c, lines, opt)
	if err != nil {
		return nil, err
	}
	doc := &policy.Document{Encoding: enc, Source: text}
	sum := sha256.Sum256(src)
	doc.SHA256 = hex.EncodeToString(sum[:])
	doc.PageCount = paginate(lines)
	for _, l := range lines {
		switch l.class {
		case clTitle:
			// A title over two lines is one title.
			if doc.TitleLineNo == 0 {
				doc.TitleLineNo = l.no
			}
			doc.TitleLine += l.text
			doc.Title = strings.TrimSpace(unbracket(doc.TitleLine))
			if y, ok := wareki.FiscalYear(doc.Title); ok {
				doc.FiscalYear = y
			}
		case clDate:
			doc.DateLine, doc.DateLineNo = l.text, l.no
			var by string
			doc.DecidedOn, by, _ = dateLine(l.text)
			if by != "" && doc.DecidedBy == "" {
				doc.DecidedBy = by
			}
		case clBody:
			doc.DecidedByLine, doc.DecidedByLineNo = l.text, l.no
			doc.DecidedBy = strings.TrimSuffix(l.text, "決定")
		}
	}
	if opt.Title != "" {
		doc.Title = opt.Title
		if y, ok := wareki.FiscalYear(doc.Title); ok {
			doc.FiscalYear = y
		}
	}
	if !opt.DecidedOn.IsZero() {
		doc.DecidedOn = opt.DecidedOn
	}
	if opt.DecidedBy != "" {
		doc.DecidedBy = opt.DecidedBy
	}
	if opt.FiscalYear != 0 {
		doc.FiscalYear = opt.FiscalYear
	}
	doc.Partial = opt.Partial
	if doc.Title == "" {
		return nil, &Error{Line: 1, Msg: "no title: the text prints none; give one (--title)"}
	}
	titleLine := max(doc.TitleLineNo, 1)
	switch {
	case opt.ID != "":
		if !IDPattern.MatchString(opt.ID) {
			return nil, &Error{Line: titleLine, Msg: fmt.Sprintf("invalid document ID %s: use lower-case ASCII letters, digits, '.', '_' and '-'", policy.Quote(opt.ID))}
		}
		doc.ID = opt.ID
	case opt.Partial:
		// An excerpt is not the whole document its title names: under that
		// document's ID it would replace it.
		return nil, &Error{Line: titleLine, Msg: "an excerpt needs an ID of its own, not the one of the document it is taken from; give one (--id)"}
	case doc.FiscalYear != 0 && strings.Contains(doc.Title, "サイバーセキュリティ") && strings.Contains(doc.Title, "予算重点化方針"):
		doc.ID = fmt.Sprintf("cs-budget-policy-fy%d", doc.FiscalYear)
	default:
		return nil, &Error{Line: titleLine, Msg: "cannot derive a document ID from the title; give one (--id)"}
	}
	doc.Provisions = w.build(doc.ID)
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

// unbracket returns a title without the brackets that enclose it whole
// (「…」, 【…】, ＜…＞).
func unbracket(t string) string {
	for _, p := range []string{"「」", "『』", "【】", "〔〕", "＜＞", "<>", "［］"} {
		rs := []rune(p)
		if strings.HasPrefix(t, string(rs[0])) && strings.HasSuffix(t, string(rs[1])) && len(t) > len(p) {
			return t[len(string(rs[0])) : len(t)-len(string(rs[1]))]
		}
	}
	return t
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
// as line breaks, and a form feed as one more: the number of its last line.
func textLines(text string) int {
	return 1 + strings.Count(text, "\n") + strings.Count(text, "\r") - strings.Count(text, "\r\n") + strings.Count(text, "\f")
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
	// A form feed, as the text of a PDF has between pages, ends a line and
	// starts a page: what follows it is a line of the next page.
	if strings.Contains(text, "\f") {
		text = strings.ReplaceAll(text, "\f", "\n\f")
	}
	raw := strings.Split(text, "\n")
	lines := make([]srcLine, len(raw))
	for i, r := range raw {
		if c.stop() {
			return nil
		}
		brk := strings.HasPrefix(r, "\f")
		if brk {
			r = r[1:]
		}
		t := strings.TrimLeftFunc(r, unicode.IsSpace)
		t = strings.TrimRightFunc(t, unicode.IsSpace)
		lines[i] = srcLine{no: i + 1, indent: cells(r[:len(r)-len(strings.TrimLeftFunc(r, unicode.IsSpace))]), text: t, w: cells(t), pageBreak: brk}
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
		if lines[i].pageBreak && last == page {
			page++
		}
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
