package corpusgen

import (
	"fmt"
	"strings"

	"github.com/policykb/policykb/internal/parse"
)

// This file makes up years of the shipped policy for tests of a series
// seen as a whole (search over the years): a year is the shipped FY2020
// policy renamed to another fiscal year with a few edits, every other
// provision's text kept word for word.

// A YearEdit is a change that Year makes to the policy: see EditText and
// AddItem.
type YearEdit func(*tree) error

// EditText replaces old by new in the paragraphs of the provision local (a
// local ID such as 2.1.2); the year fails where they do not hold old.
func EditText(local, old, new string) YearEdit {
	return func(t *tree) error {
		n, err := t.find(local)
		if err != nil {
			return err
		}
		for i, para := range n.p.Paragraphs {
			if strings.Contains(para, old) {
				n.p.Paragraphs[i], n.changed = strings.Replace(para, old, new, 1), true
				return nil
			}
		}
		return fmt.Errorf("%s holds no %q", local, old)
	}
}

// AddItem adds an item with a heading and one paragraph after the last
// item of area (a local ID such as 2.2), numbered next.
func AddItem(area, heading, paragraph string) YearEdit {
	return func(t *tree) error {
		p, err := t.find(area)
		if err != nil {
			return err
		}
		t.attach(newItem(heading, paragraph), p, len(p.children))
		return nil
	}
}

// seriesLayout is how Year prints.
var seriesLayout = parse.Layout{Width: 80, PerPage: 36, Footer: "%d"}

// Year returns the shipped FY2020 policy as the policy of the fiscal year
// fy (2019 to 2030) would print it, cs-budget-policy-fy<fy> of the same
// series (see tree.nextYear for what the year changes), with edits made.
func Year(fy int, edits ...YearEdit) (File, error) {
	if fy < 2019 || fy > 2030 {
		return File{}, fmt.Errorf("corpusgen: fiscal year %d: want 2019 to 2030", fy)
	}
	base, err := ShippedPolicy()
	if err != nil {
		return File{}, err
	}
	t := newTree(base)
	t.nextYear(fy)
	for _, e := range edits {
		if err := e(t); err != nil {
			return File{}, fmt.Errorf("corpusgen: fiscal year %d: %w", fy, err)
		}
	}
	f, _, err := t.print("", seriesLayout)
	return f, err
}

// Series returns made-up later years of the shipped FY2020 policy, for
// tests of search over a series: FY2021, whose item (1)② says 中小企業・小規模事業者
// where FY2020 says 中小企業, and FY2022, which says so too and adds an item
// (2)⑧ on 量子計算機 and 暗号. Every other provision holds the text of FY2020
// but for the fiscal year it names.
func Series() ([]File, error) {
	smallFirms := EditText("2.1.2", "中小企業", "中小企業・小規模事業者")
	fy2021, err := Year(2021, smallFirms)
	if err != nil {
		return nil, err
	}
	fy2022, err := Year(2022, smallFirms, AddItem("2.2", "量子技術への備え",
		"量子計算機の実用化を見据え、政府機関の暗号の移行を計画的に進める施策であること"))
	if err != nil {
		return nil, err
	}
	return []File{fy2021, fy2022}, nil
}
