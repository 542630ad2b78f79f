package parse

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/policykb/policykb/internal/policy"
	"golang.org/x/text/encoding/japanese"
	xunicode "golang.org/x/text/encoding/unicode"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const corpusPath = "../../corpus/cs-budget-policy-fy2020.txt"

func readCorpus(t testing.TB) []byte {
	t.Helper()
	src, err := os.ReadFile(corpusPath)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func mustParse(t testing.TB, name string, src []byte) *policy.Document {
	t.Helper()
	doc, err := Document(context.Background(), name, src, Options{})
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return doc
}

// golden is the structure checked by the golden test: everything a user sees.
type golden struct {
	ID, Title, DecidedOn, DecidedBy string
	FiscalYear, PageCount           int
	Provisions                      []goldenProvision
}

type goldenProvision struct {
	ID, Kind   string
	Number     int
	Label      string
	Marker     string
	Heading    string
	Paragraphs []string
	Pages      []int
	Parent     string
}

func toGolden(doc *policy.Document, withPages bool) golden {
	g := golden{ID: doc.ID, Title: doc.Title, DecidedOn: doc.DecidedOn.String(), DecidedBy: doc.DecidedBy,
		FiscalYear: doc.FiscalYear}
	if withPages {
		g.PageCount = doc.PageCount
	}
	for _, p := range doc.Provisions {
		gp := goldenProvision{ID: p.ID, Kind: string(p.Kind), Number: p.Number, Label: p.Label,
			Marker: p.Marker, Heading: p.Heading, Paragraphs: p.Paragraphs, Parent: p.ParentID}
		if withPages {
			gp.Pages = p.Pages
		}
		g.Provisions = append(g.Provisions, gp)
	}
	return g
}

func TestCorpusGolden(t *testing.T) {
	doc := mustParse(t, "corpus", readCorpus(t))
	got, err := json.MarshalIndent(toGolden(doc, true), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "cs-budget-policy-fy2020.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("parse of the corpus differs from %s (run go test -update and review the diff)\n%s", path, LineDiff(string(want), string(got)))
	}
}

// LineDiff shows the first line where two texts differ. It is exported for
// the tests of package parse_test too.
func LineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, w, g)
		}
	}
	return ""
}

func TestCorpusCounts(t *testing.T) {
	doc := mustParse(t, "corpus", readCorpus(t))
	count := map[policy.Kind]int{}
	for _, p := range doc.Provisions {
		count[p.Kind]++
	}
	want := map[policy.Kind]int{policy.KindPreamble: 1, policy.KindSection: 3, policy.KindArea: 5, policy.KindItem: 16, policy.KindSubItem: 10}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d provisions, want %d", k, count[k], n)
		}
	}
	if len(doc.Provisions) != 35 {
		t.Errorf("%d provisions, want 35", len(doc.Provisions))
	}
}

// footerRe is this test's own idea of a page-footer line, independent of the
// parser's.
var footerRe = regexp.MustCompile(`^[-－—–―‐~〜 　]*[0-9０-９]+[-－—–―‐~〜 　]*$|^[0-9０-９]+\s*(/\s*[0-9０-９]+|ページ|頁)$`)

// checkLossless verifies that the pieces of doc, in source order, are the
// source text with only line breaks, edge blanks and footer lines taken out:
// every other character is in exactly one piece.
func checkLossless(t *testing.T, text string, doc *policy.Document) {
	t.Helper()
	var stream strings.Builder
	for _, p := range Pieces(doc) {
		if p.Text == "" {
			t.Errorf("empty piece %+v", p)
		}
		stream.WriteString(p.Text)
	}
	s := stream.String()
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimFunc(l, unicode.IsSpace); l != "" {
			lines = append(lines, l)
		}
	}
	// Match the lines against the stream; only footer-like lines may be
	// skipped. reach holds the stream positions the lines so far can end
	// at: one, but for footer-like lines that may also be text.
	reach := map[int]bool{0: true}
	for _, l := range lines {
		next := map[int]bool{}
		for pos := range reach {
			if strings.HasPrefix(s[pos:], l) {
				next[pos+len(l)] = true
			}
			if footerRe.MatchString(l) {
				next[pos] = true
			}
		}
		if reach = next; len(reach) == 0 {
			break
		}
	}
	if !reach[len(s)] {
		t.Errorf("the structure does not hold the source text exactly once (stream %d bytes)", len(s))
	}
}

func TestLosslessCorpus(t *testing.T) {
	src := readCorpus(t)
	doc := mustParse(t, "corpus", src)
	checkLossless(t, string(src), doc)
	// And the parser drops exactly the six footers.
	content := Content(src)
	var all strings.Builder
	for _, l := range strings.Split(string(src), "\n") {
		all.WriteString(strings.TrimSpace(l))
	}
	if d := len([]rune(all.String())) - len([]rune(content)); d != 6 {
		t.Errorf("content is %d characters shorter than the text, want 6 (the footers 1…6)", d)
	}
}

func TestEncodings(t *testing.T) {
	src := readCorpus(t)
	want := toGolden(mustParse(t, "utf8", src), true)
	crlf := append([]byte{0xEF, 0xBB, 0xBF}, bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))...)
	sjis, err := japanese.ShiftJIS.NewEncoder().Bytes(src)
	if err != nil {
		t.Fatal(err)
	}
	sjisCRLF := bytes.ReplaceAll(sjis, []byte("\n"), []byte("\r\n"))
	utf16, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().Bytes(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, enc string
		src       []byte
	}{
		{"utf8-bom-crlf", "UTF-8", crlf},
		{"shift_jis", "Shift_JIS", sjis},
		{"shift_jis-crlf", "Shift_JIS", sjisCRLF},
		{"utf16le-bom", "UTF-16LE", utf16},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustParse(t, tt.name, tt.src)
			if doc.Encoding != tt.enc {
				t.Errorf("encoding %q, want %q", doc.Encoding, tt.enc)
			}
			got := toGolden(doc, true)
			if !equalJSON(t, got, want) {
				t.Errorf("structure differs from the UTF-8 parse")
			}
			checkLossless(t, doc.Source, doc)
		})
	}
}

func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	x, err := json.MarshalIndent(a, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	y, err := json.MarshalIndent(b, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(x, y) {
		t.Log(LineDiff(string(y), string(x)))
		return false
	}
	return true
}

// TestRewrapped prints the corpus again at the 38 widths from 36 to 110
// cells, wrapped by display width and by character count, with and without
// the indentation of paragraphs' first lines, at other page lengths and
// footers, and checks that the same provisions come back every time, with
// every character in its place.
func TestRewrapped(t *testing.T) {
	src := readCorpus(t)
	orig := mustParse(t, "corpus", src)
	want := toGolden(orig, false)
	footers := []string{"- %d -", "%d", "— %d —", "%d / 9", "－%d－"}
	failed := 0
	for width := 36; width <= 110; width += 2 {
		for _, chars := range []bool{false, true} {
			for _, indent := range []bool{false, true} {
				l := Layout{Width: width, PerPage: 20 + width%17, Footer: footers[width%len(footers)], Indent: indent, Chars: chars}
				text, clear := Rewrap(orig, l)
				doc, err := Document(context.Background(), "rewrapped", []byte(text), Options{})
				if err != nil {
					t.Errorf("%+v: %v", l, err)
					failed++
					continue
				}
				if !equalJSON(t, toGolden(doc, false), want) {
					t.Errorf("re-wrapped as %+v: structure differs", l)
					failed++
				} else if !clear {
					t.Errorf("%+v: Rewrap says the layout is unclear, yet it parses", l)
				}
				checkLossless(t, text, doc)
				if doc.PageCount < 2 {
					t.Errorf("%+v: page count %d, want the new pagination", l, doc.PageCount)
				}
			}
		}
	}
	t.Logf("%d of %d layouts differ", failed, 38*4)
}

func TestRefused(t *testing.T) {
	pdf := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 44 >>\nstream\n\x00\x01\x02BT /F1 12 Tf ET\nendstream\nendobj\n")
	random := make([]byte, 4096)
	seed := uint32(2019)
	for i := range random {
		seed = seed*1664525 + 1013904223
		random[i] = byte(seed >> 24)
	}
	english := []byte("Cybersecurity Policy for Budget Priorities\n\nThis policy sets out the priorities of the\nbudget requests for fiscal year 2020.\n1\n")
	noStructure := []byte("サイバーセキュリティ関係施策に関する令和２年度予算重点化方針\n本文だけがあって番号付きの構造がない。\n")
	badID := readCorpus(t)
	tests := []struct {
		name string
		src  []byte
		opt  Options
		line int
		msg  string
	}{
		{"empty", nil, Options{}, 1, "empty file"},
		{"blank", []byte(" \n\n\t\n"), Options{}, 1, "empty file"},
		{"random", random, Options{}, 1, "binary"},
		{"pdf", pdf, Options{}, 1, "a PDF file"},
		{"not sjis", []byte("\x81\x7f\xff\xfe abc"), Options{}, 1, "UTF-8 or Shift_JIS"},
		{"english", english, Options{}, 1, "no title"},
		{"no structure", noStructure, Options{}, 2, "no numbered structure"},
		{"bad id", badID, Options{ID: "Bad ID"}, 1, "invalid document ID"},
		{"nul", []byte("タイトル方針\n１\n見出し\n本文\x00です\n"), Options{}, 4, "control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Document(context.Background(), tt.name+".txt", tt.src, tt.opt)
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *parse.Error", err)
			}
			if pe.File != tt.name+".txt" || pe.Line != tt.line || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("err = %q, want %s.txt:%d: …%s…", err, tt.name, tt.line, tt.msg)
			}
			if policy.ErrorCode(err) != policy.EINVALID {
				t.Errorf("code %q, want %q", policy.ErrorCode(err), policy.EINVALID)
			}
		})
	}
}

func TestOtherDocumentsNeedID(t *testing.T) {
	src := []byte("情報セキュリティ方針\n令和元年５月２３日\n某本部決定\n１\n\n基本\n本文である。\n")
	if _, err := Document(context.Background(), "x.txt", src, Options{}); err == nil || !strings.Contains(err.Error(), "--id") {
		t.Errorf("err = %v, want a request for --id", err)
	}
	doc, err := Document(context.Background(), "x.txt", src, Options{ID: "infosec-policy"})
	if err != nil {
		t.Fatal(err)
	}
	if doc.ID != "infosec-policy" || doc.Provisions[0].ID != "infosec-policy:1" || doc.DecidedBy != "某本部" {
		t.Errorf("got %s %s %s", doc.ID, doc.Provisions[0].ID, doc.DecidedBy)
	}
}
