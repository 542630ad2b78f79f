package search

import (
	"container/list"
	"sync"

	"github.com/policykb/policykb/internal/policy"
)

// resultCache remembers the results of recent searches. The data changes
// only on ingest, so a result stays right until the store generation moves
// on; entries carry the generation they were computed at.
type resultCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *cacheEntry, most recent first
	byKey map[string]*list.Element
}

type cacheEntry struct {
	key string
	gen int64
	res *policy.SearchResult
}

func newResultCache(max int) *resultCache {
	return &resultCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *resultCache) get(key string, gen int64) (*policy.SearchResult, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	ent := e.Value.(*cacheEntry)
	if ent.gen != gen {
		c.order.Remove(e)
		delete(c.byKey, key)
		return nil, false
	}
	c.order.MoveToFront(e)
	return ent.res, true
}

func (c *resultCache) put(key string, gen int64, res *policy.SearchResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[key]; ok {
		e.Value = &cacheEntry{key, gen, res}
		c.order.MoveToFront(e)
		return
	}
	c.byKey[key] = c.order.PushFront(&cacheEntry{key, gen, res})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*cacheEntry).key)
	}
}
