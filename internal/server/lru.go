package server

import (
	"container/list"
	"sync"
)

// lru is a bounded map that drops its least recently used entry when
// full; safe for concurrent use. The server's caches of cost reports and
// of compiled plans are both one.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	k K
	v V
}

func newLRU[K comparable, V any](n int) *lru[K, V] {
	return &lru[K, V]{max: max(n, 1), ll: list.New(), items: map[K]*list.Element{}}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*lruEntry[K, V]).v, true
	}
	var zero V
	return zero, false
}

// add stores v under k unless k is held already, and returns the value
// held (so that two callers racing to fill k agree).
func (c *lru[K, V]) add(k K, v V) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		return el.Value.(*lruEntry[K, V]).v
	}
	c.items[k] = c.ll.PushFront(&lruEntry[K, V]{k, v})
	for c.ll.Len() > c.max {
		back := c.ll.Back()
		c.ll.Remove(back)
		delete(c.items, back.Value.(*lruEntry[K, V]).k)
	}
	return v
}

// purge drops every entry whose value drop selects.
func (c *lru[K, V]) purge(drop func(V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for el := c.ll.Front(); el != nil; {
		next := el.Next()
		if e := el.Value.(*lruEntry[K, V]); drop(e.v) {
			c.ll.Remove(el)
			delete(c.items, e.k)
		}
		el = next
	}
}
