package worddiff

import (
	"slices"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"新たな価値創出を支える", []string{"新", "たな", "価値創出", "を", "支", "える"}},
		{"安全なIoTシステムの構築", []string{"安全", "な", "IoT", "システム", "の", "構築"}},
		{"令和２年度（NISC）", []string{"令和", "２", "年度", "（", "NISC", "）"}},
		{"", nil},
	} {
		if got := Words(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := strings.Join(Words(c.in), ""); got != c.in {
			t.Errorf("Words(%q) joined = %q", c.in, got)
		}
	}
}

func TestDiff(t *testing.T) {
	for _, c := range []struct {
		name, a, b string
		context    int
		want       string
	}{
		{"same", "同じ文である。", "同じ文である。", -1, "同じ文である。"},
		{"a year", "令和２年度の概算要求に向けた", "令和３年度の概算要求に向けた", -1, "令和[-２-]{+３+}年度の概算要求に向けた"},
		{"a word replaced", "新たな価値創出を支えるサイバーセキュリティの推進", "価値創出を支えるサイバーセキュリティの一層の推進", -1,
			"[-新たな-]価値創出を支えるサイバーセキュリティの{+一層の+}推進"},
		{"renamed", "官民一体となった重要インフラの防護", "重要インフラの防護", -1, "[-官民一体となった-]重要インフラの防護"},
		{"from nothing", "", "新しい文", -1, "{+新しい文+}"},
		{"to nothing", "古い文", "", -1, "[-古い文-]"},
		{"context", "本方針は、サイバーセキュリティ関連予算に関する令和２年度の概算要求に向けた重点化の考え方を示すものである。",
			"本方針は、サイバーセキュリティ関連予算に関する令和３年度の概算要求に向けた重点化の考え方を示すものである。", 5,
			"…関する令和[-２-]{+３+}年度の概算…"},
	} {
		t.Run(c.name, func(t *testing.T) {
			segs := Diff(c.a, c.b)
			if got := Plain(segs, c.context); got != c.want {
				t.Errorf("Plain(Diff) = %q, want %q", got, c.want)
			}
			var a, b strings.Builder
			for _, s := range segs {
				if s.Op != Insert {
					a.WriteString(s.Text)
				}
				if s.Op != Delete {
					b.WriteString(s.Text)
				}
			}
			if a.String() != c.a || b.String() != c.b {
				t.Errorf("the segments give %q and %q", a.String(), b.String())
			}
			if Changed(segs) != (c.a != c.b) {
				t.Errorf("Changed = %v", Changed(segs))
			}
		})
	}
}
