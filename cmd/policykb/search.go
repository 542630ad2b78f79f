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
	"golang.org/x/term"
)

func searchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("search", "[--data DIR] [--first N] [--document ID] QUERY", stderr)
	data := dataFlag(fs)
	first := intFlag(fs, "first", 10, 1, policy.MaxSearchFirst, "show the first `N` hits (1 to 100)")
	document := fs.String("document", "", "search only the document with this `ID`")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		fmt.Fprintln(stderr, "policykb search: give a query")
		fs.Usage()
		return errUsage
	}
	// The dictionary loads while the store opens.
	search.PreloadDictionary()
	db, err := openStore(ctx, *data, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	if *document != "" {
		if err := checkDocument(ctx, db, *document); err != nil {
			return err
		}
	}
	// The index a server keeps (or the last search built) is opened
	// read-only, side by side with the server, if it is current; else one is
	// built and kept for the next search, or built in memory when the data
	// directory cannot be written.
	idx, err := search.OpenOptions(ctx, indexPath(*data), db, search.Options{MemoryFallback: true})
	if err != nil {
		return err
	}
	defer idx.Close()
	res, err := idx.Search(ctx, policy.SearchQuery{Query: strings.Join(rest, " "), First: *first,
		Filter: policy.SearchFilter{DocumentID: *document}})
	if policy.ErrorCode(err) == policy.EINVALID {
		// A query the query language refuses is bad usage (SPEC: exit 2).
		fmt.Fprintf(stderr, "policykb search: %s\n%s\n", message(err), queryLanguage)
		return errUsage
	}
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
	if colour(stdout) {
		mark, unmark = "\x1b[1;33m", "\x1b[0m"
	}
	fmt.Fprintln(stdout, hits(res.TotalCount))
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

// queryLanguage sums up what a query may hold, for a query refused.
var queryLanguage = fmt.Sprintf(`A query holds words (a hit has them all), "a phrase", a OR b, and -word to
leave out hits with the word; at least one word not left out, at most %d characters.`, policy.MaxQueryLength)

// hits says how many hits there are: "1 hit", "2 hits", "0 hits".
func hits(n int) string { return count(n, "hit", "hits") }

// count says n things in English: "1 page", "0 pages", "6 pages".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// isTerminal reports whether w is a terminal that takes escape sequences:
// a terminal (not merely a character device such as /dev/null) whose TERM
// is not "dumb".
func isTerminal(w io.Writer) bool {
	w = underlying(w)
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb"
}

// colour reports whether to colour what is written to w: only on a
// terminal, and not when NO_COLOR is set to any value other than empty
// (https://no-color.org).
func colour(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("NO_COLOR") == ""
}

// underlying is w, or the stream a *commandStderr w wraps.
func underlying(w io.Writer) io.Writer {
	if s, ok := w.(*commandStderr); ok {
		return s.Writer
	}
	return w
}

// indexPath is the directory of the search index in data directory dir.
func indexPath(dir string) string { return filepath.Join(dir, "index") }
