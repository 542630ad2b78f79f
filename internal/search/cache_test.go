package search

import (
	"fmt"
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

// TestResultCache checks that the cache keeps at most its size, drops the
// least recently used first, and misses on another generation.
func TestResultCache(t *testing.T) {
	c := newResultCache(3)
	res := map[string]*policy.SearchResult{}
	for i := range 4 {
		k := fmt.Sprint("q", i)
		res[k] = &policy.SearchResult{TotalCount: i}
		c.put(k, 1, res[k])
		if i == 1 {
			c.get("q0", 1) // q0 is now more recent than q1
		}
	}
	tests := []struct {
		key  string
		gen  uint64
		want *policy.SearchResult
	}{
		{"q0", 1, res["q0"]},
		{"q1", 1, nil}, // the least recently used when q3 came
		{"q2", 1, res["q2"]},
		{"q3", 1, res["q3"]},
		{"q3", 2, nil}, // another generation
		{"q3", 1, nil}, // and gone
		{"q9", 1, nil},
	}
	for _, tt := range tests {
		got, ok := c.get(tt.key, tt.gen)
		if got != tt.want || ok != (tt.want != nil) {
			t.Errorf("get(%s, %d) = %v, %v; want %v", tt.key, tt.gen, got, ok, tt.want)
		}
	}
	if n := c.lru.Len(); n != 2 {
		t.Errorf("%d entries, want 2", n)
	}
}

// TestResultCacheOff checks that a cache of size 0 remembers nothing.
func TestResultCacheOff(t *testing.T) {
	c := newResultCache(0)
	c.put("q", 1, &policy.SearchResult{TotalCount: 1})
	if got, ok := c.get("q", 1); ok || got != nil {
		t.Errorf("get(q, 1) = %v, %v; want nil, false", got, ok)
	}
}
