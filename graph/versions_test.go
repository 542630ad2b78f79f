package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/ingest"
)

// TestVersionsOverHTTP ingests the policy, replaces it with a shorter text,
// reads version 1 exactly as it was, its changes, reverts, and ingests the
// same bytes again: versions 1, 2 and 3, and nothing else.
func TestVersionsOverHTTP(t *testing.T) {
	ctx := context.Background()
	srv, store, in := newServerIngester(t) // version 1: the embedded policy
	full, err := os.ReadFile("../corpus/cs-budget-policy-fy2020.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(full, []byte("\n"))
	short := bytes.Join(lines[:29], nil) // preamble and section １ only
	if _, err := in.Ingest(ctx, "short.txt", short, ingest.Options{}); err == nil || !strings.Contains(err.Error(), "lacks 33 provisions of version 1") {
		t.Fatalf("shorter text without replace: %v", err)
	}
	res, err := in.Ingest(ctx, "short.txt", short, ingest.Options{Replace: true})
	if err != nil || res.Version != 2 || len(res.Lost) != 33 {
		t.Fatalf("replace: %+v, %v", res, err)
	}

	// The current version is the short one; version 1 reads as it was.
	r := post(t, srv, `{ document(id: "cs-budget-policy-fy2020") { version provisions { id } } }`, nil)
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"version":2`) || strings.Count(string(r.Data), `"id"`) != 2 {
		t.Fatalf("current: %s %v", r.Data, r.Errors)
	}
	r = post(t, srv, `query($d: ID!) { document(id: $d, version: 1) { version provisions {
		id kind number label marker heading paragraphs leadingParagraphs pages line parent { id } } } }`, map[string]any{"d": docID})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	var v1 struct {
		Document struct {
			Version    int
			Provisions json.RawMessage
		}
	}
	if err := json.Unmarshal(r.Data, &v1); err != nil {
		t.Fatal(err)
	}
	if v1.Document.Version != 1 {
		t.Errorf("version 1 says it is version %d", v1.Document.Version)
	}
	checkGolden(t, "provisions.golden.json", json.RawMessage(`{"provisions":`+string(v1.Document.Provisions)+`}`))

	// Its provisions resolve within version 1: children, document, citations.
	r = post(t, srv, `{ document(id: "cs-budget-policy-fy2020", version: 1) { provisions(kind: SECTION) {
		id children { id } document { version } citations { text } crossReferences { id } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	for _, want := range []string{`{"id":"cs-budget-policy-fy2020:2","children":[{"id":"cs-budget-policy-fy2020:2.1"}`, `"document":{"version":1}`, `"citations":[{"text":`} {
		if !strings.Contains(string(r.Data), want) {
			t.Errorf("version 1's sections lack %s: %s", want, r.Data)
		}
	}

	// Changes of version 2: 33 removed, and the two kept ones changed or not.
	r = post(t, srv, `{ document(id: "cs-budget-policy-fy2020") { versions { number current provisionCount
		changes { kind id before { id heading } after { id } } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	var vs struct {
		Document struct {
			Versions []struct {
				Number, ProvisionCount int
				Current                bool
				Changes                []struct {
					Kind, ID      string
					Before, After *struct{ ID, Heading string }
				}
			}
		}
	}
	if err := json.Unmarshal(r.Data, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs.Document.Versions) != 2 || len(vs.Document.Versions[0].Changes) != 0 || !vs.Document.Versions[1].Current {
		t.Fatalf("versions: %s", r.Data)
	}
	removed := 0
	for _, c := range vs.Document.Versions[1].Changes {
		switch c.Kind {
		case "REMOVED":
			removed++
			if c.After != nil || c.Before == nil || c.Before.ID != c.ID {
				t.Errorf("removed %s: before %v, after %v", c.ID, c.Before, c.After)
			}
			if c.ID == docID+":2" && c.Before.Heading != "重点化を図るべき分野" {
				t.Errorf("removed section ２ had heading %q", c.Before.Heading)
			}
		case "CHANGED":
			if c.Before == nil || c.After == nil {
				t.Errorf("changed %s lacks a side", c.ID)
			}
		default:
			t.Errorf("change %s of %s", c.Kind, c.ID)
		}
	}
	if removed != 33 {
		t.Errorf("%d removed, want 33", removed)
	}

	// Revert to 1, then the same bytes again: version 3 and nothing more.
	if res, err := store.Revert(ctx, docID, 1); err != nil || res.Version != 3 {
		t.Fatalf("revert: %+v, %v", res, err)
	}
	if res, err := in.Ingest(ctx, "again.txt", full, ingest.Options{}); err != nil || !res.Unchanged || res.Version != 3 {
		t.Fatalf("same bytes again: %+v, %v", res, err)
	}
	r = post(t, srv, `{ document(id: "cs-budget-policy-fy2020") { version sha256 provisions { id }
		versions { number current sha256 provisionCount changes { kind } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	var after struct {
		Document struct {
			Version    int
			SHA256     string
			Provisions []struct{ ID string }
			Versions   []struct {
				Number, ProvisionCount int
				Current                bool
				SHA256                 string
				Changes                []struct{ Kind string }
			}
		}
	}
	if err := json.Unmarshal(r.Data, &after); err != nil {
		t.Fatal(err)
	}
	d := after.Document
	if d.Version != 3 || len(d.Provisions) != 35 || len(d.Versions) != 3 {
		t.Fatalf("after the revert: %s", r.Data)
	}
	for i, v := range d.Versions {
		if v.Number != i+1 || v.Current != (i == 2) {
			t.Errorf("version %d: number %d, current %v", i+1, v.Number, v.Current)
		}
	}
	if d.Versions[2].SHA256 != d.Versions[0].SHA256 || d.Versions[2].ProvisionCount != 35 || len(d.Versions[2].Changes) != 33 {
		t.Errorf("version 3 is not version 1 again: %+v", d.Versions[2])
	}

	// Versions that do not exist, and bad numbers.
	for _, tt := range []struct{ query, code string }{
		{`{ document(id: "cs-budget-policy-fy2020", version: 4) { id } }`, "NOT_FOUND"},
		{`{ document(id: "cs-budget-policy-fy2020", version: 0) { id } }`, "BAD_USER_INPUT"},
		{`{ document(id: "cs-budget-policy-fy2020", version: -1) { id } }`, "BAD_USER_INPUT"},
		{`{ document(id: "nope", version: 1) { id } }`, "NOT_FOUND"},
	} {
		r := post(t, srv, tt.query, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != tt.code {
			t.Errorf("%s: %+v", tt.query, r.Errors)
		}
	}
	// The current version asked for by number is the current one.
	r = post(t, srv, `{ document(id: "cs-budget-policy-fy2020", version: 3) { version provisions { id } } }`, nil)
	if len(r.Errors) > 0 || strings.Count(string(r.Data), `"id"`) != 35 {
		t.Errorf("version 3 by number: %s %v", r.Data, r.Errors)
	}
}
