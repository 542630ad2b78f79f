// Package corpus embeds the texts policykb ships with, so that the server
// answers with no set-up.
//
// cs-budget-policy-fy2020.txt is 「サイバーセキュリティ関係施策に関する令和２年度
// 予算重点化方針」 (サイバーセキュリティ戦略本部決定, 2019-05-23) exactly as
// extracted from its PDF: it is kept byte for byte, line breaks, page
// footers and all, because the parser's tests are about that extraction.
// references.json is the registry of the documents they cite.
// thesaurus.tsv is the search thesaurus: synonyms, near-synonyms and renamed
// terms of the field, and an English → Japanese glossary of the policies'
// vocabulary (its format is described at its top).
package corpus

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed *.txt
var files embed.FS

// registry is the reference registry: the documents the policies cite.
//
//go:embed references.json
var registry []byte

// Registry returns the reference registry, references.json.
func Registry() []byte { return registry }

// thesaurus is the search thesaurus.
//
//go:embed thesaurus.tsv
var thesaurus []byte

// Thesaurus returns the search thesaurus, thesaurus.tsv.
func Thesaurus() []byte { return thesaurus }

// File is one shipped text.
type File struct {
	Name string // file name, such as "cs-budget-policy-fy2020.txt"
	Data []byte
}

// Files returns the shipped texts in name order.
func Files() []File {
	names, err := fs.Glob(files, "*.txt")
	if err != nil {
		panic(err) // the pattern is valid
	}
	sort.Strings(names)
	out := make([]File, 0, len(names))
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			panic(err) // embedded files can be read
		}
		out = append(out, File{Name: n, Data: b})
	}
	return out
}
