package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
	"golang.org/x/text/unicode/norm"
)

// The Japanese analysis: width and compatibility folding (NFKC) and lower
// case, then morphological tokenization with kagome and its IPA dictionary,
// in search mode (long compounds are split further: 人材育成 → 人材 育成).
// Token offsets point at the original text, not the folded one, so that
// highlights land on the right characters of ＩｏＴ or ｻﾌﾟﾗｲ. Particles,
// auxiliary verbs and symbols are dropped; verbs and adjectives are indexed
// by their base form. Positions keep the gaps of dropped tokens, so that the
// phrase "人材育成" does not match 人材の育成.
const (
	tokenizerName = "policykb_kagome_ipa"
	analyzerName  = "policykb_ja"
)

func init() {
	if err := registry.RegisterTokenizer(tokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return japanese()
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterAnalyzer(analyzerName, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
		t, err := cache.TokenizerNamed(tokenizerName)
		if err != nil {
			return nil, err
		}
		return &analysis.DefaultAnalyzer{Tokenizer: t}, nil
	}); err != nil {
		panic(err)
	}
}

// kagomeTokenizer adapts kagome to bleve's analysis.Tokenizer.
type kagomeTokenizer struct{ t *tokenizer.Tokenizer }

var (
	sharedOnce sync.Once
	shared     *kagomeTokenizer
	sharedErr  error
)

// japanese returns the tokenizer, loading the dictionary once per process.
func japanese() (*kagomeTokenizer, error) {
	sharedOnce.Do(func() {
		var t *tokenizer.Tokenizer
		t, sharedErr = tokenizer.New(cachedDict("github.com/ikawaha/kagome-dict/ipa", ipa.Dict), tokenizer.OmitBosEos())
		shared = &kagomeTokenizer{t: t}
	})
	return shared, sharedErr
}

// Tokenize folds the input and splits it into words.
func (k *kagomeTokenizer) Tokenize(input []byte) analysis.TokenStream {
	folded, starts, ends := fold(string(input))
	var out analysis.TokenStream
	for i, tok := range k.t.Analyze(folded, tokenizer.Search) {
		surface := tok.Surface
		if !hasWordRune(surface) {
			continue // blanks, punctuation, symbols
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

// hasWordRune reports whether s holds a letter or digit.
func hasWordRune(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// hasAlnum reports whether s holds a Latin letter or digit, which a
// dictionary may class as a symbol but a reader searches for.
func hasAlnum(s string) bool {
	for _, r := range s {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return true
		}
	}
	return false
}

// fold returns the NFKC, lower-case form of s, and for each of its bytes the
// offsets in s where the characters it came from start and end.
func fold(s string) (out string, starts, ends []int) {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		// A character and the marks that combine with it (ｶﾞ, か゛).
		j := i
		_, n := utf8.DecodeRuneInString(s[j:])
		j += n
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !unicode.Is(unicode.Mn, r) && r != 'ﾞ' && r != 'ﾟ' && r != '\u3099' && r != '\u309a' {
				break
			}
			j += n
		}
		seg := strings.ToLower(norm.NFKC.String(s[i:j]))
		b.WriteString(seg)
		for range len(seg) {
			starts = append(starts, i)
			ends = append(ends, j)
		}
		i = j
	}
	return b.String(), starts, ends
}

// Analyze returns the terms of text as the index sees them (for tests and
// diagnostics).
func Analyze(text string) []string {
	k, err := japanese()
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range k.Tokenize([]byte(text)) {
		out = append(out, string(t.Term))
	}
	return out
}
