package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
	"golang.org/x/text/unicode/norm"
)

// The Japanese analysis. The text is folded (NFKC, lower case), split into
// words by kagome with the IPA dictionary in search mode, and every word is
// indexed under up to four terms at the same position, told apart by a
// prefix:
//
//	w:  the written form, as folded                     取り入れ, センター
//	v:  the variant key, where it differs from the      取り入れる, センタ, 人人
//	    written form: base form of verbs and adjectives,
//	    katakana without long vowel marks and middle
//	    dots, iteration marks spelt out
//	k:  the okurigana skeleton of words of two or more  取入 (取り入れ, 取入れ)
//	    kanji with okurigana: the kanji alone
//	r:  the reading, in katakana                        トリイレ
//	j:  two words in a row (at the first), each by its  中小|企業
//	    written form or variant key, so that a phrase of
//	    two words is one term to look up
//	a:  the reading of a prefix or suffix, which is no  カイ (協議会)
//	    word of its own
//	h:  a word in hiragana only, its base form in       ツナガル (つながる)
//	    katakana, or in kanji and kana, its reading,     キソン (き損)
//	    for the same word written in kanji
//
// A run of katakana (with middle dots or spaces inside: セキュリティ・バイ・
// デザイン) is one word at one position. Where the dictionary knows every
// piece of it, every run of its pieces is indexed at that position too (p:),
// and those that start or end it also as such (f:, s:): サイバーセキュリティ
// センター is also サイバー, セキュリティ, センター, サイバーセキュリティ and
// セキュリティセンター, and a phrase finds セキュリティ人材 in サイバー
// セキュリティ人材 but not サイバー人材. ポータルサイト and デジタルトランス
// フォーメーション, which it does not know whole or in pieces, have no pieces,
// so that no piece of them matches another query.
//
// Token offsets point at the original text, not the folded one, so that
// highlights land on the right characters of ＩｏＴ or ｻﾌﾟﾗｲ. Particles,
// auxiliary verbs and symbols are dropped; positions keep the gaps of
// dropped words, so that the phrase 人材育成 does not match 人材の育成.
const (
	tokenizerName = "policykb_kagome_ipa_v2"
	analyzerName  = "policykb_ja_v2"
)

// Term prefixes.
const (
	prefixWritten  = "w:"
	prefixVariant  = "v:"
	prefixSkeleton = "k:"
	prefixReading  = "r:"
	prefixAffix    = "a:" // the reading of a prefix or suffix (会 of 協議会)
	prefixKana     = "h:" // a word written in hiragana only, by its base form in katakana (つながる → ツナガル)
	prefixPiece    = "p:" // pieces of a katakana run, by their variant key
	prefixRunStart = "f:" // pieces that start a katakana run
	prefixRunEnd   = "s:" // pieces that end a katakana run
	prefixPair     = "j:" // two words in a row, each by its written form or variant key: 中小|企業
)

func init() {
	if err := registerAnalyzer(analyzerName, tokenizerName, func() (analysis.Tokenizer, error) { return japanese() }); err != nil {
		panic(err)
	}
}

// registerAnalyzer registers with bleve the tokenizer that newTokenizer
// makes, under the name tokenizer, and under the name analyzer the
// analyzer of its tokens as they are.
func registerAnalyzer(analyzer, tokenizer string, newTokenizer func() (analysis.Tokenizer, error)) error {
	if err := registry.RegisterTokenizer(tokenizer, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return newTokenizer()
	}); err != nil {
		return err
	}
	return registry.RegisterAnalyzer(analyzer, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
		t, err := cache.TokenizerNamed(tokenizer)
		if err != nil {
			return nil, err
		}
		return &analysis.DefaultAnalyzer{Tokenizer: t}, nil
	})
}

// kagomeTokenizer adapts kagome to bleve's analysis.Tokenizer.
type kagomeTokenizer struct {
	t    *tokenizer.Tokenizer
	dict *dict.Dict
}

var (
	sharedOnce sync.Once
	shared     *kagomeTokenizer
	sharedErr  error
)

// japanese returns the tokenizer, loading the dictionary once per process.
func japanese() (*kagomeTokenizer, error) {
	sharedOnce.Do(func() {
		d := cachedDict("github.com/ikawaha/kagome-dict/ipa", ipa.Dict)
		var t *tokenizer.Tokenizer
		t, sharedErr = tokenizer.New(d, tokenizer.OmitBosEos())
		shared = &kagomeTokenizer{t: t, dict: d}
	})
	return shared, sharedErr
}

// word is one word of an analysed text.
type word struct {
	pos        int // 1-based
	start, end int // byte offsets in the original text
	written    string
	variant    string
	skeleton   string // "" unless the word has okurigana and two or more kanji
	reading    string // katakana; "" where the dictionary has none
	mixed      bool   // a noun written in kanji and kana alike (ぜい弱, き損, 漏えい)
	affix      bool   // a prefix, suffix or dependent noun: its reading is no word of its own
	prefix     bool   // an affix that clings to the word after it
	inflects   bool   // a verb or an adjective: variant is its base form
	kana       string // for a word in hiragana only, its base form in katakana; in kanji and kana, its reading
	// content: a noun of its own (not an affix, number or pronoun), a
	// katakana or Latin word; the only words a compound is split into.
	content bool
	// pieces: the words of a katakana run the dictionary knows piece by
	// piece, at the run's position.
	pieces []word
}

// pairKeys returns the keys a word has in a pair of words: its written
// form and variant key, and where it is a katakana run cut into pieces,
// the runs of pieces that end it (left) or start it (right), so that
// セキュリティ人材 pairs in サイバーセキュリティ人材.
func (w word) pairKeys(left bool) []string {
	keys := []string{w.written}
	if w.variant != w.written {
		keys = append(keys, w.variant)
	}
	ps := w.pieces
	for n := 1; n < len(ps) && n <= maxPieces; n++ {
		key := ""
		if left {
			for _, p := range ps[len(ps)-n:] {
				key += p.variant
			}
		} else {
			for _, p := range ps[:n] {
				key += p.variant
			}
		}
		keys = append(keys, key)
	}
	return keys
}

// pairTerms returns the terms of two words in a row.
func pairTerms(left, right []string) []string {
	var out []string
	for _, l := range left {
		for _, r := range right {
			out = append(out, prefixPair+l+"|"+r)
		}
	}
	return out
}

// parts returns the words w is made of: its pieces, or w itself.
func (w word) parts() []word {
	if len(w.pieces) > 0 {
		return w.pieces
	}
	return []word{w}
}

// words analyses text.
func (k *kagomeTokenizer) words(text string) []word {
	folded, starts, ends := fold(text)
	toks := k.t.Analyze(folded, tokenizer.Search)
	var out []word
	pos := 0
	span := func(s, e int) (int, int) { return starts[s], ends[e-1] }
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		pos++
		if isKatakanaWord(tok.Surface) {
			// The run: katakana words, joined directly or by ・ or a space.
			j := i
			for {
				if j+1 < len(toks) && isKatakanaWord(toks[j+1].Surface) {
					j++
				} else if j+2 < len(toks) && isJoiner(toks[j+1].Surface) && isKatakanaWord(toks[j+2].Surface) {
					j += 2
				} else {
					break
				}
			}
			first, last := toks[i], toks[j]
			s, e := span(first.Position, last.Position+len(last.Surface))
			whole := folded[first.Position : last.Position+len(last.Surface)]
			w := word{pos: pos, start: s, end: e, written: whole, variant: kanaKey(whole),
				content: utf8.RuneCountInString(kanaKey(whole)) >= 2}
			w.pieces = k.pieces(folded, first.Position, last.Position+len(last.Surface), span)
			for n := range w.pieces {
				w.pieces[n].pos = pos
			}
			out = append(out, w)
			i = j
			continue
		}
		surface := tok.Surface
		if !hasWordRune(surface) {
			continue // blanks, punctuation, symbols
		}
		f := tok.Features()
		pos1, pos2 := feature(f, 0), feature(f, 1)
		switch pos1 {
		case "記号", "助詞", "助動詞":
			if !hasAlnum(surface) {
				continue
			}
		}
		w := word{pos: pos, written: surface, variant: iterate(surface)}
		w.start, w.end = span(tok.Position, tok.Position+len(surface))
		if pos1 == "動詞" || pos1 == "形容詞" {
			w.inflects = true
			if b := feature(f, ipa.BaseForm); b != "" {
				w.variant = iterate(b)
			}
		}
		if r := feature(f, ipa.Reading); r != "" && !isLatin(surface) {
			w.reading = r
		}
		if pos1 == "名詞" || pos1 == "動詞" || pos1 == "形容詞" {
			w.skeleton = skeleton(iterate(surface))
		}
		w.affix = pos1 == "接頭詞" || pos2 == "接尾" || pos2 == "非自立"
		w.prefix = pos1 == "接頭詞"
		if isHiragana(surface) && !w.affix && (pos1 == "名詞" || pos1 == "動詞" || pos1 == "形容詞") {
			w.kana = toKatakana(w.variant)
		}
		w.mixed = pos1 == "名詞" && hasHan(surface) && strings.ContainsFunc(surface, func(r rune) bool { return unicode.Is(unicode.Hiragana, r) })
		if w.mixed && w.reading != "" {
			w.kana = w.reading // き損 is also found as 毀損
		}
		switch {
		case isLatin(surface):
			w.content = true
		case pos1 == "名詞":
			switch pos2 {
			case "接尾", "非自立", "数", "代名詞":
			default:
				w.content = tok.Class == tokenizer.KNOWN && utf8.RuneCountInString(surface) >= 2 && !isHiragana(surface)
			}
		}
		out = append(out, w)
	}
	return out
}

// Tokenize folds the input and splits it into terms.
func (k *kagomeTokenizer) Tokenize(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	add := func(w word, prefix, term string, end int) {
		out = append(out, &analysis.Token{Start: w.start, End: end, Term: []byte(prefix + term),
			Position: w.pos, Type: analysis.Ideographic})
	}
	ws := k.words(string(input))
	for i, w := range ws {
		if i+1 < len(ws) && ws[i+1].pos == w.pos+1 {
			next := ws[i+1]
			span := word{pos: w.pos, start: w.start}
			for _, term := range pairTerms(w.pairKeys(true), next.pairKeys(false)) {
				add(span, "", term, next.end)
			}
		}
		// Two words the dictionary cut out of one written with okurigana
		// it does not know (申合せ → 申 合せ): their kanji together.
		if i+1 < len(ws) && ws[i+1].pos == w.pos+1 && len(w.pieces) == 0 && len(ws[i+1].pieces) == 0 {
			if sk := okuriganaSkeleton(w.written + ws[i+1].written); sk != "" && sk != w.skeleton && !isKatakanaWord(ws[i+1].written) {
				add(word{pos: w.pos, start: w.start}, prefixSkeleton, sk, ws[i+1].end)
			}
		}
		add(w, prefixWritten, w.written, w.end)
		if w.variant != w.written {
			add(w, prefixVariant, w.variant, w.end)
		}
		// Every run of pieces short of the whole: サプライ, チェーン, リスク,
		// サプライチェーン, チェーンリスク of サプライチェーンリスク.
		ps := w.pieces
		for i := range ps {
			key := ""
			for j := i; j < len(ps) && j-i < maxPieces; j++ {
				key += ps[j].variant
				if i == 0 && j == len(ps)-1 {
					break
				}
				span := word{pos: w.pos, start: ps[i].start, end: ps[j].end}
				add(span, prefixPiece, key, span.end)
				if i == 0 {
					add(span, prefixRunStart, key, span.end)
				}
				if j == len(ps)-1 {
					add(span, prefixRunEnd, key, span.end)
				}
			}
		}
		if w.skeleton != "" {
			add(w, prefixSkeleton, w.skeleton, w.end)
		}
		if w.kana != "" {
			add(w, prefixKana, w.kana, w.end)
		}
		switch {
		case w.reading == "":
		case w.affix:
			add(w, prefixAffix, w.reading, w.end)
		default:
			add(w, prefixReading, w.reading, w.end)
		}
	}
	return out
}

func feature(f []string, i int) string {
	if i < len(f) && f[i] != "*" {
		return f[i]
	}
	return ""
}

// isKatakanaWord reports whether s is katakana only (long vowel marks and
// iteration marks included) with at least one katakana letter.
func isKatakanaWord(s string) bool {
	letter := false
	for _, r := range s {
		switch {
		case r >= 'ァ' && r <= 'ヺ':
			letter = true
		case r == 'ー' || r == 'ヽ' || r == 'ヾ':
		default:
			return false
		}
	}
	return letter
}

// isJoiner reports whether s joins the words of a katakana compound: a
// middle dot or a blank.
func isJoiner(s string) bool {
	return strings.Trim(s, "・･ \u3000\t") == ""
}

// kanaKey is the variant key of katakana: no long vowel marks (センター and
// センタ alike), middle dots or blanks.
func kanaKey(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'ー', '・', '･', ' ', '\u3000', '\t':
			return -1
		}
		return r
	}, iterate(s))
}

// iterate spells out iteration marks: 人々 → 人人, ハヽ → ハハ.
func iterate(s string) string {
	if !strings.ContainsAny(s, "々ゝゞヽヾ") {
		return s
	}
	rs := []rune(s)
	for i, r := range rs {
		if i == 0 {
			continue
		}
		switch r {
		case '々', 'ゝ', 'ヽ':
			rs[i] = rs[i-1]
		case 'ゞ', 'ヾ':
			rs[i] = rs[i-1] + 1 // the voiced kana follows the plain one
		}
	}
	return string(rs)
}

// skeleton returns the kanji of a word that mixes kanji and hiragana and
// has two or more kanji (取り入れ → 取入), else "".
func skeleton(s string) string {
	var b strings.Builder
	hira, kanji := false, 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			kanji++
			b.WriteRune(r)
		case unicode.Is(unicode.Hiragana, r):
			hira = true
		default:
			return ""
		}
	}
	if !hira || kanji < 2 {
		return ""
	}
	return b.String()
}

// kanjiOnly reports whether s is two or more kanji and nothing else.
func kanjiOnly(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
		n++
	}
	return n >= 2
}

func isHiragana(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Hiragana, r) && r != 'ー' {
			return false
		}
	}
	return s != ""
}

// isKana reports whether s is hiragana or katakana only.
func isKana(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Hiragana, r) && !unicode.Is(unicode.Katakana, r) && r != 'ー' {
			return false
		}
	}
	return s != ""
}

// toKatakana converts hiragana to katakana.
func toKatakana(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ぁ' && r <= 'ゖ' {
			return r + ('ァ' - 'ぁ')
		}
		return r
	}, s)
}

// isLatin reports whether s holds a Latin letter or digit and nothing but
// ASCII.
func isLatin(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf {
			return false
		}
	}
	return hasAlnum(s)
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

// Analyze returns the written forms of the words of text as the index sees
// them (for tests and diagnostics).
func Analyze(text string) []string {
	k, err := japanese()
	if err != nil {
		return nil
	}
	var out []string
	for _, w := range k.words(text) {
		out = append(out, w.written)
	}
	return out
}

// baseReading returns the reading of a word's base form (繋がり → ツナガル),
// "" if the dictionary has none.
func (k *kagomeTokenizer) baseReading(w word) string {
	if !w.inflects || w.variant == w.written {
		return w.reading
	}
	toks := k.t.Analyze(w.variant, tokenizer.Normal)
	if len(toks) != 1 {
		return ""
	}
	return feature(toks[0].Features(), ipa.Reading)
}

// pieces cuts the katakana run folded[from:to] into the fewest words the
// dictionary knows, of minPiece or more characters each, within the parts
// its middle dots or blanks separate (a part that cannot be cut so stays
// whole). It returns nil if the run is one word. kagome alone would cut
// サイバー into サイ and バー, and ポータルサイト into ポー, タル and サイト.
func (k *kagomeTokenizer) pieces(folded string, from, to int, span func(s, e int) (int, int)) []word {
	var out []word
	add := func(s, e int) {
		ps, pe := span(s, e)
		t := folded[s:e]
		out = append(out, word{start: ps, end: pe, written: t, variant: kanaKey(t), content: true})
	}
	seg := from
	for i := from; i <= to; {
		r, n := utf8.DecodeRuneInString(folded[i:min(to, len(folded))])
		if i < to && !isJoiner(string(r)) {
			i += n
			continue
		}
		if seg < i {
			cuts := k.cut(folded[seg:i])
			if cuts == nil {
				add(seg, i)
			}
			for c := 0; c+1 < len(cuts); c++ {
				add(seg+cuts[c], seg+cuts[c+1])
			}
		}
		if i == to {
			break
		}
		i += n
		seg = i
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// fieldKatakana are katakana words of this field that the IPA dictionary
// lacks, so that the compounds they head are cut into words like those it
// knows (サイバーセキュリティ, クラウドサービス).
var fieldKatakana = []string{
	"サイバー", "ガバナンス", "マルウェア", "ランサムウェア", "フィッシング", "ボットネット",
	"クラウド", "セキュア", "レジリエンス", "ポータル", "エコシステム", "フォレンジック",
	"トランスフォーメーション", "ベンダー", "ベンダ", "レガシー",
}

// maxPieces bounds the pieces of a katakana run indexed together.
const maxPieces = 6

// minPiece is the shortest word a katakana run is cut into: the
// dictionary knows many two-character katakana words (サイ, バー, ポー) that
// are pieces of no compound.
const minPiece = 3

// cut returns the byte offsets cutting s into the fewest known words of
// minPiece or more characters (0 first, len(s) last), or nil.
func (k *kagomeTokenizer) cut(s string) []int {
	idx := k.dict.Index
	best := make([]int, len(s)+1) // 1 + pieces covering s[:i]; 0: not reached
	from := make([]int, len(s)+1)
	best[0] = 1
	for i := 0; i < len(s); i++ {
		if best[i] == 0 {
			continue
		}
		lens, _ := idx.CommonPrefixSearch(s[i:])
		for _, w := range fieldKatakana {
			if strings.HasPrefix(s[i:], w) {
				lens = append(lens, len(w))
			}
		}
		for _, l := range lens {
			if utf8.RuneCountInString(s[i:i+l]) < minPiece {
				continue
			}
			if best[i+l] == 0 || best[i]+1 < best[i+l] {
				best[i+l], from[i+l] = best[i]+1, i
			}
		}
	}
	if best[len(s)] == 0 {
		return nil
	}
	var cuts []int
	for i := len(s); i > 0; i = from[i] {
		cuts = append(cuts, i)
	}
	cuts = append(cuts, 0)
	for a, b := 0, len(cuts)-1; a < b; a, b = a+1, b-1 {
		cuts[a], cuts[b] = cuts[b], cuts[a]
	}
	return cuts
}
