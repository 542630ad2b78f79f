package parse_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
)

// TestFamilyLayouts parses texts written in the layouts of real family
// texts (testdata/family: a table of contents, 第N部 › 第N章 › 第N › N ›
// (N) with a skipped level, interleaved headings, footnotes, bullets with
// a page number in mid-text, a title over two lines …) and compares each
// outline with its NAME.want exactly. Every character but line breaks,
// page footers, footnote markers and the leaders of a table of contents
// must land in exactly one place.
func TestFamilyLayouts(t *testing.T) {
	files, _ := filepath.Glob("testdata/family/*.txt")
	if len(files) < 8 {
		t.Fatalf("%d family texts, want at least 8", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(f, ".txt") + ".want")
			if err != nil {
				t.Fatal(err)
			}
			opt := optionsLine(t, string(want))
			doc, err := parse.Document(context.Background(), name+".txt", src, opt)
			if err != nil {
				t.Fatal(err)
			}
			got := outline(doc, strings.SplitN(string(want), "\n", 2)[0])
			if got != string(want) {
				t.Errorf("outline differs from %s.want:\n%s", name, parse.LineDiff(string(want), got))
			}
			checkNothingLost(t, doc, src, opt)
		})
	}
}

// optionsLine reads the ingest options of a .want file's first line.
func optionsLine(t *testing.T, want string) parse.Options {
	first := strings.SplitN(want, "\n", 2)[0]
	args := strings.Fields(strings.TrimPrefix(first, "# options:"))
	var opt parse.Options
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--partial":
			opt.Partial = true
		case "--id":
			i++
			opt.ID = args[i]
		case "--title":
			opt.Title = strings.Join(args[i+1:], " ")
			i = len(args)
		default:
			t.Fatalf("unknown option %q", args[i])
		}
	}
	return opt
}

// outline prints doc in the form of the .want files.
func outline(doc *policy.Document, options string) string {
	var b strings.Builder
	fy := strconv.Itoa(doc.FiscalYear)
	fmt.Fprintf(&b, "%s\ntitle: %s\n%s\n%s\nfiscal-year: %s\npartial: %t\n\n", options, doc.Title,
		strings.TrimSpace("decided-on: "+doc.DecidedOn.String()), strings.TrimSpace("decided-by: "+doc.DecidedBy), fy, doc.Partial)
	for _, p := range doc.Provisions {
		_, local, _ := policy.SplitID(p.ID)
		if p.Kind == policy.KindPreamble {
			fmt.Fprintf(&b, "%s\t0\t%s\n", local, policy.PreambleLabel)
		} else {
			h := p.Heading
			if h == "" {
				h = "-"
			}
			fmt.Fprintf(&b, "%s\t%d\t%s\t%s\n", local, p.Level, strings.TrimSpace(p.Marker), h)
		}
		for _, para := range p.Paragraphs {
			fmt.Fprintf(&b, "\t¶ %s\n", para)
		}
		for _, n := range p.Notes {
			fmt.Fprintf(&b, "\tnote %s\t%s\n", n.Marker, n.Text)
		}
	}
	return b.String()
}

// checkNothingLost checks that the pieces of doc, joined, are the content
// of src.
func checkNothingLost(t *testing.T, doc *policy.Document, src []byte, opt parse.Options) {
	t.Helper()
	var b strings.Builder
	for _, p := range parse.Pieces(doc) {
		b.WriteString(p.Text)
	}
	content := strings.Map(dropBlank, parse.ContentOf(src, opt))
	if got := strings.Map(dropBlank, b.String()); got != content {
		i := 0
		for i < len(got) && i < len(content) && got[i] == content[i] {
			i++
		}
		t.Errorf("the structure does not hold the text exactly once: differs at byte %d: %q vs %q", i,
			clipAt(got, i), clipAt(content, i))
	}
}

func dropBlank(r rune) rune {
	if r == ' ' || r == '　' || r == '\t' {
		return -1
	}
	return r
}

func clipAt(s string, i int) string {
	return s[max(0, i-30):min(len(s), i+30)]
}
