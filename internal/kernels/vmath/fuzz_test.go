package vmath

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzVMath decodes an op selector and float32 inputs from the bytes, runs
// the op on every family and checks bit-identity with the pure-Go kernels
// and, for the transcendental functions, the documented ULP bound.
func FuzzVMath(f *testing.F) {
	seed := func(sel byte, vals ...float32) {
		b := []byte{sel}
		for _, v := range vals {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
		f.Add(b)
	}
	for i := range ops {
		seed(byte(i), edgeValues...)
		seed(byte(i), 1, 2, 3)
	}
	seed(byte(len(ops)), 1, -0.0, float32(math.NaN()))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		sel := int(data[0]) % (len(ops) + 3)
		var vals []float32
		for b := data[1:]; len(b) >= 4; b = b[4:] {
			vals = append(vals, math.Float32frombits(binary.LittleEndian.Uint32(b)))
		}
		gen := implByName("generic")
		if sel >= len(ops) { // reductions
			for _, im := range impls {
				var g, w float32
				switch sel - len(ops) {
				case 0:
					g, w = im.sum(vals), gen.sum(vals)
				case 1:
					g, w = im.maxR(vals), gen.maxR(vals)
				default:
					g, w = im.minR(vals), gen.minR(vals)
				}
				if len(vals) > 0 && !sameBits(g, w) {
					t.Fatalf("%s reduction %d: %g, pure Go %g", im.name, sel-len(ops), g, w)
				}
			}
			return
		}
		o := ops[sel]
		n := len(vals) / o.nin
		in := make([][]float32, o.nin)
		for j := range in {
			in[j] = vals[j*n : (j+1)*n]
		}
		var s float32
		if len(vals) > 0 {
			s = vals[0]
		}
		want := make([]float32, n)
		o.run(gen, want, in, s)
		var bound int64 = -1
		var oracle func(float64) float64
		for _, fd := range fns {
			if fd.name == o.name {
				bound, oracle = fd.bound, fd.oracle
			}
		}
		for i := range want {
			if bound >= 0 {
				x := in[0][i]
				if d := ulpDist(want[i], float32(oracle(float64(x)))); d > bound {
					t.Fatalf("%s(%g) = %g: %d ULP, bound %d", o.name, x, want[i], d, bound)
				}
			}
		}
		for _, im := range impls {
			got := make([]float32, n)
			o.run(im, got, in, s)
			for i := range want {
				if !sameBits(got[i], want[i]) {
					t.Fatalf("%s %s element %d of %d: inputs %v s=%g: %g, pure Go %g", im.name, o.name, i, n, inputsAt(in, i), s, got[i], want[i])
				}
			}
		}
	})
}
