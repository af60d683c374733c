package server

import "testing"

func TestLRU(t *testing.T) {
	c := newLRU[int, string](2)
	c.add(1, "a")
	c.add(2, "b")
	if v := c.add(1, "x"); v != "a" {
		t.Fatalf("add kept %q, want the held %q", v, "a")
	}
	c.get(1)      // 2 is now the least recently used
	c.add(3, "c") // evicts 2
	if _, ok := c.get(2); ok {
		t.Fatal("2 not evicted")
	}
	if v, ok := c.get(1); !ok || v != "a" {
		t.Fatalf("1 = %q, %v", v, ok)
	}
	c.purge(func(v string) bool { return v == "c" })
	if _, ok := c.get(3); ok {
		t.Fatal("3 not purged")
	}
	if _, ok := c.get(1); !ok {
		t.Fatal("1 purged")
	}
}
