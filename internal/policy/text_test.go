package policy

import "testing"

func TestSameText(t *testing.T) {
	tests := []struct {
		a, b   string
		same   bool
		breaks string // LineBreaks(b)
	}{
		{"一\n二\n", "一\n二\n", true, "LF"},
		{"一\n二\n", "一\r\n二\r\n", true, "CRLF"},
		{"一\n二\n", "一\r二\r", true, "CR"},
		{"一\n二\n", "一\r\n二\r", true, "mixed"},
		{"一\n二\n", "\uFEFF一\n二\n", true, "LF"},
		{"一\n二\n", "一\n二", true, "LF"},
		{"一\n二\n", "一\n二\n\n\r\n", true, "mixed"},
		{"一\n二\n", "一\n\n二\n", false, "LF"},
		{"一\n二\n", "一 \n二\n", false, "LF"},
		{"一\n二\n", "一\n三\n", false, "LF"},
		{"一\n二\n", "一二", false, "no"},
		{"一\n二\n", "\n一\n二\n", false, "LF"},
		{"一\n二\n", "一\u2028二\n", false, "LF"},
	}
	for _, tt := range tests {
		if got := SameText(tt.a, tt.b); got != tt.same {
			t.Errorf("SameText(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.same)
		}
		if got := SameText(tt.b, tt.a); got != tt.same {
			t.Errorf("SameText(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.same)
		}
		if got := LineBreaks(tt.b); got != tt.breaks {
			t.Errorf("LineBreaks(%q) = %q, want %q", tt.b, got, tt.breaks)
		}
	}
}
