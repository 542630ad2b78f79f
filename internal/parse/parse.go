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
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode"

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
// It returns a *Error when the input is not a policy of this family.
func Document(name string, src []byte, opt Options) (*policy.Document, error) {
	doc, err := document(src, opt)
	if err != nil {
		err.File = name
		return nil, err
	}
	return doc, nil
}

func document(src []byte, opt Options) (*policy.Document, *Error) {
	text, enc, err := decode(src)
	if err != nil {
		return nil, err
	}
	lines := splitLines(text)
	if err := classify(lines); err != nil {
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
			return nil, &Error{Line: doc.TitleLineNo, Msg: fmt.Sprintf("invalid document ID %q: use lower-case ASCII letters, digits, '.', '_' and '-'", opt.ID)}
		}
		doc.ID = opt.ID
	case doc.FiscalYear != 0 && strings.Contains(doc.Title, "サイバーセキュリティ") && strings.Contains(doc.Title, "予算重点化方針"):
		doc.ID = fmt.Sprintf("cs-budget-policy-fy%d", doc.FiscalYear)
	default:
		return nil, &Error{Line: doc.TitleLineNo, Msg: "cannot derive a document ID from the title; give one (--id)"}
	}
	doc.Provisions = build(doc.ID, lines)
	return doc, nil
}

// splitLines splits text at CRLF, CR or LF.
func splitLines(text string) []srcLine {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	raw := strings.Split(text, "\n")
	lines := make([]srcLine, len(raw))
	for i, r := range raw {
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
func classify(lines []srcLine) *Error {
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
	for i = next(i); i >= 0; i = next(i) {
		l := &lines[i]
		t := l.text
		if n, full, decorated, ok := pageNumber(t); ok {
			isSection := false
			if !decorated && n == sec+1 && nextIsHeading(lines, i) {
				isSection = full || n != lastPage+1 || strings.HasSuffix(prev, "。")
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
			continue
		}
		if expectHeading {
			expectHeading = false
			if !isMarker(t) {
				l.class = clHeading
				prev = t
				continue
			}
		}
		switch m, ok := structural(t, sec, area, item, sub); {
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

// structural recognises the marker that may come next in the numbering, given
// the current section, area, item and sub-item numbers.
func structural(t string, sec, area, item, sub int) (marker, bool) {
	if m, _, ok := sectionMarker(t); ok && m.rest != "" && m.number == sec+1 && headingLike(m.rest) && cells(m.rest) <= 40 {
		return m, true
	}
	if sec > 0 {
		if m, ok := areaMarker(t); ok && m.number == area+1 && headingLike(m.rest) {
			return m, true
		}
	}
	if area > 0 {
		if m, ok := itemMarker(t); ok && m.number == item+1 && headingLike(m.rest) {
			return m, true
		}
	}
	if item > 0 {
		if m, ok := subItemMarker(t); ok && m.number == sub+1 {
			return m, true
		}
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
func build(docID string, lines []srcLine) []*policy.Provision {
	var provs []*policy.Provision
	var regions [][]pline
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
		regions = append(regions, nil)
		return p
	}
	for _, l := range lines {
		switch l.class {
		case clText:
			if len(provs) == 0 {
				provs = append(provs, &policy.Provision{
					ID: policy.ProvisionID(docID, nil), DocumentID: docID, Kind: policy.KindPreamble,
					Label: policy.PreambleLabel, Line: l.no,
				})
				regions = append(regions, nil)
			}
			n := len(regions) - 1
			regions[n] = append(regions[n], pline{no: l.no, page: l.page, text: l.text, indent: l.indent})
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
				n := len(regions) - 1
				regions[n] = append(regions[n], pline{no: l.no, page: l.page, text: l.m.rest, lead: cells(l.m.raw), indent: l.indent})
			}
		}
	}
	byID := make(map[string]*policy.Provision, len(provs))
	for i, p := range provs {
		byID[p.ID] = p
		for j, para := range paragraphs(regions[i]) {
			owner := p
			// A paragraph after a sub-item's first belongs to the enclosing item.
			if j > 0 && p.Kind == policy.KindSubItem {
				owner = byID[p.ParentID]
			}
			var b strings.Builder
			for _, pl := range para {
				b.WriteString(pl.text)
				owner.Pages = append(owner.Pages, pl.page)
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
