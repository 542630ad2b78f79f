package search

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/policykb/policykb/internal/policy"
)

// A query word is found in a provision in one of several ways (alts), from
// the closest to the loosest; each has a weight, so that a provision
// holding the word as written ranks above one holding a variant of it, and
// that above one holding only a reading or the parts of a compound.
const (
	boostWritten  = 1.0
	boostVariant  = 0.7
	boostDefined  = 0.8
	boostSynonym  = 0.6
	boostNear     = 0.35
	boostReading  = 0.45
	boostCompound = 0.1
)

// Reading queries: kana of at least this many characters, cut into words
// of at least readingPiece characters each, so that two kana do not find
// every homophone of the text.
const (
	minReading   = 2
	readingPiece = 2
)

// alt is one way of finding a query word.
type alt struct {
	via policy.MatchKind
	// phrase holds the terms each position may have, in order; nil is a
	// gap (a particle the index does not keep).
	phrase [][]string
	// parts: instead of phrase, each of these anywhere in the provision
	// (the parts of a compound), not next to each other.
	parts []alt
	// pairs: the phrase as pairs of words in a row (j: terms), a faster
	// search than the phrase where the phrase has no gap and only written
	// forms and variant keys; nil otherwise.
	pairs [][]string
	scope string // the key of a defined term whose definition must apply
	boost float64
}

// unit is one word of a query (or one part of a compound word, or one side
// of an OR) and the ways of finding it.
type unit struct {
	query  string // the word as typed, reported in matches
	part   bool   // a part of the compound query, found as COMPOUND_PART
	alts   []alt
	or     []*unit // for a OR b: the sides, and no alts
	negate bool
}

// bleveQuery is the query finding u; nil if nothing can.
func (u *unit) bleveQuery() query.Query {
	if u.or != nil {
		var qs []query.Query
		for _, o := range u.or {
			if q := o.bleveQuery(); q != nil {
				qs = append(qs, q)
			}
		}
		if len(qs) == 0 {
			return nil
		}
		return bleve.NewDisjunctionQuery(qs...)
	}
	alts := u.alts
	if len(alts) >= 2 && alts[0].via == policy.MatchWritten && alts[1].via == policy.MatchVariant &&
		len(alts[0].phrase) > 1 && len(alts[0].phrase) == len(alts[1].phrase) {
		// A phrase: one search of the written forms or their variants
		// rather than two phrase searches, which are slow on common words.
		either := alts[1]
		either.phrase = make([][]string, len(alts[0].phrase))
		for i := range either.phrase {
			either.phrase[i] = append(append([]string(nil), alts[0].phrase[i]...), alts[1].phrase[i]...)
		}
		alts = append([]alt{either}, alts[2:]...)
	}
	var qs []query.Query
	for _, a := range alts {
		qs = append(qs, a.bleveQuery())
	}
	var q query.Query
	switch len(qs) {
	case 0:
		return nil
	case 1:
		q = qs[0]
	default:
		q = bleve.NewDisjunctionQuery(qs...)
	}
	return q
}

// bleveQuery is the query of one way of finding a word. Boosts go on the
// leaves: bleve's conjunctions and disjunctions ignore their own.
func (a alt) bleveQuery() query.Query {
	var q query.Query
	switch {
	case len(a.pairs) == 1:
		q = anyTerm(a.pairs[0], a.boost)
	case a.pairs != nil:
		q = multiPhrase(a.pairs, a.boost)
	case a.parts != nil:
		var parts []query.Query
		for _, p := range a.parts {
			parts = append(parts, p.bleveQuery())
		}
		q = bleve.NewConjunctionQuery(parts...)
	case len(a.phrase) == 1:
		q = anyTerm(a.phrase[0], a.boost)
	default:
		single := true
		for _, ts := range a.phrase {
			single = single && len(ts) <= 1
		}
		if single {
			terms := make([]string, len(a.phrase))
			for i, ts := range a.phrase {
				if len(ts) == 1 {
					terms[i] = ts[0]
				}
			}
			p := bleve.NewPhraseQuery(terms, "text")
			p.SetBoost(a.boost)
			q = p
		} else {
			q = multiPhrase(a.phrase, a.boost)
		}
	}
	if a.scope != "" {
		s := termQuery("scope", a.scope).(*query.TermQuery)
		s.SetBoost(0)
		q = bleve.NewConjunctionQuery(q, s)
	}
	return q
}

// multiPhrase matches, in the text field, a run with one of the terms of
// each position of phrase in turn; a position without terms matches none.
func multiPhrase(phrase [][]string, boost float64) query.Query {
	terms := make([][]string, len(phrase))
	for i, ts := range phrase {
		terms[i] = ts
		if len(ts) == 0 {
			terms[i] = []string{""}
		}
	}
	p := query.NewMultiPhraseQuery(terms, "text")
	p.SetBoost(boost)
	return p
}

// anyTerm matches any of terms in the text field.
func anyTerm(terms []string, boost float64) query.Query {
	qs := make([]query.Query, len(terms))
	for i, t := range terms {
		tq := bleve.NewTermQuery(t)
		tq.SetField("text")
		tq.SetBoost(boost)
		qs[i] = tq
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// phraseOf returns the positions of ws with the terms each one gives. A
// katakana word may also be a piece of a longer run of the text, where the
// phrase allows it: alone, anywhere in the run (セキュリティ in サイバー
// セキュリティセンター); first of several, at the run's end (セキュリティ人材
// in サイバーセキュリティ人材); last of several, at its start.
func phraseOf(ws []word, terms func(word) []string) [][]string {
	if len(ws) == 0 {
		return nil
	}
	out := make([][]string, ws[len(ws)-1].pos-ws[0].pos+1)
	for n, w := range ws {
		i := w.pos - ws[0].pos
		ts := terms(w)
		if isKatakanaWord(w.written) || strings.ContainsAny(w.written, "・･") && len(w.pieces) > 0 {
			switch {
			case len(ws) == 1:
				ts = append(ts, prefixPiece+w.variant)
			case n == 0:
				ts = append(ts, prefixRunEnd+w.variant)
			case n == len(ws)-1:
				ts = append(ts, prefixRunStart+w.variant)
			}
		}
		for _, t := range ts {
			if !slices.Contains(out[i], t) {
				out[i] = append(out[i], t)
			}
		}
	}
	return out
}

func writtenTerms(w word) []string { return []string{prefixWritten + w.written} }

// variantKeys: the variant key, held as such by words whose written form
// differs, and as the written form by the others.
func variantKeys(w word) []string {
	return []string{prefixVariant + w.variant, prefixWritten + w.variant}
}

// looseTerms: the written form or the variant key.
func looseTerms(w word) []string {
	return append(writtenTerms(w), variantKeys(w)...)
}

// variantTerms: every other spelling of the word the index can tell.
func variantTerms(w word) []string {
	ts := variantKeys(w)
	if w.skeleton != "" {
		ts = append(ts, prefixSkeleton+w.skeleton, prefixWritten+w.skeleton)
	}
	if kanjiOnly(w.written) {
		ts = append(ts, prefixSkeleton+w.written)
	}
	if w.mixed && w.reading != "" {
		ts = append(ts, prefixReading+w.reading)
	}
	if hasHan(w.written) && !w.affix {
		// The same word written in hiragana: 繋がる → つながる.
		k, _ := japanese()
		if r := k.baseReading(w); r != "" {
			ts = append(ts, prefixKana+r)
		}
	}
	return ts
}

// pairsOf returns the phrase of ws with each two plain words in a row as
// one pair term (j:) at the first one's position, the others by their own
// terms, gaps kept: a phrase whose rarest term is a pair is much faster to
// search than one of common words. A plain word is known by its written
// form and variant key alone (not one with okurigana or in kanji and kana).
// It returns nil if no two plain words are in a row.
func pairsOf(ws []word) [][]string {
	if len(ws) < 2 {
		return nil
	}
	plain := func(w word) bool { return w.skeleton == "" && !w.mixed }
	out := make([][]string, ws[len(ws)-1].pos-ws[0].pos+1)
	paired, covered := false, -1
	for i, w := range ws {
		at := w.pos - ws[0].pos
		if i+1 < len(ws) && ws[i+1].pos == w.pos+1 && plain(w) && plain(ws[i+1]) {
			l := []string{w.written, w.variant}
			r := []string{ws[i+1].written, ws[i+1].variant}
			for _, t := range pairTerms(l, r) {
				if !slices.Contains(out[at], t) {
					out[at] = append(out[at], t)
				}
			}
			paired, covered = true, i+1
			continue
		}
		if i == covered {
			out[at] = []string{}
			continue
		}
		out[at] = append(writtenTerms(w), variantTerms(w)...)
		if isKatakanaWord(w.written) && i == 0 {
			out[at] = append(out[at], prefixRunEnd+w.variant)
		}
		if isKatakanaWord(w.written) && i == len(ws)-1 {
			out[at] = append(out[at], prefixRunStart+w.variant)
		}
	}
	if !paired {
		return nil
	}
	for len(out) > 1 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1] // the second word of a pair at the end
	}
	return out
}

// compoundParts returns the parts of a compound: two or more words each of
// which stands on its own, with the prefixes and suffixes that cling to it
// (デジタル人材, IoT脆弱性 → IoT 脆弱性, サイバーセキュリティ人材 → サイバー
// セキュリティ 人材; not 東京都, whose 都 is a suffix of 東京); nil if ws are
// not one.
func compoundParts(ws []word) [][]word {
	var ps [][]word
	prefix := false
	for _, w := range ws {
		for _, p := range w.parts() {
			switch {
			case p.content && prefix:
				ps[len(ps)-1] = append(ps[len(ps)-1], p)
				prefix = false
			case p.content:
				ps = append(ps, []word{p})
			case p.affix && p.prefix:
				if !prefix {
					ps = append(ps, nil)
				}
				ps[len(ps)-1] = append(ps[len(ps)-1], p)
				prefix = true
			case p.affix && len(ps) > 0 && !prefix:
				ps[len(ps)-1] = append(ps[len(ps)-1], p)
			default:
				return nil
			}
		}
	}
	if len(ps) < 2 || prefix {
		return nil
	}
	return ps
}

// okuriganaSkeleton returns the kanji of a word written with okurigana
// that the dictionary does not know and cuts in two (申合せ → 申 合せ): a
// kanji first, two or more in all, with runs of at most two hiragana; ""
// otherwise.
func okuriganaSkeleton(s string) string {
	if r, _ := utf8.DecodeRuneInString(s); !unicode.Is(unicode.Han, r) {
		return ""
	}
	run := 0
	for _, r := range s {
		if unicode.Is(unicode.Hiragana, r) {
			if run++; run > 2 {
				return ""
			}
		} else {
			run = 0
		}
	}
	return skeleton(iterate(s))
}

// unitOf returns the ways of finding the word c in the snapshot s.
func (x *Index) unitOf(s *snapshot, c clause) *unit {
	u := &unit{query: c.text, negate: c.negate}
	if c.or != nil {
		for _, o := range c.or {
			u.or = append(u.or, x.unitOf(s, o))
		}
		return u
	}
	k, _ := japanese()
	ws := k.words(c.text)
	if len(ws) > 0 {
		u.alts = append(u.alts, alt{via: policy.MatchWritten, phrase: phraseOf(ws, writtenTerms), boost: boostWritten})
		u.alts = append(u.alts, alt{via: policy.MatchVariant, phrase: phraseOf(ws, variantTerms), pairs: pairsOf(ws), boost: boostVariant})
		if len(ws) > 1 {
			if s := okuriganaSkeleton(foldKey(c.text)); s != "" {
				u.alts = append(u.alts, alt{via: policy.MatchVariant, phrase: [][]string{{prefixSkeleton + s, prefixWritten + s}}, boost: boostVariant})
			}
		}
	}
	if c.phrase {
		// A quoted phrase is a term: its synonyms and Japanese, nothing
		// looser.
		x.addThesaurus(u, c.text)
		return u
	}
	// Terms a document defines: ＤＸ for デジタルトランスフォーメーション and
	// the other way round, where the definition applies.
	for _, d := range s.definitions()[foldKey(c.text)] {
		if ows := k.words(d.other); len(ows) > 0 {
			u.alts = append(u.alts, alt{via: policy.MatchDefinedTerm, phrase: phraseOf(ows, looseTerms), pairs: pairsOf(ows), scope: d.scope, boost: boostDefined})
		}
	}
	x.addThesaurus(u, c.text)
	if f := foldKey(c.text); isKana(f) && utf8.RuneCountInString(f) >= minReading {
		if ph := segmentReading(s, toKatakana(f)); ph != nil {
			u.alts = append(u.alts, alt{via: policy.MatchReading, phrase: ph, boost: boostReading})
		}
	}
	if ps := compoundParts(ws); ps != nil && !isLatinPhrase(c.text) {
		a := alt{via: policy.MatchCompoundPart, parts: []alt{}, boost: boostCompound}
		for _, p := range ps {
			a.parts = append(a.parts, alt{via: policy.MatchCompoundPart, phrase: phraseOf(p, looseTerms), boost: boostCompound})
		}
		u.alts = append(u.alts, a)
	}
	return u
}

// addThesaurus adds the ways of finding text through the thesaurus.
func (x *Index) addThesaurus(u *unit, text string) {
	k, _ := japanese()
	for _, r := range x.thesaurus.lookup(text) {
		ows := k.words(r.term)
		if len(ows) == 0 {
			continue
		}
		b := boostSynonym
		if r.rel == NearSynonym {
			b = boostNear
		}
		u.alts = append(u.alts, alt{via: policy.MatchThesaurus, phrase: phraseOf(ows, looseTerms), pairs: pairsOf(ows), boost: b})
	}
}

// parts returns the units of the parts of a compound word, for partial
// matches; nil if c is not a compound.
func (x *Index) parts(s *snapshot, c clause) []*unit {
	if c.phrase || c.or != nil || c.negate {
		return nil
	}
	k, _ := japanese()
	ps := compoundParts(k.words(c.text))
	if ps == nil || isLatinPhrase(c.text) {
		return nil
	}
	var out []*unit
	for _, ws := range ps {
		p := x.unitOf(s, clause{text: c.text[ws[0].start:ws[len(ws)-1].end]})
		p.query, p.part = c.text, true
		out = append(out, p)
	}
	return out
}

// runs returns, for partial matches after the provisions holding the
// compound word c, the units of the runs of most of its parts written
// together, as phrases (サイバー犯罪 and 犯罪対策 of サイバー犯罪対策), but not
// runs within one word of c (サイバーセキュリティ of サイバーセキュリティ
// 月間); nil if c is not a compound of three parts or more.
func (x *Index) runs(s *snapshot, c clause) []*unit {
	if c.phrase || c.or != nil || c.negate {
		return nil
	}
	k, _ := japanese()
	ws := k.words(c.text)
	ps := compoundParts(ws)
	if len(ps) < 3 || isLatinPhrase(c.text) {
		return nil
	}
	n := len(ps)/2 + 1
	var out []*unit
next:
	for i := 0; i+n <= len(ps); i++ {
		start, end := ps[i][0].start, ps[i+n-1][len(ps[i+n-1])-1].end
		for _, w := range ws {
			if w.start <= start && end <= w.end {
				continue next
			}
		}
		u := x.unitOf(s, clause{text: c.text[start:end], phrase: true})
		u.query, u.part = c.text, true
		out = append(out, u)
	}
	return out
}

// segmentReading cuts katakana into readings the index holds, as few as
// possible (ジンザイイクセイ → ジンザイ イクセイ), and returns the terms of each
// piece; nil if it cannot. A suffix (the カイ of 協議会) is never the whole
// query.
func segmentReading(s *snapshot, kana string) [][]string {
	vocab := s.readingVocabulary()
	rs := []rune(kana)
	n := len(rs)
	const maxPiece = 16
	best := make([]int, n+1) // fewest pieces for rs[:i]; -1: impossible
	from := make([]int, n+1)
	for i := 1; i <= n; i++ {
		best[i] = -1
		for j := max(0, i-maxPiece); j <= i-readingPiece; j++ {
			kind := vocab[string(rs[j:i])]
			if best[j] < 0 || kind == 0 || (j == 0 && i == n && kind&wordReading == 0) {
				continue
			}
			if best[i] < 0 || best[j]+1 < best[i] {
				best[i], from[i] = best[j]+1, j
			}
		}
	}
	if best[n] < 0 {
		return nil
	}
	var out [][]string
	for i := n; i > 0; i = from[i] {
		p := string(rs[from[i]:i])
		var terms []string
		if vocab[p]&wordReading != 0 {
			terms = append(terms, prefixReading+p)
		}
		if vocab[p]&affixReading != 0 {
			terms = append(terms, prefixAffix+p)
		}
		out = append(out, terms)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// definition is what a word finds through a term a document defines: the
// other side of the definition, where the definition applies.
type definition struct{ other, scope string }

// Kinds of reading in the vocabulary.
const (
	wordReading  = 1
	affixReading = 2
)

// eachFound calls f with every unit that a hit is found by: units and,
// within each, the units of its or before it; never a negated unit or
// those within it.
func eachFound(units []*unit, f func(u *unit)) {
	var visit func(u *unit)
	visit = func(u *unit) {
		if u.negate {
			return
		}
		for _, o := range u.or {
			visit(o)
		}
		f(u)
	}
	for _, u := range units {
		visit(u)
	}
}

// termsOf returns the terms by which units can be found.
func termsOf(units []*unit) map[string]bool {
	out := map[string]bool{}
	var visitAlt func(a alt)
	visitAlt = func(a alt) {
		for _, ts := range a.phrase {
			for _, t := range ts {
				out[t] = true
			}
		}
		for _, p := range a.parts {
			visitAlt(p)
		}
	}
	eachFound(units, func(u *unit) {
		for _, a := range u.alts {
			visitAlt(a)
		}
	})
	return out
}

// spansOf returns every span of a hit where a way of finding a unit
// holds: what the highlights mark.
func spansOf(units []*unit, locs search.TermLocationMap) [][2]int {
	var out [][2]int
	eachFound(units, func(u *unit) {
		for _, a := range u.alts {
			out = append(out, a.findAll(locs)...)
		}
	})
	return out
}

// explain returns how the units were found in a hit: by the first way of
// finding each that holds.
func explain(units []*unit, text string, locs search.TermLocationMap) []policy.Match {
	out := []policy.Match{}
	seen := map[policy.Match]bool{}
	add := func(m policy.Match) {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	eachFound(units, func(u *unit) {
		for _, a := range u.alts {
			spans := a.find(locs)
			if len(spans) == 0 {
				continue
			}
			via := a.via
			if u.part && (via == policy.MatchWritten || via == policy.MatchVariant) {
				via = policy.MatchCompoundPart
			}
			for _, s := range spans {
				if s[0] >= 0 && s[1] <= len(text) && s[0] < s[1] {
					add(policy.Match{Query: u.query, Matched: text[s[0]:s[1]], Via: via})
				}
			}
			return
		}
	})
	return out
}

// find returns the spans (byte offsets) where a holds in the hit: the
// first occurrence of a phrase, or the first of each part of a compound;
// nil if it does not hold.
func (a alt) find(locs search.TermLocationMap) [][2]int {
	return a.spans(locs, false)
}

// findAll is find with every occurrence.
func (a alt) findAll(locs search.TermLocationMap) [][2]int {
	return a.spans(locs, true)
}

func (a alt) spans(locs search.TermLocationMap, all bool) [][2]int {
	if a.parts != nil {
		var out [][2]int
		for _, p := range a.parts {
			spans := p.spans(locs, all)
			if spans == nil {
				return nil
			}
			out = append(out, spans...)
		}
		return out
	}
	if len(a.phrase) == 0 {
		return nil
	}
	var starts []*search.Location
	for _, t := range a.phrase[0] {
		starts = append(starts, locs[t]...)
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i].Start < starts[j].Start })
	var out [][2]int
next:
	for _, l := range starts {
		end := l.End
		for i := 1; i < len(a.phrase); i++ {
			if len(a.phrase[i]) == 0 {
				continue
			}
			found := false
			for _, t := range a.phrase[i] {
				for _, m := range locs[t] {
					if m.Pos == l.Pos+uint64(i) {
						found = true
						end = max(end, m.End)
					}
				}
			}
			if !found {
				continue next
			}
		}
		out = append(out, [2]int{int(l.Start), int(end)})
		if !all {
			break
		}
	}
	return out
}

// mergeEnglish joins neighbouring plain words of a query that together are
// an English term of the thesaurus (research and development), longest
// first.
func (x *Index) mergeEnglish(cs []clause) []clause {
	if x.thesaurus == nil || x.thesaurus.maxWords < 2 {
		return cs
	}
	plain := func(c clause) bool {
		return !c.phrase && !c.negate && c.or == nil && isLatinPhrase(c.text+"a")
	}
	var out []clause
	for i := 0; i < len(cs); i++ {
		merged := false
		for n := min(x.thesaurus.maxWords, len(cs)-i); n >= 2 && plain(cs[i]); n-- {
			words := make([]string, 0, n)
			ok := true
			for _, c := range cs[i : i+n] {
				ok = ok && plain(c)
				words = append(words, c.text)
			}
			if ok && x.thesaurus.isEnglish(strings.Join(words, " ")) {
				out = append(out, clause{text: strings.Join(words, " ")})
				i += n - 1
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, cs[i])
		}
	}
	// English words that carry no meaning of their own (training and
	// exercise), where other words remain.
	var kept []clause
	for _, c := range out {
		if !plain(c) || !englishStopwords[strings.ToLower(c.text)] {
			kept = append(kept, c)
		}
	}
	for _, c := range kept {
		if !c.negate {
			return kept
		}
	}
	return out
}

var englishStopwords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "of": true, "for": true, "in": true,
	"on": true, "to": true, "by": true, "with": true, "at": true, "from": true,
}

// hasHan reports whether s holds a kanji.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
