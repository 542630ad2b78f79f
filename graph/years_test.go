package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/server"
	"github.com/policykb/policykb/internal/sqlite"
	"github.com/policykb/policykb/internal/testfixture"
)

// yearsData holds the made-up years of internal/corpusgen (see
// corpusgen.WriteYears) and the made-up strategy of internal/cite.
const (
	yearsData    = "../internal/corpusgen/testdata/years"
	strategyFile = "../internal/cite/testdata/strategy-2018.txt"
	unrelatedDoc = "../internal/cite/testdata/unrelated.txt"
)

// yearStore is a fresh store holding the embedded policy and the texts
// given (name → ingest options), served over HTTP without search.
func yearStore(t *testing.T, files map[string]ingest.Options) (*httptest.Server, *sqlite.DB) {
	t.Helper()
	db := testfixture.StoreFiles(t, files)
	res := &graph.Resolver{Documents: db, Provisions: db, References: db}
	srv := httptest.NewServer(server.New(server.Config{
		API: graph.NewHandler(res, graph.Options{Logger: quietLog}), IDE: playground.Handler("policykb", "/graphql"),
		Generation: db.Generation, Ready: func() error { return nil }, Logger: quietLog,
	}))
	t.Cleanup(srv.Close)
	return srv, db
}

// data posts a query and decodes its data into out, failing on errors.
func data(t *testing.T, srv *httptest.Server, query string, vars map[string]any, out any) {
	t.Helper()
	r := post(t, srv, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("%s: %+v", query, r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatal(err)
	}
}

type idOnly struct {
	ID string `json:"id"`
}

func local(p *idOnly) string {
	if p == nil {
		return ""
	}
	_, l, _ := policy.SplitID(p.ID)
	return l
}

const compareQuery = `query($from: ID!, $to: ID!) {
	compare(from: $from, to: $to) {
		from { id } to { id }
		pairs { kind similarity from { id } to { id } }
	}
}`

type comparison struct {
	From, To idOnly
	Pairs    []struct {
		Kind       string
		Similarity float64
		From, To   *idOnly
	}
}

// pairLines prints pairs as the expected files hold them, sorted.
func (c comparison) pairLines() []string {
	var out []string
	for _, p := range c.Pairs {
		out = append(out, p.Kind+"\t"+local(p.From)+"\t"+local(p.To))
	}
	slices.Sort(out)
	return out
}

// TestCompareYears compares the shipped policy with each made-up next year
// over HTTP and finds every pair and kind that the year's edits imply
// (testdata pairs.tsv), and counterparts agree with the pairs both ways.
func TestCompareYears(t *testing.T) {
	dirs, err := os.ReadDir(yearsData)
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		if !dir.IsDir() || dir.Name() == "series" {
			continue
		}
		t.Run(dir.Name(), func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(yearsData, dir.Name())
			srv, _ := yearStore(t, map[string]ingest.Options{filepath.Join(path, "to.txt"): {}})
			var d struct{ Compare comparison }
			data(t, srv, compareQuery, map[string]any{"from": docID, "to": "cs-budget-policy-fy2021"}, &d)
			want := testfixture.ExpectedLines(t, filepath.Join(path, "pairs.tsv"))
			if got := d.Compare.pairLines(); !slices.Equal(got, want) {
				t.Errorf("pairs:\n%s\nwant (pairs.tsv):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for _, p := range d.Compare.Pairs {
				switch {
				case p.Kind == "SAME" && p.Similarity != 1,
					(p.Kind == "ADDED" || p.Kind == "REMOVED") && p.Similarity != 0,
					(p.Kind == "CHANGED" || p.Kind == "MOVED") && (p.Similarity <= 0 || p.Similarity > 1),
					p.Kind == "CHANGED" && p.Similarity == 1:
					t.Errorf("%s %s → %s: similarity %v", p.Kind, local(p.From), local(p.To), p.Similarity)
				}
			}
			// Counterparts, both ways.
			counterparts := map[string][]string{}
			for _, doc := range []string{docID, "cs-budget-policy-fy2021"} {
				var c struct {
					Document struct {
						Provisions []struct {
							ID           string
							Counterparts []idOnly
						}
					}
				}
				data(t, srv, `query($id: ID!) { document(id: $id) { provisions { id counterparts { id } } } }`, map[string]any{"id": doc}, &c)
				for _, p := range c.Document.Provisions {
					counterparts[p.ID] = []string{}
					for _, q := range p.Counterparts {
						counterparts[p.ID] = append(counterparts[p.ID], q.ID)
					}
				}
			}
			for _, p := range d.Compare.Pairs {
				// Each side's counterpart is the other side, if any.
				for _, side := range [][2]*idOnly{{p.From, p.To}, {p.To, p.From}} {
					this, other := side[0], side[1]
					if this == nil {
						continue
					}
					want := []string{}
					if other != nil {
						want = []string{other.ID}
					}
					if got := counterparts[this.ID]; !slices.Equal(got, want) {
						t.Errorf("counterparts of %s: %v, want %v", this.ID, got, want)
					}
				}
			}
		})
	}
}

// seriesFiles returns the made-up years FY2021 to FY2024 of the series.
func seriesFiles(t *testing.T) map[string]ingest.Options {
	files := map[string]ingest.Options{}
	for fy := 2021; fy <= 2024; fy++ {
		files[filepath.Join(yearsData, "series", fmt.Sprintf("cs-budget-policy-fy%d.txt", fy))] = ingest.Options{}
	}
	return files
}

// TestSeriesLines follows every provision of five made-up years through
// the series over HTTP: its line is the one the edits of each year imply
// (testdata lines.tsv), and so are its counterparts.
func TestSeriesLines(t *testing.T) {
	srv, _ := yearStore(t, seriesFiles(t))
	var d struct {
		Series []struct {
			ID        string
			Title     string
			Documents []struct {
				ID         string
				FiscalYear int
				Previous   *idOnly
				Next       *idOnly
				Series     idOnly
			}
			Lines []struct {
				Cells []struct {
					Document  idOnly
					Provision *idOnly
					Kind      *string
				}
			}
		}
	}
	data(t, srv, `{ series { id title
		documents { id fiscalYear previous { id } next { id } series { id } }
		lines { cells { document { id } provision { id } kind } } } }`, nil, &d)
	if len(d.Series) != 1 {
		t.Fatalf("%d series, want 1", len(d.Series))
	}
	s := d.Series[0]
	if s.ID != "series:cs-budget-policy" || s.Title != "サイバーセキュリティ関係施策に関する〇年度予算重点化方針" {
		t.Errorf("series %s %q", s.ID, s.Title)
	}
	for i, doc := range s.Documents {
		if want := fmt.Sprintf("cs-budget-policy-fy%d", 2020+i); doc.ID != want || doc.FiscalYear != 2020+i || doc.Series.ID != s.ID {
			t.Errorf("document %d: %s FY%d of %s, want %s", i, doc.ID, doc.FiscalYear, doc.Series.ID, want)
		}
		if (i == 0) != (doc.Previous == nil) || i > 0 && doc.Previous.ID != s.Documents[i-1].ID {
			t.Errorf("%s: previous %v", doc.ID, doc.Previous)
		}
		if (i == len(s.Documents)-1) != (doc.Next == nil) || i < len(s.Documents)-1 && doc.Next.ID != s.Documents[i+1].ID {
			t.Errorf("%s: next %v", doc.ID, doc.Next)
		}
	}
	var got []string
	for _, l := range s.Lines {
		cells := make([]string, len(l.Cells))
		for k, c := range l.Cells {
			if c.Document.ID != s.Documents[k].ID {
				t.Errorf("cell %d of a line is of %s, want %s", k, c.Document.ID, s.Documents[k].ID)
			}
			switch {
			case c.Kind == nil && c.Provision != nil:
				cells[k] = local(c.Provision)
			case c.Kind == nil:
				cells[k] = "·"
			case c.Provision == nil:
				cells[k] = *c.Kind
			default:
				cells[k] = *c.Kind + " " + local(c.Provision)
			}
		}
		got = append(got, strings.Join(cells, "\t"))
	}
	slices.Sort(got)
	want := testfixture.ExpectedLines(t, filepath.Join(yearsData, "series", "lines.tsv"))
	if !slices.Equal(got, want) {
		t.Errorf("lines:\n%s\nwant (lines.tsv):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The counterparts of each provision of the middle year are the rest of its line.
	var c struct {
		Document struct {
			Provisions []struct {
				ID           string
				Counterparts []idOnly
			}
		}
	}
	data(t, srv, `{ document(id: "cs-budget-policy-fy2022") { provisions { id counterparts { id } } } }`, nil, &c)
	lineOf := map[string][]string{}
	for _, l := range s.Lines {
		var ids []string
		for _, cell := range l.Cells {
			if cell.Provision != nil {
				ids = append(ids, cell.Provision.ID)
			}
		}
		for _, id := range ids {
			lineOf[id] = ids
		}
	}
	for _, p := range c.Document.Provisions {
		var ids []string
		for _, q := range p.Counterparts {
			ids = append(ids, q.ID)
		}
		want := slices.DeleteFunc(slices.Clone(lineOf[p.ID]), func(id string) bool { return id == p.ID })
		if !slices.Equal(ids, want) {
			t.Errorf("counterparts of %s: %v, want %v", p.ID, ids, want)
		}
	}

	// A series is a node.
	var n struct {
		Node *struct {
			Typename string `json:"__typename"`
			ID       string
		}
	}
	data(t, srv, `{ node(id: "series:cs-budget-policy") { __typename id } }`, nil, &n)
	if n.Node == nil || n.Node.Typename != "Series" {
		t.Errorf("node(series:cs-budget-policy): %+v", n.Node)
	}
}
