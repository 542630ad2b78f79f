//go:build legacy

package search

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
)

// The first analysis, kept to measure the current one against (see the
// Legacy strategy and BENCHMARKS.md): kagome words after folding, verbs and
// adjectives by their base form, one term per word. Only benchmarks and
// tests use it, so it is built only with -tags legacy: the binary leaves
// it out.

const legacyAvailable = true

func init() {
	if err := registerAnalyzer(legacyAnalyzerName, legacyTokenizerName, func() (analysis.Tokenizer, error) {
		k, err := japanese()
		if err != nil {
			return nil, err
		}
		return legacyTokenizer{k}, nil
	}); err != nil {
		panic(err)
	}
}

type legacyTokenizer struct{ k *kagomeTokenizer }

// Tokenize splits the folded input into words.
func (l legacyTokenizer) Tokenize(input []byte) analysis.TokenStream {
	folded, starts, ends := fold(string(input))
	var out analysis.TokenStream
	for i, tok := range l.k.t.Analyze(folded, tokenizer.Search) {
		surface := tok.Surface
		if !hasWordRune(surface) {
			continue
		}
		term := surface
		if f := tok.Features(); len(f) > 0 {
			switch f[0] {
			case "記号", "助詞", "助動詞":
				if !hasAlnum(surface) {
					continue
				}
			case "動詞", "形容詞":
				if len(f) > ipa.BaseForm && f[ipa.BaseForm] != "*" {
					term = f[ipa.BaseForm]
				}
			}
		}
		s, e := tok.Position, tok.Position+len(surface)
		out = append(out, &analysis.Token{
			Start: starts[s], End: ends[e-1], Term: []byte(term), Position: i + 1, Type: analysis.Ideographic,
		})
	}
	return out
}
