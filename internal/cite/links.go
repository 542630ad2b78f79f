package cite

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/policykb/policykb/internal/label"
	"github.com/policykb/policykb/internal/policy"
)

// This file links what documents cite to the documents of the store: a
// reference that is an ingested document, and the provision of it a
// pinpoint names.

// DocumentFor returns the document among docs that ref is, or nil:
//
//   - the document named for it at ingest (named maps reference IDs to
//     document IDs), where the store holds it;
//   - else a document whose title is ref's title or one of its aliases
//     (equal once NFKC-normalised with blanks removed) and whose date of
//     decision agrees with ref's date of issue or of one of its revisions
//     (see policy.Date.Agrees); where several do, the one whose date is
//     the same to the day, then the first by ID;
//   - else, where ref or the document has no date, the only document of
//     that title.
func DocumentFor(ref *policy.Reference, docs []*policy.Document, named map[string]string) *policy.Document {
	if id, ok := named[ref.ID]; ok {
		for _, d := range docs {
			if d.ID == id {
				return d
			}
		}
	}
	titles := map[string]bool{normalize(ref.Title): true}
	for _, a := range ref.Aliases {
		titles[normalize(a)] = true
	}
	var same []*policy.Document
	for _, d := range docs {
		if titles[normalize(d.Title)] {
			same = append(same, d)
		}
	}
	sort.Slice(same, func(i, j int) bool { return same[i].ID < same[j].ID })
	dates := append([]policy.Date{ref.IssuedOn}, ref.RevisedOn...)
	var agree []*policy.Document
	for _, d := range same {
		for _, on := range dates {
			if on.Agrees(d.DecidedOn) {
				if on == d.DecidedOn {
					return d
				}
				agree = append(agree, d)
				break
			}
		}
	}
	if len(agree) > 0 {
		return agree[0]
	}
	if len(same) == 1 && (ref.IssuedOn.IsZero() || same[0].DecidedOn.IsZero()) {
		return same[0]
	}
	return nil
}

// article reads a pinpoint into an article of a law: 第26条第１項第５号,
// 第二十六条.
var article = regexp.MustCompile(`^第([0-9〇一二三四五六七八九十百千]+)条(?:の([0-9〇一二三四五六七八九十]+))?(?:第([0-9〇一二三四五六七八九十百]+)項)?(?:第([0-9〇一二三四五六七八九十百]+)号)?$`)

// TargetProvision returns the provision among ps, the provisions of one
// document in document order, that the pinpoint of a citation names, or
// nil:
//
//   - a heading (目標達成のための施策, with or without 「」): the provision
//     with that heading, the outermost and then the first where several
//     have it; else the outermost, first provision whose heading holds it;
//   - a label in any form lookup by label accepts (第２, (2)③): that
//     provision;
//   - an article of a law (第26条第１項第５号): the provision whose heading
//     (or, without one, whose text) begins with that article (第26条 or
//     第二十六条), then its child numbered as the paragraph (項) and that
//     one's child numbered as the item (号), as far as the document numbers
//     them.
//
// Headings and pinpoints are compared NFKC-normalised, blanks removed.
func TargetProvision(pinpoint string, ps []*policy.Provision) *policy.Provision {
	pin := strings.TrimSuffix(strings.TrimPrefix(normalize(pinpoint), "「"), "」")
	if pin == "" {
		return nil
	}
	if m := article.FindStringSubmatch(pin); m != nil {
		return articleProvision(m, ps)
	}
	var held *policy.Provision
	for _, p := range ps {
		h := normalize(p.Heading)
		if h == "" {
			continue
		}
		if h == pin {
			return outermost(pin, ps)
		}
		if held == nil && strings.Contains(h, pin) {
			held = p
		}
	}
	if key := label.Key(pin); key != "" {
		for _, p := range ps {
			if label.Key(p.Label) == key {
				return p
			}
		}
	}
	if held != nil {
		return outermostHolding(pin, ps)
	}
	return nil
}

// outermost returns the outermost, first provision whose heading is h.
func outermost(h string, ps []*policy.Provision) *policy.Provision {
	var best *policy.Provision
	for _, p := range ps {
		if normalize(p.Heading) == h && (best == nil || levelOf(p) < levelOf(best)) {
			best = p
		}
	}
	return best
}

// outermostHolding returns the outermost, first provision whose heading
// holds s.
func outermostHolding(s string, ps []*policy.Provision) *policy.Provision {
	var best *policy.Provision
	for _, p := range ps {
		if strings.Contains(normalize(p.Heading), s) && (best == nil || levelOf(p) < levelOf(best)) {
			best = p
		}
	}
	return best
}

func levelOf(p *policy.Provision) int {
	if p.Level == 0 && p.Kind != policy.KindPreamble {
		return policy.LevelOf(p.ID)
	}
	return p.Level
}

// articleProvision finds the provision of an article pinpoint, read by
// article into m.
func articleProvision(m []string, ps []*policy.Provision) *policy.Provision {
	n := numeral(m[1])
	if n == 0 {
		return nil
	}
	starts := func(s string) bool {
		s = normalize(s)
		for _, form := range []string{"第" + itoa(n) + "条", "第" + kanji(n) + "条"} {
			if m[2] != "" {
				form += "の"
			}
			if strings.HasPrefix(s, form) {
				rest := s[len(form):]
				if m[2] == "" {
					// 第2条 is not 第2条の2, nor 第20条.
					return !strings.HasPrefix(rest, "の") && (rest == "" || !isDigit([]rune(rest)[0]))
				}
				sub := numeral(m[2])
				return strings.HasPrefix(rest, itoa(sub)) || strings.HasPrefix(rest, kanji(sub))
			}
		}
		return false
	}
	var found *policy.Provision
	for _, p := range ps {
		text := p.Heading
		if text == "" && len(p.Paragraphs) > 0 {
			text = p.Paragraphs[0]
		}
		if starts(text) {
			found = p
			break
		}
	}
	if found == nil {
		return nil
	}
	for _, part := range m[3:] {
		if part == "" {
			continue
		}
		k := numeral(part)
		var child *policy.Provision
		for _, p := range ps {
			if p.ParentID == found.ID && p.Number == k {
				child = p
				break
			}
		}
		if child == nil {
			break
		}
		found = child
	}
	return found
}

// numeral reads a number in digits (normalised) or kanji numerals: 26,
// 二十六; 0 if it is neither.
func numeral(s string) int {
	if s == "" {
		return 0
	}
	if isDigit([]rune(s)[0]) {
		n := 0
		for _, r := range s {
			if !isDigit(r) {
				return 0
			}
			n = n*10 + int(r-'0')
		}
		return n
	}
	digit := map[rune]int{'〇': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	units := map[rune]int{'十': 10, '百': 100, '千': 1000}
	total, cur := 0, -1
	for _, r := range s {
		if d, ok := digit[r]; ok {
			cur = d
			continue
		}
		u, ok := units[r]
		if !ok {
			return 0
		}
		if cur < 0 {
			cur = 1
		}
		total += cur * u
		cur = -1
	}
	if cur > 0 {
		total += cur
	}
	return total
}

// kanji writes n (1 to 9999) in kanji numerals as laws number articles:
// 二十六, 百四.
func kanji(n int) string {
	ds := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	var b strings.Builder
	for _, u := range []struct {
		v int
		s string
	}{{1000, "千"}, {100, "百"}, {10, "十"}} {
		if q := n / u.v; q > 0 {
			if q > 1 {
				b.WriteString(ds[q])
			}
			b.WriteString(u.s)
			n %= u.v
		}
	}
	b.WriteString(ds[n])
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// Links implements policy.LinkService over the services of a store: which
// ingested document a reference is (DocumentFor) and which provision of it
// a citation's pinpoint names (TargetProvision). It reads what it needs at
// every call, so that a document ingested after the documents that cite it
// is found at once.
type Links struct {
	Documents  policy.DocumentService
	Provisions policy.ProvisionService
	References policy.ReferenceService
	// Named reads the references named at ingest; nil where the store
	// keeps none.
	Named policy.NamedReferenceReader
	// Generation, where set, returns a number that changes whenever the
	// store does: the links found are then kept until it changes, instead
	// of being found again at every call.
	Generation func(ctx context.Context) (int64, error)

	mu     sync.Mutex
	gen    int64
	cached map[string]string
}

var _ policy.LinkService = (*Links)(nil)

// linked returns the document ID of every reference that is a document of
// the store, found again only when the store has changed. The map is
// shared: callers do not change it.
func (l *Links) linked(ctx context.Context) (map[string]string, error) {
	if l.Generation == nil {
		return l.link(ctx)
	}
	gen, err := l.Generation(ctx)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	if l.cached != nil && l.gen == gen {
		m := l.cached
		l.mu.Unlock()
		return m, nil
	}
	l.mu.Unlock()
	m, err := l.link(ctx)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.cached, l.gen = m, gen
	l.mu.Unlock()
	return m, nil
}

// link finds the document of every reference that is one.
func (l *Links) link(ctx context.Context) (map[string]string, error) {
	docs, err := l.Documents.Documents(ctx)
	if err != nil || len(docs) == 0 {
		return nil, err
	}
	refs, err := l.References.References(ctx, policy.ReferenceFilter{})
	if err != nil {
		return nil, err
	}
	var named map[string]string
	if l.Named != nil {
		if named, err = l.Named.NamedReferences(ctx); err != nil {
			return nil, err
		}
	}
	out := map[string]string{}
	for _, r := range refs {
		if d := DocumentFor(r, docs, named); d != nil {
			out[r.ID] = d.ID
		}
	}
	return out, nil
}

// ReferenceDocuments returns, for each of the given references that is a
// document of the store, that document's ID.
func (l *Links) ReferenceDocuments(ctx context.Context, referenceIDs []string) (map[string]string, error) {
	all, err := l.linked(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, id := range referenceIDs {
		if d, ok := all[id]; ok {
			out[id] = d
		}
	}
	return out, nil
}

// DocumentReferences returns, for each of the given documents, the IDs of
// the references that are it, by ID.
func (l *Links) DocumentReferences(ctx context.Context, documentIDs []string) (map[string][]string, error) {
	all, err := l.linked(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for ref, doc := range all {
		if slices.Contains(documentIDs, doc) {
			out[doc] = append(out[doc], ref)
		}
	}
	for _, refs := range out {
		slices.Sort(refs)
	}
	return out, nil
}

// TargetProvisions returns, for each of the citations with the given IDs
// whose pinpoint names a provision of its reference's document, the ID of
// that provision.
func (l *Links) TargetProvisions(ctx context.Context, citationIDs []string) (map[string]string, error) {
	out := map[string]string{}
	if len(citationIDs) == 0 {
		return out, nil
	}
	all, err := l.linked(ctx)
	if err != nil || len(all) == 0 {
		return out, err
	}
	pinned, err := l.pinned(ctx, policy.CitationFilter{IDs: citationIDs})
	if err != nil {
		return nil, err
	}
	return l.resolve(ctx, pinned, all, nil)
}

// pinned returns the citations that pass f and name a pinpoint.
func (l *Links) pinned(ctx context.Context, f policy.CitationFilter) ([]*policy.Citation, error) {
	cs, err := l.References.Citations(ctx, f)
	if err != nil {
		return nil, err
	}
	var pinned []*policy.Citation
	for _, c := range cs {
		if c.Pinpoint != "" {
			pinned = append(pinned, c)
		}
	}
	return pinned, nil
}

// resolve returns the target provision of each citation of cs, by citation
// ID, keeping only targets in keep where keep is not nil.
func (l *Links) resolve(ctx context.Context, cs []*policy.Citation, linked map[string]string, keep map[string]bool) (map[string]string, error) {
	out := map[string]string{}
	var docs []string
	for _, c := range cs {
		if d, ok := linked[c.TargetID]; ok && c.Pinpoint != "" && !slices.Contains(docs, d) {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return out, nil
	}
	ps, err := l.Provisions.Provisions(ctx, policy.ProvisionFilter{DocumentIDs: docs})
	if err != nil {
		return nil, err
	}
	byDoc := map[string][]*policy.Provision{}
	for _, p := range ps {
		byDoc[p.DocumentID] = append(byDoc[p.DocumentID], p)
	}
	for _, c := range cs {
		d, ok := linked[c.TargetID]
		if !ok || c.Pinpoint == "" {
			continue
		}
		if p := TargetProvision(c.Pinpoint, byDoc[d]); p != nil && (keep == nil || keep[p.ID]) {
			out[c.ID] = p.ID
		}
	}
	return out, nil
}

// IncomingCitations returns, for each of the given provisions, the
// citations whose target provision it is, in document order.
func (l *Links) IncomingCitations(ctx context.Context, provisionIDs []string) (map[string][]*policy.Citation, error) {
	out := map[string][]*policy.Citation{}
	if len(provisionIDs) == 0 {
		return out, nil
	}
	keep := map[string]bool{}
	docs := map[string]bool{}
	for _, id := range provisionIDs {
		keep[id] = true
		if d, _, ok := policy.SplitID(id); ok {
			docs[d] = true
		}
	}
	all, err := l.linked(ctx)
	if err != nil {
		return nil, err
	}
	var refs []string
	for ref, doc := range all {
		if docs[doc] {
			refs = append(refs, ref)
		}
	}
	if len(refs) == 0 {
		return out, nil
	}
	slices.Sort(refs)
	pinned, err := l.pinned(ctx, policy.CitationFilter{TargetIDs: refs})
	if err != nil {
		return nil, err
	}
	targets, err := l.resolve(ctx, pinned, all, keep)
	if err != nil {
		return nil, err
	}
	for _, c := range pinned {
		if t, ok := targets[c.ID]; ok {
			out[t] = append(out[t], c)
		}
	}
	return out, nil
}
