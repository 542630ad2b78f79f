package label

import "testing"

func TestKey(t *testing.T) {
	const want = "2(2)3i"
	for _, in := range []string{"２(2)③ⅰ）", "２（２）③ⅰ）", "2(2)3i", "２ ( ２ ) ③ ⅰ ）", "2(2)3I)"} {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
	for _, in := range []string{"(2)③ⅰ", "(2)3i", "（２）③ⅰ）"} {
		if got := Key(in); got != "(2)3i" {
			t.Errorf("Key(%q) = %q, want %q", in, got, "(2)3i")
		}
	}
	if got := Key("Preamble"); got != "前文" {
		t.Errorf("Key(Preamble) = %q", got)
	}
}

func TestShort(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2(2)3i", "(2)3i"},
		{"2(4)", "(4)"},
		{"12(1)1", "(1)1"},
		{"1", ""},
		{"前文", ""},
		{"(2)3", ""},
		{"第2の1(3", "1(3"},
		{"第1章第2節1", "第2節1"},
		{"第2", ""},
		{"i1(1)1", "1(1)1"},
		{"1.1.1(a", ""},
		{"ア(ア", ""},
	}
	for _, tt := range tests {
		if got := Short(tt.in); got != tt.want {
			t.Errorf("Short(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
