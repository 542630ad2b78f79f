package numbering

import (
	"fmt"
	"testing"
)

// TestRead reads the markers of the family in their printed forms.
func TestRead(t *testing.T) {
	tests := []struct {
		line string
		want string // kind/frame/depth number raw|rest, or "" for none
	}{
		{"第１　基本的な考え方", "Dai 1 第１　|基本的な考え方"},
		{"第 ２", "Dai 2 第 ２|"},
		{"第2部 総論", "Part 2 第2部 |総論"},
		{"第一章　総則", "Chapter 1 第一章　|総則"},
		{"第3節", "Clause 3 第3節|"},
		{"第 1 部　総論", "Part 1 第 1 部　|総論"},
		{"第１　部", "Part 1 第１　部|"},
		{"第４次行動計画", ""},
		{"第2条", ""},
		{"１", "Arabic 1 １|"},
		{"1 取組の背景", "Arabic 1 1 |取組の背景"},
		{"1. 目的", "Arabic 1 1. |目的"},
		{"１．目的", "Arabic 1 １．|目的"},
		{"103号）に基づき", ""},
		{"1.2 共有する情報", "Decimal/2 2 1.2 |共有する情報"},
		{"2.1.3 演習", "Decimal/3 3 2.1.3 |演習"},
		{"(1) 経済社会", "Paren 1 (1) |経済社会"},
		{"（ ４ ）　国際", "Paren 4 （ ４ ）　|国際"},
		{"① 新たな価値", "Circled 1 ① |新たな価値"},
		{"㉑ 項目", "Circled 21 ㉑ |項目"},
		{"ア　専門人材", "Kana 1 ア　|専門人材"},
		{"アクセス制御", ""},
		{"（イ）　演習", "Kana/paren 2 （イ）　|演習"},
		{"(a) 要件", "Latin/paren 1 (a) |要件"},
		{"a. 要件", "Latin 1 a. |要件"},
		{"ⅰ）サイバー", "Small 1 ⅰ）|サイバー"},
		{"ⅲ ）IT調達", "Small 3 ⅲ ）|IT調達"},
		{"iv) 地方", "Small 4 iv) |地方"},
		{"(i) 監視", "Small/paren 1 (i) |監視; Latin/paren 9 (i) |監視"},
		{"Ⅱ.基本的な考え方", "Roman 2 Ⅱ.|基本的な考え方"},
		{"IV. 評価", "Roman 4 IV. |評価"},
		{"Ⅱ ．範囲", "Roman 2 Ⅱ ．|範囲"},
		{"IT調達", ""},
		{"IoT機器", ""},
		{"（平成28年８月）", ""},
		{"（NISC）", ""},
	}
	for _, tt := range tests {
		got := ""
		for i, m := range Read(tt.line) {
			if i > 0 {
				got += "; "
			}
			got += fmt.Sprintf("%s %d %s|%s", styleName(m.Style), m.Number, m.Raw, m.Rest)
		}
		if got != tt.want {
			t.Errorf("Read(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func styleName(s Style) string {
	name := map[Kind]string{Part: "Part", Chapter: "Chapter", Clause: "Clause", Dai: "Dai", Roman: "Roman", Arabic: "Arabic",
		Decimal: "Decimal", Paren: "Paren", Circled: "Circled", Kana: "Kana", Latin: "Latin", Small: "Small"}[s.Kind]
	switch s.Frame {
	case Paren2:
		name += "/paren"
	case Close:
		name += "/close"
	}
	if s.Depth > 0 {
		name += fmt.Sprintf("/%d", s.Depth)
	}
	return name
}

// TestRank: the order of official writing, outermost first.
func TestRank(t *testing.T) {
	order := []Style{{Kind: Part}, {Kind: Chapter}, {Kind: Clause}, {Kind: Dai}, {Kind: Roman}, {Kind: Arabic},
		{Kind: Decimal, Depth: 2}, {Kind: Decimal, Depth: 3}, {Kind: Paren}, {Kind: Circled}, {Kind: Kana},
		{Kind: Kana, Frame: Paren2}, {Kind: Latin}, {Kind: Latin, Frame: Paren2}, {Kind: Small}}
	for i := 1; i < len(order); i++ {
		if order[i-1].Rank() >= order[i].Rank() {
			t.Errorf("%s does not rank above %s", styleName(order[i-1]), styleName(order[i]))
		}
	}
}

// TestFormat prints labels as the FY2020 policy prints them, and the other
// schemes in their own style.
func TestFormat(t *testing.T) {
	tests := []struct {
		s     Style
		n     int
		chain []int
		full  bool
		want  string
	}{
		{Style{Kind: Arabic}, 2, nil, true, "２"},
		{Style{Kind: Paren}, 2, nil, false, "(2)"},
		{Style{Kind: Circled}, 3, nil, false, "③"},
		{Style{Kind: Small}, 1, nil, false, "ⅰ）"},
		{Style{Kind: Small}, 40, nil, false, "xl）"},
		{Style{Kind: Small, Frame: Paren2}, 2, nil, false, "(ii)"},
		{Style{Kind: Dai}, 2, nil, true, "第２"},
		{Style{Kind: Chapter}, 1, nil, false, "第1章"},
		{Style{Kind: Roman}, 3, nil, false, "Ⅲ"},
		{Style{Kind: Decimal, Depth: 3}, 3, []int{1, 2, 3}, false, "1.2.3"},
		{Style{Kind: Kana}, 3, nil, false, "ウ"},
		{Style{Kind: Kana, Frame: Paren2}, 1, nil, false, "(ア)"},
		{Style{Kind: Latin, Frame: Paren2}, 2, nil, false, "(b)"},
	}
	for _, tt := range tests {
		if got := Format(tt.s, tt.n, tt.chain, tt.full); got != tt.want {
			t.Errorf("Format(%s, %d) = %q, want %q", styleName(tt.s), tt.n, got, tt.want)
		}
	}
}
