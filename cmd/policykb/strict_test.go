package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/corpusgen"
	"golang.org/x/text/encoding/japanese"
)

// corpusEdit returns the corpus with line no (1-based) replaced by repl,
// checking that it held old.
func corpusEdit(t *testing.T, no int, old, repl string) []byte {
	t.Helper()
	ls := strings.Split(string(readCorpus(t)), "\n")
	if ls[no-1] != old {
		t.Fatalf("line %d is %q, not %q", no, ls[no-1], old)
	}
	ls[no-1] = repl
	return []byte(strings.Join(ls, "\n"))
}

// TestIngestStrict: a copy of the policy cut short, or with its numbering
// broken, is refused with exit status 1 and a message naming file, line,
// what was found and what was expected; the store keeps the good document
// exactly as it was.
func TestIngestStrict(t *testing.T) {
	src := readCorpus(t)
	ls := strings.Split(string(src), "\n")
	// What `iconv -t SHIFT_JIS` writes before it stops at ①, which
	// Shift_JIS (unlike CP932) lacks.
	cut := src[:bytes.Index(src, []byte("①"))]
	cutSJIS, err := japanese.ShiftJIS.NewEncoder().Bytes(cut)
	if err != nil {
		t.Fatal(err)
	}
	// Sections ２ (lines 30-213) and ３ (214-222) swapped.
	swapped := strings.Join(append(append(append(append([]string{}, ls[:29]...), ls[213:222]...), ls[29:213]...), ls[222:]...), "\n")
	tests := []struct {
		name string
		data []byte
		want string // after "FILE:"
	}{
		{"cut-at-circled-one.txt", cutSJIS, `35: text looks truncated: it ends with the marker or heading "(1) 経済社会の活力の向上及び持続的発展"`},
		{"cut-mid-sentence.txt", src[:bytes.Index(src, []byte("事案解明や"))], "83: text looks truncated: its last paragraph ends inside a sentence"},
		{"cut-before-last-footer.txt", src[:bytes.LastIndex(src, []byte("6"))], "222: text looks truncated: it has page footers but its last page has none"},
		{"section-printed-twice.txt", corpusEdit(t, 214, "３", "２"), "214: section ２ out of sequence: expected ３ after ２"},
		{"sections-out-of-order.txt", []byte(swapped), "30: section ３ out of sequence: expected ２ after １"},
		{"area-repeated.txt", corpusEdit(t, 142, "(3) 国際社会の平和・安定及び我が国の安全保障", "(2) 国際社会の平和・安定及び我が国の安全保障"), "142: area (2) out of sequence: expected (3) after (2)"},
		{"item-skipped.txt", corpusEdit(t, 48, "② 多様なつながりから価値を生み出すサプライチェーンの実現", "③ 多様なつながりから価値を生み出すサプライチェーンの実現"), "48: item ③ out of sequence: expected ② after ①"},
		{"sub-item-repeated.txt", corpusEdit(t, 103, "ⅲ ）IT調達においてサプライチェーン・リスクに対応するために必", "ⅱ ）IT調達においてサプライチェーン・リスクに対応するために必"), "103: sub-item ⅱ ） out of sequence: expected ⅲ） after ⅱ）"},
	}
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	before := mustRun(t, "export", "--data", data)
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, tt.name, tt.data)
			code, out, errs := policykb(t, "ingest", "--data", data, path)
			if code != 1 || !strings.Contains(errs, path+":"+tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q\nwant exit 1 and %s:%s", code, out, errs, path, tt.want)
			}
			if after := mustRun(t, "export", "--data", data); after != before {
				t.Error("the store changed")
			}
		})
	}
}

// TestIngestLong ingests long texts: 8 MiB (just under the size limit) of
// many sections, 8 MiB of one paragraph (which took hours when joining lines
// was quadratic), and 10,050 sections (where numbering stopped at ９９９９).
// Each completes with every provision stored, and the document already in
// the store is unchanged. The deadline is a guard against a hang, not a
// timing assertion.
func TestIngestLong(t *testing.T) {
	if testing.Short() {
		t.Skip("8 MiB ingests")
	}
	var many strings.Builder
	many.WriteString("長大な方針\n")
	for i := 1; i <= 10050; i++ {
		fmt.Fprintf(&many, "%s\n\n見出し\n本文であること。\n", strings.Map(func(r rune) rune { return r - '0' + '０' }, strconv.Itoa(i)))
	}
	sectioned := corpusgen.Long(8<<20 - 64<<10)
	tests := []struct {
		name, id string
		text     []byte
		want     int    // provisions
		last     string // ID of the last one
	}{
		{"sections.txt", "sections", sectioned, 3 + 32*(corpusgen.LongSections(sectioned)-2), "sections:" + strconv.Itoa(corpusgen.LongSections(sectioned))},
		{"paragraph.txt", "paragraph", corpusgen.OneParagraph(8<<20 - 64<<10), 1, "paragraph:1"},
		{"10050-sections.txt", "many", []byte(many.String()), 10050, "many:10050"},
	}
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	before := exportedDocument(t, mustRun(t, "export", "--data", data), "cs-budget-policy-fy2020")
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if raceDetector && tt.id == "sections" {
				// Ten times slower under the race detector; the ingest
				// package stores the same text (TestIngestLong there).
				t.Skip("8 MiB of sections under the race detector")
			}
			if len(tt.text) > 8<<20 {
				t.Fatalf("%d bytes: over the size limit", len(tt.text))
			}
			path := writeFile(t, dir, tt.name, tt.text)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			var out, errb bytes.Buffer
			done := make(chan int, 1)
			go func() { done <- run(ctx, []string{"ingest", "--data", data, "--id", tt.id, path}, &out, &errb) }()
			select {
			case code := <-done:
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errb.String())
				}
			case <-time.After(6 * time.Minute):
				t.Fatal("ingest did not finish")
			}
			if want := fmt.Sprintf("ingested %s (%s", tt.id, count(tt.want, "provision", "provisions")); !strings.Contains(out.String(), want) {
				t.Errorf("ingest said %q, want %q", out.String(), want)
			}
			code, exp, _ := policykb(t, "export", "--data", data, "--document", tt.id)
			if code != 0 || !strings.Contains(exp, `"`+tt.last+`"`) {
				t.Errorf("export of %s: exit %d, provision %s not found", tt.id, code, tt.last)
			}
		})
	}
	// The references now also list the long documents' citations; the
	// document itself is byte for byte as it was.
	if after := exportedDocument(t, mustRun(t, "export", "--data", data), "cs-budget-policy-fy2020"); after != before {
		t.Error("the document already stored changed")
	}
}

// exportedDocument returns the document id of an export, as exported.
func exportedDocument(t *testing.T, export, id string) string {
	t.Helper()
	var exp struct{ Documents []json.RawMessage }
	if err := json.Unmarshal([]byte(export), &exp); err != nil {
		t.Fatal(err)
	}
	for _, d := range exp.Documents {
		var head struct{ ID string }
		if json.Unmarshal(d, &head) == nil && head.ID == id {
			return string(d)
		}
	}
	t.Fatalf("export holds no document %s", id)
	return ""
}
