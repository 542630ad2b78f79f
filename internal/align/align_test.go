package align_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/align"
	"github.com/policykb/policykb/internal/policy"
)

// doc builds the provisions of a document from lines "local heading|text"
// (heading "" for none; texts separated by "/" are paragraphs): parents,
// levels and numbers follow from the local IDs.
func doc(id string, lines ...string) []*policy.Provision {
	var out []*policy.Provision
	for _, l := range lines {
		local, rest, _ := strings.Cut(l, " ")
		heading, text, _ := strings.Cut(rest, "|")
		p := &policy.Provision{ID: id + ":" + local, DocumentID: id, Seq: len(out), Heading: heading}
		if text != "" {
			p.Paragraphs = strings.Split(text, "/")
		}
		if local == "preamble" {
			p.Kind = policy.KindPreamble
		} else {
			parts := strings.Split(local, ".")
			p.Level, p.Kind = len(parts), policy.KindAt(len(parts))
			p.Number = int(parts[len(parts)-1][0] - '0')
			if len(parts) > 1 {
				p.ParentID = id + ":" + strings.Join(parts[:len(parts)-1], ".")
			}
		}
		out = append(out, p)
	}
	return out
}

const (
	textA = "サイバー空間と実空間の一体化が進展する中、技術・サービスを制御できず、多大な経済的・社会的損失が生ずる可能性は拡大している。"
	textB = "重要インフラの防護のための施策については、官民の枠を超えた訓練・演習の実施による障害対応体制の強化をはじめとしたものであること。"
	textC = "大学等の特性を踏まえ、各層別研修や実践的な訓練・演習などについては、その自律的・組織的な取組を促進するものであること。"
	textD = "学校給食において地域で生産された食材を使い、献立に地元の野菜や果物、魚を取り入れる。"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		name     string
		from, to []*policy.Provision
		want     []string // "KIND from to", in the order of the pairs
	}{
		{"the same", doc("a", "1 基本|"+textA), doc("b", "1 基本|"+textA), []string{"SAME 1 1"}},
		{"blanks and widths change nothing", doc("a", "1 ＩｏＴの推進|"+textA), doc("b", "1 IoT の 推進|"+textA), []string{"SAME 1 1"}},
		{"a heading renamed", doc("a", "1 基本的な考え方|"+textA), doc("b", "1 基本方針|"+textA), []string{"CHANGED 1 1"}},
		{"swapped", doc("a", "1 甲|"+textA, "2 乙|"+textB), doc("b", "1 乙|"+textB, "2 甲|"+textA),
			[]string{"MOVED 2 1", "MOVED 1 2"}},
		{"a number reused", doc("a", "1 甲|"+textA, "2 乙|"+textB), doc("b", "1 甲|"+textA, "2 丙|"+textD),
			[]string{"SAME 1 1", "REMOVED 2 ", "ADDED  2"}},
		{"moved to another parent, its child along", doc("a", "1 甲|", "1.1 項|"+textA, "1.1.1 |"+textC, "2 乙|", "2.1 項二|"+textB),
			doc("b", "1 甲|", "2 乙|", "2.1 項二|"+textB, "2.2 項|"+textA, "2.2.1 |"+textC),
			[]string{"SAME 1 1", "SAME 2 2", "SAME 2.1 2.1", "MOVED 1.1 2.2", "SAME 1.1.1 2.2.1"}},
		{"a parent renamed beyond recognition, its children kept", doc("a", "1 横断的施策（人材育成等）|", "1.1 一|"+textA, "1.2 二|"+textB),
			doc("b", "1 人材・研究開発|", "1.1 一|"+textA, "1.2 二|"+textB), []string{"CHANGED 1 1", "SAME 1.1 1.1", "SAME 1.2 1.2"}},
		{"rewritten under its heading", doc("a", "1 大学等における安全・安心な教育・研究環境の確保|"+textC),
			doc("b", "1 大学等における安全・安心な教育・研究環境の確保|"+textD), []string{"CHANGED 1 1"}},
		{"split: the larger part", doc("a", "1 甲|"+textA+"/"+textC[:30]), doc("b", "1 甲|"+textA, "2 乙|"+textC[:30]),
			[]string{"CHANGED 1 1", "ADDED  2"}},
		{"merged: the larger part", doc("a", "1 甲|"+textA, "2 乙|"+textB[:40]), doc("b", "1 甲|"+textA+"/"+textB[:40]),
			[]string{"CHANGED 1 1", "REMOVED 2 "}},
		{"unrelated: nothing forced", doc("a", "1 甲|"+textA, "2 乙|"+textB), doc("b", "1 給食|"+textD),
			[]string{"REMOVED 1 ", "REMOVED 2 ", "ADDED  1"}},
		{"empty", doc("a", "1 甲|"+textA), nil, []string{"REMOVED 1 "}},
		{"from nothing", nil, doc("b", "1 甲|"+textA), []string{"ADDED  1"}},
		{"a removed one after its predecessor", doc("a", "1 甲|"+textA, "2 乙|"+textB, "3 丙|"+textC), doc("b", "1 甲|"+textA, "2 丙|"+textC),
			[]string{"SAME 1 1", "REMOVED 2 ", "MOVED 3 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range align.Compare(tt.from, tt.to) {
				got = append(got, string(p.Kind)+" "+local(p.From)+" "+local(p.To))
				if p.Kind == policy.PairSame && p.Similarity != 1 || p.Kind == policy.PairChanged && p.Similarity == 1 {
					t.Errorf("%s %s → %s: similarity %v", p.Kind, local(p.From), local(p.To), p.Similarity)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSimilarity(t *testing.T) {
	p := func(heading string, paras ...string) *policy.Provision {
		return &policy.Provision{Heading: heading, Paragraphs: paras}
	}
	for _, c := range []struct {
		name     string
		a, b     *policy.Provision
		min, max float64
	}{
		{"the same", p("見出し", textA), p("見出し", textA), 1, 1},
		{"the same once folded", p("ＩｏＴ", textA), p("IoT", strings.ReplaceAll(textA, "、", "、 ")), 1, 1},
		{"both empty", p(""), p(""), 1, 1},
		{"one empty", p("", textA), p(""), 0, 0},
		{"footnotes count", &policy.Provision{Paragraphs: []string{textA}}, &policy.Provision{Paragraphs: []string{textA}, Notes: []policy.Note{{Marker: "1", Text: "注記"}}}, 0.9, 0.999},
		{"a word changed", p("", textA), p("", strings.Replace(textA, "拡大", "増大", 1)), 0.95, 0.999},
		{"half the text", p("", textA), p("", textA[:len(textA)/2]), 0.6, 0.7},
		{"unrelated", p("", textA), p("", textD), 0, 0.2},
	} {
		if got := align.Similarity(c.a, c.b); got < c.min || got > c.max {
			t.Errorf("%s: %v, want %v to %v", c.name, got, c.min, c.max)
		}
	}
}

func TestFold(t *testing.T) {
	if got := align.Fold("ＩｏＴ 機器　の\n対策（ｱ）"); got != "IoT機器の対策(ア)" {
		t.Errorf("Fold: %q", got)
	}
}
