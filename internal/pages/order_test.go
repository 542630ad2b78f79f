package pages

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

// inOrder reports the first of parts that does not follow the one before
// it in body, or "" when all stand in that order.
func inOrder(body string, parts ...string) string {
	pos := 0
	for _, p := range parts {
		i := strings.Index(body[pos:], p)
		if i < 0 {
			return p
		}
		pos += i + len(p)
	}
	return ""
}

// TestClosingParagraphOrder checks that a paragraph following a list of
// sub-items is shown after them, as in the source (SPEC: it belongs to the
// enclosing item), on the provision page and on the document page.
func TestClosingParagraphOrder(t *testing.T) {
	srv, _ := newServer(t)
	const (
		lead    = "以下の点を踏まえたものであること"
		closing = "また、内閣官房における対策として"
	)
	tests := []struct {
		name, path string
		order      []string
	}{
		{"provision page", "/documents/" + doc + "/2.2.3",
			[]string{lead, `href="/documents/` + doc + `/2.2.3.1"`, `href="/documents/` + doc + `/2.2.3.3"`, `<p class="para closing">` + closing, `<dl class="facts">`}},
		{"document page", "/documents/" + doc,
			[]string{`id="2.2.3"`, lead, `id="2.2.3.1"`, `id="2.2.3.2"`, `id="2.2.3.3"`, "必要な措置を講じるものであること", `data-closes="2.2.3"><p class="para">` + closing, `id="2.2.4"`}},
		{"document page, other items", "/documents/" + doc,
			[]string{`id="2.2.1"`, `id="2.2.1.4"`, `id="2.2.2"`, `id="2.2.2.3"`, `id="2.2.3"`}},
	}
	for _, tt := range tests {
		a := get(t, srv.URL, tt.path, "Accept", htmlAccept)
		if a.status != 200 {
			t.Fatalf("%s: status %d", tt.name, a.status)
		}
		if miss := inOrder(a.body, tt.order...); miss != "" {
			t.Errorf("%s: %q is missing or out of order", tt.name, miss)
		}
		if n := strings.Count(a.body, closing); n != 1 {
			t.Errorf("%s: the closing paragraph stands %d times", tt.name, n)
		}
	}
	// Only 2.2.3 has a closing paragraph in this document.
	a := get(t, srv.URL, "/documents/"+doc, "Accept", htmlAccept)
	if n := strings.Count(a.body, "data-closes="); n != 1 {
		t.Errorf("%d closing blocks on the document page, want 1", n)
	}
	// The JSON says how many paragraphs lead.
	a = get(t, srv.URL, "/documents/"+doc+"/2.2.3?format=json")
	if !strings.Contains(a.body, `"leadingParagraphs": 1,`) {
		t.Errorf("the JSON of 2.2.3 lacks leadingParagraphs 1: %s", a.body)
	}
}

// TestPageMarkers checks where the document page marks the start of each
// source page: before a provision that starts on it, or, where the page
// begins inside a provision's text, right after that provision's own text
// and before the next provision. Every page after the first is marked once.
func TestPageMarkers(t *testing.T) {
	srv, _ := newServer(t)
	a := get(t, srv.URL, "/documents/"+doc, "Accept", htmlAccept)
	// The pages of the corpus begin inside 2.1.1, 2.2.2.2, 2.2.5, 2.3.3 and
	// 2.4.3 (their pages are [1 2], [2 3], [3 4], [4 5] and [5 6]).
	for _, tt := range []struct {
		page          string
		within, after string
	}{
		{"2", "2.1.1", "2.1.2"},
		{"3", "2.2.2.2", "2.2.2.3"},
		{"4", "2.2.5", "2.2.6"},
		{"5", "2.3.3", "2.4"},
		{"6", "2.4.3", "2.5"},
	} {
		marker := `aria-label="原文 ` + tt.page + ` 頁はこの項目の途中から"`
		if n := strings.Count(a.body, `aria-label="原文 `+tt.page+` 頁`); n != 1 {
			t.Errorf("page %s is marked %d times", tt.page, n)
		}
		if miss := inOrder(a.body, `id="`+tt.within+`"`, marker, `</section>`, `id="`+tt.after+`"`); miss != "" {
			t.Errorf("page %s: %q is missing or out of order", tt.page, miss)
		}
	}
	// Source pages are 頁; ページ is a web page.
	for _, bad := range []string{"のページ\"", "ページ\">", "全6ページ"} {
		if strings.Contains(a.body, bad) {
			t.Errorf("the document page says %q", bad)
		}
	}
}

var (
	quoteRe = regexp.MustCompile(`(?s)<blockquote cite="([^"]*)"><p>(.*?)</p></blockquote>`)
	tagRe   = regexp.MustCompile(`<[^>]*>`)
)

// balanced reports whether every bracket of s is closed, in order.
func balanced(s string) bool {
	var stack []rune
	for _, r := range s {
		if c, ok := brackets[r]; ok {
			stack = append(stack, c)
		} else if closers[r] {
			if len(stack) == 0 || stack[len(stack)-1] != r {
				return false
			}
			stack = stack[:len(stack)-1]
		}
	}
	return len(stack) == 0
}

// TestCitingSentences checks, for every citation of the corpus, the
// sentence its reference page quotes: it holds the cited span, marked, its
// brackets are balanced, and it is a whole sentence of the provision's text
// (or clauses of one, marked with …).
func TestCitingSentences(t *testing.T) {
	srv, f := newServer(t)
	ctx := context.Background()
	cites, err := f.db.Citations(ctx, policy.CitationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	provs, err := f.db.Provisions(ctx, policy.ProvisionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	textOf := map[string]string{}
	for _, p := range provs {
		textOf[p.ID] = p.Text()
	}
	quoted := map[string]string{} // citation path → quoted sentence, as HTML
	for _, ref := range uniqueTargets(cites) {
		a := get(t, srv.URL, referencePath(ref), "Accept", htmlAccept)
		for _, m := range quoteRe.FindAllStringSubmatch(a.body, -1) {
			quoted[html.UnescapeString(m[1])] = m[2]
		}
	}
	for _, c := range cites {
		q, ok := quoted[citationPath(c.ID)]
		if !ok {
			t.Errorf("%s: not quoted on %s", c.ID, referencePath(c.TargetID))
			continue
		}
		if !strings.Contains(q, "<mark>"+html.EscapeString(c.Text)+"</mark>") {
			t.Errorf("%s: the sentence lacks the span %q: %s", c.ID, c.Text, q)
		}
		plain := html.UnescapeString(tagRe.ReplaceAllString(q, ""))
		if !balanced(plain) {
			t.Errorf("%s: unbalanced brackets in %q", c.ID, plain)
		}
		core := strings.TrimSuffix(strings.TrimPrefix(plain, "…"), "…")
		if !strings.Contains(textOf[c.SourceID], core) {
			t.Errorf("%s: %q is not part of the text of %s", c.ID, core, c.SourceID)
		}
		if !strings.HasSuffix(plain, "。") && !strings.HasSuffix(plain, "…") && !strings.HasSuffix(textOf[c.SourceID], core) &&
			!strings.Contains(textOf[c.SourceID], core+"\n") {
			t.Errorf("%s: %q ends mid-sentence", c.ID, plain)
		}
	}
	// The example of the bug: the preamble's citation of the Basic Act.
	a := get(t, srv.URL, "/references/cybersecurity-basic-act", "Accept", htmlAccept)
	if !strings.Contains(a.body, "（以下「基本法」という。）第26条第１項第５号に基づき") {
		t.Errorf("the Basic Act's citing sentence is cut inside its brackets")
	}
}

func uniqueTargets(cs []*policy.Citation) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cs {
		if !seen[c.TargetID] {
			seen[c.TargetID] = true
			out = append(out, c.TargetID)
		}
	}
	return out
}

// TestPageMarkersAroundChildren checks where a page that begins inside a
// provision with closing paragraphs is marked: after its closing
// paragraphs where its children start on an earlier page, within a child
// that spans onto the page, after its leading paragraphs otherwise.
func TestPageMarkersAroundChildren(t *testing.T) {
	prov := func(id string, lead int, pages ...int) provisionData {
		return provisionData{ID: "d:" + id, Kind: "ITEM", Label: id, Paragraphs: []string{id + "-a", id + "-b"}, Leading: lead, Pages: pages}
	}
	tests := []struct {
		name  string
		ps    []provisionData
		order []string
	}{
		{"page begins in the closing paragraphs",
			[]provisionData{prov("1", 1, 1, 2), prov("1.1", 2, 1), prov("2", 2, 2)},
			[]string{`id="1"`, "1-a", `id="1.1"`, `data-closes="1"`, "1-b", "原文 2 頁はこの項目の途中から", `id="2"`}},
		{"page begins in a child",
			[]provisionData{prov("1", 1, 1, 2), prov("1.1", 2, 1, 2), prov("2", 2, 2)},
			[]string{`id="1"`, "1-a", `id="1.1"`, "1.1-b", "原文 2 頁はこの項目の途中から", `data-closes="1"`, "1-b", `id="2"`}},
		{"page begins in the leading paragraphs",
			[]provisionData{prov("1", 1, 1, 2), prov("1.1", 2, 2), prov("2", 2, 2)},
			[]string{`id="1"`, "1-a", "原文 2 頁はこの項目の途中から", `id="1.1"`, `data-closes="1"`, "1-b", `id="2"`}},
		{"page begins at a provision",
			[]provisionData{prov("1", 2, 1), prov("2", 2, 2)},
			[]string{`id="1"`, "1-b", `aria-label="原文 2 頁"`, `id="2"`}},
	}
	h := New(newFixture(t).res, Options{Logger: quiet})
	for _, tt := range tests {
		var b strings.Builder
		if err := h.renderTo(&b, "document", documentPage(&documentData{ID: "d", Title: "T", Provisions: tt.ps}, nil)); err != nil {
			t.Fatal(err)
		}
		if miss := inOrder(b.String(), tt.order...); miss != "" {
			t.Errorf("%s: %q is missing or out of order", tt.name, miss)
		}
		if n := strings.Count(b.String(), `aria-label="原文 2 頁`); n != 1 {
			t.Errorf("%s: page 2 marked %d times", tt.name, n)
		}
	}
}
