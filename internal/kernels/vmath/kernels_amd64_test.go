//go:build amd64 && !purego

package vmath

import (
	"math"
	"testing"
)

// TestAsmZeroLength calls the assembly kernels directly with n == 0: they
// must neither read nor write (the guards stay intact) and the
// reductions return their neutral element.
func TestAsmZeroLength(t *testing.T) {
	if len(impls) < 2 {
		t.Skip("no assembly family on this CPU")
	}
	buf := make([]float32, 16)
	for i := range buf {
		buf[i] = guardVal
	}
	d, x, y, z := &buf[4], &buf[5], &buf[6], &buf[7]
	type u func(dst, x *float32, n int)
	type b func(dst, x, y *float32, n int)
	type s func(dst, x *float32, s float32, n int)
	var us []u
	var bs []b
	var ss []s
	var ts []func(dst, x, y, z *float32, n int)
	var rs []func(x *float32, n int) float32
	for _, im := range impls {
		switch im.name {
		case "avx512":
			us = append(us, expAVX512, logAVX512, tanhAVX512, logisticAVX512, erfAVX512, expm1AVX512, log1pAVX512, negAVX512, absAVX512, sqrtAVX512, rsqrtAVX512)
			bs = append(bs, addAVX512, subAVX512, mulAVX512, divAVX512, maxAVX512, minAVX512)
			ss = append(ss, addSAVX512, subSAVX512, mulSAVX512, divSAVX512, maxSAVX512, minSAVX512, subRAVX512, divRAVX512)
			ts = append(ts, muladdAVX512)
			rs = append(rs, sumAVX512, rmaxAVX512, rminAVX512)
		case "avx2":
			us = append(us, expAVX2, logAVX2, tanhAVX2, logisticAVX2, erfAVX2, expm1AVX2, log1pAVX2, negAVX2, absAVX2, sqrtAVX2, rsqrtAVX2)
			bs = append(bs, addAVX2, subAVX2, mulAVX2, divAVX2, maxAVX2, minAVX2)
			ss = append(ss, addSAVX2, subSAVX2, mulSAVX2, divSAVX2, maxSAVX2, minSAVX2, subRAVX2, divRAVX2)
			ts = append(ts, muladdAVX2)
			rs = append(rs, sumAVX2, rmaxAVX2, rminAVX2)
		}
	}
	for _, f := range us {
		f(d, x, 0)
	}
	for _, f := range bs {
		f(d, x, y, 0)
	}
	for _, f := range ss {
		f(d, x, 1, 0)
	}
	for _, f := range ts {
		f(d, x, y, z, 0)
	}
	for i, f := range rs {
		r := f(x, 0)
		switch i % 3 {
		case 0:
			if r != 0 {
				t.Errorf("sum of nothing = %g", r)
			}
		case 1:
			if !math.IsInf(float64(r), -1) {
				t.Errorf("max of nothing = %g", r)
			}
		case 2:
			if !math.IsInf(float64(r), 1) {
				t.Errorf("min of nothing = %g", r)
			}
		}
	}
	for _, im := range impls {
		if im.name == "generic" {
			continue
		}
		var f []func(x *float64, n int) float64
		if im.name == "avx512" {
			f = []func(x *float64, n int) float64{sum64AVX512, rmax64AVX512, rmin64AVX512}
		} else {
			f = []func(x *float64, n int) float64{sum64AVX2, rmax64AVX2, rmin64AVX2}
		}
		var b [4]float64
		if r := f[0](&b[0], 0); r != 0 {
			t.Errorf("%s sum64 of nothing = %g", im.name, r)
		}
		if r := f[1](&b[0], 0); !math.IsInf(r, -1) {
			t.Errorf("%s max64 of nothing = %g", im.name, r)
		}
		if r := f[2](&b[0], 0); !math.IsInf(r, 1) {
			t.Errorf("%s min64 of nothing = %g", im.name, r)
		}
	}
	for i, v := range buf {
		if math.Float32bits(v) != math.Float32bits(guardVal) {
			t.Fatalf("element %d written", i)
		}
	}
}
