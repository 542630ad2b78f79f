package main

import (
	"fmt"
	"html"
	"io"
	"os"
	"strings"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/search"
	"github.com/policykb/policykb/internal/sqlite"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// search prints one page of the hits of q in the store of data.
func (a *app) search(cmd *cobra.Command, data string, q policy.SearchQuery, page int) error {
	// The dictionary loads while the store opens.
	search.PreloadDictionary()
	return a.reading(cmd.Context(), data, func(db *sqlite.DB) error {
		return a.printHits(cmd, db, ingest.IndexPath(data), q, page)
	})
}

// printHits prints one page of the hits of q in db, searched with the index
// at path.
func (a *app) printHits(cmd *cobra.Command, db *sqlite.DB, path string, q policy.SearchQuery, page int) error {
	ctx, stdout := cmd.Context(), a.stdout
	if err := checkDocumentOption(ctx, db, q.Filter.DocumentID); err != nil {
		return err
	}
	docs, err := db.Documents(ctx)
	if err != nil {
		return err
	}
	if series := q.Filter.Series; series != "" && len(policy.SeriesDocuments(docs, series)) == 0 {
		return policy.Errorf(policy.ENOTFOUND, "no series %s (policykb series lists them)", policy.Quote(series))
	}
	if under := q.Filter.Under; under != "" {
		ps, err := db.ProvisionsByID(ctx, []string{under})
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return policy.Errorf(policy.ENOTFOUND, "no provision %s", policy.Quote(under))
		}
	}
	// The index a server keeps (or the last search built) is opened
	// read-only, side by side with the server, if it is current; else one is
	// built and kept for the next search, or built in memory when the data
	// directory cannot be written.
	idx, err := search.OpenOptions(ctx, path, db, search.Options{MemoryFallback: true})
	if err != nil {
		return err
	}
	defer idx.Close()
	res, err := idx.Search(ctx, q)
	if policy.ErrorCode(err) == policy.EINVALID {
		// A query the query language refuses is bad usage (SPEC: exit 2).
		return &usageError{cmd: cmd, msg: message(err) + "\n" + queryLanguage, plain: true}
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
	fiscalYear := func(id string) int {
		for _, d := range docs {
			if d.ID == id {
				return d.FiscalYear
			}
		}
		return 0
	}
	mark, unmark := "[", "]"
	if colour(stdout) {
		mark, unmark = "\x1b[1;33m", "\x1b[0m"
	}
	fmt.Fprintln(stdout, hitCount(len(res.Hits), res.TotalCount, page, q.First))
	if res.Partial {
		fmt.Fprintln(stdout, "No provision holds every word; these hold the most of them.")
	}
	for i, h := range res.Hits {
		p := byID[h.ProvisionID]
		if p == nil {
			continue
		}
		fmt.Fprintln(stdout, strings.TrimRight(fmt.Sprintf("%2d. %s  %s  %s", (page-1)*q.First+i+1, p.ID, p.Label, p.Heading), " "))
		for _, hl := range h.Highlights {
			fmt.Fprintf(stdout, "    %s\n", snippet(p.Text(), hl, mark, unmark))
		}
		if len(h.Matches) > 0 {
			fmt.Fprintf(stdout, "    matched: %s\n", matchesLine(h.Matches))
		}
		if also := policy.AlsoInLine(h.AlsoIn, fiscalYear, maxAlsoIn); also != "" {
			fmt.Fprintf(stdout, "    also in: %s\n", also)
		}
	}
	return nil
}

// maxAlsoIn bounds the other years listed under a hit.
const maxAlsoIn = 6

// snippet is a highlight of text for the terminal: hits between mark and
// unmark, line breaks as blanks, and "…" where it starts or ends inside
// the text.
func snippet(text, highlight, mark, unmark string) string {
	plain := html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(highlight))
	s := html.UnescapeString(strings.NewReplacer("<mark>", mark, "</mark>", unmark, "\n", " ").Replace(highlight))
	if !strings.HasPrefix(text, plain) {
		s = "…" + s
	}
	if !strings.HasSuffix(text, plain) {
		s += "…"
	}
	return s
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

// hitCount says how many hits a page shows of how many: "1 hit", "4 hits"
// where the page shows them all, else "2 of 4 hits (page 1 of 2; --page 2
// shows more)".
func hitCount(shown, total, page, perPage int) string {
	if page == 1 && shown == total {
		return count(total, "hit", "hits")
	}
	pages := (total + perPage - 1) / perPage
	s := fmt.Sprintf("%d of %s (page %d of %d", shown, count(total, "hit", "hits"), page, pages)
	if page < pages {
		s += fmt.Sprintf("; --page %d shows more", page+1)
	}
	return s + ")"
}

// isTerminal reports whether w is a terminal that takes escape sequences:
// a terminal (not merely a character device such as /dev/null) whose TERM
// is not "dumb".
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb"
}

// colour reports whether to colour what is written to w: only on a
// terminal, and not when NO_COLOR is set to any value other than empty
// (https://no-color.org).
func colour(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("NO_COLOR") == ""
}
