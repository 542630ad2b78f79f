// Package policytest builds policy documents by hand for the tests of the
// packages that store and serve them: documents of any depth, with
// footnotes, that no parser needs to read.
package policytest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/policykb/policykb/internal/policy"
)

// DeepTitle is the title of the documents Deep builds.
const DeepTitle = "多階層の試験文書"

// Marker returns the marker of the n-th provision (from 1) at level (from
// 1), in the schemes of Japanese official writing, outermost first: 第１,
// 1., (1), ①, ア, (ア), a, (a), ⅰ), (i), then [n] below those.
func Marker(level, n int) string {
	kana := []string{"ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク", "ケ", "コ"}
	latin := "abcdefghijklmnopqrstuvwxyz"
	roman := []string{"ⅰ", "ⅱ", "ⅲ", "ⅳ", "ⅴ", "ⅵ", "ⅶ", "ⅷ", "ⅸ", "ⅹ"}
	at := func(xs []string) string { return xs[(n-1)%len(xs)] }
	switch level {
	case 1:
		return "第" + strings.Map(func(r rune) rune { return r - '0' + '０' }, fmt.Sprint(n))
	case 2:
		return fmt.Sprintf("%d.", n)
	case 3:
		return fmt.Sprintf("(%d)", n)
	case 4:
		return string(rune('①' + (n-1)%20))
	case 5:
		return at(kana)
	case 6:
		return "(" + at(kana) + ")"
	case 7:
		return string(latin[(n-1)%len(latin)])
	case 8:
		return "(" + string(latin[(n-1)%len(latin)]) + ")"
	case 9:
		return at(roman) + ")"
	case 10:
		return "(" + strings.ToLower(fmt.Sprint([]string{"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"}[(n-1)%10])) + ")"
	}
	return fmt.Sprintf("[%d]", n)
}

// Deep returns a document with the ID id numbered depth levels deep: a
// preamble; section 第１ with one provision at each level below it down to
// depth, the deepest with a sibling (…:1.1.….1 and …:1.1.….2); and section
// 第２. Provisions down to level 3 have headings, deeper ones none. The
// deepest first provision has two footnotes, whose markers are taken out of
// its text. Every field the parser fills is filled, Level included, and
// the source text is what the provisions were read from.
func Deep(id string, depth int) *policy.Document {
	d := &policy.Document{
		ID: id, Title: DeepTitle, TitleLine: DeepTitle, TitleLineNo: 1,
		PageCount: 1, Encoding: "UTF-8",
	}
	var src []string
	line := func(s string) int {
		src = append(src, s)
		return len(src)
	}
	line(DeepTitle)
	add := func(p *policy.Provision) {
		p.DocumentID, p.Seq, p.Pages = id, len(d.Provisions), []int{1}
		d.Provisions = append(d.Provisions, p)
	}
	pre := &policy.Provision{ID: policy.ProvisionID(id, nil), Kind: policy.KindPreamble, Label: policy.PreambleLabel,
		Paragraphs: []string{"この文書は、階層の深い文書を試すためのものである。"}}
	pre.Line = line(pre.Paragraphs[0])
	pre.ParagraphLines = []int{pre.Line}
	add(pre)

	// provision adds the provision at path under parent, with the text
	// printed (as the source has it) and read (as its paragraph).
	provision := func(path []int, parent *policy.Provision, printed, read string) *policy.Provision {
		level := len(path)
		n := path[level-1]
		p := &policy.Provision{ID: policy.ProvisionID(id, path), Kind: policy.KindAt(level), Level: level, Number: n,
			Marker: Marker(level, n)}
		p.Label = p.Marker
		if parent != nil {
			p.ParentID, p.Label = parent.ID, parent.Label+p.Marker
		}
		if level <= 3 {
			p.Heading = fmt.Sprintf("第%d階層の見出し%d", level, n)
			p.Line = line(p.Marker + " " + p.Heading)
			p.HeadingLine = p.Line
			p.ParagraphLines = []int{line(printed)}
		} else {
			p.Line = line(p.Marker + " " + printed)
			p.ParagraphLines = []int{p.Line}
		}
		p.Paragraphs = []string{read}
		add(p)
		return p
	}
	text := func(path []int) string {
		return fmt.Sprintf("第%d階層の%d番目の本文である。", len(path), path[len(path)-1])
	}
	var chain []*policy.Provision // the provisions …:1, …:1.1, … down to depth
	var parent *policy.Provision
	var path []int
	for level := 1; level <= depth; level++ {
		path = append(path, 1)
		p := append([]int(nil), path...)
		if level < depth {
			parent = provision(p, parent, text(p), text(p))
		} else {
			// Footnote markers glued to words, taken out of the text.
			parent = provision(p, parent, "脚注の付いた語1と、もう一つの語※2を含む本文である。", "脚注の付いた語と、もう一つの語を含む本文である。")
			ref := parent.ParagraphLines[0]
			parent.Notes = []policy.Note{
				{Marker: "1", Text: "一つ目の脚注：語の定義。", Ref: ref},
				{Marker: "※2", Text: "二つ目の脚注：出典 <https://example.org/?a=1&b=2>。", Ref: ref},
			}
		}
		chain = append(chain, parent)
	}
	var notes []policy.Note
	if parent != nil {
		notes = parent.Notes
	}
	if depth > 1 {
		p := append(append([]int(nil), path[:depth-1]...), 2)
		provision(p, chain[depth-2], text(p), text(p))
	}
	if depth > 0 {
		provision([]int{2}, nil, text([]int{2}), text([]int{2}))
	}
	// The notes at the foot of the page.
	for i := range notes {
		notes[i].Line = line(notes[i].Marker + " " + notes[i].Text)
	}
	line("1")
	d.Source = strings.Join(src, "\n") + "\n"
	sum := sha256.Sum256([]byte(d.Source))
	d.SHA256 = hex.EncodeToString(sum[:])
	return d
}
