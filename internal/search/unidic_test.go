//go:build unidic

package search

// The dictionary the service does not use, measured on the evaluation set:
// UniDic (github.com/ikawaha/kagome-dict/uni), every word indexed by its
// 語彙素 (lemma), which folds inflections, okurigana and kana/kanji spellings
// by itself. It needs the 45 MB dictionary, so it is behind a build tag:
//
//	go test -tags unidic -run UniDic -v ./internal/search

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/ikawaha/kagome-dict/uni"
	"github.com/ikawaha/kagome/v2/tokenizer"
	"github.com/policykb/policykb/internal/policy"
)

type uniLemma struct{ t *tokenizer.Tokenizer }

func (u uniLemma) Tokenize(input []byte) analysis.TokenStream {
	folded, starts, ends := fold(string(input))
	var out analysis.TokenStream
	for i, tok := range u.t.Analyze(folded, tokenizer.Search) {
		f := tok.Features()
		if !hasWordRune(tok.Surface) || len(f) == 0 {
			continue
		}
		switch f[0] {
		case "助詞", "助動詞", "補助記号", "空白":
			if !hasAlnum(tok.Surface) {
				continue
			}
		}
		term := tok.Surface
		if len(f) > uni.Lemma && f[uni.Lemma] != "*" && f[uni.Lemma] != "" {
			term = f[uni.Lemma]
		}
		out = append(out, &analysis.Token{Start: starts[tok.Position], End: ends[tok.Position+len(tok.Surface)-1],
			Term: []byte(term), Position: i + 1, Type: analysis.Ideographic})
	}
	return out
}

func TestUniDicLemma(t *testing.T) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	tk, err := tokenizer.New(uni.Dict(), tokenizer.OmitBosEos())
	if err != nil {
		t.Fatal(err)
	}
	load := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("UniDic: load %v, heap %+d MiB", load.Round(time.Millisecond), int64(after.HeapAlloc-before.HeapAlloc)>>20)
	registerAnalyzer("uni_lemma", "uni_lemma", func() (analysis.Tokenizer, error) { return uniLemma{tk}, nil })
	db, _ := corpusIndex(t, "")
	provs, err := db.Provisions(context.Background(), policy.ProvisionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	fm := bleve.NewTextFieldMapping()
	fm.Analyzer = "uni_lemma"
	fm.IncludeTermVectors = true
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("text", fm)
	m := bleve.NewIndexMapping()
	m.DefaultMapping = dm
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	for _, p := range provs {
		if err := idx.Index(p.ID, map[string]any{"text": p.Text()}); err != nil {
			t.Fatal(err)
		}
	}
	s := evaluate(t, loadEval(t), func(q string) ([]string, int) {
		cs, err := parseQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		var must, not []query.Query
		for _, c := range cs {
			if c.or != nil {
				continue
			}
			mq := bleve.NewMatchQuery(c.text)
			mq.SetField("text")
			mq.Analyzer = "uni_lemma"
			mq.SetOperator(query.MatchQueryOperatorAnd)
			if c.negate {
				not = append(not, mq)
			} else {
				must = append(must, mq)
			}
		}
		if len(must) == 0 {
			return nil, 0
		}
		req := bleve.NewSearchRequestOptions(boolQuery(must, not), 10, 0, false)
		res, err := idx.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return ids, int(res.Total)
	})
	t.Logf("UniDic lemma: recall@10 %.3f, MRR %.3f, trap hits %d (%q), nonsense hits %d; misses %q", s.recall, s.mrr, s.trapHits, s.trapped, s.nonsenseHits, s.misses)
	for _, kind := range []string{"inflection", "variant", "kana", "compound", "several", "synonym", "English", "trap", "nonsense"} {
		if k := s.byKind[kind]; k != nil {
			t.Logf("  %-12s %3d: recall@10 %.3f, MRR %.3f, hits %d", kind, k.n, k.recall/float64(k.n), k.mrr/float64(k.n), k.hits)
		}
	}
}
