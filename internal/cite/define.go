package cite

import (
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
// document: 上記１, 上記(2), ２に示す.
func (x *extractor) crossReferences(p *policy.Provision, t []rune) {
	section := ""
	if p.Kind != policy.KindPreamble {
		section = strings.SplitN(p.Label, "(", 2)[0]
		for i, r := range []rune(section) {
			if !(r >= '０' && r <= '９') {
				section = string([]rune(section)[:i])
				break
			}
		}
	}
	add := func(s, e int, label string) {
		target, ok := x.byLabel[label]
		if !ok || target.ID == p.ID {
			return
		}
		x.xrefs = append(x.xrefs, &policy.CrossReference{DocumentID: x.doc.ID, SourceID: p.ID, TargetID: target.ID,
			Text: string(t[s:e]), Start: s, End: e})
	}
	for k := index(t, []rune("上記"), 0); k >= 0; k = index(t, []rune("上記"), k+1) {
		e, label := readLabel(t, k+2, section)
		if label != "" {
			add(k, e, label)
		}
	}
	for k := index(t, []rune("に示す"), 0); k >= 0; k = index(t, []rune("に示す"), k+1) {
		s := k
		for s > 0 && isDigit(t[s-1]) {
			s--
		}
		if s == k || s > 0 && isAlnum(t[s-1]) {
			continue
		}
		add(s, k, fullWidth(string(t[s:k])))
	}
}

// readLabel reads a label chain at t[i:] — ２, (2), ２(2), (2)③ — and
// returns its end and canonical label, completing a chain that starts at
// an area with the current section.
func readLabel(t []rune, i int, section string) (end int, label string) {
	j := i
	for j < len(t) && isDigit(t[j]) {
		j++
	}
	sec := fullWidth(string(t[i:j]))
	area := ""
	if j < len(t) && (t[j] == '(' || t[j] == '（') {
		k := j + 1
		for k < len(t) && isDigit(t[k]) {
			k++
		}
		if k > j+1 && k < len(t) && (t[k] == ')' || t[k] == '）') {
			area = "(" + halfWidthDigits(string(t[j+1:k])) + ")"
			j = k + 1
		}
	}
	item := ""
	if area != "" && j < len(t) && t[j] >= '①' && t[j] <= '⑳' {
		item = string(t[j])
		j++
	}
	switch {
	case sec == "" && area == "":
		return i, ""
	case sec == "":
		if section == "" {
			return i, ""
		}
		sec = section
	}
	return j, sec + area + item
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		return r
	}, s)
}

func halfWidthDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return r
	}, s)
}
