package align_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/align"
	"github.com/policykb/policykb/internal/policy"
)

// memory is a store of documents in memory.
type memory struct {
	docs  []*policy.Document
	reads int
}

func (m *memory) Documents(context.Context) ([]*policy.Document, error) { return m.docs, nil }

func (m *memory) DocumentsByID(_ context.Context, ids []string) ([]*policy.Document, error) {
	var out []*policy.Document
	for _, d := range m.docs {
		if slices.Contains(ids, d.ID) {
			out = append(out, d)
		}
	}
	return out, nil
}

func (m *memory) ProvisionsByID(context.Context, []string) ([]*policy.Provision, error) {
	return nil, nil
}

func (m *memory) ProvisionsByLabel(context.Context, string, string) ([]*policy.Provision, error) {
	return nil, nil
}

func (m *memory) Provisions(_ context.Context, f policy.ProvisionFilter) ([]*policy.Provision, error) {
	m.reads++
	var out []*policy.Provision
	for _, d := range m.docs {
		if d.ID == f.DocumentID || slices.Contains(f.DocumentIDs, d.ID) {
			out = append(out, d.Provisions...)
		}
	}
	return out, nil
}

func year(fy int, lines ...string) *policy.Document {
	id := fmt.Sprintf("p-fy%d", fy)
	return &policy.Document{ID: id, Title: fmt.Sprintf("方針（令和%d年度）", fy-2018), FiscalYear: fy, Version: 1,
		Provisions: doc(id, lines...)}
}

func TestService(t *testing.T) {
	m := &memory{docs: []*policy.Document{
		year(2022, "1 甲|"+textA, "2 丙|"+textC),
		year(2020, "1 甲|"+textA, "2 乙|"+textB),
		year(2021, "1 甲|"+textA, "2 丙|"+textC),
	}}
	s := &align.Service{Documents: m, Provisions: m}
	ctx := context.Background()
	series, err := s.Series(ctx)
	if err != nil || len(series) != 1 || series[0].ID != "series:p" || series[0].Documents[0].ID != "p-fy2020" || series[0].Documents[2].ID != "p-fy2022" {
		t.Fatalf("series: %+v %v", series, err)
	}
	if _, err := s.Compare(ctx, "p-fy2020", "nosuch"); policy.ErrorCode(err) != policy.ENOTFOUND {
		t.Errorf("an unknown document: %v", err)
	}
	a, _ := s.Compare(ctx, "p-fy2020", "p-fy2021")
	reads := m.reads
	if b, _ := s.Compare(ctx, "p-fy2020", "p-fy2021"); b != a || m.reads != reads {
		t.Errorf("the comparison was made again")
	}
	cp, err := s.Counterparts(ctx, []string{"p-fy2021:1", "p-fy2020:2", "p-fy2022:2", "other:1"})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(ps []*policy.Provision) string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return strings.Join(out, " ")
	}
	for id, want := range map[string]string{"p-fy2021:1": "p-fy2020:1 p-fy2022:1", "p-fy2020:2": "", "p-fy2022:2": "p-fy2021:2", "other:1": ""} {
		if got := ids(cp[id]); got != want {
			t.Errorf("counterparts of %s: %q, want %q", id, got, want)
		}
	}
	lines, err := s.Lines(ctx, "series:p")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		var cells []string
		for _, c := range l.Cells {
			id := "·"
			if c.Provision != nil {
				id = c.Provision.ID
			}
			cells = append(cells, string(c.Kind)+":"+id)
		}
		got = append(got, strings.Join(cells, " "))
	}
	want := []string{
		":p-fy2020:1 SAME:p-fy2021:1 SAME:p-fy2022:1",
		":p-fy2020:2 REMOVED:· :·",
		":· ADDED:p-fy2021:2 SAME:p-fy2022:2",
	}
	if !slices.Equal(got, want) {
		t.Errorf("lines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := s.Lines(ctx, "series:nosuch"); policy.ErrorCode(err) != policy.ENOTFOUND {
		t.Errorf("an unknown series: %v", err)
	}
}
