package pages

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func TestSafeHighlight(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a<mark>b</mark>c", "a<mark>b</mark>c"},
		{"&lt;script&gt;<mark>x</mark>", "&lt;script&gt;<mark>x</mark>"},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"<mark>open", "<mark>open</mark>"},
		{"close</mark> <mark>a</mark>", "close <mark>a</mark>"},
		{"<mark><mark>x</mark></mark>", "<mark>x</mark>"},
		{`"q" &amp; 'a'`, "&#34;q&#34; &amp; &#39;a&#39;"},
		{"<MARK onclick=x>y", "&lt;MARK onclick=x&gt;y"},
	}
	for _, tt := range tests {
		if got := string(safeHighlight(tt.in)); got != tt.want {
			t.Errorf("safeHighlight(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLinkSpans(t *testing.T) {
	p := &provisionData{
		Heading:    "見出し",
		Paragraphs: []string{"基本法に基づく。", "<同法>と戦略"},
		Citations: []citationData{
			{ID: "d:1~c1", Text: "基本法", Start: 4, End: 7, Target: &referenceData{ID: "ref:a", Title: "A & B"}},
			{ID: "d:1~c2", Text: "同法", Start: 14, End: 16, Target: &referenceData{ID: "ref:a", Title: "A & B"}, Pinpoint: "第1条"},
			// overlaps the first: left out
			{ID: "d:1~c3", Text: "法に", Start: 6, End: 8, Target: &referenceData{ID: "ref:b", Title: "B"}},
			// runs past the end of the text: cut
			{ID: "d:1~c4", Text: "戦略", Start: 18, End: 99, Target: &referenceData{ID: "ref:c", Title: "C"}},
		},
	}
	heading, paras := richProvision(p, nil, false)
	if heading != "見出し" {
		t.Errorf("heading %q", heading)
	}
	want := []string{
		`<a class="cite" href="/references/a" id="1~c1" title="A &amp; B">基本法</a>に基づく。`,
		`&lt;<a class="cite" href="/references/a" id="1~c2" title="A &amp; B 第1条">同法</a>&gt;と<a class="cite" href="/references/c" id="1~c4" title="C">戦略</a>`,
	}
	for i := range want {
		if string(paras[i]) != want[i] {
			t.Errorf("paragraph %d:\n%s\nwant\n%s", i, paras[i], want[i])
		}
	}
}

func TestSentence(t *testing.T) {
	const basic = "本方針は、サイバーセキュリティ基本法（平成26年法律第104号）（以下「基本法」という。）第26条に基づく。次の文。"
	long := strings.Repeat("あ", 130) + "、前の節、「計画」（以下「計」という。）に基づき、" + strings.Repeat("い", 130) + "、後。"
	tests := []struct {
		name       string
		text       string
		start, end int
		want       string
	}{
		{"plain", "前の文。これは「計画」に基づく。次の文。", 7, 11,
			`これは<a class="cite" href="/x"><mark>「計画」</mark></a>に基づく。`},
		{"。 inside brackets ends no sentence", basic, 5, 18,
			`本方針は、<a class="cite" href="/x"><mark>サイバーセキュリティ基本法</mark></a>（平成26年法律第104号）（以下「基本法」という。）第26条に基づく。`},
		{"span after a bracketed 。", "前。（注。）「甲」による。", 6, 9,
			`（注。）<a class="cite" href="/x"><mark>「甲」</mark></a>による。`},
		{"unbalanced opener runs to the line end", "前。（甲。乙\n次", 3, 4,
			`（<a class="cite" href="/x"><mark>甲</mark></a>。乙`},
		{"long: cut after a clause outside brackets", long, 135, 139,
			`…前の節、<a class="cite" href="/x"><mark>「計画」</mark></a>（以下「計」という。）に基づき、…`},
	}
	for _, tt := range tests {
		if got := string(sentence(tt.text, tt.start, tt.end, "/x")); got != tt.want {
			t.Errorf("%s:\n got  %s\n want %s", tt.name, got, tt.want)
		}
	}
	if got := string(sentence("abc", 2, 9, "/x")); got != "abc" {
		t.Errorf("span out of range: %s", got)
	}
}

func TestFormatDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2019-05-23", "2019年5月23日（令和元年）"},
		{"2019-04-30", "2019年4月30日（平成31年）"},
		{"2019-05", "2019年5月（令和元年）"},
		{"2019", "2019年"},
		{"2016-08", "2016年8月（平成28年）"},
		{"1989-01", "1989年1月"},
		{"1989-01-08", "1989年1月8日（平成元年）"},
		{"1989-01-07", "1989年1月7日（昭和64年）"},
		{"2020", "2020年（令和2年）"},
		{"bogus", "bogus"},
	}
	for _, tt := range tests {
		if got := formatDate(tt.in); got != tt.want {
			t.Errorf("formatDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		accept, query string
		want          format
		bad           bool
	}{
		{"", "", formatHTML, false},
		{"application/json", "", formatJSON, false},
		{"application/json, text/html;q=0.5", "", formatJSON, false},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "", formatHTML, false},
		{"*/*", "", formatHTML, false},
		{"application/*", "", formatJSON, false},
		{"text/html;q=0.1, application/json;q=0.2", "", formatJSON, false},
		{"application/json;q=0", "", formatHTML, false},
		{"application/json;q=bogus", "", formatHTML, false},
		{"garbage;;;,", "", formatHTML, false},
		{"text/html", "format=json", formatJSON, false},
		{"application/json", "format=html", formatHTML, false},
		{"application/json", "format=xml", formatJSON, true},
		{"", "format=json&format=html", formatHTML, true},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/?"+tt.query, nil)
		if tt.accept != "" {
			r.Header.Set("Accept", tt.accept)
		}
		got, err := negotiate(r)
		if got != tt.want || (err != nil) != tt.bad {
			t.Errorf("Accept %q, %q: %v, %v; want %v, error %v", tt.accept, tt.query, got, err, tt.want, tt.bad)
		}
	}
}

func TestExcerpt(t *testing.T) {
	if got := excerpt("短い。", 10); got != "短い。" {
		t.Errorf("%q", got)
	}
	if got := excerpt("一二三四五六七八、九十一二三四五", 10); got != "一二三四五六七八、…" {
		t.Errorf("%q", got)
	}
	if got := excerpt("一二三四五六七八九十一二三四五", 10); got != "一二三四五六七八九十…" {
		t.Errorf("%q", got)
	}
	// A 、 or 。 inside brackets is no place to cut.
	if got := excerpt("一二三、四（五。六）七八九十一二", 10); got != "一二三、四（五。六）…" {
		t.Errorf("%q", got)
	}
	if got := excerpt("一二三四五六七、（八、九十一）二", 10); got != "一二三四五六七、…" {
		t.Errorf("%q", got)
	}
}

// TestSearchExplanation checks that a schema with the fields that explain
// a search makes the search query ask for them, and that the page shows
// them.
func TestSearchExplanation(t *testing.T) {
	with := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { x: Int }
		type SearchConnection { totalCount: Int! partial: Boolean! }
		type SearchHit { score: Float! matches: [Match!]! }
		type Match { query: String! matched: String! via: String! }`})
	conn, hit := searchExtras(with)
	if conn != " partial" || hit != " matches { query matched via }" {
		t.Errorf("searchExtras = %q, %q", conn, hit)
	}
	without := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { x: Int }
		type SearchConnection { totalCount: Int! }
		type SearchHit { score: Float! }`})
	if conn, hit := searchExtras(without); conn != "" || hit != "" {
		t.Errorf("searchExtras without the fields = %q, %q", conn, hit)
	}

	v := &searchView{In: searchInput{Q: "じんざい 育成"}, Result: &searchData{TotalCount: 1, Partial: true},
		Hits: []hitView{{P: provisionData{ID: doc + ":2.4.1", Label: "２(4)①", Heading: "人材育成・確保"},
			Matches: explain([]matchData{{"じんざい", "人材", "READING"}, {"じんざい", "人材", "READING"}, {"育成", "育成", "WRITTEN"}})}}}
	var b bytes.Buffer
	if err := parseTemplates().byName["search"].Execute(&b, page{Title: "t", Body: v}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"一致：「じんざい」→「人材」<span class=\"via\">（読み）</span>、「育成」<span class=\"via\">（表記どおり）</span></p>",
		"すべての語を含む項目はありません"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the page does not show %s", want)
		}
	}
}

// TestCitationGraph checks the nodes and lines of the graph, and that a
// document with many citing provisions is drawn by sections.
func TestCitationGraph(t *testing.T) {
	ref := func(id string) *referenceData { return &referenceData{ID: id, Title: "題名" + id, Kind: "LAW"} }
	ps := []provisionData{
		{ID: "d:1", Label: "１", Heading: "見出し"},
		{ID: "d:1.1", Label: "１(1)", Citations: []citationData{{Target: ref("ref:a")}, {Target: ref("ref:a")}, {Target: ref("ref:b")}}},
		{ID: "d:2", Label: "２", Citations: []citationData{{Target: ref("ref:b")}}},
	}
	svg := string(citationGraph(ps))
	for _, want := range []string{`href="/documents/d/1.1"`, `href="/documents/d/2"`, `href="/references/a"`, `href="/references/b"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("no %s in the graph", want)
		}
	}
	if n := strings.Count(svg, "<path "); n != 3 {
		t.Errorf("%d lines, want 3 (1.1–a, 1.1–b, 2–b)", n)
	}
	if strings.Contains(svg, `href="/documents/d/1"`) {
		t.Errorf("a provision that cites nothing is drawn")
	}
	if citationGraph(ps[:1]) != "" {
		t.Errorf("a graph for a document that cites nothing")
	}

	var many []provisionData
	for i := 1; i <= 3; i++ {
		many = append(many, provisionData{ID: fmt.Sprintf("d:%d", i), Label: fmt.Sprint(i)})
		for j := 1; j <= 30; j++ {
			many = append(many, provisionData{ID: fmt.Sprintf("d:%d.%d", i, j), Label: fmt.Sprint(i, j),
				Citations: []citationData{{Target: ref(fmt.Sprintf("ref:r%d", j%5))}}})
		}
	}
	svg = string(citationGraph(many))
	if n := strings.Count(svg, `class="node provision"`); n != 3 {
		t.Errorf("90 citing provisions drawn as %d nodes, want their 3 sections", n)
	}
	if n := strings.Count(svg, "<path "); n != 15 {
		t.Errorf("%d lines, want 15 (3 sections × 5 references)", n)
	}
}
