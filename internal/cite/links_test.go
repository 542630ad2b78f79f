package cite

import (
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

func TestDocumentFor(t *testing.T) {
	d := func(id, title string, y, m, day int) *policy.Document {
		return &policy.Document{ID: id, Title: title, DecidedOn: policy.Date{Year: y, Month: m, Day: day}}
	}
	strategy := &policy.Reference{ID: "ref:cybersecurity-strategy-2018", Title: "サイバーセキュリティ戦略",
		IssuedOn: policy.Date{Year: 2018, Month: 7, Day: 27}, Aliases: []string{"戦略"}}
	plan := &policy.Reference{ID: "ref:ci-action-plan-4", Title: "重要インフラの情報セキュリティ対策に係る第４次行動計画",
		IssuedOn: policy.Date{Year: 2017, Month: 4, Day: 18}, RevisedOn: []policy.Date{{Year: 2018, Month: 7, Day: 25}}}
	undated := &policy.Reference{ID: "ref:x", Title: "統一基準"}
	tests := []struct {
		name  string
		ref   *policy.Reference
		docs  []*policy.Document
		named map[string]string
		want  string
	}{
		{"title and date", strategy, []*policy.Document{d("s2015", "サイバーセキュリティ戦略", 2015, 9, 4), d("s2018", "サイバー セキュリティ戦略", 2018, 7, 27)}, nil, "s2018"},
		{"the date of a revision", plan, []*policy.Document{d("p", "重要インフラの情報セキュリティ対策に係る第４次行動計画", 2018, 7, 25)}, nil, "p"},
		{"another date", strategy, []*policy.Document{d("s2021", "サイバーセキュリティ戦略", 2021, 9, 28)}, nil, ""},
		{"an alias", strategy, []*policy.Document{d("s", "戦略", 2018, 7, 0)}, nil, "s"},
		{"no date: the only one of its title", strategy, []*policy.Document{d("s", "サイバーセキュリティ戦略", 0, 0, 0)}, nil, "s"},
		{"no date, two of its title", undated, []*policy.Document{d("a", "統一基準", 2016, 0, 0), d("b", "統一基準", 2018, 0, 0)}, nil, ""},
		{"another title", strategy, []*policy.Document{d("p", "サイバーセキュリティ2019", 2018, 7, 27)}, nil, ""},
		{"named at ingest", strategy, []*policy.Document{d("s2018", "サイバーセキュリティ戦略", 2018, 7, 27), d("mine", "私の文書", 0, 0, 0)},
			map[string]string{"ref:cybersecurity-strategy-2018": "mine"}, "mine"},
		{"named for a document not held", strategy, []*policy.Document{d("s2018", "サイバーセキュリティ戦略", 2018, 7, 27)},
			map[string]string{"ref:cybersecurity-strategy-2018": "gone"}, "s2018"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if doc := DocumentFor(tt.ref, tt.docs, tt.named); doc != nil {
				got = doc.ID
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTargetProvision(t *testing.T) {
	p := func(id, parent, label, heading string, number int, paras ...string) *policy.Provision {
		return &policy.Provision{ID: id, ParentID: parent, Label: label, Heading: heading, Number: number, Paragraphs: paras,
			Level: policy.LevelOf(id), Kind: policy.KindAt(policy.LevelOf(id))}
	}
	strategy := []*policy.Provision{
		p("s:1", "", "1", "策定の趣旨・背景", 1),
		p("s:4", "", "4", "目標達成のための施策", 4),
		p("s:4.1", "s:4", "4.1", "経済社会の活力の向上及び持続的発展", 1),
		p("s:4.1.1", "s:4.1", "4.1.1", "目標達成のための施策", 1), // the same heading deeper
	}
	law := []*policy.Provision{
		p("l:1", "", "第１", "第二条（定義）", 1),
		p("l:2", "", "第２", "第二十六条（所掌事務等）", 2),
		p("l:2.1", "l:2", "第２の１", "", 1, "本部は、次に掲げる事務をつかさどる。"),
		p("l:2.1.5", "l:2.1", "第２の１(5)", "", 5, "予算の方針を作成すること。"),
		p("l:3", "", "第３", "", 3, "第26条の2 この条は試験のためのものである。"),
	}
	tests := []struct {
		pinpoint string
		ps       []*policy.Provision
		want     string
	}{
		{"目標達成のための施策", strategy, "s:4"},
		{"「目標達成のための施策」", strategy, "s:4"},
		{"経済社会の活力の向上", strategy, "s:4.1"},
		{"4.1", strategy, "s:4.1"},
		{"推進体制", strategy, ""},
		{"第26条第１項第５号", law, "l:2.1.5"},
		{"第二十六条", law, "l:2"},
		{"第26条第3項", law, "l:2"},
		{"第26条の2", law, "l:3"},
		{"第２条", law, "l:1"},
		{"第6条", law, ""},
		{"", strategy, ""},
	}
	for _, tt := range tests {
		got := ""
		if q := TargetProvision(tt.pinpoint, tt.ps); q != nil {
			got = q.ID
		}
		if got != tt.want {
			t.Errorf("TargetProvision(%q) = %q, want %q", tt.pinpoint, got, tt.want)
		}
	}
}

func TestNumerals(t *testing.T) {
	for s, n := range map[string]int{"26": 26, "二十六": 26, "百四": 104, "十": 10, "千二百": 1200, "九": 9, "x": 0} {
		if got := numeral(s); got != n {
			t.Errorf("numeral(%q) = %d, want %d", s, got, n)
		}
	}
	for n, s := range map[int]string{26: "二十六", 104: "百四", 10: "十", 1200: "千二百", 2: "二"} {
		if got := kanji(n); got != s {
			t.Errorf("kanji(%d) = %q, want %q", n, got, s)
		}
	}
}
