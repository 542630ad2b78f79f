package corpusgen

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
)

// This file makes up later years of the shipped FY2020 policy, as the
// yearly budget-priority policies differ from one year to the next —
// headings renamed, items moved between areas, swapped, removed, split and
// merged, sub-items added and removed, the whole printed anew — and says,
// from the edits it made, what comparing the years must find.

// ExpectedPair is a pair that comparing two years must find: the local
// IDs (the part after the colon) of the provision in each year, "" where
// it has none, and its kind.
type ExpectedPair struct {
	Kind     policy.PairKind
	From, To string
}

// String prints the pair as the expected files hold it: kind, from and to,
// separated by tabs.
func (p ExpectedPair) String() string { return string(p.Kind) + "\t" + p.From + "\t" + p.To }

// YearPair is a made-up FY2021 policy, edited from the shipped FY2020 one,
// and the pairs that comparing the FY2020 policy with it must find.
type YearPair struct {
	Name        string // a name for the edits: "renamed", "moved" …
	Description string
	To          File
	Pairs       []ExpectedPair // sorted
}

// YearPairs returns the made-up next years, one for each kind of edit.
// The same code gives the same texts.
func YearPairs() ([]YearPair, error) {
	base, err := ShippedPolicy()
	if err != nil {
		return nil, err
	}
	var out []YearPair
	for _, c := range yearCases {
		t := newTree(base)
		t.nextYear(2021)
		if err := c.edit(t); err != nil {
			return nil, fmt.Errorf("corpusgen: %s: %w", c.name, err)
		}
		f, to, err := t.print(c.scheme, c.layout)
		if err != nil {
			return nil, fmt.Errorf("corpusgen: %s: %w", c.name, err)
		}
		out = append(out, YearPair{Name: c.name, Description: c.description, To: f, Pairs: expected(base, t, to)})
	}
	return out, nil
}

// layouts of the made-up years: the second is the re-wrapped year.
var (
	yearLayout     = parse.Layout{Width: 72, PerPage: 40, Footer: "%d"}
	rewrappedYear  = parse.Layout{Width: 58, PerPage: 33, Footer: "- %d -"}
	fiveYearLayout = parse.Layout{Width: 76, PerPage: 42, Footer: "%d"}
)

type yearCase struct {
	name, description string
	scheme            string // "" for the policy's own
	layout            parse.Layout
	edit              func(*tree) error
}

var yearCases = []yearCase{
	{name: "renamed", description: "headings renamed: a section, two areas (one beyond recognition) and two items; their texts kept",
		layout: yearLayout, edit: func(t *tree) error {
			return t.all(
				t.rename("1", "基本方針"),
				t.rename("2.1", "経済社会の活力の向上及び持続的発展への貢献"),
				t.rename("2.4", "人材・研究開発・普及啓発"),
				t.rename("2.1.1", "価値創出を支えるサイバーセキュリティの一層の推進"),
				t.rename("2.2.2", "重要インフラの防護"),
			)
		}},
	{name: "moved", description: "items moved across areas: ２(2)⑥ to the end of (3), ２(4)② to (1) as its ②",
		layout: yearLayout, edit: func(t *tree) error {
			return t.all(t.move("2.2.6", "2.3", 3), t.move("2.4.2", "2.1", 1))
		}},
	{name: "swapped", description: "two items swapped: ２(3)① and ２(3)②",
		layout: yearLayout, edit: func(t *tree) error { return t.swap("2.3.1", "2.3.2") }},
	{name: "replaced", description: "an item removed, ２(1)③, and a new one under its number",
		layout: yearLayout, edit: func(t *tree) error {
			return t.all(t.remove("2.1.3"), t.insert("2.1", 2, newItem("デジタル・ガバメントにおけるセキュリティの確保",
				"行政手続のオンライン化の進展を踏まえ、クラウドサービスの安全性評価制度の活用を推進し、利用者が安心して行政サービスを受けられる環境の整備に資するものであること")))
		}},
	{name: "split-merged", description: "an item split in two, ２(2)⑤ (its second paragraph a new item ⑥), and two merged, ２(1)② and ③ (the larger, ③, continues)",
		layout: yearLayout, edit: func(t *tree) error {
			return t.all(t.split("2.2.5", 1, "大会後を見据えた取組"), t.merge("2.1.2", "2.1.3"))
		}},
	{name: "subitems", description: "sub-items added (２(2)①ⅴ）, and ２(2)③ⅰ） before the others) and removed (２(2)②ⅱ）)",
		layout: yearLayout, edit: func(t *tree) error {
			return t.all(
				t.insert("2.2.1", 4, newSubItem("テレワークの普及に伴うリスクに対応するため、中小企業等における対策の支援に資するものであること")),
				t.insert("2.2.3", 0, newSubItem("クラウドサービスの利用拡大を踏まえ、政府情報システムのためのセキュリティ評価制度に基づく調達を推進するものであること")),
				t.remove("2.2.2.2"),
			)
		}},
	{name: "renumbered", description: "the next year re-wrapped at 58 cells and renumbered in the kobun-half scheme (第2 › 2 › (2) › イ), with its footnote",
		scheme: "kobun-half", layout: rewrappedYear, edit: func(t *tree) error { return nil }},
}

// node is a provision of a made-up year: what it holds, and where it comes
// from in the year before.
type node struct {
	p        policy.Provision // its ID, number, marker, label and lines are set by number()
	origin   *policy.Provision
	changed  bool // its text differs from its origin's
	lead     int  // paragraphs before its children
	children []*node
	parent   *node
}

// tree is a made-up year being edited.
type tree struct {
	doc    policy.Document
	roots  []*node
	byOrig map[string]*node // by the local ID of the origin
	year   int
}

// newTree returns base as a tree to edit, each provision its own origin.
func newTree(base *policy.Document) *tree {
	t := &tree{doc: *base, byOrig: map[string]*node{}, year: base.FiscalYear}
	t.doc.Provisions = nil
	byID := map[string]*node{}
	for i, p := range base.Provisions {
		n := &node{p: *p, origin: p}
		n.p.Paragraphs = slices.Clone(p.Paragraphs)
		first := 0
		if i+1 < len(base.Provisions) && base.Provisions[i+1].ParentID == p.ID {
			first = base.Provisions[i+1].Line
		}
		n.lead = p.LeadingParagraphs(first)
		byID[p.ID] = n
		_, local, _ := policy.SplitID(p.ID)
		t.byOrig[local] = n
		if par := byID[p.ParentID]; par != nil {
			n.parent = par
			par.children = append(par.children, n)
		} else {
			t.roots = append(t.roots, n)
		}
	}
	return t
}

// reiwa prints the 和暦 year of a Gregorian year of the Reiwa era in
// full-width digits: 2021 → 令和３.
func reiwa(year int) string {
	if year == 2019 {
		return "令和元"
	}
	return "令和" + fullWidth(year-2018)
}

// nextYear makes the tree the policy of the fiscal year fy: its title,
// its date of decision (in May of the year before) and the fiscal year its
// preamble names.
func (t *tree) nextYear(fy int) {
	old := reiwa(t.year) + "年度"
	t.doc.TitleLine = strings.Replace(t.doc.TitleLine, old, reiwa(fy)+"年度", 1)
	t.doc.Title = t.doc.TitleLine
	t.doc.DateLine = reiwa(fy-1) + "年５月" + fullWidth(20+fy%7) + "日"
	t.doc.ID, t.doc.FiscalYear = "cs-budget-policy-fy"+strconv.Itoa(fy), fy
	for _, n := range t.walk() {
		for i, para := range n.p.Paragraphs {
			if s := strings.ReplaceAll(para, old, reiwa(fy)+"年度"); s != para {
				n.p.Paragraphs[i], n.changed = s, true
			}
		}
	}
	t.year = fy
}

// walk returns the nodes in document order.
func (t *tree) walk() []*node {
	var out []*node
	var visit func(ns []*node)
	visit = func(ns []*node) {
		for _, n := range ns {
			out = append(out, n)
			visit(n.children)
		}
	}
	visit(t.roots)
	return out
}

// all returns the first error of errs.
func (t *tree) all(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// find returns the node whose origin had the local ID local.
func (t *tree) find(local string) (*node, error) {
	n := t.byOrig[local]
	if n == nil {
		return nil, fmt.Errorf("no provision %s to edit", local)
	}
	return n, nil
}

// findPair finds the nodes whose origins had the local IDs a and b.
func (t *tree) findPair(a, b string) (x, y *node, err error) {
	if x, err = t.find(a); err != nil {
		return nil, nil, err
	}
	if y, err = t.find(b); err != nil {
		return nil, nil, err
	}
	return x, y, nil
}

// siblings returns the list n is in.
func (t *tree) siblings(n *node) *[]*node {
	if n.parent == nil {
		return &t.roots
	}
	return &n.parent.children
}

func (t *tree) detach(n *node) {
	s := t.siblings(n)
	*s = slices.DeleteFunc(*s, func(x *node) bool { return x == n })
	n.parent = nil
}

func (t *tree) attach(n, parent *node, at int) {
	n.parent = parent
	s := t.siblings(n)
	*s = slices.Insert(*s, min(at, len(*s)), n)
}

func (t *tree) rename(local, heading string) error {
	n, err := t.find(local)
	if err != nil {
		return err
	}
	n.p.Heading, n.changed = heading, true
	return nil
}

// move puts the provision local under the provision parent, at index at of
// its children.
func (t *tree) move(local, parent string, at int) error {
	n, p, err := t.findPair(local, parent)
	if err != nil {
		return err
	}
	t.detach(n)
	t.attach(n, p, at)
	return nil
}

// swap exchanges two provisions of the same parent.
func (t *tree) swap(a, b string) error {
	x, y, err := t.findPair(a, b)
	if err != nil {
		return err
	}
	if x.parent != y.parent {
		return fmt.Errorf("%s and %s have different parents", a, b)
	}
	s := *t.siblings(x)
	i, j := slices.Index(s, x), slices.Index(s, y)
	s[i], s[j] = s[j], s[i]
	return nil
}

// remove takes the provision local and its descendants out.
func (t *tree) remove(local string) error {
	n, err := t.find(local)
	if err != nil {
		return err
	}
	t.detach(n)
	return nil
}

// insert puts a new provision under parent at index at.
func (t *tree) insert(parent string, at int, n *node) error {
	p, err := t.find(parent)
	if err != nil {
		return err
	}
	t.attach(n, p, at)
	return nil
}

func newItem(heading string, paragraphs ...string) *node {
	return &node{p: policy.Provision{Heading: heading, Paragraphs: paragraphs}, lead: len(paragraphs), changed: true}
}

func newSubItem(text string) *node {
	return &node{p: policy.Provision{Paragraphs: []string{text}}, lead: 1, changed: true}
}

// runes counts the characters of a provision's text.
func runes(p *policy.Provision) int {
	n := utf8.RuneCountInString(p.Heading)
	for _, para := range p.Paragraphs {
		n += utf8.RuneCountInString(para)
	}
	return n
}

// tooNear reports whether two parts of a, b characters are too near in
// size to say which is the larger: the larger is less than 1.3 times the
// smaller.
func tooNear(a, b int) bool { return 10*max(a, b) < 13*min(a, b) }

// split cuts the provision local (without children) in two before its
// paragraph k: the second part a new provision with the heading given,
// right after the first. The part that keeps the more of the text
// continues the provision; the other is new. It refuses a split whose
// parts are too near in size to say which is the larger.
func (t *tree) split(local string, k int, heading string) error {
	n, err := t.find(local)
	if err != nil {
		return err
	}
	if len(n.children) > 0 || k <= 0 || k >= len(n.p.Paragraphs) {
		return fmt.Errorf("cannot split %s before paragraph %d", local, k)
	}
	second := newItem(heading, n.p.Paragraphs[k:]...)
	n.p.Paragraphs, n.lead, n.changed = n.p.Paragraphs[:k], k, true
	a, b := runes(&n.p), runes(&second.p)
	if tooNear(a, b) {
		return fmt.Errorf("the parts of %s are too near in size (%d, %d characters)", local, a, b)
	}
	if b > a {
		second.origin, n.origin = n.origin, nil
	}
	t.attach(second, n.parent, slices.Index(*t.siblings(n), n)+1)
	return nil
}

// merge makes the provisions a and b (without children) one, at a's place
// with a's heading and the paragraphs of both. The one that keeps the more
// of its text continues; the other is removed. It refuses a merge whose
// parts are too near in size to say which is the larger.
func (t *tree) merge(a, b string) error {
	x, y, err := t.findPair(a, b)
	if err != nil {
		return err
	}
	if len(x.children)+len(y.children) > 0 {
		return fmt.Errorf("cannot merge %s and %s: they have children", a, b)
	}
	kx, ky := runes(&x.p), runes(&y.p)-utf8.RuneCountInString(y.p.Heading)
	if tooNear(kx, ky) {
		return fmt.Errorf("the parts of %s and %s are too near in size (%d, %d characters)", a, b, kx, ky)
	}
	x.p.Paragraphs = append(slices.Clone(x.p.Paragraphs), y.p.Paragraphs...)
	x.lead, x.changed = len(x.p.Paragraphs), true
	if ky > kx {
		x.origin = y.origin
	}
	t.detach(y)
	return nil
}

// smallRoman are the sub-item numerals of the policy.
var smallRoman = []rune("ⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹⅺⅻ")

// number gives every node of the tree its place in a document: ID,
// kind, level, number, marker and label in the policy's own scheme, and
// source lines in the order Rewrap prints them (after the title, date and
// body lines).
func (t *tree) number() *policy.Document {
	d := t.doc
	d.Provisions = nil
	line := 3
	var visit func(ns []*node, parent *node, path []int)
	visit = func(ns []*node, parent *node, path []int) {
		k := 0
		for _, n := range ns {
			p := &n.p
			p.DocumentID, p.Seq, p.Pages, p.ParentID = d.ID, len(d.Provisions), []int{1}, ""
			var here []int
			if n.origin != nil && n.origin.Kind == policy.KindPreamble {
				p.ID, p.Kind, p.Level, p.Number, p.Marker, p.Label = policy.ProvisionID(d.ID, nil), policy.KindPreamble, 0, 0, "", policy.PreambleLabel
			} else {
				k++
				here = append(slices.Clone(path), k)
				p.ID, p.Level, p.Number = policy.ProvisionID(d.ID, here), len(here), k
				p.Kind = policy.KindAt(p.Level)
				switch p.Level {
				case 1:
					p.Marker = fullWidth(k)
				case 2:
					p.Marker = "(" + strconv.Itoa(k) + ") "
				case 3:
					p.Marker = circled(k) + " "
				default:
					p.Marker = string(smallRoman[k-1]) + "）"
				}
				p.Label = strings.TrimSpace(p.Marker)
				if parent != nil {
					p.ParentID, p.Label = parent.p.ID, parent.p.Label+p.Label
				}
			}
			line++
			p.Line, p.HeadingLine = line, 0
			switch {
			case p.Kind == policy.KindPreamble:
				line--
			case p.Kind == policy.KindSection:
				line++
				p.HeadingLine = line
			case p.Heading != "":
				p.HeadingLine = line
			default:
				line-- // the first paragraph stands on the marker's line
			}
			p.ParagraphLines = make([]int, len(p.Paragraphs))
			lead := min(n.lead, len(p.Paragraphs))
			for j := range lead {
				line++
				p.ParagraphLines[j] = line
			}
			d.Provisions = append(d.Provisions, p)
			visit(n.children, n, here)
			for j := lead; j < len(p.Paragraphs); j++ {
				line++
				p.ParagraphLines[j] = line
			}
		}
	}
	visit(t.roots, nil, nil)
	return &d
}

// print prints the tree as a PDF extraction would give it, in the
// policy's own scheme (scheme "") or in one of Schemes, and parses it back:
// the text must give the provisions the tree holds. Where a page break
// falls where the parser cannot read across it (between a section's
// number and its heading), the pages are made a line longer, up to ten
// times.
func (t *tree) print(scheme string, l parse.Layout) (File, *policy.Document, error) {
	d := t.number()
	var err error
	for range 10 {
		var f File
		var got *policy.Document
		if f, got, err = printed(d, scheme, l); err == nil {
			return f, got, nil
		}
		l.PerPage++
	}
	return File{}, nil, err
}

// printed prints d in scheme with layout l, parses the text and checks
// that it holds the provisions of d.
func printed(d *policy.Document, scheme string, l parse.Layout) (File, *policy.Document, error) {
	want := d
	var text string
	if scheme == "" {
		var clear bool
		if text, clear = parse.Rewrap(d, l); !clear {
			return File{}, nil, fmt.Errorf("the text printed does not parse into the paragraphs printed")
		}
	} else {
		var err error
		if text, err = Renumber(d, scheme, l); err != nil {
			return File{}, nil, err
		}
		if want, err = Expected(d, scheme); err != nil {
			return File{}, nil, err
		}
	}
	got, err := parse.Document(context.Background(), d.ID+".txt", []byte(text), parse.Options{})
	if err != nil {
		return File{}, nil, err
	}
	if got.ID != d.ID || got.Title != d.Title || len(got.Provisions) != len(want.Provisions) {
		return File{}, nil, fmt.Errorf("the text printed parses into %s %q with %d provisions, not %s %q with %d",
			got.ID, got.Title, len(got.Provisions), d.ID, d.Title, len(want.Provisions))
	}
	for i, p := range want.Provisions {
		q := got.Provisions[i]
		if q.ID != p.ID || q.Heading != p.Heading || !slices.Equal(q.Paragraphs, p.Paragraphs) || !sameNotes(q.Notes, p.Notes) {
			return File{}, nil, fmt.Errorf("the text printed parses into %s %q %q, not %s %q %q", q.ID, q.Heading, q.Paragraphs, p.ID, p.Heading, p.Paragraphs)
		}
	}
	return File{ID: d.ID, Name: d.ID + ".txt", Data: []byte(text)}, got, nil
}

// expected returns the pairs that comparing base with the tree printed
// (and parsed back as printed) must find, sorted: each provision paired
// with its origin, SAME where its text and place are kept, CHANGED where
// only its text changed (its footnotes count), MOVED where its place —
// the origin of its parent, or its number — changed; ADDED without origin;
// REMOVED for what no provision continues.
func expected(base *policy.Document, t *tree, printed *policy.Document) []ExpectedPair {
	var out []ExpectedPair
	continued := map[string]bool{}
	for i, n := range t.walk() {
		to := printed.Provisions[i]
		if n.origin == nil {
			out = append(out, ExpectedPair{Kind: policy.PairAdded, To: localOf(to.ID)})
			continue
		}
		o := n.origin
		continued[o.ID] = true
		place := n.p.Number == o.Number && n.p.Level == o.Level
		if n.parent == nil {
			place = place && o.ParentID == ""
		} else {
			place = place && n.parent.origin != nil && n.parent.origin.ID == o.ParentID
		}
		changed := n.changed || !sameNotes(to.Notes, o.Notes)
		kind := policy.PairMoved
		switch {
		case place && !changed:
			kind = policy.PairSame
		case place:
			kind = policy.PairChanged
		}
		out = append(out, ExpectedPair{Kind: kind, From: localOf(o.ID), To: localOf(to.ID)})
	}
	for _, p := range base.Provisions {
		if !continued[p.ID] {
			out = append(out, ExpectedPair{Kind: policy.PairRemoved, From: localOf(p.ID)})
		}
	}
	slices.SortFunc(out, func(a, b ExpectedPair) int { return strings.Compare(a.String(), b.String()) })
	return out
}

func sameNotes(a, b []policy.Note) bool {
	return slices.EqualFunc(a, b, func(x, y policy.Note) bool { return x.Marker == y.Marker && x.Text == y.Text })
}

func localOf(id string) string {
	_, local, _ := policy.SplitID(id)
	return local
}

// YearSeries is five years of the policy: the shipped FY2020 one and four
// made up after it, each edited from the year before, and the line of each
// provision through them.
type YearSeries struct {
	// Files are the made-up years, FY2021 to FY2024; FY2020 is the
	// shipped policy.
	Files []File
	// Lines are the lines of the provisions through the five years, one a
	// string: for each year, tab-separated, the local ID of the provision
	// of that year (the first year), or its kind of pair and local ID
	// ("CHANGED 2.1.1", "ADDED 2.4.4"), "REMOVED" in the year after its
	// last, and "·" where the line has no provision. Sorted.
	Lines []string
}

// seriesYears are the edits of each year after FY2020, and the scheme and
// layout each is printed in.
var seriesYears = []yearCase{
	{name: "fy2021", layout: fiveYearLayout, edit: func(t *tree) error {
		return t.all(t.rename("2.1.1", "価値創出を支えるサイバーセキュリティの一層の推進"),
			t.insert("2.2.1", 4, newSubItem("テレワークの普及に伴うリスクに対応するため、中小企業等における対策の支援に資するものであること")))
	}},
	{name: "fy2022", layout: fiveYearLayout, edit: func(t *tree) error {
		return t.all(t.move("2.2.6", "2.3", 3), t.remove("2.1.3"))
	}},
	{name: "fy2023", layout: fiveYearLayout, edit: func(t *tree) error {
		return t.all(t.split("2.2.5", 1, "大会後を見据えた取組"), t.insert("2.4", 3, newItem("普及啓発・人材の裾野の拡大",
			"国民一人ひとりがサイバーセキュリティに関心を持ち、必要な対策を自ら講じられるよう、地域や世代に応じた普及啓発の取組を推進するものであること")))
	}},
	{name: "fy2024", scheme: "kobun-full", layout: fiveYearLayout, edit: func(t *tree) error {
		return t.merge("2.1.1", "2.1.2")
	}},
}

// FiveYears returns five years of the policy (see YearSeries). The same
// code gives the same texts.
func FiveYears() (*YearSeries, error) {
	base, err := ShippedPolicy()
	if err != nil {
		return nil, err
	}
	n := len(seriesYears) + 1
	type line struct{ cells []string }
	var lines []*line
	current := map[string]*line{}
	for _, p := range base.Provisions {
		l := &line{cells: make([]string, n)}
		l.cells[0] = localOf(p.ID)
		lines = append(lines, l)
		current[localOf(p.ID)] = l
	}
	out := &YearSeries{}
	prev := base
	for k, c := range seriesYears {
		t := newTree(prev)
		t.nextYear(prev.FiscalYear + 1)
		if err := c.edit(t); err != nil {
			return nil, fmt.Errorf("corpusgen: %s: %w", c.name, err)
		}
		f, printed, err := t.print(c.scheme, c.layout)
		if err != nil {
			return nil, fmt.Errorf("corpusgen: %s: %w", c.name, err)
		}
		out.Files = append(out.Files, f)
		reached := map[string]*line{}
		for _, p := range expected(prev, t, printed) {
			switch p.Kind {
			case policy.PairAdded:
				l := &line{cells: make([]string, n)}
				l.cells[k+1] = string(p.Kind) + " " + p.To
				lines = append(lines, l)
				reached[p.To] = l
			case policy.PairRemoved:
				current[p.From].cells[k+1] = string(p.Kind)
			default:
				l := current[p.From]
				l.cells[k+1] = string(p.Kind) + " " + p.To
				reached[p.To] = l
			}
		}
		current, prev = reached, printed
	}
	for _, l := range lines {
		for i, c := range l.cells {
			if c == "" {
				l.cells[i] = "·"
			}
		}
		out.Lines = append(out.Lines, strings.Join(l.cells, "\t"))
	}
	slices.Sort(out.Lines)
	return out, nil
}

// WriteYears writes the made-up years and what comparing them must find
// under dir: for each of YearPairs a folder NAME holding the FY2021 text
// (to.txt; the FY2020 one is the shipped policy) and the pairs expected
// (pairs.tsv: a comment line with the description, then kind, from and to
// separated by tabs); and the folder series, holding the texts of FY2021
// to FY2024 and the lines expected through the five years (lines.tsv).
func WriteYears(dir string) error {
	pairs, err := YearPairs()
	if err != nil {
		return err
	}
	write := func(name string, data []byte) error {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		return os.WriteFile(path, data, 0o644)
	}
	for _, p := range pairs {
		var b strings.Builder
		fmt.Fprintf(&b, "# %s\n", p.Description)
		for _, e := range p.Pairs {
			b.WriteString(e.String() + "\n")
		}
		if err := write(filepath.Join(p.Name, "to.txt"), p.To.Data); err != nil {
			return err
		}
		if err := write(filepath.Join(p.Name, "pairs.tsv"), []byte(b.String())); err != nil {
			return err
		}
	}
	s, err := FiveYears()
	if err != nil {
		return err
	}
	for _, f := range s.Files {
		if err := write(filepath.Join("series", f.Name), f.Data); err != nil {
			return err
		}
	}
	return write(filepath.Join("series", "lines.tsv"), []byte(strings.Join(s.Lines, "\n")+"\n"))
}
