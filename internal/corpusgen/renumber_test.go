package corpusgen

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
	"golang.org/x/text/width"
)

func shipped(t *testing.T) *policy.Document {
	t.Helper()
	doc, err := ShippedPolicy()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestRenumberOriginal: the policy's own scheme is what parse.Rewrap prints.
func TestRenumberOriginal(t *testing.T) {
	doc := shipped(t)
	for _, l := range []parse.Layout{SampleLayout, {Width: 48, PerPage: 25, Footer: "%d", Indent: true}, {Width: 64, Chars: true, PerPage: 40, Footer: "－%d－"}} {
		got, err := Renumber(doc, "original", l)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := parse.Rewrap(doc, l); got != want {
			t.Errorf("%+v: Renumber(original) is not Rewrap", l)
		}
	}
}

func TestRenumberUnknown(t *testing.T) {
	doc := shipped(t)
	if _, err := Renumber(doc, "kanji", SampleLayout); err == nil {
		t.Error("Renumber: no error for an unknown scheme")
	}
	if _, err := Expected(doc, "kanji"); err == nil {
		t.Error("Expected: no error for an unknown scheme")
	}
}

// TestRenumberLayout checks the pages the schemes are printed on, at every
// width from 40 to 100 cells and characters and many page lengths: pages
// of at most the page length, numbered on with the footer asked for (the
// number of pages in place of TotalPages); every numbered provision's
// marker starts a line; no line wider than the width but marker lines
// (headings are not wrapped); a footnote's reference whole on one line, and
// its note the last lines of the same page.
func TestRenumberLayout(t *testing.T) {
	doc := shipped(t)
	for _, scheme := range Schemes {
		want, err := Expected(doc, scheme)
		if err != nil {
			t.Fatal(err)
		}
		for width := 40; width <= 100; width += 3 {
			for _, chars := range []bool{false, true} {
				l := parse.Layout{Width: width, Chars: chars, PerPage: 12 + width%29, Footer: "p%d / " + TotalPages, Indent: width%2 == 0}
				text, err := Renumber(doc, scheme, l)
				if err != nil {
					t.Fatal(err)
				}
				if msg := checkPages(text, l, want, Notes(scheme)); msg != "" {
					t.Errorf("%s printed as %+v: %s", scheme, l, msg)
				}
			}
		}
	}
}

func checkPages(text string, l parse.Layout, want *policy.Document, notes []Note) string {
	all := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	total := 0
	for _, s := range all {
		if strings.HasPrefix(s, "p") && strings.Contains(s, " / ") {
			total++
		}
	}
	var lines []string // the lines of the text but footers and blank lines
	noteAt := map[string]int{}
	page := 1
	var body []string
	for _, s := range all {
		switch {
		case s == "":
			continue
		case s != fmt.Sprintf("p%d / %d", page, total):
			body = append(body, s)
			continue
		}
		// A footer: body is the page.
		if len(body) > l.PerPage {
			return fmt.Sprintf("page %d holds %d lines, more than %d", page, len(body), l.PerPage)
		}
		for j, s := range body {
			for _, n := range notes {
				if strings.HasPrefix(s, n.Marker+" ") && strings.HasPrefix(n.Printed(), s) {
					// The note's lines end the page.
					if got := strings.Join(body[j:], ""); got != n.Printed() {
						return fmt.Sprintf("page %d: the note is not the last lines of the page: %q", page, got)
					}
					noteAt[n.Marker] = page
				}
				if strings.Contains(s, n.Word+n.Marker) {
					noteAt[n.Word] = page
				}
			}
		}
		lines = append(lines, body...)
		body = nil
		page++
	}
	if len(body) > 0 || page != total+1 {
		return fmt.Sprintf("%d footers of %d pages, in order; lines after the last: %q", page-1, total, body)
	}
	for _, n := range notes {
		if noteAt[n.Word] == 0 || noteAt[n.Word] != noteAt[n.Marker] {
			return fmt.Sprintf("note %s: reference %s%s on page %d, note on page %d", n.Marker, n.Word, n.Marker, noteAt[n.Word], noteAt[n.Marker])
		}
	}
	// The markers start lines in the order of the provisions: alone, or
	// followed by a blank, or ending in a bracket (ⅰ）).
	startsWith := func(s, m string) bool {
		rest, ok := strings.CutPrefix(s, m)
		return ok && (rest == "" || strings.HasPrefix(rest, " ") || strings.HasPrefix(rest, "　") || strings.HasSuffix(m, "）"))
	}
	next := 0
	for i, s := range lines {
		isMarker := false
		for next < len(want.Provisions) && want.Provisions[next].Marker == "" {
			next++
		}
		if next < len(want.Provisions) && startsWith(s, want.Provisions[next].Marker) {
			isMarker = true
			next++
		}
		// The header lines are not wrapped either.
		if w := runeWidth(s, l.Chars); !isMarker && i >= 3 && w > l.Width {
			return fmt.Sprintf("line %q is %d cells wide, more than %d", s, w, l.Width)
		}
	}
	if next < len(want.Provisions) {
		return fmt.Sprintf("no line starts with the marker %q of %s", want.Provisions[next].Marker, want.Provisions[next].ID)
	}
	return ""
}

// runeWidth returns the width of s in cells, as package parse measures
// it, or with chars, twice its characters.
func runeWidth(s string, chars bool) int {
	if chars {
		return 2 * utf8.RuneCountInString(s)
	}
	w := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
			w += 2
		default:
			w++
		}
	}
	return w
}
