package search

import (
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

// FuzzParseQuery checks that any query either parses into clauses with at
// least one positive, or is refused as bad input — never a panic or another
// error.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"人材育成", `"能力構築支援"`, "大学 OR 暗号", "重要インフラ -防護", `"unclosed`, "OR", "- -", `-"x"`, "a OR OR b", "", "ＩｏＴ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		cs, err := parseQuery(q)
		if err != nil {
			if policy.ErrorCode(err) != policy.EINVALID {
				t.Fatalf("%q: %v", q, err)
			}
			return
		}
		positive := false
		for _, c := range cs {
			positive = positive || !c.negate
			if c.or == nil && c.text == "" {
				t.Fatalf("%q: empty clause in %+v", q, cs)
			}
		}
		if !positive {
			t.Fatalf("%q: no positive clause in %+v", q, cs)
		}
	})
}
