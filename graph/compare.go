package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/worddiff"
)

// This file prints comparisons and series for people (text) and programs
// (JSON in the shape of the GraphQL types): what policykb compare and
// policykb series print.

// Formats of PrintComparison and PrintSeries.
const (
	FormatText = "text"
	FormatJSON = "json"
)

// comparisonFields is what a printed comparison holds.
const comparisonFields = `
	from { id title fiscalYear }
	to { id title fiscalYear }
	pairs {
		kind similarity
		from { id label heading text }
		to { id label heading text }
	}`

// printedComparison is the answer of the comparison query.
type printedComparison struct {
	From, To struct {
		ID         string `json:"id"`
		Title      string `json:"title"`
		FiscalYear *int   `json:"fiscalYear"`
	}
	Pairs []struct {
		Kind       policy.PairKind `json:"kind"`
		Similarity float64         `json:"similarity"`
		From, To   *struct {
			ID      string  `json:"id"`
			Label   string  `json:"label"`
			Heading *string `json:"heading"`
			Text    string  `json:"text"`
		}
	}
}

// checkFormat refuses a format but text and json.
func checkFormat(format string) error {
	if format != FormatText && format != FormatJSON {
		return policy.Errorf(policy.EINVALID, "unknown format %s: use text or json", policy.Quote(format))
	}
	return nil
}

// PrintComparison writes the comparison of the documents from and to to
// w: with format "json", the answer of the GraphQL query compare(from:,
// to:) (see comparisonFields) as indented JSON, in the shape of the
// GraphQL types; with "text", for people: the two documents, how many
// pairs of each kind, then every pair but the SAME ones, in the order of
// the comparison, each with its kind, similarity, local IDs and labels,
// and what changed: for a CHANGED or MOVED pair whose text changed, each
// line of its text (heading, paragraphs) that changed, with the words
// deleted in [-…-] and those inserted in {+…+} and the unchanged text
// around them shortened to 20 characters on each side; for an ADDED or
// REMOVED provision, its text, each line after "+ " or "- ". An unknown
// document is a NOT_FOUND error, an unknown format a BAD_USER_INPUT one.
func PrintComparison(ctx context.Context, res *Resolver, w io.Writer, from, to, format string) error {
	if err := checkFormat(format); err != nil {
		return err
	}
	data, err := Query(ctx, res, `query($from: ID!, $to: ID!) { compare(from: $from, to: $to) {`+comparisonFields+` } }`,
		map[string]any{"from": from, "to": to})
	if err != nil {
		return err
	}
	if format == FormatJSON {
		return writeIndented(w, data)
	}
	var d struct {
		Compare printedComparison `json:"compare"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return err
	}
	c := d.Compare
	var b strings.Builder
	year := func(fy *int) string {
		if fy == nil {
			return ""
		}
		return fmt.Sprintf(" (FY%d)", *fy)
	}
	fmt.Fprintf(&b, "%s%s → %s%s\n", c.From.ID, year(c.From.FiscalYear), c.To.ID, year(c.To.FiscalYear))
	fmt.Fprintf(&b, "  %s\n→ %s\n", c.From.Title, c.To.Title)
	counts := map[policy.PairKind]int{}
	nFrom, nTo := 0, 0
	for _, p := range c.Pairs {
		counts[p.Kind]++
		if p.From != nil {
			nFrom++
		}
		if p.To != nil {
			nTo++
		}
	}
	fmt.Fprintf(&b, "%d → %d provisions:", nFrom, nTo)
	for i, k := range policy.PairKinds {
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(&b, "%s %d %s", sep, counts[k], strings.ToLower(string(k)))
	}
	b.WriteString("\n")
	for _, p := range c.Pairs {
		if p.Kind == policy.PairSame {
			continue
		}
		b.WriteString("\n")
		name := func(id, label string) string {
			_, local, _ := policy.SplitID(id)
			return local + " " + label
		}
		heading := func(h *string) string {
			if h == nil {
				return ""
			}
			return "  " + *h
		}
		switch p.Kind {
		case policy.PairAdded:
			fmt.Fprintf(&b, "ADDED    %s%s\n", name(p.To.ID, p.To.Label), heading(p.To.Heading))
			for _, l := range strings.Split(p.To.Text, "\n") {
				b.WriteString("    + " + l + "\n")
			}
		case policy.PairRemoved:
			fmt.Fprintf(&b, "REMOVED  %s%s\n", name(p.From.ID, p.From.Label), heading(p.From.Heading))
			for _, l := range strings.Split(p.From.Text, "\n") {
				b.WriteString("    - " + l + "\n")
			}
		default:
			where := name(p.From.ID, p.From.Label)
			if to := name(p.To.ID, p.To.Label); to != where {
				where += " → " + to
			}
			fmt.Fprintf(&b, "%-8s %s%s  (similarity %.3f)\n", p.Kind, where, heading(p.To.Heading), p.Similarity)
			for _, l := range changedLines(p.From.Text, p.To.Text) {
				b.WriteString("    " + worddiff.Plain(l, 20) + "\n")
			}
		}
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// changedLines compares two provision texts line by line — heading and
// paragraphs, as Provision.text joins them — and returns the diff of each
// line that changed: the lines of the same place where both have as many,
// else the texts as one.
func changedLines(from, to string) [][]worddiff.Segment {
	a, b := strings.Split(from, "\n"), strings.Split(to, "\n")
	if len(a) != len(b) {
		a, b = []string{strings.ReplaceAll(from, "\n", "⏎")}, []string{strings.ReplaceAll(to, "\n", "⏎")}
	}
	var out [][]worddiff.Segment
	for i := range a {
		if segs := worddiff.Diff(a[i], b[i]); worddiff.Changed(segs) {
			out = append(out, segs)
		}
	}
	return out
}

// PrintSeries writes the series of the store to w, or with id one series
// and the line of each of its provisions through its documents. With
// format "json", the answer of the GraphQL query series (or node(id:)) as
// indented JSON; with "text", for people: each series' ID and title, then
// its documents by fiscal year; for one series, then each line, its cells
// separated by " | ": the local ID and label of the provision of each
// year, the kind of change from the year before, "—" where it has none.
// An unknown series is a NOT_FOUND error.
func PrintSeries(ctx context.Context, res *Resolver, w io.Writer, id, format string) error {
	if err := checkFormat(format); err != nil {
		return err
	}
	const docs = `id title documents { id title fiscalYear }`
	var data json.RawMessage
	var err error
	if id == "" {
		data, err = Query(ctx, res, `{ series { `+docs+` } }`, nil)
	} else {
		if !isSeriesID(id) {
			return policy.Errorf(policy.ENOTFOUND, "no series %s: series IDs start with series:", policy.Quote(id))
		}
		data, err = Query(ctx, res, `query($id: ID!) { node(id: $id) { ... on Series { `+docs+`
			lines { cells { provision { id label } kind } } } } }`, map[string]any{"id": id})
	}
	if err != nil {
		return err
	}
	type series struct {
		ID        string `json:"id"`
		Title     string `json:"title"`
		Documents []struct {
			ID         string `json:"id"`
			Title      string `json:"title"`
			FiscalYear *int   `json:"fiscalYear"`
		} `json:"documents"`
		Lines []struct {
			Cells []struct {
				Provision *struct {
					ID    string `json:"id"`
					Label string `json:"label"`
				} `json:"provision"`
				Kind *string `json:"kind"`
			} `json:"cells"`
		} `json:"lines"`
	}
	var d struct {
		Series []series `json:"series"`
		Node   *series  `json:"node"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return err
	}
	if id != "" && (d.Node == nil || d.Node.ID == "") {
		return policy.Errorf(policy.ENOTFOUND, "no series %s", policy.Quote(id))
	}
	if format == FormatJSON {
		if id != "" {
			var node struct {
				Node json.RawMessage `json:"node"`
			}
			if err := json.Unmarshal(data, &node); err != nil {
				return err
			}
			data = node.Node
		}
		return writeIndented(w, data)
	}
	all := d.Series
	if id != "" {
		all = []series{*d.Node}
	}
	var b strings.Builder
	if len(all) == 0 {
		b.WriteString("no series: documents whose titles are equal but for the fiscal year form one\n")
	}
	for i, s := range all {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s  %s\n", s.ID, s.Title)
		for _, doc := range s.Documents {
			fy := "FY?   "
			if doc.FiscalYear != nil {
				fy = fmt.Sprintf("FY%d", *doc.FiscalYear)
			}
			fmt.Fprintf(&b, "  %s  %s  %s\n", fy, doc.ID, doc.Title)
		}
		if id == "" {
			continue
		}
		fmt.Fprintf(&b, "%d lines:\n", len(s.Lines))
		for _, l := range s.Lines {
			cells := make([]string, len(l.Cells))
			for k, c := range l.Cells {
				switch {
				case c.Provision == nil && c.Kind != nil:
					cells[k] = strings.ToLower(*c.Kind)
				case c.Provision == nil:
					cells[k] = "—"
				default:
					_, local, _ := policy.SplitID(c.Provision.ID)
					cells[k] = local + " " + c.Provision.Label
					if c.Kind != nil && *c.Kind != string(policy.PairSame) {
						cells[k] += " (" + strings.ToLower(*c.Kind) + ")"
					}
				}
			}
			b.WriteString("  " + strings.Join(cells, " | ") + "\n")
		}
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// writeIndented writes JSON indented, with a final line break.
func writeIndented(w io.Writer, data json.RawMessage) error {
	var out bytes.Buffer
	if err := json.Indent(&out, data, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err := w.Write(out.Bytes())
	return err
}
