// Command renumber writes the shipped FY2020 policy again in each numbering
// scheme of package corpusgen (see corpusgen.Schemes), one text per scheme,
// so that people can look at them:
//
//	go run ./internal/corpusgen/cmd/renumber -out DIR
//
// writes DIR/original.txt, DIR/kobun-full.txt … at the layout of the
// samples in internal/parse/testdata/schemes (70 cells a line, 36 lines a
// page, footers "- 1 -"). The flags -width, -chars, -lines, -footer and
// -indent change the layout; -scheme writes one scheme only.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/policykb/policykb/internal/corpusgen"
	"github.com/policykb/policykb/internal/parse"
)

func main() {
	l := corpusgen.SampleLayout
	out := flag.String("out", "", "directory to write the texts to (required)")
	only := flag.String("scheme", "", "write this scheme only")
	flag.IntVar(&l.Width, "width", l.Width, "line width in cells (with -chars, twice the characters per line)")
	flag.BoolVar(&l.Chars, "chars", l.Chars, "wrap by character count instead of display width")
	flag.IntVar(&l.PerPage, "lines", l.PerPage, "lines per page")
	flag.StringVar(&l.Footer, "footer", l.Footer, "page footer format; %d is the page, "+corpusgen.TotalPages+" the number of pages")
	flag.BoolVar(&l.Indent, "indent", l.Indent, "indent the first line of paragraphs with a full-width blank")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 || l.Width < 8 || l.PerPage < 1 {
		fmt.Fprintln(os.Stderr, "usage: renumber -out DIR [-scheme NAME] [-width N] [-chars] [-lines N] [-footer FORMAT] [-indent]")
		os.Exit(2)
	}
	if err := run(*out, *only, l); err != nil {
		fmt.Fprintln(os.Stderr, "renumber:", err)
		os.Exit(1)
	}
}

func run(dir, only string, l parse.Layout) error {
	doc, err := corpusgen.ShippedPolicy()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	schemes := corpusgen.Schemes
	if only != "" {
		schemes = []string{only}
	}
	for _, s := range schemes {
		text, err := corpusgen.Renumber(doc, s, l)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, s+".txt")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return err
		}
		fmt.Println(path)
	}
	return nil
}
