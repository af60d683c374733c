package main

import (
	"math"
	"testing"
)

// The expected bits come from numpy_suite.py's gen (export_jax.py's formula).
func TestGenInputMatchesNumpy(t *testing.T) {
	for _, c := range []struct {
		n, k  int
		scale float64
		want  []uint32
	}{
		{4, 0, 1, []uint32{1047641038, 3204915737, 1060457690, 3177464611}},
		{3, 2, 0.05, []uint32{1024815006, 3135278471, 3173218422}},
	} {
		got := genInput(c.n, c.k, c.scale)
		for i, w := range c.want {
			if b := math.Float32bits(got[i]); b != w {
				t.Errorf("genInput(%d, %d, %g)[%d] = %#x, want %#x", c.n, c.k, c.scale, i, b, w)
			}
		}
	}
}

func TestReadNPY(t *testing.T) {
	v, shape, err := readNPY("../../internal/benchsuite/testdata/matmul_64.out0.npy")
	if err != nil {
		t.Skip(err)
	}
	if len(shape) != 2 || shape[0] != 64 || shape[1] != 64 || len(v) != 64*64 {
		t.Fatalf("shape %v, %d values", shape, len(v))
	}
	if math.Float32bits(v[0]) != 1074281208 || math.Float32bits(v[1]) != 1042901149 || math.Float32bits(v[4095]) != 3203342210 {
		t.Errorf("values %v %v %v", v[0], v[1], v[4095])
	}
}
