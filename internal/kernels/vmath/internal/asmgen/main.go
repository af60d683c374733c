// Command asmgen writes the Go-assembly kernels of package vmath
// (kernels_amd64.s). Run it through `go generate` in package vmath; the
// output is committed, so building never runs it.
//
// Every kernel is written once, as a sequence of vector operations on
// abstract registers (type K below), and emitted twice: for AVX-512 (zmm
// registers, 16 lanes, opmask registers for compares and masked tails)
// and for AVX2+FMA (ymm registers, 8 lanes, vector masks and VMASKMOVPS
// tails). The operation sequences are the ones the pure-Go versions in
// generic.go perform, step for step, so that the assembly and the pure-Go
// code return bit-identical results (see the package documentation).
//
// Constants live in one read-only table, vmc<>, each replicated to 64
// bytes so that both a zmm and a ymm memory operand can read it; the
// AVX-512 transcendental kernels load the ones they use into Z12..Z29
// before their loop (1.3–2× faster than memory operands in an A/B run on
// a busy Zen 5). The float64 kernels (g.dbl) reuse the same emitters with PD
// instructions and 8-byte elements.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"sort"
)

var out = flag.String("o", "kernels_amd64.s", "output file")

type gen struct {
	b      bytes.Buffer
	consts []uint64 // 64-bit patterns, replicated 8 times
	cidx   map[uint64]int
	label  int

	// creg maps constant operands to the registers that hold them while
	// a kernel body is emitted (AVX-512 kernels keep their constants in
	// zmm registers); used counts the operands a dry run asked for.
	creg map[string]string
	used map[string]int

	dbl bool // emitting float64 kernels
}

func (g *gen) p(format string, args ...any) {
	fmt.Fprintf(&g.b, format, args...)
	g.b.WriteByte('\n')
}

// ci returns the memory operand of a 32-bit constant (replicated).
func (g *gen) ci(bits uint32) string { return g.cq(uint64(bits) | uint64(bits)<<32) }

// cq returns the memory operand of a 64-bit constant (replicated).
func (g *gen) cq(bits uint64) string {
	if g.cidx == nil {
		g.cidx = map[uint64]int{}
	}
	i, ok := g.cidx[bits]
	if !ok {
		i = len(g.consts)
		g.consts = append(g.consts, bits)
		g.cidx[bits] = i
	}
	op := fmt.Sprintf("vmc<>+%d(SB)", i*64)
	if g.used != nil {
		g.used[op]++
	}
	if r, ok := g.creg[op]; ok {
		return r
	}
	return op
}

// cf returns the memory operand of a float32 constant.
func (g *gen) cf(v float32) string { return g.ci(math.Float32bits(v)) }

// K emits vector operations for one instruction set. Register numbers are
// abstract: r(i) is Z(i+off) for AVX-512 and Y(i+off) for AVX2 (at most 12
// data registers there: Y12, Y13 are masks, Y14 the scalar operand, Y15 the
// tail mask). Masks m(i) are K(i+1+moff) or Y(12+i).
type K struct {
	g    *gen
	d    bool   // float64 elements (PD instructions)
	z    bool   // AVX-512 (EVEX, opmask registers)
	pfx  string // "Z", "Y" or "X"
	off  int
	moff int
}

func (k *K) r(i int) string {
	i += k.off
	if !k.z && i > 11 {
		panic(fmt.Sprintf("register %d out of range for AVX2", i))
	}
	if k.z && i > 29 {
		panic(fmt.Sprintf("register %d out of range", i))
	}
	return fmt.Sprintf("%s%d", k.pfx, i)
}

func (k *K) m(i int) string {
	if k.z {
		if i+1+k.moff > 6 {
			panic("mask out of range")
		}
		return fmt.Sprintf("K%d", i+1+k.moff)
	}
	if i > 1 || k.moff > 0 {
		panic("mask out of range for AVX2")
	}
	return fmt.Sprintf("%s%d", k.pfx, 12+i)
}

func (k *K) cf(v float32) string         { return k.g.cf(v) }
func (k *K) ci(v uint32) string          { return k.g.ci(v) }
func (k *K) ins(format string, a ...any) { k.g.p("\t"+format, a...) }

// f appends the element suffix, PS or PD, to a floating-point mnemonic.
func (k *K) f(base string) string {
	if k.d {
		return base + "PD"
	}
	return base + "PS"
}

// op3 emits d = a OP b (b may be a memory operand).
func (k *K) op3(ins, d, a, b string) { k.ins("%s %s, %s, %s", ins, b, a, d) }

func (k *K) add(d, a, b string) { k.op3(k.f("VADD"), d, a, b) }
func (k *K) sub(d, a, b string) { k.op3(k.f("VSUB"), d, a, b) }
func (k *K) mul(d, a, b string) { k.op3(k.f("VMUL"), d, a, b) }
func (k *K) div(d, a, b string) { k.op3(k.f("VDIV"), d, a, b) }

// max and min are the raw x86 operations: a > b ? a : b, and b when
// either is NaN or both are zero.
func (k *K) max(d, a, b string) { k.op3(k.f("VMAX"), d, a, b) }
func (k *K) min(d, a, b string) { k.op3(k.f("VMIN"), d, a, b) }

func (k *K) and(d, a, b string) {
	if k.z {
		k.op3("VPANDD", d, a, b)
	} else {
		k.op3("VANDPS", d, a, b)
	}
}

func (k *K) or(d, a, b string) {
	if k.z {
		k.op3("VPORD", d, a, b)
	} else {
		k.op3("VORPS", d, a, b)
	}
}

func (k *K) xor(d, a, b string) {
	if k.z {
		k.op3("VPXORD", d, a, b)
	} else {
		k.op3("VXORPS", d, a, b)
	}
}

func (k *K) padd(d, a, b string)      { k.op3("VPADDD", d, a, b) }
func (k *K) psub(d, a, b string)      { k.op3("VPSUBD", d, a, b) }
func (k *K) psrad(d, a string, n int) { k.ins("VPSRAD $%d, %s, %s", n, a, d) }
func (k *K) pslld(d, a string, n int) { k.ins("VPSLLD $%d, %s, %s", n, a, d) }
func (k *K) cvtdq2ps(d, a string)     { k.ins("VCVTDQ2PS %s, %s", a, d) }
func (k *K) cvtps2dq(d, a string)     { k.ins("VCVTPS2DQ %s, %s", a, d) }
func (k *K) sqrt(d, a string)         { k.ins("%s %s, %s", k.f("VSQRT"), a, d) }

// mov copies a register or loads a (constant) memory operand.
func (k *K) mov(d, a string) {
	if a == d {
		return
	}
	if a[0] == 'v' || a[0] == '(' {
		k.ins("VMOVUPS %s, %s", a, d)
		return
	}
	k.ins("VMOVAPS %s, %s", a, d)
}

// round rounds to the nearest integer, ties to even.
func (k *K) round(d, a string) {
	if k.z {
		k.ins("VRNDSCALEPS $8, %s, %s", a, d)
	} else {
		k.ins("VROUNDPS $8, %s, %s", a, d)
	}
}

// horner: acc = acc*z + c.
func (k *K) horner(acc, z, c string) { k.ins("VFMADD213PS %s, %s, %s", c, z, acc) }

// fma213: d = d*a + c.
func (k *K) fma213(d, a, c string) { k.ins("%s %s, %s, %s", k.f("VFMADD213"), c, a, d) }

// fma231: acc = a*b + acc.
func (k *K) fma231(acc, a, b string) { k.ins("VFMADD231PS %s, %s, %s", b, a, acc) }

// fnma231: acc = -(a*b) + acc.
func (k *K) fnma231(acc, a, b string) { k.ins("VFNMADD231PS %s, %s, %s", b, a, acc) }

// Comparison predicates.
const (
	eqOQ   = 0
	ltOS   = 1
	unordQ = 3
	nltUS  = 5
	gtOS   = 14
)

// cmp sets mask m to a PRED b.
func (k *K) cmp(m string, pred int, a, b string) {
	k.ins("%s $%d, %s, %s, %s", k.f("VCMP"), pred, b, a, m)
}

// blend: d = m ? b : a (b may be a memory operand).
func (k *K) blend(d, m, a, b string) {
	if k.z {
		k.ins("%s %s, %s, %s, %s", k.f("VBLENDM"), b, a, m, d)
	} else {
		k.ins("%s %s, %s, %s, %s", k.f("VBLENDV"), m, b, a, d)
	}
}

// scale: d = p · 2^kf for integral kf in [-150, 128], rounded once. kf and
// tmp are clobbered on AVX2 (which scales in two exact-then-rounded steps,
// as scale32 in generic.go does).
func (k *K) scale(d, p, kf, tmp string) {
	if k.z {
		k.ins("VSCALEFPS %s, %s, %s", kf, p, d)
		return
	}
	k.cvtps2dq(kf, kf)
	k.psrad(tmp, kf, 1)
	k.psub(kf, kf, tmp)
	k.padd(tmp, tmp, k.ci(127))
	k.pslld(tmp, tmp, 23)
	k.padd(kf, kf, k.ci(127))
	k.pslld(kf, kf, 23)
	k.mul(d, p, tmp)
	k.mul(d, d, kf)
}

// nanMax sets d to max(a, b) with Go's semantics (NaN if either is NaN,
// max(-0, +0) = +0); isMin selects min (min(-0, +0) = -0). t, u are
// temporaries; masks m(0), m(1). d may equal a or b only if it is neither
// t nor u.
func (k *K) nanMax(d, a, b, t, u string, isMin bool) {
	if isMin {
		k.min(t, a, b)
		k.or(u, a, b)
	} else {
		k.max(t, a, b)
		k.and(u, a, b)
	}
	k.cmp(k.m(0), eqOQ, a, b)
	k.blend(t, k.m(0), t, u)
	k.cmp(k.m(1), unordQ, a, a)
	k.blend(d, k.m(1), t, a)
}

// ---- Cores of the transcendental functions. ----
// Each mirrors the function of the same name in generic.go.

// Coefficients: Cephes Math Library (S. L. Moshier), single precision.
var (
	expP  = []float32{1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1}
	logP  = []float32{7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1}
	tanhP = []float32{-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1}
	erfT  = []float32{7.853861353153693e-5, -8.010193625184903e-4, 5.188327685732524e-3, -2.685381193529856e-2, 1.128358514861418e-1, -3.761262582423300e-1, 1.128379165726710e0}
	erfcP = []float32{2.326819970068386e-2, -1.387039388740657e-1, 3.687424674597105e-1, -5.824733027278666e-1, 6.210004621745983e-1, -4.944515323274145e-1, 3.404879937665872e-1, -2.741127028184656e-1, 5.638259427386472e-1}
	erfcR = []float32{-1.047766399936249e1, 1.297719955372516e1, -7.495518717768503e0, 2.921019019210786e0, -1.015265279202700e0, 4.218463358204948e-1, -2.820767439740514e-1, 5.641895067754075e-1}
)

const (
	expLo  = -104
	expHi  = 88.8
	log2e  = 1.44269504088896341
	ln2Hi  = 0.693359375
	ln2Lo  = -2.12194440e-4
	sqrtHf = 0x3f3504f3
)

func (k *K) poly(acc, z string, c []float32) {
	k.mov(acc, k.cf(c[0]))
	for _, v := range c[1:] {
		k.horner(acc, z, k.cf(v))
	}
}

// expCore: d = exp(x); x is clobbered; t0..t3 are temporaries distinct
// from x; d must differ from t0 and t1 (it may be t2, t3 or x).
func (k *K) expCore(d, x, t0, t1, t2, t3 string) {
	k.mov(t0, k.cf(expLo))
	k.max(x, t0, x) // NaN stays NaN (the second operand is returned)
	k.mov(t0, k.cf(expHi))
	k.min(x, t0, x)
	k.mul(t0, x, k.cf(log2e))
	k.round(t0, t0) // kf
	k.mov(t1, x)
	k.fnma231(t1, t0, k.cf(ln2Hi))
	k.fnma231(t1, t0, k.cf(ln2Lo)) // r
	k.poly(t2, t1, expP)
	k.mul(t3, t1, t1)
	k.fma213(t2, t3, t1) // p*r² + r
	k.add(t2, t2, k.cf(1))
	k.scale(d, t2, t0, t1)
}

// logCore: d = log(x) (+ extra, when not "", added after e·ln2Lo); t0..t3
// temporaries; x is preserved.
func (k *K) logCore(d, x, t0, t1, t2, t3, extra string) {
	m := k.m(0)
	k.cmp(m, ltOS, x, k.cf(0x1p-126))
	k.mul(t0, x, k.cf(0x1p23))
	k.blend(t0, m, x, t0)
	k.mov(t1, k.cf(0))
	k.blend(t1, m, t1, k.cf(-23))
	k.psub(t0, t0, k.ci(sqrtHf))
	k.psrad(t2, t0, 23)
	k.cvtdq2ps(t2, t2)
	k.add(t2, t2, t1) // e
	k.and(t0, t0, k.ci(0x007fffff))
	k.padd(t0, t0, k.ci(sqrtHf))
	k.sub(t0, t0, k.cf(1)) // f
	k.mul(t1, t0, t0)      // z
	k.poly(t3, t0, logP)
	k.mul(t3, t3, t0)
	k.mul(t3, t3, t1)
	k.fma231(t3, t2, k.cf(ln2Lo))
	if extra != "" {
		k.add(t3, t3, extra)
	}
	k.fma231(t3, t1, k.cf(-0.5))
	k.add(t3, t3, t0)
	k.fma231(t3, t2, k.cf(ln2Hi))
	k.cmp(m, eqOQ, x, k.cf(0))
	k.blend(t3, m, t3, k.cf(float32(math.Inf(-1))))
	k.cmp(m, ltOS, x, k.cf(0))
	k.blend(t3, m, t3, k.ci(0x7fc00000))
	k.cmp(m, nltUS, x, k.cf(float32(math.Inf(1))))
	k.blend(d, m, t3, x)
}

// Bodies: input in r(0), output in r(1); the rest scratch.

func bodyExp(k *K) { k.expCore(k.r(1), k.r(0), k.r(2), k.r(3), k.r(4), k.r(5)) }

func bodyLog(k *K) { k.logCore(k.r(1), k.r(0), k.r(2), k.r(3), k.r(4), k.r(5), "") }

// bodyLog1p: u = 1 + x and its rounding error c (exact: x - (u-1) below
// u = 2, 1 - (u-x) from 2 on); log1p(x) = log(u) + c/u; ±0 → x.
func bodyLog1p(k *K) {
	x, y := k.r(0), k.r(1)
	u, c, t, cu := k.r(2), k.r(3), k.r(4), k.r(5)
	k.add(u, x, k.cf(1))
	k.sub(c, u, k.cf(1))
	k.sub(c, x, c)
	k.sub(t, u, x)
	k.mov(cu, k.cf(1))
	k.sub(t, cu, t)
	k.cmp(k.m(0), ltOS, u, k.cf(2))
	k.blend(c, k.m(0), t, c)
	k.div(cu, c, u)
	k.logCore(t, u, k.r(6), k.r(7), k.r(8), k.r(9), cu)
	k.cmp(k.m(0), eqOQ, x, k.cf(0))
	k.blend(y, k.m(0), t, x)
}

// bodyExpm1: the reduction of Exp on x clamped to [-18, 88.8], q = e^r - 1
// = r + r²·P(r); expm1(x) = 2^k·q + (2^k - 1) for x ≤ 20 and the Exp
// result (q+1)·2^k above; ±0 → x.
func bodyExpm1(k *K) {
	x, y := k.r(0), k.r(1)
	xc, kf, r, q, t, s := k.r(2), k.r(3), k.r(4), k.r(5), k.r(6), k.r(7)
	k.mov(xc, k.cf(-18))
	k.max(xc, xc, x)
	k.mov(t, k.cf(expHi))
	k.min(xc, t, xc)
	k.mul(kf, xc, k.cf(log2e))
	k.round(kf, kf)
	k.mov(r, xc)
	k.fnma231(r, kf, k.cf(ln2Hi))
	k.fnma231(r, kf, k.cf(ln2Lo))
	k.poly(q, r, expP)
	k.mul(t, r, r)
	k.fma213(q, t, r)
	// 2^k·q + (2^k - 1)
	k.cvtps2dq(t, kf)
	k.padd(t, t, k.ci(127))
	k.pslld(t, t, 23)
	k.sub(s, t, k.cf(1))
	k.fma213(t, q, s)
	// (q + 1)·2^k
	k.add(q, q, k.cf(1))
	k.scale(q, q, kf, r)
	k.cmp(k.m(0), gtOS, x, k.cf(20))
	k.blend(t, k.m(0), t, q)
	k.cmp(k.m(0), eqOQ, x, k.cf(0))
	k.blend(y, k.m(0), t, x)
}

func bodyTanh(k *K) {
	x, y := k.r(0), k.r(1)
	a, z, s, e := k.r(2), k.r(3), k.r(4), k.r(5)
	k.and(a, x, k.ci(0x7fffffff))
	k.mul(z, a, a)
	k.poly(s, z, tanhP)
	k.mul(s, s, z)
	k.fma213(s, a, a) // a*(p z) + a
	k.add(z, a, a)
	k.expCore(e, z, k.r(6), k.r(7), k.r(8), k.r(9))
	k.add(e, e, k.cf(1))
	k.mov(z, k.cf(2))
	k.div(e, z, e)
	k.mov(z, k.cf(1))
	k.sub(e, z, e)
	k.cmp(k.m(0), ltOS, a, k.cf(0.625))
	k.blend(e, k.m(0), e, s)
	k.and(z, x, k.ci(0x80000000))
	k.or(y, e, z)
}

func bodyLogistic(k *K) {
	x, y := k.r(0), k.r(1)
	n, e, d, t := k.r(2), k.r(3), k.r(4), k.r(5)
	k.or(n, x, k.ci(0x80000000))
	k.expCore(e, n, k.r(6), k.r(7), k.r(8), k.r(9))
	k.add(d, e, k.cf(1))
	k.mov(t, k.cf(1))
	k.div(t, t, d)
	k.div(e, e, d)
	k.cmp(k.m(0), ltOS, x, k.cf(0))
	k.blend(y, k.m(0), t, e)
}

func bodyErf(k *K) {
	x, y := k.r(0), k.r(1)
	a, ys, ac, q, ez, t := k.r(2), k.r(3), k.r(4), k.r(5), k.r(6), k.r(7)
	k.and(a, x, k.ci(0x7fffffff))
	// |x| < 1: x·T(x²)
	k.mul(t, a, a)
	k.poly(ys, t, erfT)
	k.mul(ys, ys, a)
	// |x| ≥ 1: 1 - exp(-x²)·q·P(q²), q = 1/|x|
	k.mov(ac, k.cf(4))
	k.min(ac, ac, a) // NaN stays NaN
	k.mov(q, k.cf(1))
	k.div(q, q, ac)
	k.mul(t, ac, ac)
	k.xor(t, t, k.ci(0x80000000))
	k.expCore(ez, t, k.r(8), k.r(9), k.r(10), k.r(11))
	k.mul(k.r(9), q, q) // q²
	k.poly(t, k.r(9), erfcP)
	k.poly(k.r(8), k.r(9), erfcR)
	k.cmp(k.m(0), ltOS, ac, k.cf(2))
	k.blend(t, k.m(0), k.r(8), t)
	k.mul(ez, ez, q)
	k.mul(ez, ez, t)
	k.mov(t, k.cf(1))
	k.sub(ez, t, ez)
	k.cmp(k.m(0), ltOS, a, k.cf(1))
	k.blend(ez, k.m(0), ez, ys)
	k.and(t, x, k.ci(0x80000000))
	k.or(y, ez, t)
}

// Simple bodies. Unary: in r(0), out r(1). Binary: r(0), r(1) → r(2).
// Scalar: r(0) and the scalar register → r(2).

func bodyNeg(k *K)  { k.xor(k.r(1), k.r(0), k.ci(0x80000000)) }
func bodyAbs(k *K)  { k.and(k.r(1), k.r(0), k.ci(0x7fffffff)) }
func bodySqrt(k *K) { k.sqrt(k.r(1), k.r(0)) }
func bodyRsqrt(k *K) {
	k.sqrt(k.r(2), k.r(0))
	k.mov(k.r(1), k.cf(1))
	k.div(k.r(1), k.r(1), k.r(2))
}

func bodyNeg64(k *K) { k.xor(k.r(1), k.r(0), k.g.cq(1<<63)) }
func bodyAbs64(k *K) { k.and(k.r(1), k.r(0), k.g.cq(1<<63-1)) }
func bodyRsqrt64(k *K) {
	k.sqrt(k.r(2), k.r(0))
	k.mov(k.r(1), k.g.cq(math.Float64bits(1)))
	k.div(k.r(1), k.r(1), k.r(2))
}

type ternBody func(k *K, d, a, b string)

// binOps are the two-operand kernels: regs per copy, masks per copy.
var binOps = []struct {
	name string
	f    ternBody
	regs int
	mask int
}{{"add", opAdd, 3, 0}, {"sub", opSub, 3, 0}, {"mul", opMul, 3, 0}, {"div", opDiv, 3, 0}, {"max", opMax, 5, 2}, {"min", opMin, 5, 2}}

func opAdd(k *K, d, a, b string) { k.add(d, a, b) }
func opSub(k *K, d, a, b string) { k.sub(d, a, b) }
func opMul(k *K, d, a, b string) { k.mul(d, a, b) }
func opDiv(k *K, d, a, b string) { k.div(d, a, b) }

// opMax/opMin use r(3), r(4) of the current copy as temporaries.
func opMax(k *K, d, a, b string) { k.nanMax(d, a, b, k.r(3), k.r(4), false) }
func opMin(k *K, d, a, b string) { k.nanMax(d, a, b, k.r(3), k.r(4), true) }

// ---- Kernel emitters. ----

type isa struct {
	name string
	z    bool
	w    int // lanes
}

var isas = []isa{{"AVX512", true, 16}, {"AVX2", false, 8}}

func (g *gen) newK(is isa) *K {
	pfx := "Y"
	if is.z {
		pfx = "Z"
	}
	return &K{g: g, d: g.dbl, z: is.z, pfx: pfx}
}

func (g *gen) lbl(s string) string {
	g.label++
	return fmt.Sprintf("%s%d", s, g.label)
}

// elementwise kinds
const (
	kUnary   = iota // (dst, x *float32, n int)
	kBinary         // (dst, x, y *float32, n int)
	kScalar         // (dst, x *float32, s float32, n int): op(x, s)
	kRScalar        // (dst, x *float32, s float32, n int): op(s, x)
	kTernary        // (dst, x, y, z *float32, n int)
)

// elementwise emits one kernel. body reads inputs r(0)..r(nin-1) (with
// kScalar/kRScalar the scalar register takes the place of the second or
// first input) and writes r(out). regs is the number of registers one
// copy uses; unroll copies are processed per main-loop iteration (regs
// and masks are offset per copy).
func (g *gen) elementwise(name string, is isa, kind int, unroll, regs, masks int, out int, body func(k *K)) {
	fn := name + is.name
	et, es, sfx := "float32", 4, "S"
	if g.dbl {
		et, es, sfx = "float64", 8, "D"
	}
	var sig string
	var argSize int
	nptr := 0
	switch kind {
	case kUnary:
		sig, argSize, nptr = "dst, x *"+et+", n int", 24, 1
	case kBinary:
		sig, argSize, nptr = "dst, x, y *"+et+", n int", 32, 2
	case kScalar, kRScalar:
		sig, argSize, nptr = "dst, x *"+et+", s "+et+", n int", 32, 1
	case kTernary:
		sig, argSize, nptr = "dst, x, y, z *"+et+", n int", 40, 3
	}
	if !is.z {
		if unroll*regs > 12 || (masks > 0 && unroll > 1) || masks > 2 {
			panic(fn + ": too many registers for AVX2")
		}
	}
	g.p("// func %s(%s)", fn, sig)
	g.p("TEXT ·%s(SB), NOSPLIT, $0-%d", fn, argSize)
	g.p("\tMOVQ dst+0(FP), DI")
	g.p("\tMOVQ x+8(FP), SI")
	ptrs := []string{"SI"}
	if nptr >= 2 {
		g.p("\tMOVQ y+16(FP), DX")
		ptrs = append(ptrs, "DX")
	}
	if nptr >= 3 {
		g.p("\tMOVQ z+24(FP), R8")
		ptrs = append(ptrs, "R8")
	}
	g.p("\tMOVQ n+%d(FP), CX", argSize-8)
	sreg := "Y14"
	if is.z {
		sreg = "Z30"
	}
	if kind == kScalar || kind == kRScalar {
		g.p("\tVBROADCASTS%s s+16(FP), %s", sfx, sreg)
	}
	g.p("\tXORQ AX, AX")
	if is.z && unroll == 1 && regs <= 12 {
		// Dry run: which constants does the body use, how often?
		mark := g.b.Len()
		g.used = map[string]int{}
		body(&K{g: g, z: true, pfx: "Z"})
		g.b.Truncate(mark)
		ops := make([]string, 0, len(g.used))
		for op := range g.used {
			ops = append(ops, op)
		}
		sort.Slice(ops, func(i, j int) bool {
			if g.used[ops[i]] != g.used[ops[j]] {
				return g.used[ops[i]] > g.used[ops[j]]
			}
			return ops[i] < ops[j]
		})
		g.used = nil
		g.creg = map[string]string{}
		for i, op := range ops {
			if i == 18 { // Z12..Z29
				break
			}
			r := fmt.Sprintf("Z%d", 12+i)
			g.creg[op] = r
			g.p("\tVMOVUPS %s, %s", op, r)
		}
		defer func() { g.creg = nil }()
	}
	w := is.w
	if g.dbl {
		w /= 2
	}
	// emitCopy emits loads, body and the store of copy u at byte offset
	// disp; tail selects masked loads/stores.
	emitCopy := func(u int, disp int, tail bool) {
		k := g.newK(is)
		k.off = u * regs
		k.moff = u * masks
		// Inputs.
		in := 0
		load := func(ptr string) {
			dst := k.r(in)
			in++
			switch {
			case tail && is.z:
				g.p("\tVMOVUP%s.Z (%s)(AX*1), K7, %s", sfx, ptr, dst)
			case tail:
				g.p("\tVMASKMOVP%s (%s)(AX*1), Y15, %s", sfx, ptr, dst)
			default:
				g.p("\tVMOVUPS %d(%s)(AX*1), %s", disp, ptr, dst)
			}
		}
		switch kind {
		case kScalar:
			load(ptrs[0])
			g.p("\tVMOVAPS %s, %s", sreg, k.r(1))
		case kRScalar:
			g.p("\tVMOVAPS %s, %s", sreg, k.r(0))
			in = 1
			load(ptrs[0])
		default:
			for _, p := range ptrs {
				load(p)
			}
		}
		body(k)
		switch {
		case tail && is.z:
			g.p("\tVMOVUP%s %s, K7, (DI)(AX*1)", sfx, k.r(out))
		case tail:
			g.p("\tVMASKMOVP%s %s, Y15, (DI)(AX*1)", sfx, k.r(out))
		default:
			g.p("\tVMOVUPS %s, %d(DI)(AX*1)", k.r(out), disp)
		}
	}
	lu, l1, lt, ld := g.lbl("loopu"), g.lbl("loop1"), g.lbl("tail"), g.lbl("done")
	if unroll > 1 {
		g.p("%s:", lu)
		g.p("\tCMPQ CX, $%d", w*unroll)
		g.p("\tJLT %s", l1)
		for u := 0; u < unroll; u++ {
			emitCopy(u, u*w*es, false)
		}
		g.p("\tADDQ $%d, AX", w*unroll*es)
		g.p("\tSUBQ $%d, CX", w*unroll)
		g.p("\tJMP %s", lu)
	}
	g.p("%s:", l1)
	g.p("\tCMPQ CX, $%d", w)
	g.p("\tJLT %s", lt)
	emitCopy(0, 0, false)
	g.p("\tADDQ $%d, AX", w*es)
	g.p("\tSUBQ $%d, CX", w)
	g.p("\tJMP %s", l1)
	g.p("%s:", lt)
	g.p("\tTESTQ CX, CX")
	g.p("\tJEQ %s", ld)
	g.tailMask(is)
	emitCopy(0, 0, true)
	g.p("%s:", ld)
	g.p("\tVZEROUPPER")
	g.p("\tRET")
	g.p("")
}

// tailMask loads the mask of the CX (< lanes) remaining elements into K7
// (AVX-512) or Y15 (AVX2). Clobbers BX (and CX on AVX2).
func (g *gen) tailMask(is isa) {
	if is.z {
		g.p("\tMOVQ $1, BX")
		g.p("\tSHLQ CX, BX")
		g.p("\tDECQ BX")
		g.p("\tKMOVW BX, K7")
		return
	}
	g.p("\tLEAQ vmtail<>+32(SB), BX")
	if g.dbl {
		g.p("\tSHLQ $3, CX") // CX quadwords of ones
	} else {
		g.p("\tSHLQ $2, CX")
	}
	g.p("\tSUBQ CX, BX")
	g.p("\tVMOVDQU (BX), Y15")
}

// reduction emits func NAME(x *T, n int) T over 32 lanes: element i of x
// goes to lane i mod 32 (lanes start at neutral), then the lanes are
// combined pairwise, L[j] = op(L[j], L[j+w]) for w = 16, 8, 4, 2, 1. The
// lanes are held by 32/lanes-per-register accumulators, register i
// holding lanes [i·w, (i+1)·w).
func (g *gen) reduction(name string, is isa, neutral float64, combine func(k *K, acc, x string)) {
	fn := name + is.name
	et, es, sfx, ret := "float32", 4, "S", 20
	if g.dbl {
		et, es, sfx, ret = "float64", 8, "D", 24
	}
	g.p("// func %s(x *%s, n int) %s", fn, et, et)
	g.p("TEXT ·%s(SB), NOSPLIT, $0-%d", fn, ret)
	g.p("\tMOVQ x+0(FP), SI")
	g.p("\tMOVQ n+8(FP), CX")
	g.p("\tXORQ AX, AX")
	k := g.newK(is)
	w := is.w // lanes per register
	if g.dbl {
		w /= 2
	}
	neut := k.cf(float32(neutral))
	if g.dbl {
		neut = g.cq(math.Float64bits(neutral))
	}
	nacc := 32 / w
	for i := 0; i < nacc; i++ {
		k.mov(k.r(i), neut)
	}
	tmp := k.r(nacc)
	loop, tail, red := g.lbl("rloop"), g.lbl("rtail"), g.lbl("rreduce")
	g.p("%s:", loop)
	g.p("\tCMPQ CX, $32")
	g.p("\tJLT %s", tail)
	for i := 0; i < nacc; i++ {
		g.p("\tVMOVUPS %d(SI)(AX*1), %s", i*w*es, tmp)
		combine(k, k.r(i), tmp)
	}
	g.p("\tADDQ $%d, AX", 32*es)
	g.p("\tSUBQ $32, CX")
	g.p("\tJMP %s", loop)
	g.p("%s:", tail)
	for i := 0; i < nacc; i++ {
		part := g.lbl("rpart")
		g.p("\tCMPQ CX, $%d", w)
		g.p("\tJLT %s", part)
		g.p("\tVMOVUPS (SI)(AX*1), %s", tmp)
		combine(k, k.r(i), tmp)
		g.p("\tADDQ $%d, AX", w*es)
		g.p("\tSUBQ $%d, CX", w)
		continue2 := g.lbl("rnext")
		g.p("\tJMP %s", continue2)
		g.p("%s:", part)
		g.p("\tTESTQ CX, CX")
		g.p("\tJEQ %s", red)
		g.tailMask(is)
		k.mov(tmp, neut)
		if is.z {
			g.p("\tVMOVUP%s (SI)(AX*1), K7, %s", sfx, tmp)
		} else {
			t2 := k.r(nacc + 1)
			g.p("\tVMASKMOVP%s (SI)(AX*1), Y15, %s", sfx, t2)
			g.p("\tVBLENDVP%s Y15, %s, %s, %s", sfx, t2, tmp, tmp)
		}
		combine(k, k.r(i), tmp)
		g.p("\tJMP %s", red)
		g.p("%s:", continue2)
	}
	g.p("%s:", red)
	// Tree: registers first (w·half lanes apart), then within register 0.
	for n := nacc; n > 1; n /= 2 {
		for i := 0; i < n/2; i++ {
			combine(k, k.r(i), k.r(i+n/2))
		}
	}
	ky := &K{g: g, d: g.dbl, pfx: "Y"}
	kx := &K{g: g, d: g.dbl, pfx: "X"}
	if is.z {
		g.p("\tVEXTRACTF64X4 $1, Z0, Y1")
		combine(ky, "Y0", "Y1")
	}
	g.p("\tVEXTRACTF128 $1, Y0, X1")
	combine(kx, "X0", "X1")
	g.p("\tVMOVHLPS X0, X0, X1")
	combine(kx, "X0", "X1")
	if !g.dbl {
		g.p("\tVMOVSHDUP X0, X1")
		combine(kx, "X0", "X1")
	}
	g.p("\tVZEROUPPER")
	g.p("\tMOVS%s X0, ret+%d(FP)", sfx, ret-es)
	g.p("\tRET")
	g.p("")
}

// The combine steps of the reductions use register numbers 6, 7 (or 10,
// 11 in the tree) as temporaries: acc and x are always among 0..5.
func tmpRegs(k *K) (string, string) { return k.pfx + "10", k.pfx + "11" }

func combSum(k *K, acc, x string) { k.add(acc, acc, x) }
func combMax(k *K, acc, x string) {
	t, u := tmpRegs(k)
	k.nanMax(acc, x, acc, t, u, false)
}
func combMin(k *K, acc, x string) {
	t, u := tmpRegs(k)
	k.nanMax(acc, x, acc, t, u, true)
}

func main() {
	flag.Parse()
	g := &gen{}
	g.p("// Code generated by internal/asmgen; DO NOT EDIT.")
	g.p("")
	g.p("//go:build amd64 && !purego")
	g.p("")
	g.p("#include \"textflag.h\"")
	g.p("")
	for _, is := range isas {
		// Transcendentals: one copy per iteration.
		// AVX-512: one copy per iteration, with the constants in Z12..Z29
		// (see elementwise); the out-of-order core overlaps iterations.
		u, regs := 1, 12
		g.elementwise("exp", is, kUnary, u, regs, 1, 1, bodyExp)
		g.elementwise("log", is, kUnary, u, regs, 1, 1, bodyLog)
		g.elementwise("tanh", is, kUnary, u, regs, 1, 1, bodyTanh)
		g.elementwise("logistic", is, kUnary, u, regs, 1, 1, bodyLogistic)
		g.elementwise("erf", is, kUnary, u, regs, 1, 1, bodyErf)
		g.elementwise("expm1", is, kUnary, u, regs, 1, 1, bodyExpm1)
		g.elementwise("log1p", is, kUnary, u, regs, 1, 1, bodyLog1p)

		g.elementwise("neg", is, kUnary, 4, 2, 0, 1, bodyNeg)
		g.elementwise("abs", is, kUnary, 4, 2, 0, 1, bodyAbs)
		g.elementwise("sqrt", is, kUnary, 4, 2, 0, 1, bodySqrt)
		g.elementwise("rsqrt", is, kUnary, 4, 3, 0, 1, bodyRsqrt)
		for _, op := range binOps {
			f := op.f
			u := 4
			if op.mask > 0 {
				u = 1 // AVX2: masks Y12, Y13 only
				if is.z {
					u = 2 // K1..K4 (K7 is the tail mask)
				}
			}
			g.elementwise(op.name, is, kBinary, u, op.regs, op.mask, 2, func(k *K) { f(k, k.r(2), k.r(0), k.r(1)) })
			g.elementwise(op.name+"S", is, kScalar, u, op.regs, op.mask, 2, func(k *K) { f(k, k.r(2), k.r(0), k.r(1)) })
			if op.name == "sub" || op.name == "div" {
				g.elementwise(op.name+"R", is, kRScalar, u, op.regs, op.mask, 2, func(k *K) { f(k, k.r(2), k.r(0), k.r(1)) })
			}
		}
		g.elementwise("muladd", is, kTernary, 4, 3, 0, 0, func(k *K) { k.fma213(k.r(0), k.r(1), k.r(2)) })

		// float64 streaming kernels.
		g.dbl = true
		g.elementwise("neg64", is, kUnary, 4, 2, 0, 1, bodyNeg64)
		g.elementwise("abs64", is, kUnary, 4, 2, 0, 1, bodyAbs64)
		g.elementwise("sqrt64", is, kUnary, 4, 2, 0, 1, bodySqrt)
		g.elementwise("rsqrt64", is, kUnary, 4, 3, 0, 1, bodyRsqrt64)
		for _, op := range binOps {
			f := op.f
			u := 4
			if op.mask > 0 {
				u = 1
				if is.z {
					u = 2
				}
			}
			g.elementwise(op.name+"64", is, kBinary, u, op.regs, op.mask, 2, func(k *K) { f(k, k.r(2), k.r(0), k.r(1)) })
			g.elementwise(op.name+"S64", is, kScalar, u, op.regs, op.mask, 2, func(k *K) { f(k, k.r(2), k.r(0), k.r(1)) })
			if op.name == "sub" || op.name == "div" {
				g.elementwise(op.name+"R64", is, kRScalar, u, op.regs, op.mask, 2, func(k *K) { f(k, k.r(2), k.r(0), k.r(1)) })
			}
		}
		g.elementwise("muladd64", is, kTernary, 4, 3, 0, 0, func(k *K) { k.fma213(k.r(0), k.r(1), k.r(2)) })
		g.dbl = false

		g.reduction("sum", is, math.Copysign(0, -1), combSum)
		g.reduction("rmax", is, math.Inf(-1), combMax)
		g.reduction("rmin", is, math.Inf(1), combMin)
		g.dbl = true
		g.reduction("sum64", is, math.Copysign(0, -1), combSum)
		g.reduction("rmax64", is, math.Inf(-1), combMax)
		g.reduction("rmin64", is, math.Inf(1), combMin)
		g.dbl = false
	}
	// Constant table.
	for i, c := range g.consts {
		for j := 0; j < 8; j++ {
			g.p("DATA vmc<>+%d(SB)/8, $0x%016x", i*64+j*8, c)
		}
	}
	g.p("GLOBL vmc<>(SB), RODATA|NOPTR, $%d", len(g.consts)*64)
	g.p("")
	g.p("// vmtail: eight all-ones lanes then eight zero lanes; the 8 lanes at")
	g.p("// vmtail+32-4n select the first n lanes.")
	for j := 0; j < 16; j++ {
		v := uint32(0)
		if j < 8 {
			v = 0xffffffff
		}
		g.p("DATA vmtail<>+%d(SB)/4, $0x%08x", j*4, v)
	}
	g.p("GLOBL vmtail<>(SB), RODATA|NOPTR, $64")
	if err := os.WriteFile(*out, g.b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
