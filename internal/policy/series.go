package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// fiscalYearInTitle matches the fiscal year a title names: 令和２年度, 平成31年度,
// 令和元年度, 2021年度, in digits of either width or in kanji numerals.
var fiscalYearInTitle = regexp.MustCompile(`(?:明治|大正|昭和|平成|令和)\s*(?:元|[0-9０-９]+|[〇一二三四五六七八九十]+)\s*年度|(?:19|20|21|１９|２０|２１)[0-9０-９]{2}\s*年度`)

// SeriesKey returns what documents of one series share: the title with its
// fiscal year taken out (サイバーセキュリティ関係施策に関する令和２年度予算重点化方針
// and …平成31年度… give the same key), and "" for a title that names no
// fiscal year, which belongs to no series.
func SeriesKey(title string) string {
	if !fiscalYearInTitle.MatchString(title) {
		return ""
	}
	return strings.Join(strings.Fields(fiscalYearInTitle.ReplaceAllString(title, "〇年度")), "")
}

// SeriesIDPrefix starts the ID of every series: "series:cs-budget-policy".
const SeriesIDPrefix = "series:"

// Series is the documents decided year after year under one title: those
// whose titles are equal but for the fiscal year (see SeriesKey).
type Series struct {
	ID    string // "series:<slug>", see GroupSeries
	Key   string // the SeriesKey of its documents' titles
	Title string // the title with the fiscal year shown as 〇年度: the Key
	// Documents in fiscal-year order (then by date of decision, then by
	// ID); without provisions.
	Documents []*Document
}

// Index returns the position of the document id in s.Documents, or -1.
func (s *Series) Index(id string) int {
	for i, d := range s.Documents {
		if d.ID == id {
			return i
		}
	}
	return -1
}

// SeriesByDocument returns the series of each document of series, by
// document ID.
func SeriesByDocument(series []*Series) map[string]*Series {
	out := map[string]*Series{}
	for _, s := range series {
		for _, d := range s.Documents {
			out[d.ID] = s
		}
	}
	return out
}

// fySuffix is the fiscal year at the end of a document ID: -fy2020.
var fySuffix = regexp.MustCompile(`-fy[0-9]{4}$`)

// numericLocal is what the part of a provision ID after the colon looks
// like; a series slug never looks so, so that "series:…" is never taken for
// a provision of a document called "series".
var numericLocal = regexp.MustCompile(`^(preamble|[0-9.]+)$`)

// GroupSeries groups documents into series: every document whose title
// names a fiscal year belongs to the series of its SeriesKey, alone if no
// other document shares it. The series are ordered by ID.
//
// A series' ID is "series:" and a slug made from its documents' IDs: the
// IDs with their "-fyNNNN" suffix removed, where every document's ID has
// one and they then agree (cs-budget-policy-fy2020, …-fy2021 →
// series:cs-budget-policy); else the ID of its first document. Two series
// that would get the same slug both get "-" and 8 hex digits of the SHA-256
// of their key after it.
func GroupSeries(docs []*Document) []*Series {
	byKey := map[string]*Series{}
	var out []*Series
	for _, d := range docs {
		key := SeriesKey(d.Title)
		if key == "" {
			continue
		}
		s := byKey[key]
		if s == nil {
			s = &Series{Key: key, Title: key}
			byKey[key] = s
			out = append(out, s)
		}
		s.Documents = append(s.Documents, d)
	}
	slugs := map[string]int{}
	for _, s := range out {
		sort.SliceStable(s.Documents, func(i, j int) bool { return yearLess(s.Documents[i], s.Documents[j]) })
		s.ID = seriesSlug(s.Documents)
		slugs[s.ID]++
	}
	for _, s := range out {
		if slugs[s.ID] > 1 {
			sum := sha256.Sum256([]byte(s.Key))
			s.ID += "-" + hex.EncodeToString(sum[:4])
		}
		s.ID = SeriesIDPrefix + s.ID
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// yearLess orders the documents of a series: by fiscal year (those without
// one last), then by date of decision, then by ID.
func yearLess(a, b *Document) bool {
	fa, fb := a.FiscalYear, b.FiscalYear
	if fa == 0 {
		fa = 1 << 30
	}
	if fb == 0 {
		fb = 1 << 30
	}
	if fa != fb {
		return fa < fb
	}
	if da, db := a.DecidedOn.String(), b.DecidedOn.String(); da != db {
		return da < db
	}
	return a.ID < b.ID
}

// seriesSlug is the slug of a series of docs (in series order), without
// the prefix.
func seriesSlug(docs []*Document) string {
	slug := ""
	for i, d := range docs {
		loc := fySuffix.FindStringIndex(d.ID)
		if loc == nil || loc[0] == 0 {
			slug = ""
			break
		}
		if i == 0 {
			slug = d.ID[:loc[0]]
		} else if d.ID[:loc[0]] != slug {
			slug = ""
			break
		}
	}
	if slug == "" {
		slug = docs[0].ID
	}
	if numericLocal.MatchString(slug) {
		slug = "s-" + slug
	}
	return slug
}

// PairKind says how a provision of one document continues in another.
type PairKind string

// The kinds of pair. A provision's place is its parent (as paired: the
// parent of its counterpart is the counterpart of its parent, or both are
// at the top) and its number.
const (
	PairSame    PairKind = "SAME"    // the same text in the same place
	PairChanged PairKind = "CHANGED" // the same place, the text changed
	PairMoved   PairKind = "MOVED"   // another place (parent or number); the text may have changed too
	PairAdded   PairKind = "ADDED"   // only in the later document
	PairRemoved PairKind = "REMOVED" // only in the earlier document
)

// PairKinds lists every kind of pair.
var PairKinds = []PairKind{PairSame, PairChanged, PairMoved, PairAdded, PairRemoved}

// Valid reports whether k is one of the declared kinds.
func (k PairKind) Valid() bool { return slices.Contains(PairKinds, k) }

// ProvisionPair is a provision of one document and the provision that
// continues it in another: From is nil for an added provision, To for a
// removed one. Similarity, from 0 to 1, says how alike their texts are (1
// only for the same text; 0 for an added or removed provision); package
// align says how it is computed.
type ProvisionPair struct {
	Kind       PairKind
	From, To   *Provision
	Similarity float64
}

// Comparison is two documents side by side: every provision of both, once,
// in a pair.
type Comparison struct {
	From, To *Document
	Pairs    []ProvisionPair
}

// LineCell is one year of a provision's line through a series: the
// provision of that document (nil where the line has none) and how it came
// from the year before (Kind "" in the first document of the series and
// after the line has ended).
type LineCell struct {
	Document   *Document
	Provision  *Provision
	Kind       PairKind
	Similarity float64
}

// Line is a provision followed through the documents of its series: one
// cell per document, in the series' order. A line starts where a provision
// is first seen (the first document, or ADDED) and ends after the year in
// which it is REMOVED.
type Line struct {
	Cells []LineCell
}

// YearService puts the documents of a series side by side.
type YearService interface {
	// Series returns every series of the store, by ID.
	Series(ctx context.Context) ([]*Series, error)
	// Compare pairs the provisions of the current versions of two
	// documents, which need not be of one series; NOT_FOUND for an unknown
	// document.
	Compare(ctx context.Context, from, to string) (*Comparison, error)
	// Counterparts returns, for each provision ID given, the provisions
	// that continue it in the other documents of its series, in the
	// series' order: followed year by year through the comparisons of
	// consecutive documents. Provisions of no series have none.
	Counterparts(ctx context.Context, ids []string) (map[string][]*Provision, error)
	// Lines returns the lines of the provisions of a series through its
	// documents; NOT_FOUND for an unknown series.
	Lines(ctx context.Context, seriesID string) ([]Line, error)
}
