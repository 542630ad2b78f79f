package parse_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
)

// TestHostileLayouts tries the layouts an outsider would try against the
// numbering: each is read as a reader would read it, or refused with file
// and line; none hangs, panics or loses text.
func TestHostileLayouts(t *testing.T) {
	const head = "検証用の方針\n令和２年５月１日\n"
	deep := func(n int) string {
		var b strings.Builder
		b.WriteString(head)
		chain := "1"
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "%s 見出し\n本文である。\n", chain)
			chain += ".1"
		}
		return b.String()
	}
	tests := []struct {
		name string
		text string
		// outline: the local IDs and headings expected ("1 見出し|1.1 -"),
		// or err: the start of the error expected.
		outline, err string
		partial      bool
	}{
		{name: "prose starting with a year, a count and an era",
			text:    head + "１　予算\n予算の総額は増加した。\n2023 年度の要求は、前年度を上回る。\n1 人当たりの研修時間も増やす。\n令和2年度の実績を踏まえる。\n２　体制\n体制を整える。\n",
			outline: "1 予算|2 体制"},
		{name: "a page number alone in mid-sentence",
			text:    head + "１　予算\n予算の総額は、前年度の実績を踏\n12\nまえて定める。\n２　体制\n体制を整える。\n13\n",
			outline: "1 予算|2 体制"},
		{name: "a footnote that looks like a heading",
			text:    head + "１　監視\n政府機関の通信はGSOC1により監視される。\n1 政府機関の横断的な監視体制\n- 1 -\n２　体制\n体制を整える。\n- 2 -\n",
			outline: "1 監視 [1:政府機関の横断的な監視体制]|2 体制"},
		{name: "markers with stray blanks",
			text:    head + "第 １　総論\n（ １ ）　目的\n目的を定める。\nⅰ ）細目であること。\n（ ２ ）　範囲\n範囲を定める。\n",
			outline: "1 総論|1.1 目的|1.1.1 -|1.2 範囲"},
		{name: "a scheme that changes half way",
			text: head + "１　総論\n総論である。\n２　各論\n各論である。\n第３　雑則\n雑則である。\n",
			err:  "x.txt:7: section 第３ out of sequence: expected 第１"},
		{name: "a level that reappears where its parent is missing",
			text: head + "第１　総論\n１　目的\n（１）　範囲\n範囲である。\n第２　各論\n（１）　手続\n手続である。\n",
			err:  "x.txt:8: item （１） out of sequence: expected area １ before it"},
		{name: "a list of letters that runs past (h) to (i) and (j)",
			text:    head + "１　総論\n次の事項を定める。\n(a) 一\n(b) 二\n(c) 三\n(d) 四\n(e) 五\n(f) 六\n(g) 七\n(h) 八\n(i) 九\n(j) 十\n以上である。\n",
			outline: "1 総論|1.1 一|1.2 二|1.3 三|1.4 四|1.5 五|1.6 六|1.7 七|1.8 八|1.9 九|1.10 十"},
		{name: "a number skipped by three",
			text: head + "１　総論\n総論である。\n２　各論\n各論である。\n６　雑則\n雑則である。\n",
			err:  "x.txt:7: section ６ out of sequence: expected ３ after ２"},
		{name: "an area skipped by three",
			text: head + "１　総論\n(1) 目的\n目的である。\n(5) 範囲\n範囲である。\n",
			err:  "x.txt:6: area (5) out of sequence: expected (2) after (1)"},
		{name: "blanks inside the markers of parts and Roman numerals",
			text:    head + "第 1 部　総論\nⅠ ．目的\n目的である。\nⅡ ．範囲\n範囲である。\n第 2 部　各論\n各論である。\n",
			outline: "1 総論|1.1 目的|1.2 範囲|2 各論"},
		{name: "counters after a number and a blank",
			text:    head + "１　総論\n総論である。\n2 か年の計画とする。\n2 国間の協力を進める。\n2 つの柱からなる。\n２　各論\n各論である。\n",
			outline: "1 総論|2 各論"},
		{name: "a footnote followed by more sections on its page",
			text:    head + "１　総則\n監視はGSOC1により行う。\n1 Government Security Operation Coordination team\n２　体制\n体制を整える。\n３　推進\n推進する。\n- 1 -\n",
			outline: "1 総則 [1:Government Security Operation Coordination team]|2 体制|3 推進"},
		{name: "ten footnotes at the foot of a page",
			text: head + "１　総則\n" + func() string {
				var b strings.Builder
				for i := 1; i <= 10; i++ {
					fmt.Fprintf(&b, "用語%s%dを用いる。\n", string(rune('A'+i-1)), i)
				}
				for i := 1; i <= 10; i++ {
					fmt.Fprintf(&b, "%d 用語の説明その%d\n", i, i)
				}
				return b.String()
			}() + "- 1 -\n",
			outline: "1 総則 [1:用語の説明その1] [2:用語の説明その2] [3:用語の説明その3] [4:用語の説明その4] [5:用語の説明その5] [6:用語の説明その6] [7:用語の説明その7] [8:用語の説明その8] [9:用語の説明その9] [10:用語の説明その10]"},
		{name: "a footnote marker in a heading",
			text:    head + "１　GSOC1の運用\n運用する。\n1 政府機関の横断的な監視体制\n- 1 -\n",
			outline: "1 GSOCの運用 [1:政府機関の横断的な監視体制]"},
		{name: "decimal chains 300 levels deep",
			text: deep(300),
		},
		{name: "a decimal chain of 10,000 numbers",
			text:    head + "1 見出し\n本文である。\n" + strings.Repeat("1.", 10000) + "1 見出し\n本文である。\n",
			outline: "1 見出し"},
		{name: "a text that is all markers",
			text: head + strings.Repeat("１\n(1)\n①\nⅰ）\n", 1) + "２\n(1)\n①\nⅰ）\n",
			err:  "x.txt:"},
		{name: "all markers, no header, an excerpt",
			text:    "(1)\n(2)\n(3)\n(4)\n(5)\n",
			partial: true,
			err:     "x.txt:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			opt := parse.Options{ID: "x", Partial: tt.partial}
			if tt.partial {
				opt.Title = "抜粋"
			}
			doc, err := parse.Document(ctx, "x.txt", []byte(tt.text), opt)
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatal("parsing did not end within a minute")
			}
			if tt.err != "" {
				var pe *parse.Error
				if err == nil || !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), tt.err) || pe.Line <= 0 {
					t.Fatalf("err = %v, want %s…", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkNothingLost(t, doc, []byte(tt.text), opt)
			if tt.name == "decimal chains 300 levels deep" {
				// Chains nest as deep as the text goes, within the bound
				// on a chain's length; deeper lines are text.
				maxLevel := 0
				for _, p := range doc.Provisions {
					maxLevel = max(maxLevel, p.Level)
				}
				if maxLevel != 63 || doc.Provisions[len(doc.Provisions)-1].Kind != policy.KindPoint {
					t.Errorf("deepest level %d, want 63", maxLevel)
				}
				return
			}
			if got := shortOutline(doc); got != tt.outline {
				t.Errorf("outline %q, want %q", got, tt.outline)
			}
		})
	}
}

// shortOutline prints the local IDs and headings of doc's numbered
// provisions, with their notes in brackets.
func shortOutline(doc *policy.Document) string {
	var parts []string
	for _, p := range doc.Provisions {
		if p.Kind == policy.KindPreamble {
			continue
		}
		_, local, _ := policy.SplitID(p.ID)
		h := p.Heading
		if h == "" {
			h = "-"
		}
		s := local + " " + h
		for _, n := range p.Notes {
			s += " [" + n.Marker + ":" + n.Text + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "|")
}
