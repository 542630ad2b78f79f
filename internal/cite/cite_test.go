package cite

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/policykb/policykb/corpus"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/testfixture/parsed"
)

const docID = "cs-budget-policy-fy2020"

func registry(t testing.TB) *Registry {
	t.Helper()
	reg, err := LoadRegistry(corpus.Registry())
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func corpusDoc(t testing.TB) (*policy.Document, []Observation) {
	t.Helper()
	doc := parsed.Corpus(t)
	return doc, Extract(doc, registry(t))
}

type expected struct {
	Citations map[string][][3]string
	Terms     []struct {
		Term, Meaning, Reference, DefinedIn string
		Uses                                []string
	}
	CrossReferences [][3]string
	Traps           []struct{ Text, In, Not, Why string }
}

func local(id string) string { return strings.TrimPrefix(id, docID+":") }

// TestCorpusGraph compares every citation, term and cross-reference of the
// FY2020 policy with testdata/expected_graph.json, written by reading the
// text: each reference is cited by exactly the listed provisions.
func TestCorpusGraph(t *testing.T) {
	b, err := os.ReadFile("testdata/expected_graph.json")
	if err != nil {
		t.Fatal(err)
	}
	var want expected
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	doc, _ := corpusDoc(t)
	got := map[string][][3]string{}
	for _, c := range doc.Citations {
		got[c.TargetID] = append(got[c.TargetID], [3]string{local(c.SourceID), string(c.Form), c.Pinpoint})
	}
	for ref, w := range want.Citations {
		if !reflect.DeepEqual(got[ref], w) {
			t.Errorf("%s cited by %v, want %v", ref, got[ref], w)
		}
	}
	for ref := range got {
		if _, ok := want.Citations[ref]; !ok {
			t.Errorf("unexpected reference %s cited by %v", ref, got[ref])
		}
	}
	if len(doc.References) != len(want.Citations) {
		t.Errorf("%d references, want %d", len(doc.References), len(want.Citations))
	}
	for _, r := range doc.References {
		if !r.Resolved {
			t.Errorf("%s (%s) not in the registry", r.ID, r.Title)
		}
	}
	if len(doc.Terms) != len(want.Terms) {
		t.Fatalf("%d terms, want %d", len(doc.Terms), len(want.Terms))
	}
	for i, w := range want.Terms {
		g := doc.Terms[i]
		var uses []string
		for _, u := range g.Uses {
			uses = append(uses, local(u))
		}
		if g.Term != w.Term || g.Meaning != w.Meaning || g.ReferenceID != w.Reference || local(g.DefinedIn) != w.DefinedIn ||
			strings.Join(uses, ",") != strings.Join(w.Uses, ",") {
			t.Errorf("term %d = %+v (uses %v), want %+v", i, g, uses, w)
		}
	}
	var xrefs [][3]string
	for _, x := range doc.CrossReferences {
		xrefs = append(xrefs, [3]string{local(x.SourceID), local(x.TargetID), x.Text})
	}
	if !reflect.DeepEqual(xrefs, want.CrossReferences) {
		t.Errorf("cross-references %v, want %v", xrefs, want.CrossReferences)
	}
	// No citation overlaps a trap.
	texts := map[string][]rune{}
	for _, p := range doc.Provisions {
		texts[local(p.ID)] = []rune(p.Text())
	}
	for _, trap := range want.Traps {
		tr := []rune(trap.Text)
		k := index(texts[trap.In], tr, 0)
		if k < 0 {
			t.Errorf("trap %q not found in %s", trap.Text, trap.In)
			continue
		}
		for _, c := range doc.Citations {
			if local(c.SourceID) == trap.In && (trap.Not == "*" || c.TargetID == trap.Not) && c.Start < k+len(tr) && k < c.End {
				t.Errorf("%s: %q (%s) is cited as %s %s", trap.In, trap.Text, trap.Why, c.Form, c.TargetID)
			}
		}
		for _, x := range doc.CrossReferences {
			if local(x.SourceID) == trap.In && x.Start < k+len(tr) && k < x.End {
				t.Errorf("%s: %q (%s) is a cross-reference", trap.In, trap.Text, trap.Why)
			}
		}
	}
}

// TestSpans walks every citation, definition and cross-reference: the span
// is the text at its code-point offsets in the source provision's text.
func TestSpans(t *testing.T) {
	doc, _ := corpusDoc(t)
	text := map[string][]rune{}
	for _, p := range doc.Provisions {
		text[p.ID] = []rune(p.Text())
	}
	check := func(what, source, span string, s, e int) {
		tx := text[source]
		if s < 0 || e > len(tx) || s >= e || string(tx[s:e]) != span {
			t.Errorf("%s in %s: [%d:%d] is not %q", what, source, s, e, span)
		}
	}
	for _, c := range doc.Citations {
		check(c.ID, c.SourceID, c.Text, c.Start, c.End)
	}
	for _, x := range doc.CrossReferences {
		check("cross-reference", x.SourceID, x.Text, x.Start, x.End)
	}
	for _, d := range doc.Terms {
		check("definition of "+d.Term, d.DefinedIn, "以下「"+d.Term+"」という", d.Start, d.End)
	}
	if len(doc.Citations) != 20 {
		t.Errorf("%d citations, want 20", len(doc.Citations))
	}
}

// TestRegistryAgrees fails when a date, revision or issuer that the text
// gives for a cited reference differs from the registry.
func TestRegistryAgrees(t *testing.T) {
	doc, obs := corpusDoc(t)
	refs := map[string]*policy.Reference{}
	for _, r := range doc.References {
		refs[r.ID] = r
	}
	checked := 0
	for _, o := range obs {
		r := refs[o.ReferenceID]
		if !o.IssuedOn.IsZero() {
			checked++
			if !samePrecision(o.IssuedOn, r.IssuedOn) {
				t.Errorf("%s: the text dates %s %s, the registry %s", o.CitationID, r.ID, o.IssuedOn, r.IssuedOn)
			}
		}
		if o.Issuer != "" && o.Issuer != r.Issuer {
			t.Errorf("%s: the text names %q as issuer of %s, the registry %q", o.CitationID, o.Issuer, r.ID, r.Issuer)
		}
		if len(o.RevisedOn) > 0 && !reflect.DeepEqual(o.RevisedOn, r.RevisedOn) {
			t.Errorf("%s: the text revises %s on %v, the registry %v", o.CitationID, r.ID, o.RevisedOn, r.RevisedOn)
		}
	}
	if checked != 13 {
		t.Errorf("%d dates checked, want the 13 the text gives", checked)
	}
}

// samePrecision reports whether registry date r agrees with text date d to
// the precision of d.
func samePrecision(d, r policy.Date) bool {
	return d.Year == r.Year && (d.Month == 0 || d.Month == r.Month) && (d.Day == 0 || d.Day == r.Day)
}

func TestStableIDs(t *testing.T) {
	a, _ := corpusDoc(t)
	b, _ := corpusDoc(t)
	ids := func(d *policy.Document) []string {
		var out []string
		for _, c := range d.Citations {
			out = append(out, c.ID+" "+c.TargetID)
		}
		for _, r := range d.References {
			out = append(out, r.ID)
		}
		return out
	}
	if !reflect.DeepEqual(ids(a), ids(b)) {
		t.Error("citation or reference IDs differ between two extractions")
	}
}

// TestForms covers forms the corpus lacks: unregistered titles and laws,
// 同法, several acts, article pinpoints, scope of definitions.
func TestForms(t *testing.T) {
	text := "テスト方針\n１\n\n基本\n" +
		"個人情報の保護に関する法律（平成15年法律第57号）第２条第１項に定める。同法の趣旨を踏まえる。" +
		"「架空の行動計画」（令和２年１月10日某本部決定、令和３年２月１日某本部改定）に基づき、同計画を推進する。" +
		"「ただの強調」は引用ではない。基本法は未定義である。" +
		"\n２\n\n別\nサイバーセキュリティ基本法（平成26年法律第104号。以下「基本法」という。）及び基本法等。上記１を参照。\n"
	doc, err := parse.Document(context.Background(), "t.txt", []byte(text), parse.Options{ID: "test"})
	if err != nil {
		t.Fatal(err)
	}
	Extract(doc, registry(t))
	var got []string
	for _, c := range doc.Citations {
		got = append(got, local2(c.SourceID)+" "+string(c.Form)+" "+c.TargetID+" "+c.Text+" "+c.Pinpoint)
	}
	want := []string{
		"1 DIRECT ref:law-h15-57 個人情報の保護に関する法律（平成15年法律第57号） 第２条第１項",
		"1 ANAPHORA ref:law-h15-57 同法 ",
		"1 DIRECT ref:x-6b0124154f 「架空の行動計画」（令和２年１月10日某本部決定、令和３年２月１日某本部改定） ",
		"1 ANAPHORA ref:x-6b0124154f 同計画 ",
	}
	if len(got) < 4 || !reflect.DeepEqual(got[:4], want) {
		t.Errorf("section 1 citations:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	refs := map[string]*policy.Reference{}
	for _, r := range doc.References {
		refs[r.ID] = r
	}
	if r := refs["ref:x-6b0124154f"]; r == nil || r.Resolved || r.Kind != policy.RefPlan || r.IssuedOn.String() != "2020-01-10" ||
		r.Issuer != "某本部" || len(r.RevisedOn) != 1 || r.RevisedOn[0].String() != "2021-02-01" {
		t.Errorf("unregistered plan: %+v", r)
	}
	if r := refs["ref:law-h15-57"]; r == nil || r.Resolved || r.Kind != policy.RefLaw || r.LawNumber != "平成15年法律第57号" {
		t.Errorf("unregistered law: %+v", r)
	}
	// 基本法 in section 1 comes before its definition in section 2: no use.
	// In section 2, the definition inside the law's parenthetical, then two uses.
	var s2 []string
	for _, g := range got[4:] {
		s2 = append(s2, g)
	}
	want2 := []string{
		"2 DIRECT ref:cybersecurity-basic-act サイバーセキュリティ基本法（平成26年法律第104号。以下「基本法」という。） ",
		"2 ABBREVIATION ref:cybersecurity-basic-act 基本法 ",
	}
	if !reflect.DeepEqual(s2, want2) {
		t.Errorf("section 2 citations:\n%s\nwant\n%s", strings.Join(s2, "\n"), strings.Join(want2, "\n"))
	}
	if len(doc.CrossReferences) != 1 || doc.CrossReferences[0].TargetID != "test:1" {
		t.Errorf("cross-references: %+v", doc.CrossReferences)
	}
}

func local2(id string) string { return id[strings.IndexByte(id, ':')+1:] }

func TestLoadRegistryRejects(t *testing.T) {
	for _, bad := range []string{
		`{"references":[{"slug":"Bad Slug","title":"x","kind":"LAW"}]}`,
		`{"references":[{"slug":"a","title":"x","kind":"NOVEL"}]}`,
		`{"references":[{"slug":"a","title":"x","kind":"LAW","issuedOn":"2019-13"}]}`,
		`{"references":[{"slug":"a","title":"x","kind":"LAW"},{"slug":"a","title":"y","kind":"LAW"}]}`,
		`not json`,
	} {
		if _, err := LoadRegistry([]byte(bad)); err == nil {
			t.Errorf("LoadRegistry(%s) succeeded", bad)
		}
	}
}

// TestCrossReferencesInOtherSchemes: internal references are read in the
// numbering of the document that makes them — 第２の１(1) in 公用文, 上記１
// within the same 第N, 上記(2) within the same section.
func TestCrossReferencesInOtherSchemes(t *testing.T) {
	text := `情報システムの調達に関する方針
第１　基本的な考え方
１　背景
政府機関等の調達においては、供給網の安全性を確保することが重要である。
２　目的
上記１の背景を踏まえ、調達の手続を見直すものとする。
第２　取り組む事項
１　調達の手続
（１）　要件の明確化
調達する機器の要件を明確にする。
（２）　審査
第１の２に示す目的に沿って審査を行う。上記（１）の要件を満たすものに限る。
２　体制
第２の１（２）に掲げる審査のため、体制を整備する。
`
	reg, err := LoadRegistry(corpus.Registry())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parse.Document(context.Background(), "k.txt", []byte(text), parse.Options{ID: "kobun"})
	if err != nil {
		t.Fatal(err)
	}
	Extract(doc, reg)
	var got []string
	for _, x := range doc.CrossReferences {
		got = append(got, fmt.Sprintf("%s→%s %s", strings.TrimPrefix(x.SourceID, "kobun:"), strings.TrimPrefix(x.TargetID, "kobun:"), x.Text))
	}
	want := []string{"1.2→1.1 上記１", "2.1.2→1.2 第１の２", "2.1.2→2.1.1 上記（１）", "2.2→2.1.2 第２の１（２）"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("cross-references:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
