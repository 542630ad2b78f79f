package search

import (
	"reflect"
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
		{"ｻﾌﾟﾗｲﾁｪｰﾝ", []string{"サプライ", "チェーン"}},
		{"サプライチェーン", []string{"サプライ", "チェーン"}},
		{"東京都", []string{"東京", "都"}},
	}
	for _, tt := range tests {
		if got := Analyze(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Analyze(%q) = %q, want %q", tt.in, got, tt.want)
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
	}
	want := []string{"安全", "ＩｏＴ", "システム", "ｻﾌﾟﾗｲ", "ﾁｪｰﾝ"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spans %q, want %q", got, want)
	}
}
