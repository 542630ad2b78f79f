package search

import (
	"context"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/policy"
)

func TestPending(t *testing.T) {
	db, _ := corpusIndex(t, "")
	p := OpenInBackground("", db)
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := p.Search(ctx, policy.SearchQuery{Query: "暗号", First: 10})
	if err != nil || r.TotalCount != 1 {
		t.Fatalf("search through a pending index: %v, %+v", err, r)
	}
	if err := p.Ready(); err != nil {
		t.Errorf("ready after a search: %v", err)
	}
}
