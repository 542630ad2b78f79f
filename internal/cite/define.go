package cite

import (
	"github.com/policykb/policykb/internal/label"
	"sort"
	"strings"

	"github.com/policykb/policykb/internal/policy"
)

// definitions records the terms p defines: （以下「X」という。）. A term
// means what stands before its parenthetical — a citation (基本法,
// 戦略) or a plain name (ＤＸ) — and applies from its definition on.
func (x *extractor) definitions(p *policy.Provision, t []rune, found []*policy.Citation) {
	for k := index(t, []rune("以下「"), 0); k >= 0; k = index(t, []rune("以下「"), k+1) {
		q := k + 2
		qe := x.closing(t, q)
		if qe < 0 || !hasPrefix(t[qe+1:], []rune("という")) {
			continue
		}
		term := &policy.DefinedTerm{DocumentID: x.doc.ID, Term: string(t[q+1 : qe]), DefinedIn: p.ID,
			Start: k, End: qe + 1 + len([]rune("という")), Uses: []string{}}
		ps := x.openParen(t, k)
		for _, c := range found {
			if c.Start <= k && c.End > qe || ps >= 0 && c.End == ps {
				term.ReferenceID = c.TargetID
				term.Meaning = x.refs[c.TargetID].Title
				break
			}
		}
		if term.Meaning == "" && ps > 0 {
			term.Meaning = string(t[nameBefore(t, ps):ps])
			if ref := x.reg.ByTitle(term.Meaning); ref != nil {
				term.ReferenceID = x.use(ref).ID
			}
		}
		if term.Meaning == "" || term.Term == "" {
			continue
		}
		x.terms = append(x.terms, term)
		x.termPos[term] = span{q, qe + 1}
		for i, old := range x.live {
			if old.Term == term.Term {
				x.live = append(x.live[:i], x.live[i+1:]...)
				break
			}
		}
		x.live = append(x.live, term)
	}
}

// openParen returns the index of the parenthesis left open before k, or -1.
func openParen(t []rune, k int) int {
	depth := 0
	for i := k - 1; i >= 0; i-- {
		switch t[i] {
		case '）', ')':
			depth++
		case '（', '(':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

// crossReferences records p's references to other provisions of the
// document: 上記１, 上記(2), ２に示す, 第２の１(3)に掲げる. A chain that starts
// below the outermost level (上記(2)) is read within p's own outermost
// provision.
func (x *extractor) crossReferences(p *policy.Provision, t []rune) {
	// The provisions a chain may be read within, innermost first.
	var within []string
	for q := p; q.ParentID != ""; {
		parent, ok := x.byID[q.ParentID]
		if !ok {
			break
		}
		within = append(within, parent.Label)
		q = parent
	}
	if p.Kind != policy.KindPreamble && p.ParentID == "" {
		within = append(within, p.Label)
	}
	add := func(s, e int, chain string) {
		target, ok := x.byLabel[label.Key(chain)]
		for _, w := range within {
			if ok {
				break
			}
			if target, ok = x.byLabel[label.Key(w+chain)]; !ok {
				target, ok = x.byLabel[label.Key(w+"の"+chain)]
			}
		}
		if !ok || target.ID == p.ID {
			return
		}
		x.xrefs = append(x.xrefs, &policy.CrossReference{DocumentID: x.doc.ID, SourceID: p.ID, TargetID: target.ID,
			Text: string(t[s:e]), Start: s, End: e})
	}
	from := len(x.xrefs)
	defer func() {
		// In text order.
		own := x.xrefs[from:]
		sort.SliceStable(own, func(i, j int) bool { return own[i].Start < own[j].Start })
	}()
	for k := index(t, []rune("上記"), 0); k >= 0; k = index(t, []rune("上記"), k+1) {
		if e := readChain(t, k+2); e > k+2 {
			add(k, e, string(t[k+2:e]))
		}
	}
	for _, verb := range []string{"に示す", "に掲げる"} {
		for k := index(t, []rune(verb), 0); k >= 0; k = index(t, []rune(verb), k+1) {
			// The chain before the verb: the longest that reads to it.
			for s := max(0, k-16); s < k; s++ {
				if s > 0 && (isAlnum(t[s-1]) || t[s-1] == '第') {
					continue
				}
				if readChain(t, s) == k && (t[s] == '第' || isDigit(t[s])) {
					add(s, k, string(t[s:k]))
					break
				}
			}
		}
	}
}

// readChain reads a chain of markers as a text cites them — ２, (2), ２(2),
// (2)③, 第２の１(3), 第1章第2節 — at t[i:] and returns where it ends (i where
// there is none).
func readChain(t []rune, i int) int {
	j := i
	for j < len(t) {
		k := j
		switch r := t[j]; {
		case r == '第':
			k = j + 1
			for k < len(t) && isDigit(t[k]) {
				k++
			}
			if k == j+1 {
				return j
			}
			if k < len(t) && strings.ContainsRune("部章節", t[k]) {
				k++
			}
			if k < len(t) && t[k] == 'の' && k+1 < len(t) && (isDigit(t[k+1]) || t[k+1] == '(' || t[k+1] == '（') {
				k++
			}
		case isDigit(r):
			if j > i && isDigit(t[j-1]) {
				return j
			}
			for k < len(t) && isDigit(t[k]) {
				k++
			}
		case r == '(' || r == '（':
			k = j + 1
			for k < len(t) && isDigit(t[k]) {
				k++
			}
			if k == j+1 || k >= len(t) || t[k] != ')' && t[k] != '）' {
				return j
			}
			k++
		case r >= '①' && r <= '⑳':
			if j == i {
				return j
			}
			k = j + 1
		default:
			return j
		}
		j = k
	}
	return j
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }
