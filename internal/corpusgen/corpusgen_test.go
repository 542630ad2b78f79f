package corpusgen

import (
	"bytes"
	"context"
	"testing"

	"github.com/policykb/policykb/internal/parse"
)

func TestGenerate(t *testing.T) {
	a, err := Generate(20, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(20, 7)
	for i := range a {
		if !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("file %d differs between two runs", i)
		}
		doc, err := parse.Document(context.Background(), a[i].Name, a[i].Data, parse.Options{ID: a[i].ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Provisions) != 35 {
			t.Errorf("%s: %d provisions", a[i].Name, len(doc.Provisions))
		}
	}
	if bytes.Equal(a[0].Data, a[1].Data) {
		t.Error("two generated files are the same")
	}
}
