package search

import (
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/policykb/policykb/internal/policy"
)

// resultCache remembers the results of recent searches, least recently
// used first out. The data changes only on ingest, so a result stays right
// as long as the snapshot of the index it was computed from is live;
// entries carry the serial number of that snapshot, and an entry of
// another is a miss.
type resultCache struct {
	lru *lru.Cache[string, cacheEntry]
}

type cacheEntry struct {
	gen uint64
	res *policy.SearchResult
}

// newResultCache returns a cache of at most max results; with max < 1 it
// remembers nothing (every search is executed).
func newResultCache(max int) *resultCache {
	if max < 1 {
		return &resultCache{}
	}
	c, err := lru.New[string, cacheEntry](max)
	if err != nil {
		panic(err) // not for max ≥ 1
	}
	return &resultCache{lru: c}
}

func (c *resultCache) get(key string, gen uint64) (*policy.SearchResult, bool) {
	if c.lru == nil {
		return nil, false
	}
	e, ok := c.lru.Get(key)
	if !ok {
		return nil, false
	}
	if e.gen != gen {
		c.lru.Remove(key)
		return nil, false
	}
	return e.res, true
}

func (c *resultCache) put(key string, gen uint64, res *policy.SearchResult) {
	if c.lru == nil {
		return
	}
	c.lru.Add(key, cacheEntry{gen, res})
}
