package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/search"
	"github.com/policykb/policykb/internal/sqlite"
)

func searchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("search", "[--data DIR] [--first N] [--document ID] QUERY", stderr)
	data := dataFlag(fs)
	first := fs.Int("first", 10, "number of hits to show (1–100)")
	document := fs.String("document", "", "search only the document with this `ID`")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		fs.Usage()
		return errUsage
	}
	db, err := sqlite.Open(storePath(*data))
	if err != nil {
		return err
	}
	defer db.Close()
	idx, err := search.Open(ctx, indexPath(*data), db)
	if err != nil {
		return err
	}
	defer idx.Close()
	res, err := idx.Search(ctx, policy.SearchQuery{Query: strings.Join(rest, " "), First: *first,
		Filter: policy.SearchFilter{DocumentID: *document}})
	if err != nil {
		return err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ProvisionID
	}
	provs, err := db.ProvisionsByID(ctx, ids)
	if err != nil {
		return err
	}
	byID := map[string]*policy.Provision{}
	for _, p := range provs {
		byID[p.ID] = p
	}
	mark, unmark := "[", "]"
	if isTerminal(stdout) {
		mark, unmark = "\x1b[1;33m", "\x1b[0m"
	}
	fmt.Fprintf(stdout, "%d hits\n", res.TotalCount)
	if res.Partial {
		fmt.Fprintln(stdout, "No provision holds every word; these hold the most of them.")
	}
	for i, h := range res.Hits {
		p := byID[h.ProvisionID]
		if p == nil {
			continue
		}
		fmt.Fprintf(stdout, "%2d. %s  %s  %s\n", i+1, p.ID, p.Label, p.Heading)
		for _, hl := range h.Highlights {
			hl = strings.NewReplacer("<mark>", mark, "</mark>", unmark, "\n", " ").Replace(hl)
			fmt.Fprintf(stdout, "    %s\n", html.UnescapeString(hl))
		}
		if len(h.Matches) > 0 {
			fmt.Fprintf(stdout, "    matched: %s\n", matchesLine(h.Matches))
		}
	}
	return nil
}

// matchesLine says how the words of a query matched a hit:
// 取入れ → 取り入れ (variant); じんざい → 人材 (reading).
func matchesLine(ms []policy.Match) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		via := strings.ToLower(strings.ReplaceAll(string(m.Via), "_", " "))
		if m.Query == m.Matched {
			parts[i] = fmt.Sprintf("%s (%s)", m.Query, via)
		} else {
			parts[i] = fmt.Sprintf("%s → %s (%s)", m.Query, m.Matched, via)
		}
	}
	return strings.Join(parts, "; ")
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0 && os.Getenv("NO_COLOR") == ""
}

// indexPath is the directory of the search index in data directory dir.
func indexPath(dir string) string { return filepath.Join(dir, "index") }
