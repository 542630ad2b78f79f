package parse

import (
	"strings"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/numbering"
	"github.com/policykb/policykb/internal/policy"
)

// build turns classified lines into provisions: the markers nested as the
// walk found them, each with its heading, its own paragraphs and its
// footnotes.
func (w *walker) build(docID string) []*policy.Provision {
	c, lines := w.c, w.lines
	var provs []*policy.Provision
	var regions [][]pline
	all, starts := make([]pline, 0, len(lines)), []int(nil)
	var stack []*policy.Provision // the open provisions, outermost first
	var styles []numbering.Style
	lineOwner := make(map[int]int) // line index of a marker → provision index
	heads := 0                     // index into the headings queue
	var queue []*policy.Provision
	newRegion := func() {
		regions, starts = append(regions, nil), append(starts, len(all))
	}
	// push adds a line to the last region. The lines of all regions share
	// one array, each source line giving at most one: no region is copied
	// as it grows.
	push := func(pl pline) {
		all = append(all, pl)
		n := len(regions) - 1
		regions[n] = all[starts[n]:len(all):len(all)]
	}
	preamble := func(no int) {
		if len(provs) == 0 {
			provs = append(provs, &policy.Provision{
				ID: policy.ProvisionID(docID, nil), DocumentID: docID, Kind: policy.KindPreamble,
				Label: policy.PreambleLabel, Line: no,
			})
			newRegion()
		}
	}
	for i, l := range lines {
		if c.stop() {
			return nil
		}
		switch l.class {
		case clText:
			preamble(l.no)
			push(pline{no: l.no, page: l.page, text: l.text, indent: l.indent, brk: l.brk || bulletNext(lines, i)})
		case clMarker:
			m := l.m
			k := key(m.Style)
			// The walk knows the parent: the provision whose path is ours
			// without the last number.
			path := w.paths[i]
			depth := len(path) - 1
			stack, styles = stack[:min(depth, len(stack))], styles[:min(depth, len(styles))]
			p := &policy.Provision{
				DocumentID: docID, Seq: len(provs), Kind: policy.KindAt(len(path)), Level: len(path), Number: m.Number,
				Marker: m.Raw, Line: l.no, Pages: []int{l.page},
			}
			p.ID = policy.ProvisionID(docID, path)
			part := numbering.Format(m.Style, m.Number, m.Chain, m.Full)
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				p.ParentID = parent.ID
				p.Label = joinLabel(stack, styles, m.Style, part)
			} else {
				p.Label = part
			}
			lineOwner[i] = len(provs)
			stack, styles = append(stack, p), append(styles, k)
			provs = append(provs, p)
			newRegion()
			switch {
			case m.Rest == "":
				if k.Headed() {
					if heads > len(queue) {
						heads = len(queue)
					}
					queue = append(queue, p)
				}
			case w.headed(m) || w.headsChildren(i):
				p.Heading, p.HeadingLine = m.Rest, l.no
				queue = queue[:0]
				heads = 0
			default:
				queue = queue[:0]
				heads = 0
				push(pline{no: l.no, page: l.page, text: m.Rest, lead: cells(m.Raw), leadN: utf8.RuneCountInString(m.Raw), indent: l.indent, brk: bulletNext(lines, i)})
			}
		case clHeading:
			if heads < len(queue) {
				p := queue[heads]
				heads++
				p.Heading, p.HeadingLine = l.text, l.no
				p.Pages = append(p.Pages, l.page)
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
	lastChild := map[string]bool{} // provisions with no next sibling
	for i, p := range provs {
		byID[p.ID] = p
		if i+1 == len(provs) || provs[i+1].Level < p.Level || provs[i+1].Level == p.Level && provs[i+1].ParentID != p.ParentID {
			lastChild[p.ID] = true
		} else if provs[i+1].Level > p.Level {
			// its children follow; whether it is last among its siblings
			// is decided by the next provision at its level or above.
			for j := i + 1; j < len(provs); j++ {
				if provs[j].Level <= p.Level {
					lastChild[p.ID] = provs[j].Level < p.Level
					break
				}
				if j == len(provs)-1 {
					lastChild[p.ID] = true
				}
			}
		}
	}
	paraOwner := map[int]*policy.Provision{} // first line of a paragraph → its owner
	for i, p := range provs {
		textFirst := p.Marker != "" && p.Heading == "" && len(regions[i]) > 0 && regions[i][0].lead > 0
		for j, para := range paragraphs(c, printed[i], byChars) {
			owner := p
			// A paragraph after the text of the last of a list of markers
			// that carry their text (ⅰ）…) belongs to the enclosing
			// provision, as a closing paragraph after a list of sub-items
			// does.
			if j > 0 && textFirst && p.ParentID != "" && lastChild[p.ID] && len(childrenOf(provs, i)) == 0 {
				owner = byID[p.ParentID]
			}
			var b strings.Builder
			for _, pl := range para {
				b.WriteString(pl.text)
				if n := len(owner.Pages); n == 0 || owner.Pages[n-1] != pl.page {
					owner.Pages = append(owner.Pages, pl.page)
				}
				paraOwner[pl.no] = owner
			}
			owner.Paragraphs = append(owner.Paragraphs, b.String())
			owner.ParagraphLines = append(owner.ParagraphLines, para[0].no)
		}
	}
	// Footnotes go to the provision whose text held their markers.
	for _, n := range w.notes {
		ref := lines[n.ref]
		owner := paraOwner[ref.no]
		if owner == nil {
			if k, ok := lineOwner[n.ref]; ok {
				owner = provs[k]
			} else if len(provs) > 0 {
				owner = provs[len(provs)-1]
			}
		}
		if owner == nil {
			continue
		}
		var b strings.Builder
		for j := n.first; j <= n.last; j++ {
			t := lines[j].text
			if j == n.first {
				t = strings.TrimPrefix(t, n.marker+n.sep)
			}
			b.WriteString(t)
		}
		owner.Notes = append(owner.Notes, policy.Note{Marker: n.marker, Sep: n.sep, Text: b.String(), Line: lines[n.first].no, Ref: ref.no})
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

// childrenOf returns the indexes of the children of provs[i].
func childrenOf(provs []*policy.Provision, i int) []int {
	var out []int
	for j := i + 1; j < len(provs) && provs[j].Level > provs[i].Level; j++ {
		if provs[j].ParentID == provs[i].ID {
			out = append(out, j)
		}
	}
	return out
}

// joinLabel prints the label of a provision of style s whose own part is
// part, under the open provisions stack (of styles): the parent's label and
// the part, with の after 第N before a number (第２の１), and a decimal chain
// in place of the numbers it repeats (1.2.3, not 11.21.2.3).
func joinLabel(stack []*policy.Provision, styles []numbering.Style, s numbering.Style, part string) string {
	n := len(stack)
	if s.Kind == numbering.Decimal {
		for n > 0 && (styles[n-1].Kind == numbering.Arabic || styles[n-1].Kind == numbering.Decimal) {
			n--
		}
		if n == 0 {
			return part
		}
		return stack[n-1].Label + part
	}
	parent := stack[n-1].Label
	if styles[n-1].Kind == numbering.Dai {
		if r, _ := utf8.DecodeRuneInString(part); r >= '0' && r <= '9' || r >= '０' && r <= '９' {
			return parent + "の" + part
		}
	}
	return parent + part
}

// bulletNext reports whether the next line holding text starts with a
// bullet: the paragraph ends before it.
func bulletNext(lines []srcLine, i int) bool {
	for j := i + 1; j < len(lines); j++ {
		switch lines[j].class {
		case clBlank, clFooter, clNote:
			continue
		case clText:
			return bullet(lines[j].text)
		}
		return false
	}
	return false
}
