package refine

import (
	"fmt"
	"sync"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
)

func TestCacheHitsAndLRU(t *testing.T) {
	m := parse(t, foldSrc)
	fn := m.Entry("")
	c := NewCache(2, 0, Limits{})
	a, err := c.Get(m, fn, [][]int64{{1, 3}})
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := c.Get(m, fn, [][]int64{{1, 3}})
	if a2 != a {
		t.Error("a hit returned a different module")
	}
	b, _ := c.Get(m, fn, [][]int64{{2, 3}})
	if b == a {
		t.Error("different shapes share a module")
	}
	c.Get(m, fn, [][]int64{{1, 3}}) // a is now the most recent
	c.Get(m, fn, [][]int64{{3, 3}}) // evicts b
	if s := c.Stats(); s.Entries != 2 || s.Hits != 2 || s.Misses != 3 {
		t.Errorf("stats %+v", s)
	}
	if a3, _ := c.Get(m, fn, [][]int64{{1, 3}}); a3 != a {
		t.Error("the most recently used entry was evicted")
	}
	if b2, _ := c.Get(m, fn, [][]int64{{2, 3}}); b2 == b {
		t.Error("the least recently used entry was kept")
	}
	// Another module (same text) is another key.
	m2 := parse(t, foldSrc)
	if x, _ := c.Get(m2, m2.Entry(""), [][]int64{{1, 3}}); x == a {
		t.Error("module identity ignored")
	}
	c.Purge(m2)
	for el := c.ll.Front(); el != nil; el = el.Next() {
		if el.Value.(*cacheEntry).key.m == m2 {
			t.Error("Purge left an entry")
		}
	}
}

func TestCacheOpBound(t *testing.T) {
	m := parse(t, foldSrc)
	fn := m.Entry("")
	one, err := Refine(m, fn, [][]int64{{1, 3}})
	if err != nil {
		t.Fatal(err)
	}
	per := countOps(one)
	c := NewCache(100, 2*per, Limits{})
	for n := int64(1); n <= 5; n++ {
		if _, err := c.Get(m, fn, [][]int64{{n, 3}}); err != nil {
			t.Fatal(err)
		}
		if s := c.Stats(); s.Ops > 2*per || s.Entries > 2 {
			t.Fatalf("cache over its op bound: %+v (bound %d)", s, 2*per)
		}
	}
	// A module larger than the whole bound is returned but not kept.
	small := NewCache(100, per-1, Limits{})
	if _, err := small.Get(m, fn, [][]int64{{1, 3}}); err != nil {
		t.Fatal(err)
	}
	if s := small.Stats(); s.Entries != 0 || s.Ops != 0 {
		t.Errorf("oversized module cached: %+v", s)
	}
}

func TestCacheErrorsAndValues(t *testing.T) {
	m := parse(t, foldSrc)
	fn := m.Entry("")
	var c Cache // the zero value works
	_, err := c.Get(m, fn, [][]int64{{2, 4}})
	if diag.KindOf(err) != diag.InvalidInput {
		t.Fatalf("got %v", err)
	}
	if s := c.Stats(); s.Entries != 0 {
		t.Errorf("error cached: %+v", s)
	}
	// Dimension-argument values are part of the key.
	dm := parse(t, `module {
  func.func @main(%arg0: tensor<i64>, %arg1: tensor<?xf32>) -> tensor<?xi32> {
    %0 = stablehlo.convert %arg0 : (tensor<i64>) -> tensor<i32>
    %1 = stablehlo.reshape %0 : (tensor<i32>) -> tensor<1xi32>
    %2 = stablehlo.dynamic_iota %1, dim = 0 : (tensor<1xi32>) -> tensor<?xi32>
    return %2 : tensor<?xi32>
  }
}`)
	dfn := dm.Entry("")
	x, _ := c.GetWith(dm, dfn, Inputs{Shapes: [][]int64{{}, {3}}, Values: map[int]int64{0: 3}})
	y, _ := c.GetWith(dm, dfn, Inputs{Shapes: [][]int64{{}, {3}}, Values: map[int]int64{0: 4}})
	if x == y || fnResults(x.Entry("main")) != "(tensor<3xi32>)" || fnResults(y.Entry("main")) != "(tensor<4xi32>)" {
		t.Errorf("values not keyed: %s %s", fnResults(x.Entry("main")), fnResults(y.Entry("main")))
	}
	// The signature cannot be confused between argument counts.
	if signature(dfn, Inputs{Shapes: [][]int64{{}}}) == signature(dfn, Inputs{Shapes: [][]int64{}}) {
		t.Error("ambiguous signature")
	}
}

func TestCacheConcurrent(t *testing.T) {
	m := parse(t, foldSrc)
	fn := m.Entry("")
	c := NewCache(3, 0, Limits{})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				n := int64((g+i)%6 + 1)
				rm, err := c.Get(m, fn, [][]int64{{n, 3}})
				if err != nil {
					errs <- err
					return
				}
				want := fmt.Sprintf("tensor<%dx3x2xf32>", n)
				if got := rm.Entry("main").Results[0].String(); got != want {
					errs <- fmt.Errorf("got %s want %s", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s := c.Stats()
	if s.Entries > 3 || s.Hits+s.Misses != 8*40 {
		t.Errorf("stats %+v", s)
	}
	// Returned modules are never mutated by later refinements.
	a, _ := c.Get(m, fn, [][]int64{{1, 3}})
	p := ir.Print(a)
	for n := int64(1); n < 10; n++ {
		c.Get(m, fn, [][]int64{{n, 3}})
	}
	if ir.Print(a) != p {
		t.Error("a cached module changed")
	}
}
