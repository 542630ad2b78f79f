package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	p := func(id, heading string, paras ...string) *Provision {
		return &Provision{ID: id, Kind: KindItem, Label: id, Heading: heading, Paragraphs: paras}
	}
	before := []*Provision{p("d:1", "a", "x"), p("d:2", "b", "y"), p("d:3", "c", "z")}
	moved := p("d:3", "c", "z")
	moved.Line = 99 // a line number alone is no change
	after := []*Provision{p("d:1", "a", "x2"), moved, p("d:4", "e")}
	tests := []struct {
		name          string
		before, after []*Provision
		want          []string
	}{
		{"mixed", before, after, []string{"CHANGED d:1", "ADDED d:4", "REMOVED d:2"}},
		{"same", before, before, nil},
		{"from nothing", nil, before[:1], []string{"ADDED d:1"}},
		{"to nothing", before[:2], nil, []string{"REMOVED d:1", "REMOVED d:2"}},
		{"heading", before[:1], []*Provision{p("d:1", "A", "x")}, []string{"CHANGED d:1"}},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range Diff(tt.before, tt.after) {
			got = append(got, fmt.Sprintf("%s %s", c.Kind, c.ID))
			if (c.Before == nil) != (c.Kind == ChangeAdded) || (c.After == nil) != (c.Kind == ChangeRemoved) {
				t.Errorf("%s: %s %s has before %v, after %v", tt.name, c.Kind, c.ID, c.Before, c.After)
			}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if lost := Lost(before, after); len(lost) != 1 || lost[0].ID != "d:2" {
		t.Errorf("Lost = %v", lost)
	}
}

func TestLossError(t *testing.T) {
	var lost []*Provision
	for i := 1; i <= 12; i++ {
		lost = append(lost, &Provision{ID: fmt.Sprintf("doc:%d", i), Label: fmt.Sprintf("(%d)", i)})
	}
	err := error(&LossError{DocumentID: "doc", Current: 3, Lost: lost})
	msg := err.Error()
	for _, want := range []string{"lacks 12 provisions of version 3", "(1) (1), (2) (2)", "(10) (10), and 2 more;", "--replace"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "(11)") || ErrorCode(err) != EINVALID || ErrorMessage(err) != msg {
		t.Errorf("message %q, code %s", msg, ErrorCode(err))
	}
}

func TestName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"policy.txt", "policy.txt"},
		{"/データ/方針 令和2年度.txt", "/データ/方針 令和2年度.txt"},
		{"a\nb.txt", `"a\nb.txt"`},
		{"a\rb", `"a\rb"`},
		{"esc\x1b[31m", `"esc\x1b[31m"`},
		{"tab\t", `"tab\t"`},
		{"bidi\u202etxt.exe", `"bidi\u202etxt.exe"`},
		{"bad\xffutf8", `"bad\xffutf8"`},
		{`"quoted"`, `"\"quoted\""`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Name(tt.in); got != tt.want {
			t.Errorf("Name(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestQuotePaths(t *testing.T) {
	_, err := os.Open("/nonexistent/a\nb")
	q := QuotePaths(err)
	if q.Error() != `open "/nonexistent/a\nb": no such file or directory` || !errors.Is(q, fs.ErrNotExist) {
		t.Errorf("QuotePaths = %q", q)
	}
	_, err = os.Open("/nonexistent/plain")
	if QuotePaths(err) != err || QuotePaths(nil) != nil {
		t.Error("QuotePaths changed an error without control characters")
	}
	err = os.Rename("/nonexistent/x\n", "/nonexistent/y\r")
	if q := QuotePaths(err).Error(); strings.ContainsAny(q, "\n\r") {
		t.Errorf("QuotePaths of a rename = %q", q)
	}
	for _, m := range []fs.FileMode{0, fs.ModeDir, fs.ModeNamedPipe, fs.ModeSocket, fs.ModeDevice | fs.ModeCharDevice, fs.ModeDevice} {
		if FileKind(m) == "" {
			t.Errorf("no kind for %v", m)
		}
	}
}

// TestDiffNotes: a footnote that says something else changes its provision;
// one that moved to another line does not.
func TestDiffNotes(t *testing.T) {
	p := func(note string, line int) *Provision {
		return &Provision{ID: "d:1", Kind: KindSection, Number: 1, Label: "１", Paragraphs: []string{"本文。"},
			Notes: []Note{{Marker: "1", Text: note, Line: line}}}
	}
	if got := Diff([]*Provision{p("注記", 4)}, []*Provision{p("注記", 9)}); len(got) != 0 {
		t.Errorf("a note moved: %d changes, want none", len(got))
	}
	if got := Diff([]*Provision{p("注記", 4)}, []*Provision{p("別の注記", 4)}); len(got) != 1 || got[0].Kind != ChangeChanged {
		t.Errorf("a note rewritten: %+v, want one CHANGED", got)
	}
}
