package parse

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// TestCutInACharacter cuts the policy, in every encoding it may come in, in
// the middle of a character: it is refused as truncated (ErrTruncated) on
// the line of that character, not as binary data; with AllowTruncated it
// is taken without the incomplete character, with a warning. A text with a
// bad byte before the end stays "not text".
func TestCutInACharacter(t *testing.T) {
	corpus := readCorpus(t)
	// The first 1,001 bytes of the UTF-8 policy end inside a character, on
	// line 17.
	cutAt := 1001
	if utf8.RuneStart(corpus[cutAt]) {
		t.Fatalf("byte %d starts a character", cutAt)
	}
	prefix := string(corpus[:cutAt])
	for !utf8.ValidString(prefix) {
		prefix = prefix[:len(prefix)-1]
	}
	encode := func(e encoding.Encoding, s string) []byte {
		b, err := e.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	next := string([]rune(string(corpus[len(prefix):]))[:1]) // the character cut
	tests := []struct {
		name string
		src  []byte
		cut  int
	}{
		{"UTF-8", corpus[:cutAt], cutAt - len(prefix)},
		{"UTF-8 with BOM", append([]byte("\xEF\xBB\xBF"), corpus[:cutAt]...), cutAt - len(prefix)},
		{"UTF-8 with CRLF", append([]byte(strings.ReplaceAll(prefix, "\n", "\r\n")), next[:1]...), 1},
		{"UTF-8, two bytes of three", append([]byte(prefix), next[:2]...), 2},
		{"UTF-16LE, an odd byte", append(encode(xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM), prefix), encode(xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), next)[:1]...), 1},
		{"UTF-16BE, an odd byte", append(encode(xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM), prefix), encode(xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), next)[:1]...), 1},
		{"UTF-16LE, a high surrogate", append(encode(xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM), prefix), encode(xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), "𠮷")[:2]...), 2},
		{"Shift_JIS, a lead byte", append(encode(japanese.ShiftJIS, prefix), encode(japanese.ShiftJIS, next)[:1]...), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Document(context.Background(), "x", tt.src, Options{})
			want := "x:17: text looks truncated: it ends in the middle of a character ("
			if !errors.Is(err, ErrTruncated) || err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("got %v, want ErrTruncated: %s…", err, want)
			}
			doc, err := Document(context.Background(), "x", tt.src, Options{AllowTruncated: true})
			if err != nil {
				t.Fatalf("with AllowTruncated: %v", err)
			}
			if doc.Source != strings.ReplaceAll(prefix, "\r\n", "\n") && doc.Source != prefix && doc.Source != strings.ReplaceAll(prefix, "\n", "\r\n") {
				t.Errorf("source is not the text without the incomplete character: …%q", doc.Source[max(0, len(doc.Source)-30):])
			}
			if len(doc.Warnings) != 1 || !strings.HasPrefix(doc.Warnings[0], want) {
				t.Errorf("warnings %q, want %s…", doc.Warnings, want)
			}
		})
	}
	// Not truncation: a bad byte in the middle, or a cut text that is not
	// text anyway.
	for name, src := range map[string][]byte{
		"bad byte, then a cut":       append(append([]byte(prefix[:100]), 0xFF), corpus[100:cutAt]...),
		"a lone byte of a character": {0xE3},
	} {
		_, err := Document(context.Background(), "x", src, Options{AllowTruncated: true})
		if errors.Is(err, ErrTruncated) || err == nil || !strings.Contains(err.Error(), "not text in UTF-8 or Shift_JIS") {
			t.Errorf("%s: got %v, want not text", name, err)
		}
	}
}
