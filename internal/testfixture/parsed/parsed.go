// Package parsed gives tests the embedded policy parsed, without citations
// and without a store: what the tests of the packages that package
// testfixture builds on (internal/cite, internal/sqlite) can import.
package parsed

import (
	"context"
	"testing"

	"github.com/policykb/policykb/corpus"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
)

// Corpus returns the FY2020 policy embedded in package corpus, parsed.
func Corpus(t testing.TB) *policy.Document {
	t.Helper()
	for _, f := range corpus.Files() {
		if f.Name != "cs-budget-policy-fy2020.txt" {
			continue
		}
		doc, err := parse.Document(context.Background(), "corpus", f.Data, parse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	t.Fatal("the FY2020 policy is not embedded")
	return nil
}
