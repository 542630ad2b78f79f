package search

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestAnalyze(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"ＩｏＴ", []string{"iot"}},
		{"IoT機器", []string{"iot", "機器"}},
		{"ＤＸの推進", []string{"dx", "推進"}},
		{"人材育成", []string{"人材", "育成"}},
		{"ｻﾌﾟﾗｲﾁｪｰﾝ", []string{"サプライチェーン"}},
		{"サプライチェーン・リスク", []string{"サプライチェーン・リスク"}},
		{"東京都", []string{"東京", "都"}},
	}
	for _, tt := range tests {
		if got := Analyze(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Analyze(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestTerms checks the terms the index holds for each word, at their
// positions: written form, variant key, okurigana skeleton, reading.
func TestTerms(t *testing.T) {
	k, err := japanese()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ in, want string }{
		{"ＩｏＴ機器", "1:j:iot|機器 1:w:iot 2:w:機器 2:r:キキ"},
		// Inflection and okurigana: the base form, and the kanji alone.
		{"取り入れた", "1:w:取り入れ 1:v:取り入れる 1:k:取入 1:r:トリイレ"},
		{"取入れ", "1:w:取入れ 1:k:取入 1:h:トリイレ 1:r:トリイレ"},
		// Kanji and kana mixed: the same reading; a suffix's reading is kept apart.
		{"脆弱性", "1:j:脆弱|性 1:w:脆弱 1:r:ゼイジャク 2:w:性 2:a:セイ"},
		{"ぜい弱性", "1:j:ぜい弱|性 1:w:ぜい弱 1:h:ゼイジャク 1:r:ゼイジャク 2:w:性 2:a:セイ"},
		{"人々", "1:w:人々 1:v:人人 1:r:ヒトビト"},
		{"つながる", "1:w:つながる 1:h:ツナガル 1:r:ツナガル"},
		// Katakana runs: one position; pieces only where the dictionary
		// knows them; no long vowel marks or dots in the variant key.
		{"サイバーセキュリティ・センター", "1:w:サイバーセキュリティ・センター 1:v:サイバセキュリティセンタ 1:p:サイバ 1:f:サイバ 1:p:サイバセキュリティ 1:f:サイバセキュリティ 1:p:セキュリティ 1:p:セキュリティセンタ 1:s:セキュリティセンタ 1:p:センタ 1:s:センタ"},
		{"ｻﾌﾟﾗｲﾁｪｰﾝ", "1:w:サプライチェーン 1:v:サプライチェン 1:p:サプライ 1:f:サプライ 1:p:チェン 1:s:チェン"},
		{"ガバナンス", "1:w:ガバナンス"},
		{"パラリンピック", "1:w:パラリンピック"},
		// Suffixes stay apart: 議会 is no word of 協議会, 京都 none of 東京都.
		{"東京都", "1:j:東京|都 1:w:東京 1:r:トウキョウ 2:w:都 2:a:ト"},
		{"協議会", "1:j:協議|会 1:w:協議 1:r:キョウギ 2:w:会 2:a:カイ"},
		// Dropped particles leave a gap.
		{"人材の育成", "1:w:人材 1:r:ジンザイ 3:w:育成 3:r:イクセイ"},
	} {
		var got []string
		for _, tok := range k.Tokenize([]byte(tt.in)) {
			got = append(got, fmt.Sprintf("%d:%s", tok.Position, tok.Term))
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.in, g, tt.want)
		}
	}
}

// TestOffsets checks that token offsets point at the original text, also
// where folding changed its length.
func TestOffsets(t *testing.T) {
	k, err := japanese()
	if err != nil {
		t.Fatal(err)
	}
	in := "安全なＩｏＴシステムとｻﾌﾟﾗｲﾁｪｰﾝ"
	var got []string
	for _, w := range k.words(in) {
		got = append(got, in[w.start:w.end])
		for _, p := range w.pieces {
			got = append(got, in[p.start:p.end])
		}
	}
	want := []string{"安全", "ＩｏＴ", "システム", "ｻﾌﾟﾗｲﾁｪｰﾝ", "ｻﾌﾟﾗｲ", "ﾁｪｰﾝ"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spans %q, want %q", got, want)
	}
}
