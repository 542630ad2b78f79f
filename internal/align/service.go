package align

import (
	"context"
	"slices"
	"strconv"
	"sync"

	"github.com/policykb/policykb/internal/policy"
)

// Service puts the documents of a store side by side: it implements
// policy.YearService over the store's documents and provisions. It keeps
// the comparisons it has made of the current versions of documents, so
// that following provisions through a series costs one comparison per
// pair of consecutive years until one of them changes. It is safe for
// concurrent use.
type Service struct {
	Documents  policy.DocumentService
	Provisions policy.ProvisionService
	// Generation, where set, returns a number that changes whenever the
	// store does: the series are then kept until it changes, instead of
	// being read again at every call.
	Generation func(ctx context.Context) (int64, error)

	mu     sync.Mutex
	cache  map[string]*policy.Comparison
	gen    int64
	series []*policy.Series
}

var _ policy.YearService = (*Service)(nil)

// cacheSize bounds the comparisons a Service keeps: enough for the chain
// of consecutive years of a series of a couple of thousand documents, so
// that following one provision through a long series does not compare its
// years again at every call (a comparison holds pointers to the
// provisions of its two documents, which the store read anyway).
const cacheSize = 2048

// Series returns every series of the store, by ID (see policy.GroupSeries).
// The series are shared: callers do not change them.
func (s *Service) Series(ctx context.Context) ([]*policy.Series, error) {
	var gen int64
	if s.Generation != nil {
		var err error
		if gen, err = s.Generation(ctx); err != nil {
			return nil, err
		}
		s.mu.Lock()
		series, ok := s.series, s.series != nil && s.gen == gen
		s.mu.Unlock()
		if ok {
			return series, nil
		}
	}
	docs, err := s.Documents.Documents(ctx)
	if err != nil {
		return nil, err
	}
	series := policy.GroupSeries(docs)
	if s.Generation != nil {
		if series == nil {
			series = []*policy.Series{}
		}
		s.mu.Lock()
		s.series, s.gen = series, gen
		s.mu.Unlock()
	}
	return series, nil
}

// Compare pairs the provisions of the current versions of two documents
// (see Compare). The documents need not be of one series; a document
// compared with itself is all SAME.
func (s *Service) Compare(ctx context.Context, from, to string) (*policy.Comparison, error) {
	docs, err := s.Documents.DocumentsByID(ctx, []string{from, to})
	if err != nil {
		return nil, err
	}
	byID := map[string]*policy.Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	for _, id := range []string{from, to} {
		if byID[id] == nil {
			return nil, policy.Errorf(policy.ENOTFOUND, "no document %s", policy.Quote(id))
		}
	}
	return s.compare(ctx, byID[from], byID[to])
}

// compare compares two documents read from the store, through the cache.
func (s *Service) compare(ctx context.Context, from, to *policy.Document) (*policy.Comparison, error) {
	key := from.ID + "\x00" + strconv.Itoa(from.Version) + "\x00" + to.ID + "\x00" + strconv.Itoa(to.Version)
	s.mu.Lock()
	c := s.cache[key]
	s.mu.Unlock()
	if c != nil {
		return c, nil
	}
	ps, err := s.Provisions.Provisions(ctx, policy.ProvisionFilter{DocumentIDs: []string{from.ID, to.ID}})
	if err != nil {
		return nil, err
	}
	var a, b []*policy.Provision
	for _, p := range ps {
		if p.DocumentID == from.ID {
			a = append(a, p)
		}
		if p.DocumentID == to.ID {
			b = append(b, p)
		}
	}
	c = &policy.Comparison{From: from, To: to, Pairs: Compare(a, b)}
	s.mu.Lock()
	if s.cache == nil || len(s.cache) >= cacheSize {
		s.cache = map[string]*policy.Comparison{}
	}
	s.cache[key] = c
	s.mu.Unlock()
	return c, nil
}

// chain returns the comparisons of the consecutive documents of a series:
// the first with the second, the second with the third, and so on.
func (s *Service) chain(ctx context.Context, sr *policy.Series) ([]*policy.Comparison, error) {
	out := make([]*policy.Comparison, 0, max(len(sr.Documents)-1, 0))
	for i := 0; i+1 < len(sr.Documents); i++ {
		c, err := s.compare(ctx, sr.Documents[i], sr.Documents[i+1])
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Counterparts returns, for each provision ID given, the provisions that
// continue it in the other documents of its series, in the series' order:
// from one year to the next and the one before, through the comparisons
// of consecutive documents, as far as it goes on. IDs of unknown
// provisions, or of documents of no series, have none.
func (s *Service) Counterparts(ctx context.Context, ids []string) (map[string][]*policy.Provision, error) {
	out := map[string][]*policy.Provision{}
	if len(ids) == 0 {
		return out, nil
	}
	series, err := s.Series(ctx)
	if err != nil {
		return nil, err
	}
	seriesOf := policy.SeriesByDocument(series)
	links := map[*policy.Series]*chainLinks{}
	for _, id := range ids {
		doc, _, ok := policy.SplitID(id)
		sr := seriesOf[doc]
		if !ok || sr == nil || len(sr.Documents) < 2 {
			continue
		}
		l := links[sr]
		if l == nil {
			ch, err := s.chain(ctx, sr)
			if err != nil {
				return nil, err
			}
			l = newChainLinks(ch)
			links[sr] = l
		}
		out[id] = l.follow(sr.Index(doc), id)
	}
	return out, nil
}

// chainLinks indexes the pairs of the consecutive comparisons of a series:
// for comparison k, the provision of document k+1 that continues each
// provision of document k (fwd), and the other way round (bwd).
type chainLinks struct {
	fwd, bwd []map[string]*policy.Provision
}

func newChainLinks(ch []*policy.Comparison) *chainLinks {
	l := &chainLinks{fwd: make([]map[string]*policy.Provision, len(ch)), bwd: make([]map[string]*policy.Provision, len(ch))}
	for k, c := range ch {
		l.fwd[k], l.bwd[k] = map[string]*policy.Provision{}, map[string]*policy.Provision{}
		for _, p := range c.Pairs {
			if p.From != nil && p.To != nil {
				l.fwd[k][p.From.ID], l.bwd[k][p.To.ID] = p.To, p.From
			}
		}
	}
	return l
}

// follow returns the provisions that continue the provision id of the
// document at index i of the series, in the series' order.
func (l *chainLinks) follow(i int, id string) []*policy.Provision {
	var before, after []*policy.Provision
	for k, cur := i-1, id; k >= 0; k-- {
		p := l.bwd[k][cur]
		if p == nil {
			break
		}
		before, cur = append(before, p), p.ID
	}
	for k, cur := i, id; k < len(l.fwd); k++ {
		p := l.fwd[k][cur]
		if p == nil {
			break
		}
		after, cur = append(after, p), p.ID
	}
	slices.Reverse(before)
	return append(before, after...)
}

// Lines returns the lines of the provisions of a series through its
// documents (see policy.Line), in an order that follows the documents:
// the order of the first document, each provision added later after the
// provision before it, each line that ends kept after the line before it.
func (s *Service) Lines(ctx context.Context, seriesID string) ([]policy.Line, error) {
	series, err := s.Series(ctx)
	if err != nil {
		return nil, err
	}
	var sr *policy.Series
	for _, x := range series {
		if x.ID == seriesID {
			sr = x
		}
	}
	if sr == nil {
		return nil, policy.Errorf(policy.ENOTFOUND, "no series %s", policy.Quote(seriesID))
	}
	n := len(sr.Documents)
	type line struct {
		cells []policy.LineCell
		ended bool
	}
	newLine := func() *line {
		l := &line{cells: make([]policy.LineCell, n)}
		for k, d := range sr.Documents {
			l.cells[k].Document = d
		}
		return l
	}
	first, err := s.Provisions.Provisions(ctx, policy.ProvisionFilter{DocumentID: sr.Documents[0].ID})
	if err != nil {
		return nil, err
	}
	var lines []*line
	current := map[string]*line{} // by the ID of its provision in the document reached
	for _, p := range first {
		l := newLine()
		l.cells[0].Provision = p
		lines = append(lines, l)
		current[p.ID] = l
	}
	ch, err := s.chain(ctx, sr)
	if err != nil {
		return nil, err
	}
	for k, c := range ch {
		// Lines that ended before stay after the line before them.
		var front []*line
		attached := map[*line][]*line{}
		var prev *line
		for _, l := range lines {
			if !l.ended {
				prev = l
				continue
			}
			if prev == nil {
				front = append(front, l)
			} else {
				attached[prev] = append(attached[prev], l)
			}
		}
		next := make([]*line, 0, len(lines)+len(c.Pairs))
		emit := func(l *line) {
			next = append(next, l)
			next = append(next, attached[l]...)
		}
		next = append(next, front...)
		reached := map[string]*line{}
		for _, p := range c.Pairs {
			cell := policy.LineCell{Document: sr.Documents[k+1], Provision: p.To, Kind: p.Kind, Similarity: p.Similarity}
			var l *line
			switch p.Kind {
			case policy.PairAdded:
				l = newLine()
			default:
				l = current[p.From.ID]
			}
			if l == nil { // cannot happen: every provision of the document is in a pair
				continue
			}
			l.cells[k+1] = cell
			if p.Kind == policy.PairRemoved {
				l.ended = true
			} else {
				reached[p.To.ID] = l
			}
			emit(l)
		}
		lines, current = next, reached
	}
	out := make([]policy.Line, len(lines))
	for i, l := range lines {
		out[i] = policy.Line{Cells: l.cells}
	}
	return out, nil
}
