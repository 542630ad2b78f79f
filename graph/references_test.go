package graph_test

import (
	"encoding/json"
	"testing"
)

// TestReferencesGolden checks every reference the FY2020 policy cites —
// kind, dates, issuer, law number, e-Gov ID, aliases — and who cites it,
// against testdata/references.golden.json.
func TestReferencesGolden(t *testing.T) {
	srv, _ := newServer(t)
	r := post(t, srv, `{ references {
		id title titleEn kind issuedOn revisedOn issuer lawNumber eGovLawId aliases resolved
		citedBy { id }
		citations { id source { id } text start end pinpoint form }
	} }`, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	checkGolden(t, "references.golden.json", r.Data)
}

// TestCitationSpans walks every citation through the API: the span at its
// code-point offsets in source.text is its text.
func TestCitationSpans(t *testing.T) {
	srv, _ := newServer(t)
	r := post(t, srv, `{ provisions { id text citations { id text start end source { id } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	var got struct {
		Provisions []struct {
			ID, Text  string
			Citations []struct {
				ID, Text   string
				Start, End int
				Source     struct{ ID string }
			}
		}
	}
	if err := json.Unmarshal(r.Data, &got); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range got.Provisions {
		text := []rune(p.Text)
		for _, c := range p.Citations {
			n++
			if c.Source.ID != p.ID || c.Start < 0 || c.End > len(text) || c.Start >= c.End || string(text[c.Start:c.End]) != c.Text {
				t.Errorf("%s: [%d:%d] of %s is not %q", c.ID, c.Start, c.End, p.ID, c.Text)
			}
		}
	}
	if n != 20 {
		t.Errorf("%d citations, want 20", n)
	}
}

func TestReferenceQueries(t *testing.T) {
	srv, _ := newServer(t)
	tests := []queryTest{
		{"which items and sub-items cite the Fourth Action Plan, with the cited span",
			`{ reference(id: "ref:ci-action-plan-4") { title citations(kinds: [ITEM, SUBITEM]) { text source { id label kind } } } }`,
			`{"reference":{"title":"重要インフラの情報セキュリティ対策に係る第４次行動計画","citations":[{"text":"「重要インフラの情報セキュリティ対策に係る第４次行動計画」（平成29年4月18日サイバーセキュリティ戦略本部決定、平成30年7月25日サイバーセキュリティ戦略本部改定）","source":{"id":"cs-budget-policy-fy2020:2.2.2.1","label":"２(2)②ⅰ）","kind":"SUBITEM"}}]}}`},
		{"the strategy through 戦略, items only",
			`{ reference(id: "ref:cybersecurity-strategy-2018") { citedBy(kinds: [ITEM]) { id } aliases } }`,
			`{"reference":{"citedBy":[{"id":"cs-budget-policy-fy2020:2.2.5"}],"aliases":["戦略"]}}`},
		{"terms",
			`{ terms(document: "cs-budget-policy-fy2020") { term meaning reference { id } definedIn { id } uses { id } } }`,
			`{"terms":[{"term":"基本法","meaning":"サイバーセキュリティ基本法","reference":{"id":"ref:cybersecurity-basic-act"},"definedIn":{"id":"cs-budget-policy-fy2020:preamble"},"uses":[]},{"term":"戦略","meaning":"サイバーセキュリティ戦略","reference":{"id":"ref:cybersecurity-strategy-2018"},"definedIn":{"id":"cs-budget-policy-fy2020:1"},"uses":[{"id":"cs-budget-policy-fy2020:2"},{"id":"cs-budget-policy-fy2020:2.2.5"}]},{"term":"ＤＸ","meaning":"デジタルトランスフォーメーション","reference":null,"definedIn":{"id":"cs-budget-policy-fy2020:2.1.1"},"uses":[{"id":"cs-budget-policy-fy2020:2.4.1"}]}]}`},
		{"the scope of ＤＸ: from (1)① to the end",
			`{ terms(document: "cs-budget-policy-fy2020") { term scope { label } } }`,
			`{"terms":[{"term":"基本法","scope":[{"label":"前文"},{"label":"１"},{"label":"２"},{"label":"２(1)"},{"label":"２(1)①"},{"label":"２(1)②"},{"label":"２(1)③"},{"label":"２(2)"},{"label":"２(2)①"},{"label":"２(2)①ⅰ）"},{"label":"２(2)①ⅱ）"},{"label":"２(2)①ⅲ）"},{"label":"２(2)①ⅳ）"},{"label":"２(2)②"},{"label":"２(2)②ⅰ）"},{"label":"２(2)②ⅱ）"},{"label":"２(2)②ⅲ）"},{"label":"２(2)③"},{"label":"２(2)③ⅰ）"},{"label":"２(2)③ⅱ）"},{"label":"２(2)③ⅲ）"},{"label":"２(2)④"},{"label":"２(2)⑤"},{"label":"２(2)⑥"},{"label":"２(2)⑦"},{"label":"２(3)"},{"label":"２(3)①"},{"label":"２(3)②"},{"label":"２(3)③"},{"label":"２(4)"},{"label":"２(4)①"},{"label":"２(4)②"},{"label":"２(4)③"},{"label":"２(5)"},{"label":"３"}]},{"term":"戦略","scope":[{"label":"１"},{"label":"２"},{"label":"２(1)"},{"label":"２(1)①"},{"label":"２(1)②"},{"label":"２(1)③"},{"label":"２(2)"},{"label":"２(2)①"},{"label":"２(2)①ⅰ）"},{"label":"２(2)①ⅱ）"},{"label":"２(2)①ⅲ）"},{"label":"２(2)①ⅳ）"},{"label":"２(2)②"},{"label":"２(2)②ⅰ）"},{"label":"２(2)②ⅱ）"},{"label":"２(2)②ⅲ）"},{"label":"２(2)③"},{"label":"２(2)③ⅰ）"},{"label":"２(2)③ⅱ）"},{"label":"２(2)③ⅲ）"},{"label":"２(2)④"},{"label":"２(2)⑤"},{"label":"２(2)⑥"},{"label":"２(2)⑦"},{"label":"２(3)"},{"label":"２(3)①"},{"label":"２(3)②"},{"label":"２(3)③"},{"label":"２(4)"},{"label":"２(4)①"},{"label":"２(4)②"},{"label":"２(4)③"},{"label":"２(5)"},{"label":"３"}]},{"term":"ＤＸ","scope":[{"label":"２(1)①"},{"label":"２(1)②"},{"label":"２(1)③"},{"label":"２(2)"},{"label":"２(2)①"},{"label":"２(2)①ⅰ）"},{"label":"２(2)①ⅱ）"},{"label":"２(2)①ⅲ）"},{"label":"２(2)①ⅳ）"},{"label":"２(2)②"},{"label":"２(2)②ⅰ）"},{"label":"２(2)②ⅱ）"},{"label":"２(2)②ⅲ）"},{"label":"２(2)③"},{"label":"２(2)③ⅰ）"},{"label":"２(2)③ⅱ）"},{"label":"２(2)③ⅲ）"},{"label":"２(2)④"},{"label":"２(2)⑤"},{"label":"２(2)⑥"},{"label":"２(2)⑦"},{"label":"２(3)"},{"label":"２(3)①"},{"label":"２(3)②"},{"label":"２(3)③"},{"label":"２(4)"},{"label":"２(4)①"},{"label":"２(4)②"},{"label":"２(4)③"},{"label":"２(5)"},{"label":"３"}]}]}`},
		{"cross-references both ways",
			`{ a: provision(id: "cs-budget-policy-fy2020:1") { crossReferences { id } referencedBy { id } } b: provision(id: "cs-budget-policy-fy2020:2") { crossReferences { id } referencedBy { id } } }`,
			`{"a":{"crossReferences":[{"id":"cs-budget-policy-fy2020:2"}],"referencedBy":[{"id":"cs-budget-policy-fy2020:2"}]},"b":{"crossReferences":[{"id":"cs-budget-policy-fy2020:1"}],"referencedBy":[{"id":"cs-budget-policy-fy2020:1"}]}}`},
		{"a provision's references in order of first citation",
			`{ provision(label: "(4)①") { references { id } } }`,
			`{"provision":{"references":[{"id":"ref:cybersecurity-hr-development-programme"},{"id":"ref:cybersecurity-hr-development-policy-2018"},{"id":"ref:cybersecurity-hr-comprehensive-policy"},{"id":"ref:ministry-security-it-hr-plans"}]}}`},
		{"law with pinpoint, by node",
			`{ node(id: "cs-budget-policy-fy2020:preamble~c1") { ... on Citation { text pinpoint form target { id lawNumber eGovLawId kind issuedOn } } } }`,
			`{"node":{"text":"サイバーセキュリティ基本法（平成26年法律第104号）","pinpoint":"第26条第１項第５号","form":"DIRECT","target":{"id":"ref:cybersecurity-basic-act","lawNumber":"平成26年法律第104号","eGovLawId":"426AC1000000104","kind":"LAW","issuedOn":"2014-11-12"}}}`},
		{"references by kind",
			`{ references(kind: LAW) { id } }`,
			`{"references":[{"id":"ref:cybersecurity-basic-act"},{"id":"ref:it-basic-act"},{"id":"ref:public-private-data-basic-act"}]}`},
		{"reference node",
			`{ node(id: "ref:iot-security-general-framework") { __typename ... on Reference { issuedOn issuer resolved } } }`,
			`{"node":{"__typename":"Reference","issuedOn":"2016-08","issuer":"内閣サイバーセキュリティセンター","resolved":true}}`},
		{"anaphora", `{ citations(target: "ref:cybersecurity-awareness-programme") { id form text } }`,
			`{"citations":[{"id":"cs-budget-policy-fy2020:2.4.3~c1","form":"DIRECT","text":"「サイバーセキュリティ意識・行動強化プログラム」（平成31年１月24日サイバーセキュリティ戦略本部決定）"},{"id":"cs-budget-policy-fy2020:2.4.3~c2","form":"ANAPHORA","text":"同プログラム"}]}`},
	}
	checkData(t, srv, tests)
	for _, q := range []string{`{ reference(id: "ref:nope") { id } }`, `{ node(id: "ref:nope") { id } }`, `{ node(id: "x:1~c9") { id } }`, `{ citations(target: "ref:nope") { id } }`} {
		if r := post(t, srv, q, nil); len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "NOT_FOUND" {
			t.Errorf("%s: %+v, want NOT_FOUND", q, r.Errors)
		}
	}
}
