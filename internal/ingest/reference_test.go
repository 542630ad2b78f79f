package ingest

import (
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

func TestReferenceID(t *testing.T) {
	for _, c := range []struct{ in, want, code string }{
		{"ref:cybersecurity-strategy-2018", "ref:cybersecurity-strategy-2018", ""},
		{"cybersecurity-strategy-2018", "ref:cybersecurity-strategy-2018", ""},
		{"ref:x-0a1b2c3d4e", "ref:x-0a1b2c3d4e", ""},
		{"Ref:Strategy", "", policy.EINVALID},
		{"ref:", "", policy.EINVALID},
		{"ref:a--b", "", policy.EINVALID},
		{"サイバーセキュリティ戦略", "", policy.EINVALID},
	} {
		got, err := ReferenceID(c.in)
		if got != c.want || policy.ErrorCode(err) != c.code {
			t.Errorf("ReferenceID(%q) = %q, %v; want %q, %s", c.in, got, err, c.want, c.code)
		}
	}
}
