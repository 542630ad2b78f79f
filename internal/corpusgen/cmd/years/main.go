// Command years writes made-up later years of the shipped FY2020 policy,
// and what comparing them with it must find (see corpusgen.WriteYears):
//
//	go run ./internal/corpusgen/cmd/years -out internal/corpusgen/testdata/years
//
// The tests of package corpusgen check that the files there are what it
// writes; the tests of the GraphQL API and of the pages read them.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/policykb/policykb/internal/corpusgen"
)

func main() {
	out := flag.String("out", "", "directory to write to (required)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: years -out DIR")
		os.Exit(2)
	}
	if err := corpusgen.WriteYears(*out); err != nil {
		fmt.Fprintln(os.Stderr, "years:", err)
		os.Exit(1)
	}
}
