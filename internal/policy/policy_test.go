package policy

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func TestIDs(t *testing.T) {
	if got := ProvisionID("doc", []int{2, 2, 3, 1}); got != "doc:2.2.3.1" {
		t.Errorf("ProvisionID = %q", got)
	}
	if got := ProvisionID("doc", nil); got != "doc:preamble" {
		t.Errorf("ProvisionID(nil) = %q", got)
	}
	if got := AncestorIDs("doc:2.2.3.1"); !reflect.DeepEqual(got, []string{"doc:2", "doc:2.2", "doc:2.2.3"}) {
		t.Errorf("AncestorIDs = %q", got)
	}
	for _, id := range []string{"doc:preamble", "doc:1", "nocolon", ":1", "doc:"} {
		if got := AncestorIDs(id); got != nil {
			t.Errorf("AncestorIDs(%q) = %q", id, got)
		}
	}
	if d, l, ok := SplitID("cs-budget-policy-fy2020:2.4"); !ok || d != "cs-budget-policy-fy2020" || l != "2.4" {
		t.Errorf("SplitID = %q %q %v", d, l, ok)
	}
}

func TestDates(t *testing.T) {
	for _, s := range []string{"2019-05-23", "2016-08", "2014", ""} {
		d, err := ParseDate(s)
		if err != nil || d.String() != s {
			t.Errorf("ParseDate(%q) = %v, %v", s, d, err)
		}
	}
	for _, s := range []string{"2019-13", "2019-05-32", "19", "2019/05/23", "0000"} {
		if _, err := ParseDate(s); ErrorCode(err) != EINVALID {
			t.Errorf("ParseDate(%q): err %v, want BAD_USER_INPUT", s, err)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		err       error
		code, msg string
	}{
		{nil, "", ""},
		{Errorf(ENOTFOUND, "no %s", "x"), ENOTFOUND, "no x"},
		{errors.New("disk on fire at /var/x"), EINTERNAL, "internal error"},
		{fmt.Errorf("wrapped: %w", Errorf(EINVALID, "bad")), EINVALID, "bad"},
	}
	for _, tt := range tests {
		if ErrorCode(tt.err) != tt.code || ErrorMessage(tt.err) != tt.msg {
			t.Errorf("%v: %q %q", tt.err, ErrorCode(tt.err), ErrorMessage(tt.err))
		}
	}
}

func TestLeadingParagraphs(t *testing.T) {
	three := &Provision{Paragraphs: []string{"a", "b", "c"}, ParagraphLines: []int{92, 94, 105}}
	tests := []struct {
		name       string
		p          *Provision
		firstChild int
		want       int
	}{
		{"closing paragraph after the children", three, 94, 1},
		{"all before the children", three, 110, 3},
		{"none before the children", three, 92, 0},
		{"no children", three, 0, 3},
		{"no paragraphs", &Provision{}, 10, 0},
		{"lines unknown", &Provision{Paragraphs: []string{"a", "b"}}, 10, 2},
	}
	for _, tt := range tests {
		if got := tt.p.LeadingParagraphs(tt.firstChild); got != tt.want {
			t.Errorf("%s: LeadingParagraphs(%d) = %d, want %d", tt.name, tt.firstChild, got, tt.want)
		}
	}
}
