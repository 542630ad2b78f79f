// Package cite finds what a policy cites: documents by quoted title with
// date and body, laws by name and law number, known names, abbreviations the
// document defines (（以下「基本法」という。）) and their later uses, anaphora
// (同プログラム), pinpoints into cited documents (第26条第１項第５号,
// 戦略に定める「目標達成のための施策」) and cross-references between its own
// provisions (上記１, ２に示す). References are resolved against a Registry;
// what it lacks still becomes a Reference, with a stable slug.
package cite

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/policykb/policykb/internal/label"
	"sort"
	"strings"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/wareki"
)

// Observation is what the text itself says of a cited reference: the dates
// and body of its parenthetical. Tests compare it with the registry.
type Observation struct {
	CitationID  string
	ReferenceID string
	IssuedOn    policy.Date
	Issuer      string
	RevisedOn   []policy.Date
}

// act is one dated act in a parenthetical: 平成29年4月18日サイバーセキュリティ戦略本部決定.
type act struct {
	date policy.Date
	body string
	verb string // 決定, 改定, 報告, …; "" when the body alone is named
}

var verbs = []string{"決定", "改定", "報告", "了承", "策定", "公表"}

// extractor holds the state of one document's extraction.
type extractor struct {
	doc     *policy.Document
	reg     *Registry
	refs    map[string]*policy.Reference
	terms   []*policy.DefinedTerm
	termPos map[*policy.DefinedTerm]span // the definition's quote
	// live are the terms in force, in the order of their definitions: a
	// term defined again is replaced by its new definition from there on,
	// so that a long text that repeats a definition costs time in
	// proportion to its length, not to the square of its definitions.
	live []*policy.DefinedTerm
	// lastFor holds, for each word of anaphora, the target of the last
	// citation so far whose title ends with it.
	lastFor map[string]string
	// closeOf and openAt describe the brackets of the provision being read
	// (matchBrackets).
	closeOf []int
	openAt  []int
	cites   []*policy.Citation
	obs     []Observation
	xrefs   []*policy.CrossReference
	byLabel map[string]*policy.Provision // by label.Key of the label
	byID    map[string]*policy.Provision
}

// Extract finds the citations, defined terms and cross-references of doc
// and stores them in doc.References, doc.Citations, doc.Terms and
// doc.CrossReferences. It returns what the text says of each cited
// reference's dates and issuer.
func Extract(doc *policy.Document, reg *Registry) []Observation {
	x := &extractor{doc: doc, reg: reg, refs: map[string]*policy.Reference{},
		termPos: map[*policy.DefinedTerm]span{}, byLabel: map[string]*policy.Provision{}, byID: map[string]*policy.Provision{}, lastFor: map[string]string{}}
	for _, p := range doc.Provisions {
		x.byLabel[label.Key(p.Label)] = p
		x.byID[p.ID] = p
	}
	for _, p := range doc.Provisions {
		x.provision(p)
	}
	for i, c := range x.cites {
		c.Seq = i
	}
	doc.Citations = x.cites
	doc.Terms = x.terms
	doc.CrossReferences = x.xrefs
	doc.References = make([]*policy.Reference, 0, len(x.refs))
	for _, r := range x.refs {
		doc.References = append(doc.References, r)
	}
	sort.Slice(doc.References, func(i, j int) bool { return doc.References[i].ID < doc.References[j].ID })
	return x.obs
}

func (x *extractor) provision(p *policy.Provision) {
	t := []rune(p.Text())
	x.matchBrackets(t)
	covered := newCover(len(t))
	var found []*policy.Citation
	var observed []Observation
	add := func(c *policy.Citation, o *Observation) {
		c.DocumentID, c.SourceID, c.Text = x.doc.ID, p.ID, string(t[c.Start:c.End])
		found = append(found, c)
		covered.add(c.Start, c.End)
		if o != nil {
			o.ReferenceID = c.TargetID
			observed = append(observed, *o)
		} else {
			observed = append(observed, Observation{ReferenceID: c.TargetID})
		}
	}
	// Laws by name and number: サイバーセキュリティ基本法（平成26年法律第104号）.
	for i, r := range t {
		if r != '（' && r != '(' {
			continue
		}
		// A law number is short: read it from a window, not from the
		// whole rest of the text at every parenthesis.
		num, year, n, slug, ok := wareki.LawNumber(string(t[i+1 : min(len(t), i+1+lawWindow)]))
		if !ok || i+1+n >= len(t) {
			continue
		}
		e := i + 1 + n + 1 // after the closing parenthesis
		switch t[i+1+n] {
		case '）', ')':
		case '。', '、': // （平成26年法律第104号。以下「基本法」という。）
			if e = x.closing(t, i) + 1; e == 0 {
				continue
			}
		default:
			continue
		}
		s := titleBefore(t, i)
		if s == i {
			continue
		}
		name := string(t[s:i])
		ref := x.reg.ByLawNumber(num)
		if ref == nil {
			ref = x.reg.ByTitle(name)
		}
		if ref == nil {
			ref = &policy.Reference{ID: policy.ReferenceIDPrefix + "law-" + slug, Title: name, Kind: policy.RefLaw,
				LawNumber: num, RevisedOn: []policy.Date{}, Aliases: []string{}}
		}
		c := &policy.Citation{TargetID: x.use(ref).ID, Start: s, End: e, Form: policy.FormDirect}
		c.Pinpoint = x.articlePinpoint(t, e)
		add(c, &Observation{IssuedOn: policy.Date{Year: year}})
	}
	// Quoted titles, and unquoted names with a dated parenthetical.
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case '「':
			j := x.closing(t, i)
			if j < 0 {
				continue
			}
			if x.quoted(p, t, i, j, add, covered) {
				i = j
			}
		case '（', '(':
			if covered.overlaps(i, i+1) {
				continue
			}
			j := x.closing(t, i)
			if j < 0 {
				continue
			}
			acts := parseActs(t[i+1 : j])
			s := titleBefore(t, i)
			if len(acts) == 0 || s == i || i > 0 && t[i-1] == '」' {
				continue
			}
			name := string(t[s:i])
			ref := x.reg.ByTitle(name)
			if ref == nil {
				ref = x.unresolved(name, acts)
			}
			c := &policy.Citation{TargetID: x.use(ref).ID, Start: s, End: j + 1, Form: policy.FormDirect}
			add(c, observe(acts))
		}
	}
	// Definitions: （以下「X」という。）, alone or inside a citation's parenthetical.
	x.definitions(p, t, found)
	// Known names without a date: 統一基準, 未来投資戦略2019.
	for _, ne := range x.reg.names {
		for k := index(t, ne.name, 0); k >= 0; k = index(t, ne.name, k+1) {
			e := k + len(ne.name)
			if covered.overlaps(k, e) || !wholeWord(t, k, e) {
				continue
			}
			add(&policy.Citation{TargetID: x.use(ne.ref).ID, Start: k, End: e, Form: policy.FormName}, nil)
		}
	}
	// Uses of defined terms.
	for _, term := range x.live {
		tr := []rune(term.Term)
		used := false
		for k := index(t, tr, 0); k >= 0; k = index(t, tr, k+1) {
			e := k + len(tr)
			if def := x.termPos[term]; term.DefinedIn == p.ID && k < def.e {
				continue // the definition itself, or before it
			}
			if covered.overlaps(k, e) || !wholeWord(t, k, e) {
				continue
			}
			used = true
			if term.ReferenceID == "" {
				continue
			}
			c := &policy.Citation{TargetID: term.ReferenceID, Start: k, End: e, Form: policy.FormAbbreviation}
			c.Pinpoint = x.quotedPinpoint(t, e)
			add(c, nil)
		}
		if used && (len(term.Uses) == 0 || term.Uses[len(term.Uses)-1] != p.ID) {
			term.Uses = append(term.Uses, p.ID)
		}
	}
	// Anaphora: 同プログラム → the nearest citation before it of a reference
	// whose title ends so.
	for _, w := range anaphora {
		pat := []rune("同" + w)
		near := x.nearestFinder(w, found)
		for k := index(t, pat, 0); k >= 0; k = index(t, pat, k+1) {
			e := k + len(pat)
			if covered.overlaps(k, e) || e < len(t) && isWordRune(t[e]) {
				continue
			}
			if ref := near.at(k); ref != "" {
				add(&policy.Citation{TargetID: ref, Start: k, End: e, Form: policy.FormAnaphora}, nil)
				near.added(k, ref)
			}
		}
	}
	x.crossReferences(p, t)
	order := make([]int, len(found))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return found[order[a]].Start < found[order[b]].Start })
	for n, i := range order {
		c := found[i]
		c.ID = fmt.Sprintf("%s~c%d", p.ID, n+1)
		x.cites = append(x.cites, c)
		for _, w := range anaphora {
			if x.titleEnds(c.TargetID, w) {
				x.lastFor[w] = c.TargetID
			}
		}
		o := observed[i]
		o.CitationID = c.ID
		x.obs = append(x.obs, o)
	}
}

// anaphora are the words 同 may precede to point back at a citation.
var anaphora = []string{"プログラム", "計画", "方針", "戦略", "基準", "枠組", "法"}

// nearestFinder answers, for offsets k in ascending order, the target of
// the last citation before k in this provision (found) whose target title
// ends with w, or else of the last such citation in earlier provisions: the
// antecedent of 同w at k. It sorts the candidates once and sweeps them, so
// that a provision with many anaphora costs no more than its length.
func (x *extractor) nearestFinder(w string, found []*policy.Citation) *finder {
	f := &finder{fallback: x.lastFor[w], start: -1}
	for i, c := range found {
		if x.titleEnds(c.TargetID, w) {
			f.cands = append(f.cands, cand{c.Start, c.End, i, c.TargetID})
		}
	}
	sort.SliceStable(f.cands, func(a, b int) bool { return f.cands[a].end < f.cands[b].end })
	return f
}

type cand struct {
	start, end, seq int
	target          string
}

type finder struct {
	cands    []cand // by end
	next     int    // cands[:next] end at or before the last offset asked
	start    int    // start of the best so far, -1 for none
	seq      int    // its place in found, to break ties as found does
	target   string
	fallback string
}

// at returns the antecedent at offset k, k not less than at the last call.
func (f *finder) at(k int) string {
	for ; f.next < len(f.cands) && f.cands[f.next].end <= k; f.next++ {
		c := f.cands[f.next]
		if c.start > f.start || c.start == f.start && c.seq < f.seq {
			f.start, f.seq, f.target = c.start, c.seq, c.target
		}
	}
	if f.start >= 0 {
		return f.target
	}
	return f.fallback
}

// added records an anaphor found at k, itself a candidate for the next.
func (f *finder) added(k int, target string) {
	if k > f.start {
		f.start, f.seq, f.target = k, 1<<62, target
	}
}

func (x *extractor) titleEnds(refID, w string) bool {
	r := x.refs[refID]
	if r == nil {
		return false
	}
	if w == "法" { // 同法: the last law, whatever its title ends with (…法律)
		return r.Kind == policy.RefLaw
	}
	return strings.HasSuffix(normalize(r.Title), normalize(w))
}

// quoted handles the quote t[i..j]. It reports whether it was a citation.
func (x *extractor) quoted(p *policy.Provision, t []rune, i, j int, add func(*policy.Citation, *Observation), covered cover) bool {
	if covered.overlaps(i, j+1) || i >= 2 && string(t[i-2:i]) == "以下" || hasSuffix(t[:i], []rune("に定める")) {
		return false // a definition, or a pinpoint into a cited document
	}
	title := string(t[i+1 : j])
	end := j + 1
	var acts []act
	if end < len(t) && (t[end] == '（' || t[end] == '(') {
		if k := x.closing(t, end); k > 0 {
			if a := parseActs(t[end+1 : k]); len(a) > 0 {
				acts, end = a, k+1
			}
		}
	}
	ref := x.reg.ByTitle(title)
	if ref == nil && len(acts) == 0 {
		return false // a quoted phrase, not a title
	}
	o := observe(acts)
	if len(acts) == 0 {
		// 平成31年４月１日に組織された「サイバーセキュリティ協議会」
		for _, v := range []string{"に組織された", "に設置された", "に決定された", "に策定された"} {
			if k := i - len([]rune(v)); k > 0 && string(t[k:i]) == v {
				for s := max(k-12, 0); s < k; s++ {
					if d, n, ok := wareki.Prefix(string(t[s:k])); ok && s+n == k {
						o = &Observation{IssuedOn: d}
						break
					}
				}
			}
		}
	}
	if ref == nil {
		ref = x.unresolved(title, acts)
	}
	add(&policy.Citation{TargetID: x.use(ref).ID, Start: i, End: end, Form: policy.FormDirect}, o)
	return true
}

// parseActs reads a parenthetical of dated acts: 平成29年4月18日サイバー
// セキュリティ戦略本部決定、平成30年7月25日…改定; or 平成28年８月内閣サイバー
// セキュリティセンター. It stops at a part without a date (以下「戦略」という).
func parseActs(in []rune) []act {
	var out []act
	for _, part := range strings.FieldsFunc(string(in), func(r rune) bool { return r == '、' || r == '。' }) {
		d, n, ok := wareki.Prefix(part)
		if !ok {
			break
		}
		rest := string([]rune(part)[n:])
		a := act{date: d, body: rest}
		for _, v := range verbs {
			if strings.HasSuffix(rest, v) {
				a.body, a.verb = strings.TrimSuffix(rest, v), v
				break
			}
		}
		out = append(out, a)
	}
	return out
}

// observe turns acts into what they say of the reference.
func observe(acts []act) *Observation {
	if len(acts) == 0 {
		return nil
	}
	o := &Observation{IssuedOn: acts[0].date, Issuer: acts[0].body, RevisedOn: []policy.Date{}}
	for _, a := range acts[1:] {
		if a.verb == "改定" {
			o.RevisedOn = append(o.RevisedOn, a.date)
		}
	}
	return o
}

// use records that the document cites ref and returns the stored copy.
func (x *extractor) use(ref *policy.Reference) *policy.Reference {
	if r, ok := x.refs[ref.ID]; ok {
		return r
	}
	c := *ref
	c.Aliases = append([]string{}, ref.Aliases...)
	x.refs[c.ID] = &c
	return &c
}

// unresolved makes a reference the registry does not know, with a slug
// derived from its title so that it is the same at every ingest.
func (x *extractor) unresolved(title string, acts []act) *policy.Reference {
	sum := sha256.Sum256([]byte(normalize(title)))
	ref := &policy.Reference{ID: policy.ReferenceIDPrefix + "x-" + hex.EncodeToString(sum[:5]), Title: title,
		Kind: guessKind(title, acts), RevisedOn: []policy.Date{}, Aliases: []string{}}
	if o := observe(acts); o != nil {
		ref.IssuedOn, ref.Issuer, ref.RevisedOn = o.IssuedOn, o.Issuer, o.RevisedOn
	}
	return ref
}

func guessKind(title string, acts []act) policy.ReferenceKind {
	for _, k := range []struct {
		suffix string
		kind   policy.ReferenceKind
	}{{"法", policy.RefLaw}, {"計画", policy.RefPlan}, {"プログラム", policy.RefProgramme},
		{"基準", policy.RefStandard}, {"枠組", policy.RefFramework}, {"協議会", policy.RefOrganization}} {
		if strings.HasSuffix(title, k.suffix) {
			return k.kind
		}
	}
	if len(acts) > 0 {
		switch {
		case acts[0].body == "閣議":
			return policy.RefCabinetDecision
		case acts[0].verb == "報告":
			return policy.RefHQReport
		case strings.HasSuffix(acts[0].body, "本部") || strings.HasSuffix(acts[0].body, "会"):
			return policy.RefHQDecision
		}
	}
	return policy.RefOther
}

// articlePinpoint reads 第26条第１項第５号 after offset e, skipping a
// definition parenthetical in between.
func (x *extractor) articlePinpoint(t []rune, e int) string {
	k := e
	if k < len(t) && (t[k] == '（' || t[k] == '(') && hasPrefix(t[k+1:], []rune("以下「")) {
		if c := x.closing(t, k); c > 0 {
			k = c + 1
		}
	}
	if !hasPrefix(t[k:], []rune("第")) {
		return ""
	}
	s := k
	for k < len(t) && hasPrefix(t[k:], []rune("第")) {
		j := k + 1
		for j < len(t) && (isAlnum(t[j]) || strings.ContainsRune("〇一二三四五六七八九十百千", t[j])) {
			j++
		}
		if j == k+1 || j >= len(t) || !strings.ContainsRune("条項号", t[j]) {
			break
		}
		k = j + 1
	}
	return string(t[s:k])
}

// quotedPinpoint reads に定める「Y」 after offset e.
func (x *extractor) quotedPinpoint(t []rune, e int) string {
	p := []rune("に定める「")
	if !hasPrefix(t[e:], p) {
		return ""
	}
	q := e + len(p) - 1
	c := x.closing(t, q)
	if c < 0 {
		return ""
	}
	return string(t[q+1 : c])
}
