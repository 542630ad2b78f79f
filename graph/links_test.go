package graph_test

import (
	"context"
	"slices"
	"testing"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
)

const strategyID = "cybersecurity-strategy-2018"

// TestCitingDocuments ingests a made-up Cybersecurity Strategy beside the
// policy: the policy's reference to the Strategy is that document, its
// citation 戦略に定める「目標達成のための施策」 resolves to the section of that
// heading, and the section lists the citing provision. The Strategy's own
// citations are found as the policy's are.
func TestCitingDocuments(t *testing.T) {
	srv, _ := yearStore(t, map[string]ingest.Options{strategyFile: {ID: strategyID}})
	var d struct {
		Reference struct {
			Document  *idOnly
			Citations []struct {
				ID              string
				Pinpoint        *string
				Source          idOnly
				TargetProvision *struct {
					ID      string
					Heading string
				}
			}
		}
		Provision struct {
			IncomingCitations []struct {
				ID       string
				Text     string
				Pinpoint string
				Source   idOnly
			}
			CitedBy []idOnly
		}
		Document struct {
			CitedAs    []idOnly
			Provisions []struct {
				ID        string
				Citations []struct {
					Target   idOnly
					Pinpoint *string
				}
			}
		}
	}
	data(t, srv, `{
		reference(id: "ref:cybersecurity-strategy-2018") {
			document { id }
			citations { id pinpoint source { id } targetProvision { id heading } }
		}
		provision(id: "cybersecurity-strategy-2018:4") {
			incomingCitations { id text pinpoint source { id } }
			citedBy { id }
		}
		document(id: "cybersecurity-strategy-2018") {
			citedAs { id }
			provisions { id citations { target { id } pinpoint } }
		}
	}`, nil, &d)
	if d.Reference.Document == nil || d.Reference.Document.ID != strategyID {
		t.Errorf("reference document: %+v, want %s", d.Reference.Document, strategyID)
	}
	resolved := 0
	for _, c := range d.Reference.Citations {
		switch {
		case c.Pinpoint != nil && *c.Pinpoint == "目標達成のための施策":
			if c.TargetProvision == nil || c.TargetProvision.ID != strategyID+":4" || c.TargetProvision.Heading != "目標達成のための施策" {
				t.Errorf("%s: target provision %+v, want %s:4", c.ID, c.TargetProvision, strategyID)
			}
			resolved++
		case c.TargetProvision != nil:
			t.Errorf("%s without pinpoint: target provision %+v", c.ID, c.TargetProvision)
		}
	}
	if resolved != 1 {
		t.Errorf("%d citations resolved, want 1", resolved)
	}
	in := d.Provision.IncomingCitations
	if len(in) != 1 || in[0].Source.ID != docID+":2" || in[0].Text != "戦略" || in[0].Pinpoint != "目標達成のための施策" {
		t.Errorf("incoming citations of the section: %+v", in)
	}
	if len(d.Provision.CitedBy) != 1 || d.Provision.CitedBy[0].ID != docID+":2" {
		t.Errorf("cited by: %+v", d.Provision.CitedBy)
	}
	if len(d.Document.CitedAs) != 1 || d.Document.CitedAs[0].ID != "ref:cybersecurity-strategy-2018" {
		t.Errorf("cited as: %+v", d.Document.CitedAs)
	}
	// The Strategy's own citation of the Basic Act, with its article.
	var own []string
	for _, p := range d.Document.Provisions {
		for _, c := range p.Citations {
			pin := ""
			if c.Pinpoint != nil {
				pin = *c.Pinpoint
			}
			own = append(own, p.ID+" "+c.Target.ID+" "+pin)
		}
	}
	if want := []string{strategyID + ":preamble ref:cybersecurity-basic-act 第12条第１項"}; !slices.Equal(own, want) {
		t.Errorf("the Strategy's citations: %q, want %q", own, want)
	}
	// Without the Strategy, nothing resolves.
	bare, _ := yearStore(t, nil)
	var b struct {
		Reference struct {
			Document  *idOnly
			Citations []struct{ TargetProvision *idOnly }
		}
	}
	data(t, bare, `{ reference(id: "ref:cybersecurity-strategy-2018") { document { id } citations { targetProvision { id } } } }`, nil, &b)
	if b.Reference.Document != nil {
		t.Errorf("without the Strategy: document %+v", b.Reference.Document)
	}
	for _, c := range b.Reference.Citations {
		if c.TargetProvision != nil {
			t.Errorf("without the Strategy: target provision %+v", c.TargetProvision)
		}
	}
}

// TestReferenceNamedAtIngest names the reference a document is at ingest,
// where its title and date would not tell: the link holds, and survives a
// later ingest of the same text.
func TestReferenceNamedAtIngest(t *testing.T) {
	srv, db := yearStore(t, map[string]ingest.Options{
		unrelatedDoc: {ID: "school-lunch", References: []string{"cybersecurity-strategy-2018"}},
	})
	var d struct {
		Reference struct{ Document *idOnly }
	}
	data(t, srv, `{ reference(id: "ref:cybersecurity-strategy-2018") { document { id } } }`, nil, &d)
	if d.Reference.Document == nil || d.Reference.Document.ID != "school-lunch" {
		t.Errorf("named at ingest: %+v", d.Reference.Document)
	}
	named, err := db.NamedReferences(context.Background())
	if err != nil || named["ref:cybersecurity-strategy-2018"] != "school-lunch" {
		t.Errorf("stored: %v %v", named, err)
	}
	in, err := ingest.New(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.File(context.Background(), unrelatedDoc, ingest.Options{ID: "x", References: []string{"Not A Slug"}}); policy.ErrorCode(err) != policy.EINVALID {
		t.Errorf("a bad reference ID: %v", err)
	}
}

// TestCompareAsAnOutsider tries compare as someone new to it would.
func TestCompareAsAnOutsider(t *testing.T) {
	srv, db := yearStore(t, map[string]ingest.Options{
		strategyFile: {ID: strategyID},
		unrelatedDoc: {ID: "school-lunch"},
	})
	// An empty excerpt: no parser reads one, a program may store one.
	if err := db.Ingest(context.Background(), &policy.Document{ID: "empty-excerpt", Title: "抜粋", TitleLine: "抜粋", TitleLineNo: 1,
		Partial: true, PageCount: 1, Encoding: "UTF-8", Source: "抜粋\n", SHA256: "0"}); err != nil {
		t.Fatal(err)
	}
	compare := func(from, to string) comparison {
		var d struct{ Compare comparison }
		data(t, srv, compareQuery, map[string]any{"from": from, "to": to}, &d)
		return d.Compare
	}
	t.Run("itself", func(t *testing.T) {
		c := compare(docID, docID)
		if len(c.Pairs) != 35 {
			t.Errorf("%d pairs, want 35", len(c.Pairs))
		}
		for _, p := range c.Pairs {
			if p.Kind != "SAME" || p.Similarity != 1 || p.From.ID != p.To.ID {
				t.Errorf("%s %s → %s %v", p.Kind, local(p.From), local(p.To), p.Similarity)
			}
		}
	})
	t.Run("unrelated", func(t *testing.T) {
		c := compare(docID, "school-lunch")
		added, removed := 0, 0
		for _, p := range c.Pairs {
			switch p.Kind {
			case "ADDED":
				added++
			case "REMOVED":
				removed++
			default:
				// Nothing is forced: no pair but of alike texts (0.5 or more).
				t.Errorf("%s %s → %s %v", p.Kind, local(p.From), local(p.To), p.Similarity)
			}
		}
		if added != 6 || removed != 35 {
			t.Errorf("%d added, %d removed; want 6 and 35", added, removed)
		}
	})
	t.Run("empty excerpt", func(t *testing.T) {
		for _, c := range []struct {
			from, to, kind string
		}{{docID, "empty-excerpt", "REMOVED"}, {"empty-excerpt", docID, "ADDED"}} {
			cmp := compare(c.from, c.to)
			if len(cmp.Pairs) != 35 {
				t.Errorf("%s → %s: %d pairs, want 35", c.from, c.to, len(cmp.Pairs))
			}
			for _, p := range cmp.Pairs {
				if p.Kind != c.kind {
					t.Errorf("%s → %s: %s", c.from, c.to, p.Kind)
				}
			}
		}
		if c := compare("empty-excerpt", "empty-excerpt"); len(c.Pairs) != 0 {
			t.Errorf("an empty excerpt with itself: %d pairs", len(c.Pairs))
		}
	})
	t.Run("unknown ID", func(t *testing.T) {
		for _, vars := range []map[string]any{{"from": "nosuch", "to": docID}, {"from": docID, "to": "cs-budget-policy-fy1999"}} {
			r := post(t, srv, compareQuery, vars)
			if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != policy.ENOTFOUND {
				t.Errorf("%v: %+v", vars, r.Errors)
			}
		}
	})
	t.Run("different series", func(t *testing.T) {
		// Allowed: the policy and the Strategy share the names of the
		// three policy areas and the section that holds them.
		c := compare(docID, strategyID)
		var got []string
		for _, p := range c.Pairs {
			if p.From != nil && p.To != nil {
				got = append(got, p.Kind+" "+local(p.From)+" "+local(p.To))
			}
		}
		want := []string{"MOVED 2 4", "CHANGED 2.1 4.1", "CHANGED 2.2 4.2", "CHANGED 2.3 4.3"}
		if !slices.Equal(got, want) {
			t.Errorf("pairs %q, want %q", got, want)
		}
	})
}
