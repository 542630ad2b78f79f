package pages

import (
	"fmt"
	"html"
	"html/template"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/policy"
)

// Geometry of the citation graph, in SVG user units (CSS pixels at 100%).
const (
	graphFont    = 13.0 // font size of the labels
	graphRow     = 30.0 // distance between two nodes of a column
	graphNodeH   = 22.0 // height of a node
	graphPad     = 8.0  // inner padding of a node
	graphGap     = 120.0
	graphMargin  = 4.0
	graphMaxLeft = 16 // characters of a provision's label and heading
	graphMaxRef  = 26 // characters of a reference's title
	// graphMaxRows is the most citing provisions drawn one by one; a
	// document with more is drawn by the sections the citing provisions
	// are in.
	graphMaxRows = 60
)

// citationGraph draws the provisions of a document that cite something
// (left, in document order) and the references they cite (right, ordered to
// keep lines from crossing), with a line for each provision–reference pair.
// Every node is a link: to the provision's page and to the reference's page.
func citationGraph(ps []provisionData) template.HTML {
	type node struct {
		id, label, full, href string
		y                     float64
		kind                  string
	}
	var left []*node
	right := map[string]*node{}
	type edge struct {
		from *node
		to   string
		n    int
	}
	var edges []*edge
	rank := map[string]float64{} // mean position of the citing provisions
	count := map[string]int{}
	citing := 0
	for i := range ps {
		if len(ps[i].Citations) > 0 {
			citing++
		}
	}
	byID := make(map[string]*provisionData, len(ps))
	for i := range ps {
		byID[ps[i].ID] = &ps[i]
	}
	// group is the node a citing provision is drawn as: itself, or the
	// section it is in.
	group := func(p *provisionData) *provisionData {
		if citing <= graphMaxRows {
			return p
		}
		if anc := policy.AncestorIDs(p.ID); len(anc) > 0 && byID[anc[0]] != nil {
			return byID[anc[0]]
		}
		return p
	}
	var l *node
	var seen map[string]*edge
	for i := range ps {
		p := &ps[i]
		if len(p.Citations) == 0 {
			continue
		}
		if g := group(p); l == nil || l.id != g.ID {
			full := provisionTitle(g)
			l = &node{id: g.ID, label: truncate(full, graphMaxLeft), full: full, href: provisionPath(g.ID)}
			left = append(left, l)
			seen = map[string]*edge{}
		}
		for _, c := range p.Citations {
			if e := seen[c.Target.ID]; e != nil {
				e.n++
				continue
			}
			e := &edge{from: l, to: c.Target.ID, n: 1}
			seen[c.Target.ID] = e
			edges = append(edges, e)
			if right[c.Target.ID] == nil {
				right[c.Target.ID] = &node{id: c.Target.ID, label: truncate(c.Target.Title, graphMaxRef), full: c.Target.Title,
					href: referencePath(c.Target.ID), kind: c.Target.Kind}
			}
			rank[c.Target.ID] += float64(len(left) - 1)
			count[c.Target.ID]++
		}
	}
	if len(left) == 0 {
		return ""
	}
	refs := make([]*node, 0, len(right))
	for _, n := range right {
		refs = append(refs, n)
	}
	sort.Slice(refs, func(i, j int) bool {
		ri, rj := rank[refs[i].id]/float64(count[refs[i].id]), rank[refs[j].id]/float64(count[refs[j].id])
		if ri != rj {
			return ri < rj
		}
		return refs[i].id < refs[j].id
	})
	rows := max(len(left), len(refs))
	height := float64(rows)*graphRow + 2*graphMargin
	place := func(ns []*node) {
		step := (height - 2*graphMargin) / float64(len(ns))
		for i, n := range ns {
			n.y = graphMargin + step*(float64(i)+0.5)
		}
	}
	place(left)
	place(refs)
	leftW, rightW := 0.0, 0.0
	for _, n := range left {
		leftW = max(leftW, textWidth(n.label)+2*graphPad)
	}
	for _, n := range refs {
		rightW = max(rightW, textWidth(n.label)+2*graphPad)
	}
	x1 := graphMargin + leftW
	x2 := x1 + graphGap
	width := x2 + rightW + graphMargin

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="citation-graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-labelledby="graph-title">`,
		width, height, width, height)
	fmt.Fprintf(&b, `<title id="graph-title">引用グラフ：%d の項目が %d の文書を引用</title>`, len(left), len(refs))
	b.WriteString(`<g class="edges">`)
	for _, e := range edges {
		to := right[e.to]
		mid := (x1 + x2) / 2
		fmt.Fprintf(&b, `<path d="M%.1f %.1f C%.1f %.1f %.1f %.1f %.1f %.1f" stroke-width="%.1f"/>`,
			x1, e.from.y, mid, e.from.y, mid, to.y, x2, to.y, 1.2+0.8*float64(min(e.n, 4)-1))
	}
	b.WriteString(`</g>`)
	writeNode := func(n *node, x, w float64, class string) {
		fmt.Fprintf(&b, `<a href="%s" class="%s"><title>%s</title>`, html.EscapeString(n.href), class, html.EscapeString(n.full))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="4"/>`, x, n.y-graphNodeH/2, w, graphNodeH)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text></a>`, x+graphPad, n.y+graphFont*0.36, html.EscapeString(n.label))
	}
	b.WriteString(`<g class="provisions">`)
	for _, n := range left {
		writeNode(n, graphMargin, leftW, "node provision")
	}
	b.WriteString(`</g><g class="references">`)
	for _, n := range refs {
		writeNode(n, x2, rightW, "node reference kind-"+strings.ToLower(n.kind))
	}
	b.WriteString(`</g></svg>`)
	return template.HTML(b.String())
}

// truncate shortens s to n characters with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// textWidth estimates the width of s at graphFont: full-width characters
// take one em, others about 0.6.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if wide(r) {
			w += 1
		} else {
			w += 0.6
		}
	}
	return w * graphFont
}

// wide reports whether r is set full width in Japanese text.
func wide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff01 && r <= 0xff60) || (r >= 0x2460 && r <= 0x24ff) ||
		(r >= 0x2160 && r <= 0x217f) || r == '…' || r == '・'
}
