package parse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/numbering"

	"github.com/policykb/policykb/internal/policy"
)

// corpusLines returns the corpus as lines, to be edited by a test.
func corpusLines(t testing.TB) []string {
	return strings.Split(string(readCorpus(t)), "\n")
}

// edit returns the corpus with line no (1-based) replaced by repl (several
// lines if repl holds line breaks), checking that it held old.
func edit(t testing.TB, no int, old, repl string) string {
	t.Helper()
	ls := corpusLines(t)
	if ls[no-1] != old {
		t.Fatalf("line %d is %q, not %q", no, ls[no-1], old)
	}
	ls[no-1] = repl
	return strings.Join(ls, "\n")
}

// TestNumberingErrors: a line with the form of a marker line whose number
// breaks the sequence, at any level and in any form, is an error naming the
// line, what was found and what was expected.
func TestNumberingErrors(t *testing.T) {
	ls := corpusLines(t)
	// Sections ２ and ３ swapped: lines 30-213 and 214-222.
	swapped := strings.Join(append(append(append(append([]string{}, ls[:29]...), ls[213:222]...), ls[29:213]...), ls[222:]...), "\n")
	tests := []struct {
		name string
		text string
		want string
	}{
		{"section printed twice (３ as ２)", edit(t, 214, "３", "２"), "x.txt:214: section ２ out of sequence: expected ３ after ２"},
		{"section printed twice, half-width", edit(t, 214, "３", "2"), "x.txt:214: section 2 out of sequence: expected ３ after ２"},
		{"first section printed twice", edit(t, 30, "２", "１"), "x.txt:30: section １ out of sequence: expected ２ after １"},
		{"sections out of order", swapped, "x.txt:30: section ３ out of sequence: expected ２ after １"},
		{"first section skipped", edit(t, 14, "１", "２"), "x.txt:14: section ２ out of sequence: expected １"},
		{"section with its heading on the line, repeated", edit(t, 214, "３", "２　留意事項の二"), "x.txt:214: section ２ out of sequence: expected ３ after ２"},
		{"area repeated", edit(t, 57, "(2) 国民が安全で安心して暮らせる社会の実現", "(1) 国民が安全で安心して暮らせる社会の実現"), "x.txt:57: area (1) out of sequence: expected (2) after (1)"},
		{"area skipped, full-width", edit(t, 142, "(3) 国際社会の平和・安定及び我が国の安全保障", "（４）国際社会の平和・安定及び我が国の安全保障"), "x.txt:142: area （４） out of sequence: expected (3) after (2)"},
		{"first area skipped", edit(t, 35, "(1) 経済社会の活力の向上及び持続的発展", "(2) 経済社会の活力の向上及び持続的発展"), "x.txt:35: area (2) out of sequence: expected (1)"},
		{"area out of order", edit(t, 207, "(5) 推進体制", "(3) 推進体制"), "x.txt:207: area (3) out of sequence: expected (5) after (4)"},
		{"item skipped", edit(t, 48, "② 多様なつながりから価値を生み出すサプライチェーンの実現", "③ 多様なつながりから価値を生み出すサプライチェーンの実現"), "x.txt:48: item ③ out of sequence: expected ② after ①"},
		{"item repeated", edit(t, 71, "② 官民一体となった重要インフラの防護", "① 官民一体となった重要インフラの防護"), "x.txt:71: item ① out of sequence: expected ② after ①"},
		{"first item skipped", edit(t, 143, "① 自由、公正かつ安全なサイバー空間の堅持", "② 自由、公正かつ安全なサイバー空間の堅持"), "x.txt:143: item ② out of sequence: expected ①"},
		{"item beyond ⑳", edit(t, 138, "⑦ 大規模サイバー攻撃事態等への対処態勢の強化", "㉑ 大規模サイバー攻撃事態等への対処態勢の強化"), "x.txt:138: item ㉑ out of sequence: expected ⑦ after ⑥"},
		{"sub-item repeated", edit(t, 63, "ⅱ）政府機関や重要インフラ事業者等が提供するサービス全体の基盤", "ⅰ）政府機関や重要インフラ事業者等が提供するサービス全体の基盤"), "x.txt:63: sub-item ⅰ） out of sequence: expected ⅱ） after ⅰ）"},
		{"sub-item skipped, stray space", edit(t, 103, "ⅲ ）IT調達においてサプライチェーン・リスクに対応するために必", "ⅳ ）IT調達においてサプライチェーン・リスクに対応するために必"), "x.txt:103: sub-item ⅳ ） out of sequence: expected ⅲ） after ⅱ）"},
		{"sub-item in Latin letters, skipped", edit(t, 86, "ⅲ）地方公共団体におけるセキュリティ対策については、国による", "iv) 地方公共団体におけるセキュリティ対策については、国による"), "x.txt:86: sub-item iv) out of sequence: expected ⅲ） after ⅱ）"},
		{"item where no area encloses it", edit(t, 216, "留意事項", "留意事項\n① 経費の扱い"), "x.txt:217: item ① out of sequence: expected area (1) before it"},
		{"sub-item where no item encloses it", edit(t, 208, "関係機関がそれぞれの機能を果たし、政府一体となったサイバーセキュ", "ⅰ）関係機関がそれぞれの機能を果たし、政府一体となったサイバーセキュ"), "x.txt:208: sub-item ⅰ） out of sequence: expected item ① before it"},
		{"huge section number", edit(t, 214, "３", strings.Repeat("９", 40)), "x.txt:214: section " + strings.Repeat("９", 40) + " out of sequence: expected ３ after ２"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Document(context.Background(), "x.txt", []byte(tt.text), Options{})
			var pe *Error
			if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant %s", err, tt.want)
			}
			if errors.Is(err, ErrTruncated) || policy.ErrorCode(err) != policy.EINVALID {
				t.Errorf("err %v: truncated %v, code %s", err, errors.Is(err, ErrTruncated), policy.ErrorCode(err))
			}
		})
	}
}

// TestNumberingInRunningText: marker-like text inside a paragraph is text.
func TestNumberingInRunningText(t *testing.T) {
	tests := []struct {
		name, text, para string
	}{
		// A wrapped line of a paragraph that begins with "(1)": the line
		// before it stops mid-sentence.
		{"area marker after a line that runs on", edit(t, 18, "術・サービスを制御できず、多大な経済的・社会的損失が生ずる可能性は指",
			"術・サービスを制御できず、多大な経済的・社会的損失が生ずる可能性は、\n(1) に掲げるとおり指"), "可能性は、(1) に掲げるとおり指"},
		{"item marker after a line that runs on", edit(t, 18, "術・サービスを制御できず、多大な経済的・社会的損失が生ずる可能性は指",
			"術・サービスを制御できず、多大な経済的・社会的損失が生ずる可能性は\n③ 以下で述べるとおり指"), "可能性は③ 以下で述べるとおり指"},
		// After a sentence end, a reference running into a particle.
		{"area reference after a sentence", edit(t, 21, "全保障・危機管理の観点からも極めて重要である。",
			"全保障・危機管理の観点からも極めて重要である。\n(3)に掲げる分野も同様である。"), "(3)に掲げる分野も同様である。"},
		{"sub-item reference after a sentence", edit(t, 21, "全保障・危機管理の観点からも極めて重要である。",
			"全保障・危機管理の観点からも極めて重要である。\nⅱ）及びⅲ）も同様である。"), "ⅱ）及びⅲ）も同様である。"},
		// Inside brackets a sentence end is no boundary.
		{"section number inside a parenthetical", edit(t, 6, "法」という。", "法」という。\n５　に同じ"), "５　に同じ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := mustParse(t, "x.txt", []byte(tt.text))
			if len(doc.Provisions) != 35 {
				t.Errorf("%d provisions, want 35", len(doc.Provisions))
			}
			found := false
			for _, p := range doc.Provisions {
				for _, para := range p.Paragraphs {
					found = found || strings.Contains(para, tt.para)
				}
			}
			if !found {
				t.Errorf("no paragraph holds %q", tt.para)
			}
			checkLossless(t, tt.text, doc)
		})
	}
}

// TestNoNumberingCap: numbers run on as far as the text goes.
func TestNoNumberingCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("長い方針\n")
	const n = 10050
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s\n\n見出し%d\n(1) 分野\n本文である。\n", numbering.Format(numbering.Style{Kind: numbering.Arabic}, i, nil, true), i)
	}
	for i := 2; i <= 120; i++ {
		fmt.Fprintf(&b, "(%d) 分野%d\n本文である。\n", i, i)
	}
	doc, err := Document(context.Background(), "long.txt", []byte(b.String()), Options{ID: "long"})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(doc.Provisions); got != 2*n+119 {
		t.Fatalf("%d provisions, want %d", got, 2*n+119)
	}
	last := doc.Provisions[len(doc.Provisions)-1]
	if last.ID != fmt.Sprintf("long:%d.120", n) || last.Label != "１００５０(120)" {
		t.Errorf("last provision %s %s", last.ID, last.Label)
	}
	if s := doc.Provisions[2*n-2]; s.ID != fmt.Sprintf("long:%d", n) || s.Heading != fmt.Sprintf("見出し%d", n) {
		t.Errorf("section %d: %s %q", n, s.ID, s.Heading)
	}
}

// TestTruncated: the corpus cut short as iconv leaves it when it stops at
// the first character it cannot convert (①), is refused as truncated.
func TestTruncated(t *testing.T) {
	src := readCorpus(t)
	cut := src[:strings.Index(string(src), "①")]
	_, err := Document(context.Background(), "cut.txt", cut, Options{})
	if !errors.Is(err, ErrTruncated) || !strings.HasPrefix(err.Error(), "cut.txt:35: text looks truncated") {
		t.Fatalf("err = %v, want cut.txt:35: text looks truncated…", err)
	}
	doc, err := Document(context.Background(), "cut.txt", cut, Options{AllowTruncated: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Provisions) != 4 || len(doc.Warnings) != 1 || !strings.Contains(doc.Warnings[0], "cut.txt:35: text looks truncated") {
		t.Errorf("%d provisions, warnings %q", len(doc.Provisions), doc.Warnings)
	}
	if doc := mustParse(t, "corpus", src); len(doc.Warnings) != 0 {
		t.Errorf("the whole text has warnings %q", doc.Warnings)
	}
}

// TestTruncatedEveryCut cuts the corpus at every line end and at every
// character of every line (every 5th under -short, every 3rd under the race
// detector): each prefix is refused
// as truncated (or has no structure yet), unless it ends, as the whole text
// does, after a sentence (。 or こと) at the end of a provision, with every
// bracket closed, on a page without a footer.
func TestTruncatedEveryCut(t *testing.T) {
	src := string(readCorpus(t))
	step := 1
	switch {
	case testing.Short():
		step = 5
	case raceDetector:
		step = 3 // and every line end, as always
	}
	var cuts []int
	for i, n := 0, 0; i < len(src); n++ {
		_, size := utf8.DecodeRuneInString(src[i:])
		i += size
		if n%step == 0 || i == len(src) || src[i-1] == '\n' || i < len(src) && src[i] == '\n' {
			cuts = append(cuts, i)
		}
	}
	firstFooter := strings.Index(src, "\n1\n")
	whole := strings.TrimRight(src, "\n")
	accepted, refused := 0, 0
	for _, n := range cuts {
		prefix := src[:n]
		doc, err := Document(context.Background(), "cut.txt", []byte(prefix), Options{})
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("cut at %d: %v", n, err)
			}
			refused++
			if errors.Is(err, ErrTruncated) {
				d, err := Document(context.Background(), "cut.txt", []byte(prefix), Options{AllowTruncated: true})
				if err != nil || len(d.Warnings) != 1 {
					t.Fatalf("cut at %d with AllowTruncated: %v", n, err)
				}
			}
			continue
		}
		if strings.TrimRight(prefix, "\n") == whole || strings.TrimRight(prefix, "\n ") == strings.TrimRight(whole, "6\n") {
			if strings.TrimRight(prefix, "\n") == whole {
				continue
			}
		}
		accepted++
		body := strings.TrimRight(prefix, " \n")
		para, _ := lastParagraph(doc)
		if n > firstFooter || !endsSentence(body) || !strings.HasSuffix(body, para[max(0, len(para)-9):]) || bracketDepthFrom(0, para) != 0 {
			t.Errorf("cut at byte %d accepted: …%q", n, body[max(0, len(body)-60):])
		}
	}
	t.Logf("%d cuts: %d refused, %d accepted as ending after a sentence at the end of a provision before the first footer", len(cuts), refused, accepted)
}

// TestSubItemsBeyondTwelve: sub-items run on past ⅻ in Latin letters.
func TestSubItemsBeyondTwelve(t *testing.T) {
	var b strings.Builder
	b.WriteString("方針\n１\n\n見出し\n(1) 分野\n① 項目\n")
	for i := 1; i <= 39; i++ {
		fmt.Fprintf(&b, "%s) 細目であること\n", strings.TrimSuffix(numbering.Format(numbering.Style{Kind: numbering.Small, Frame: numbering.Paren2}, i, nil, false), ")")[1:])
	}
	doc, err := Document(context.Background(), "x.txt", []byte(b.String()), Options{ID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	last := doc.Provisions[len(doc.Provisions)-1]
	if len(doc.Provisions) != 42 || last.ID != "x:1.1.1.39" || last.Label != "１(1)①xxxix）" {
		t.Errorf("%d provisions, last %s %s", len(doc.Provisions), last.ID, last.Label)
	}
	// Beyond xxxix (l is not read as a numeral) it is text.
	if _, err := Document(context.Background(), "x.txt", []byte(b.String()+"xli) 細目であること\n"), Options{ID: "x"}); err != nil {
		t.Errorf("xli): %v", err)
	}
	_, err = Document(context.Background(), "x.txt", []byte(b.String()+"xxxviii) 細目であること\n"), Options{ID: "x"})
	if err == nil || !strings.HasPrefix(err.Error(), "x.txt:46: sub-item xxxviii) out of sequence: expected xl） after xxxix）") {
		t.Errorf("err = %v", err)
	}
}

// TestBracketDepth: the switch of bracketDepthFrom knows the brackets the
// layout rules list.
func TestBracketDepth(t *testing.T) {
	for _, r := range openBrackets {
		if bracketDepthFrom(0, string(r)) != 1 {
			t.Errorf("%q does not open", r)
		}
	}
	for i, r := range []rune(closeBrackets) {
		if bracketDepthFrom(1, string(r)) != 0 || bracketDepthFrom(0, string([]rune(openBrackets)[i])+string(r)) != 0 {
			t.Errorf("%q does not close", r)
		}
	}
	if bracketDepthFrom(0, "）（「") != 2 {
		t.Error("depth counts below zero")
	}
}
