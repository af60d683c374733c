package refine

import (
	"container/list"
	"strconv"
	"strings"
	"sync"

	"github.com/hlogate/hlogate/internal/ir"
)

// Cache holds refined modules, keyed by (module identity, entry, input
// shapes and dimension-argument values), in LRU order, bounded both by the
// number of entries and by the total number of ops they hold. It is safe
// for concurrent use. Errors are not cached.
//
// Module identity is the *ir.Module pointer: admitted modules are
// immutable, so one pointer always means the same program. The cache keeps
// the modules it refers to alive until their entries are evicted.
type Cache struct {
	mu         sync.Mutex
	maxEntries int
	maxOps     int
	lim        Limits
	ll         *list.List // front = most recently used; values are *cacheEntry
	items      map[cacheKey]*list.Element
	ops        int
	hits       int64
	misses     int64
}

type cacheKey struct {
	m     *ir.Module
	entry string
	sig   string
}

type cacheEntry struct {
	key cacheKey
	mod *ir.Module
	ops int
}

// Default cache bounds.
const (
	DefaultCacheEntries = 256
	DefaultCacheOps     = 1 << 22
)

// NewCache returns a cache of at most maxEntries refined modules holding
// at most maxOps ops in all (zero or negative: the defaults), refining
// with lim (zero value: DefaultLimits).
func NewCache(maxEntries, maxOps int, lim Limits) *Cache {
	if maxEntries <= 0 {
		maxEntries = DefaultCacheEntries
	}
	if maxOps <= 0 {
		maxOps = DefaultCacheOps
	}
	return &Cache{maxEntries: maxEntries, maxOps: maxOps, lim: lim, ll: list.New(), items: map[cacheKey]*list.Element{}}
}

func (c *Cache) init() {
	if c.ll == nil {
		c.ll = list.New()
		c.items = map[cacheKey]*list.Element{}
		if c.maxEntries <= 0 {
			c.maxEntries = DefaultCacheEntries
		}
		if c.maxOps <= 0 {
			c.maxOps = DefaultCacheOps
		}
	}
}

// Get returns m refined for entry and shapes, from the cache when present.
func (c *Cache) Get(m *ir.Module, entry *ir.Func, shapes [][]int64) (*ir.Module, error) {
	return c.GetWith(m, entry, Inputs{Shapes: shapes})
}

// GetWith is Get with dimension-argument values (see Inputs). The Limits
// of in are ignored: the cache refines with its own.
func (c *Cache) GetWith(m *ir.Module, entry *ir.Func, in Inputs) (*ir.Module, error) {
	if m == nil || entry == nil {
		return RefineWith(m, entry, in)
	}
	key := cacheKey{m: m, entry: entry.Name, sig: signature(entry, in)}
	c.mu.Lock()
	c.init()
	if el, ok := c.items[key]; ok {
		c.ll.MoveToFront(el)
		c.hits++
		mod := el.Value.(*cacheEntry).mod
		c.mu.Unlock()
		return mod, nil
	}
	c.misses++
	lim := c.lim
	c.mu.Unlock()

	in.Limits = lim
	mod, err := RefineWith(m, entry, in)
	if err != nil {
		return nil, err
	}
	ops := countOps(mod)

	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok { // refined concurrently: keep the first
		c.ll.MoveToFront(el)
		return el.Value.(*cacheEntry).mod, nil
	}
	if ops > c.maxOps {
		return mod, nil // too large to cache
	}
	el := c.ll.PushFront(&cacheEntry{key: key, mod: mod, ops: ops})
	c.items[key] = el
	c.ops += ops
	for c.ll.Len() > c.maxEntries || c.ops > c.maxOps {
		back := c.ll.Back()
		if back == nil || back == el {
			break
		}
		c.remove(back)
	}
	return mod, nil
}

func (c *Cache) remove(el *list.Element) {
	e := el.Value.(*cacheEntry)
	c.ll.Remove(el)
	delete(c.items, e.key)
	c.ops -= e.ops
}

// CacheStats reports a cache's contents and counters.
type CacheStats struct {
	Entries, Ops int
	Hits, Misses int64
}

// Stats returns the cache's current size and hit counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	if c.ll != nil {
		n = c.ll.Len()
	}
	return CacheStats{Entries: n, Ops: c.ops, Hits: c.hits, Misses: c.misses}
}

// Purge drops every entry of module m (all of them when m is nil), for
// example when a model is unloaded.
func (c *Cache) Purge(m *ir.Module) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ll == nil {
		return
	}
	for el := c.ll.Front(); el != nil; {
		next := el.Next()
		if m == nil || el.Value.(*cacheEntry).key.m == m {
			c.remove(el)
		}
		el = next
	}
}

// signature encodes the input shapes and the dimension-argument values
// that matter for entry.
func signature(entry *ir.Func, in Inputs) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(in.Shapes)))
	for _, s := range in.Shapes {
		b.WriteByte(';')
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		for j, d := range s {
			if j > 0 {
				b.WriteByte('x')
			}
			b.WriteString(strconv.FormatInt(d, 10))
		}
	}
	for _, i := range DimArgs(entry) {
		if v, ok := in.Values[i]; ok {
			b.WriteString("|")
			b.WriteString(strconv.Itoa(i))
			b.WriteByte('=')
			b.WriteString(strconv.FormatInt(v, 10))
		}
	}
	return b.String()
}

// countOps counts a module's ops, nested ones included.
func countOps(m *ir.Module) int {
	n := 0
	m.Walk(func(*ir.Func, *ir.Op) bool { n++; return true })
	return n
}
