// Package align puts two documents side by side: it pairs each provision of
// one with the provision that continues it in the other, by content —
// headings, text and place together, never by ID alone — and follows the
// provisions of a series of yearly documents through the years.
//
// # Similarity
//
// The similarity of two provisions says how alike their texts are, from 0
// to 1. Their text is their heading, their own paragraphs and their
// footnotes (not their children's), each part folded: NFKC-normalised, so
// that full- and half-width forms are alike, with every blank removed, so
// that re-wrapped lines change nothing. Markers, numbers and labels are
// their place, not their text. The similarity is 1 exactly when the folded
// texts are equal; otherwise it is the Dice coefficient of their character
// bigrams — twice the number of bigrams (pairs of adjacent characters)
// they share, counting a repeated bigram as often as both texts hold it,
// over the number of bigrams of both — rounded to three decimals and at
// most 0.999. Characters, not words, because Japanese is not written with
// spaces; bigrams, because they measure shared wording, where single
// characters measure little more than a shared vocabulary. Two unrelated
// provisions of the FY2020 policy share at most 0.35 (median 0.11): the
// field's words (サイバーセキュリティ, であること). A provision split in two
// keeps with its larger part a similarity of about 2s/(1+s), s the share of
// its text that part keeps (0.75 for 60 %).
//
// # Pairing
//
// Provisions are paired one to one over the whole document, the most alike
// first, and only where the evidence is enough; the rest are ADDED (only in
// the later document) or REMOVED (only in the earlier one). A pair needs one
// of:
//
//   - similarity of at least Threshold (0.5);
//   - children that continue each other: at least half of the children of
//     both paired with children of the other (2k/(m+n) ≥ 0.5 for k such
//     pairs among m and n children), as an area renamed with its items
//     kept;
//   - the same heading at the same level, found once in each document, as
//     an item rewritten under its old name.
//
// Among the pairs allowed, the score that orders them is the similarity,
// plus 0.1 where their parents are paired with each other (or both are at
// the top), 0.05 where they have the same number at the same level, 0.25
// times the share of their children paired with each other (as above), and
// 0.05 for the same heading; ties go to the provisions nearer the same
// relative position. Parents and children are only known once pairs are
// made, so pairing runs again with the pairs of the round before, at most
// four times, until it settles. So a number reused for a new item is an
// ADDED item and a REMOVED one, however alike their places; an item split
// in two is paired with its larger part (its similarity says how much of
// it that is) and the other part is ADDED; two items merged pair with the
// larger and the other is REMOVED.
//
// # Kinds
//
// A provision's place is its parent — as paired: the counterpart of its
// parent is the parent of its counterpart, or neither has one — and its
// number. A pair in the same place with the same text is SAME; with
// another text, CHANGED; in another place, MOVED, whatever its text. So an
// item moved to another area is MOVED, and its sub-items, which moved with
// it, are SAME; items after an inserted or removed one, renumbered, are
// MOVED.
//
// # Cost
//
// Candidates are found through an index of the bigrams of the later
// document: for each provision of the earlier one, its rarest bigrams are
// looked up, the rarest first, until 1,024 entries of the index have been
// read, and the eight provisions sharing the most of them are candidates;
// so are the provisions with the same text, the one at the same place in
// the numbering, and the parents and children of pairs made. Each
// provision so costs at most a fixed amount of work, and time and memory
// grow with the length of the two texts, not with the product of their
// sizes.
package align

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/policykb/policykb/internal/policy"
)

// Threshold is the least similarity that pairs two provisions on their text
// alone.
const Threshold = 0.5

// Weights of the score that orders the pairs allowed (see the package
// documentation).
const (
	parentBonus   = 0.1
	numberBonus   = 0.05
	childrenBonus = 0.25
	headingBonus  = 0.05
	// childShare is the share of children paired with each other that
	// pairs two provisions whatever their texts.
	childShare = 0.5
	rounds     = 4
	// perProvision is how many candidates the bigram index proposes for
	// each provision.
	perProvision = 8
	// postingBudget bounds the postings of the bigram index read for one
	// provision: its rarest bigrams are read until it is spent, so that
	// each provision costs the same however long the documents are.
	postingBudget = 1024
)

// side is one document prepared for the comparison.
type side struct {
	ps       []*policy.Provision
	parent   []int32 // -1 at the top
	children [][]int32
	segs     [][]string // folded text, see segments
	grams    [][]uint64
	heading  []string // folded heading
	headings map[string]int
	local    map[string]int32 // the part of the ID after the colon → index
	rel      []float64        // relative position in the document, 0 … 1
}

func prepare(ps []*policy.Provision) *side {
	s := &side{ps: ps, parent: make([]int32, len(ps)), children: make([][]int32, len(ps)),
		segs: make([][]string, len(ps)), grams: make([][]uint64, len(ps)), heading: make([]string, len(ps)),
		headings: map[string]int{}, local: make(map[string]int32, len(ps)), rel: make([]float64, len(ps))}
	byID := make(map[string]int32, len(ps))
	for i, p := range ps {
		byID[p.ID] = int32(i)
		if _, local, ok := policy.SplitID(p.ID); ok {
			s.local[local] = int32(i)
		}
	}
	for i, p := range ps {
		s.parent[i] = -1
		if j, ok := byID[p.ParentID]; ok && p.ParentID != "" {
			s.parent[i] = j
			s.children[j] = append(s.children[j], int32(i))
		}
		s.segs[i] = segments(p)
		s.grams[i] = bigrams(s.segs[i])
		s.heading[i] = Fold(p.Heading)
		if s.heading[i] != "" {
			s.headings[s.heading[i]]++
		}
		if len(ps) > 1 {
			s.rel[i] = float64(i) / float64(len(ps)-1)
		}
	}
	return s
}

// level is the level of provision i: its own, or where it has none, the
// one its ID gives.
func (s *side) level(i int32) int {
	p := s.ps[i]
	if p.Level == 0 && p.Kind != policy.KindPreamble {
		return policy.LevelOf(p.ID)
	}
	return p.Level
}

// candidate is a pair that may be made.
type candidate struct {
	a, b  int32
	sim   float64 // Dice coefficient of the bigrams
	same  bool    // the same folded text
	score float64
}

// aligner holds one comparison.
type aligner struct {
	from, to *side
	cands    []candidate
	seen     map[[2]int32]bool
	match    []int32 // from → to, -1 unpaired
	rmatch   []int32 // to → from
}

// Compare pairs the provisions of two documents, each in document order
// (see the package documentation), and returns every provision of both
// once: in the order of to, each removed provision after the pair of the
// provision before it in from that has a counterpart (the first ones
// first).
func Compare(from, to []*policy.Provision) []policy.ProvisionPair {
	al := &aligner{from: prepare(from), to: prepare(to), seen: map[[2]int32]bool{}}
	al.match, al.rmatch = fill(len(from)), fill(len(to))
	al.candidates()
	for range rounds {
		match, rmatch := al.assign()
		added := al.structural(match)
		changed := !slices.Equal(match, al.match)
		al.match, al.rmatch = match, rmatch
		if !changed && !added {
			break
		}
	}
	return al.pairs()
}

func fill(n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = -1
	}
	return s
}

// add makes a and b a candidate pair, once.
func (al *aligner) add(a, b int32) bool {
	k := [2]int32{a, b}
	if al.seen[k] {
		return false
	}
	al.seen[k] = true
	same := sameText(al.from.segs[a], al.to.segs[b])
	sim := 1.0
	if !same {
		sim = dice(al.from.grams[a], al.to.grams[b])
	}
	al.cands = append(al.cands, candidate{a: a, b: b, sim: sim, same: same})
	return true
}

// candidates proposes, for each provision of from, the provisions of to
// that share the most of its rarer bigrams, those with the same text and
// the one at the same place in the numbering.
func (al *aligner) candidates() {
	from, to := al.from, al.to
	index := map[uint64][]int32{}
	for j, g := range to.grams {
		for k, c := range g {
			if k > 0 && g[k-1] == c {
				continue
			}
			index[c] = append(index[c], int32(j))
		}
	}
	texts := map[string][]int32{}
	for j := range to.ps {
		key := strings.Join(to.segs[j], "\x1f")
		texts[key] = append(texts[key], int32(j))
	}
	counts := make([]int32, len(to.ps))
	var touched []int32
	var rare []uint64
	best := make([]int32, 0, perProvision)
	for i, g := range from.grams {
		a := int32(i)
		touched = touched[:0]
		// Its distinct bigrams that to holds, the rarest first, as many
		// as postingBudget postings allow (at least one).
		rare = rare[:0]
		for k, c := range g {
			if (k == 0 || g[k-1] != c) && len(index[c]) > 0 {
				rare = append(rare, c)
			}
		}
		slices.SortFunc(rare, func(x, y uint64) int {
			if d := cmp.Compare(len(index[x]), len(index[y])); d != 0 {
				return d
			}
			return cmp.Compare(x, y)
		})
		spent := 0
		for _, c := range rare {
			post := index[c]
			if spent > 0 && spent+len(post) > postingBudget {
				break
			}
			spent += len(post)
			for _, j := range post {
				if counts[j] == 0 {
					touched = append(touched, j)
				}
				counts[j]++
			}
		}
		// The perProvision provisions sharing the most.
		best = best[:0]
		for _, j := range touched {
			if len(best) < perProvision {
				best = append(best, j)
			} else if w := weakest(best, counts); counts[j] > counts[best[w]] {
				best[w] = j
			}
		}
		for _, j := range touched {
			counts[j] = 0
		}
		slices.Sort(best)
		for _, j := range best {
			al.add(a, j)
		}
		// The same text (the nearest few where it recurs), and the same place.
		same := texts[strings.Join(from.segs[i], "\x1f")]
		if len(same) > perProvision {
			same = slices.Clone(same)
			slices.SortStableFunc(same, func(x, y int32) int {
				return cmp.Compare(math.Abs(to.rel[x]-from.rel[i]), math.Abs(to.rel[y]-from.rel[i]))
			})
			same = same[:perProvision]
		}
		for _, j := range same {
			al.add(a, j)
		}
		if _, local, ok := policy.SplitID(from.ps[i].ID); ok {
			if j, ok := to.local[local]; ok {
				al.add(a, j)
			}
		}
	}
}

// weakest is the index in best of the provision with the fewest shared
// bigrams, the last of them.
func weakest(best []int32, counts []int32) int {
	w := 0
	for k := range best {
		if counts[best[k]] <= counts[best[w]] {
			w = k
		}
	}
	return w
}

// structural adds as candidates the parents of the pairs of match, and the
// children of the same number under them, and reports whether it added
// any.
func (al *aligner) structural(match []int32) bool {
	added := false
	for a, b := range match {
		if b < 0 {
			continue
		}
		pa, pb := al.from.parent[a], al.to.parent[b]
		if pa >= 0 && pb >= 0 {
			added = al.add(pa, pb) || added
		}
		ca, cb := al.from.children[a], al.to.children[b]
		for _, x := range ca {
			for _, y := range cb {
				if al.from.ps[x].Number == al.to.ps[y].Number {
					added = al.add(x, y) || added
				}
			}
		}
	}
	return added
}

// childAgreement is the share of the children of a and b paired with each
// other in match: 2k/(m+n).
func (al *aligner) childAgreement(a, b int32) float64 {
	ca, cb := al.from.children[a], al.to.children[b]
	if len(ca) == 0 || len(cb) == 0 {
		return 0
	}
	k := 0
	for _, x := range ca {
		if y := al.match[x]; y >= 0 && al.to.parent[y] == b {
			k++
		}
	}
	return 2 * float64(k) / float64(len(ca)+len(cb))
}

// parentsPaired reports whether the parents of a and b are paired with
// each other in match, or neither has one.
func (al *aligner) parentsPaired(a, b int32) bool {
	pa, pb := al.from.parent[a], al.to.parent[b]
	if pa < 0 || pb < 0 {
		return pa < 0 && pb < 0
	}
	return al.match[pa] == pb
}

// sameHeading reports whether a and b have the same heading, found once in
// each document, at the same level.
func (al *aligner) sameHeading(a, b int32) bool {
	h := al.from.heading[a]
	return h != "" && h == al.to.heading[b] && al.from.headings[h] == 1 && al.to.headings[h] == 1 &&
		al.from.level(a) == al.to.level(b)
}

// assign scores the candidates against the pairs of the round before and
// pairs them one to one, the best first.
func (al *aligner) assign() (match, rmatch []int32) {
	live := al.cands[:0:0]
	for _, c := range al.cands {
		share := al.childAgreement(c.a, c.b)
		heading := al.sameHeading(c.a, c.b)
		if c.sim < Threshold && share < childShare && !heading {
			continue
		}
		c.score = c.sim + childrenBonus*share
		if al.parentsPaired(c.a, c.b) {
			c.score += parentBonus
		}
		if al.from.ps[c.a].Number == al.to.ps[c.b].Number && al.from.level(c.a) == al.to.level(c.b) {
			c.score += numberBonus
		}
		if heading {
			c.score += headingBonus
		}
		live = append(live, c)
	}
	slices.SortFunc(live, func(x, y candidate) int {
		if x.score != y.score {
			return cmp.Compare(y.score, x.score)
		}
		dx := math.Abs(al.from.rel[x.a] - al.to.rel[x.b])
		dy := math.Abs(al.from.rel[y.a] - al.to.rel[y.b])
		if dx != dy {
			return cmp.Compare(dx, dy)
		}
		if x.a != y.a {
			return cmp.Compare(x.a, y.a)
		}
		return cmp.Compare(x.b, y.b)
	})
	match, rmatch = fill(len(al.from.ps)), fill(len(al.to.ps))
	for _, c := range live {
		if match[c.a] < 0 && rmatch[c.b] < 0 {
			match[c.a], rmatch[c.b] = c.b, c.a
		}
	}
	return match, rmatch
}

// pairs lists the pairs of the final assignment with their kinds, in the
// order Compare documents.
func (al *aligner) pairs() []policy.ProvisionPair {
	from, to := al.from, al.to
	sims := make(map[[2]int32]candidate, len(al.cands))
	for _, c := range al.cands {
		sims[[2]int32{c.a, c.b}] = c
	}
	// Removed provisions, after the to-side partner of the paired
	// provision before them in from (-1: at the front).
	after := map[int32][]int32{}
	anchor := int32(-1)
	for a := range from.ps {
		if b := al.match[a]; b >= 0 {
			anchor = b
			continue
		}
		after[anchor] = append(after[anchor], int32(a))
	}
	out := make([]policy.ProvisionPair, 0, len(from.ps)+len(to.ps)-countPaired(al.match))
	removed := func(anchor int32) {
		for _, a := range after[anchor] {
			out = append(out, policy.ProvisionPair{Kind: policy.PairRemoved, From: from.ps[a]})
		}
	}
	removed(-1)
	for j := range to.ps {
		b := int32(j)
		a := al.rmatch[b]
		if a < 0 {
			out = append(out, policy.ProvisionPair{Kind: policy.PairAdded, To: to.ps[b]})
		} else {
			c, ok := sims[[2]int32{a, b}]
			if !ok {
				c.same = sameText(from.segs[a], to.segs[b])
				c.sim = dice(from.grams[a], to.grams[b])
			}
			place := al.parentsPaired(a, b) && from.ps[a].Number == to.ps[b].Number && from.level(a) == to.level(b)
			kind := policy.PairMoved
			switch {
			case place && c.same:
				kind = policy.PairSame
			case place:
				kind = policy.PairChanged
			}
			out = append(out, policy.ProvisionPair{Kind: kind, From: from.ps[a], To: to.ps[b], Similarity: reported(c.same, c.sim)})
		}
		removed(b)
	}
	return out
}

func countPaired(match []int32) int {
	n := 0
	for _, b := range match {
		if b >= 0 {
			n++
		}
	}
	return n
}
