package policytest

import (
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

// TestDeep checks the documents Deep builds: levels, kinds, parents and
// the order of provisions follow from their IDs, and the source holds
// every marker.
func TestDeep(t *testing.T) {
	for _, depth := range []int{0, 1, 4, 7, 12} {
		d := Deep("deep", depth)
		want := 1 // preamble
		if depth > 0 {
			want = 1 + depth + 1 + 1 // the chain, the sibling of its deepest, section 第２
			if depth == 1 {
				want = 3 // the deepest is section 第１ itself
			}
		}
		if len(d.Provisions) != want {
			t.Errorf("depth %d: %d provisions, want %d", depth, len(d.Provisions), want)
		}
		maxLevel := 0
		for i, p := range d.Provisions {
			if p.Seq != i || p.Level != policy.LevelOf(p.ID) || p.Kind != policy.KindAt(p.Level) {
				t.Errorf("depth %d: %s: seq %d, level %d, kind %s", depth, p.ID, p.Seq, p.Level, p.Kind)
			}
			if anc := policy.AncestorIDs(p.ID); len(anc) > 0 && anc[len(anc)-1] != p.ParentID || len(anc) == 0 && p.ParentID != "" {
				t.Errorf("depth %d: %s has parent %q", depth, p.ID, p.ParentID)
			}
			maxLevel = max(maxLevel, p.Level)
		}
		if maxLevel != depth {
			t.Errorf("depth %d: deepest level %d", depth, maxLevel)
		}
	}
	d := Deep("deep", 7)
	p := d.Provisions[7]
	if p.ID != "deep:1.1.1.1.1.1.1" || p.Label != "第１1.(1)①ア(ア)a" || len(p.Notes) != 2 || p.Notes[0].Line == 0 || p.Kind != policy.KindPoint {
		t.Errorf("deepest: %+v", p)
	}
}
