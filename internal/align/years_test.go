package align_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/align"
	"github.com/policykb/policykb/internal/corpusgen"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
)

func local(p *policy.Provision) string {
	if p == nil {
		return ""
	}
	_, l, _ := policy.SplitID(p.ID)
	return l
}

// pairStrings prints pairs as the expected files hold them, sorted.
func pairStrings(ps []policy.ProvisionPair) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = corpusgen.ExpectedPair{Kind: p.Kind, From: local(p.From), To: local(p.To)}.String()
	}
	slices.Sort(out)
	return out
}

// TestYearPairs compares the shipped policy with each made-up next year
// and checks every pair and kind the edits imply.
func TestYearPairs(t *testing.T) {
	cases, err := corpusgen.YearPairs()
	if err != nil {
		t.Fatal(err)
	}
	base, err := corpusgen.ShippedPolicy()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			to, err := parse.Document(context.Background(), c.To.Name, c.To.Data, parse.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := pairStrings(align.Compare(base.Provisions, to.Provisions))
			want := make([]string, len(c.Pairs))
			for i, p := range c.Pairs {
				want[i] = p.String()
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s:\n got %s\nwant %s", c.Description, strings.Join(diffOnly(got, want), "\n     "), strings.Join(diffOnly(want, got), "\n     "))
			}
		})
	}
}

// diffOnly returns the strings of a that b lacks.
func diffOnly(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}
