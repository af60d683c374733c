package vmath

import "math"

// The pure-Go kernels. Each transcendental function performs exactly the
// operation sequence of its assembly version (internal/asmgen): every
// fused multiply-add there is fma32 here, every other operation is one
// float32 operation, so that both return bit-identical results. Products
// that feed an addition are never left for the compiler to fuse (the Go
// spec allows fusing x*y + z); they are either fma32 or rounded explicitly.

// fma32 returns x*y + z rounded once to float32, like VFMADD.
//
// The product is exact in float64 (24+24 significant bits), so s, the
// float64 sum, carries one rounding; rounding s to float32 then gives the
// correctly rounded result unless s lies exactly halfway between two
// float32 values (or is in float32's subnormal range, where the halfway
// test differs): only then does fmaSlow recover the rounding error of s
// (TwoSum) and move s one float64 step towards the exact sum.
// FMA32 is x·y+z rounded once to float32, as the FMA instructions of the
// vector kernels compute it (for scalar tails elsewhere, such as gemm's).
func FMA32(x, y, z float32) float32 { return fma32(x, y, z) }

func fma32(x, y, z float32) float32 {
	s := float64(x)*float64(y) + float64(z)
	if b := math.Float64bits(s); b&(1<<29-1) == 1<<28 || b&(0x7ff<<52) < 0x381<<52 {
		return fmaSlow(x, y, z)
	}
	return float32(s)
}

func fmaSlow(x, y, z float32) float32 {
	p := float64(x) * float64(y)
	c := float64(z)
	s := p + c
	bb := s - p
	e := (p - (s - bb)) + (c - bb)
	if e != 0 && e == e && halfway32(s) {
		s = math.Nextafter(s, math.Copysign(math.Inf(1), e))
	}
	return float32(s)
}

// halfway32 reports whether the float64 s lies exactly halfway between
// two adjacent float32 values.
func halfway32(s float64) bool {
	a := math.Abs(s)
	if a >= 0x1p-126 {
		return math.Float64bits(s)&(1<<29-1) == 1<<28
	}
	t := a * 0x1p149
	return t-math.Floor(t) == 0.5
}

func roundEven32(x float32) float32 { return float32(math.RoundToEven(float64(x))) }

func pow2(k int32) float32 { return math.Float32frombits(uint32(k+127) << 23) }

// scale32 returns p·2^k for integral k in [-150, 128] with a single
// rounding, like VSCALEFPS: p·2^(k>>1) is exact (p is near 1), the second
// multiplication rounds.
func scale32(p, kf float32) float32 {
	k := int32(kf)
	k1 := k >> 1
	k2 := k - k1
	t := p * pow2(k1)
	return t * pow2(k2)
}

// Cephes Math Library (S. L. Moshier) single-precision coefficients.
var (
	expP  = [...]float32{1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1}
	logP  = [...]float32{7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1}
	tanhP = [...]float32{-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1}
	erfT  = [...]float32{7.853861353153693e-5, -8.010193625184903e-4, 5.188327685732524e-3, -2.685381193529856e-2, 1.128358514861418e-1, -3.761262582423300e-1, 1.128379165726710e0}
	erfcP = [...]float32{2.326819970068386e-2, -1.387039388740657e-1, 3.687424674597105e-1, -5.824733027278666e-1, 6.210004621745983e-1, -4.944515323274145e-1, 3.404879937665872e-1, -2.741127028184656e-1, 5.638259427386472e-1}
	erfcR = [...]float32{-1.047766399936249e1, 1.297719955372516e1, -7.495518717768503e0, 2.921019019210786e0, -1.015265279202700e0, 4.218463358204948e-1, -2.820767439740514e-1, 5.641895067754075e-1}
)

const (
	expLo  = -104 // exp(x) rounds to 0 below -103.97
	expHi  = 88.8 // exp(x) overflows above 88.7228
	log2e  = 1.44269504088896341
	ln2Hi  = 0.693359375 // 9 significant bits: k·ln2Hi is exact
	ln2Lo  = -2.12194440e-4
	sqrtHf = 0x3f3504f3 // bits of float32(√½)
)

func horner(c []float32, z float32) float32 {
	acc := c[0]
	for _, v := range c[1:] {
		acc = fma32(acc, z, v)
	}
	return acc
}

// exp1 is the exp kernel on one element.
func exp1(x float32) float32 {
	if x < expLo {
		x = expLo
	}
	if x > expHi {
		x = expHi
	}
	kf := roundEven32(x * log2e)
	r := fma32(-kf, ln2Hi, x)
	r = fma32(-kf, ln2Lo, r)
	p := horner(expP[:], r)
	r2 := r * r
	y := fma32(p, r2, r)
	y = y + 1
	return scale32(y, kf)
}

func log1(x float32) float32 { return logK(x, 0, false) }

// logK is the Log kernel; with addC it adds cu after e·ln2Lo (Log1p).
func logK(x, cu float32, addC bool) float32 {
	xs, eadj := x, float32(0)
	if x < 0x1p-126 {
		xs = x * 0x1p23
		eadj = -23
	}
	ix := int32(math.Float32bits(xs)) - sqrtHf
	e := float32(ix>>23) + eadj
	f := math.Float32frombits(uint32(ix&0x007fffff+sqrtHf)) - 1
	z := f * f
	y := horner(logP[:], f)
	y = y * f
	y = y * z
	y = fma32(e, ln2Lo, y)
	if addC {
		y = y + cu
	}
	y = fma32(z, -0.5, y)
	y = y + f
	y = fma32(e, ln2Hi, y)
	switch {
	case x == 0:
		return float32(math.Inf(-1))
	case x < 0:
		return float32(math.NaN())
	case !(x < float32(math.Inf(1))):
		return x
	}
	return y
}

func log1p1(x float32) float32 {
	u := x + 1
	c := x - (u - 1)
	if !(u < 2) {
		c = 1 - (u - x)
	}
	y := logK(u, c/u, true)
	if x == 0 {
		return x
	}
	return y
}

func expm1_1(x float32) float32 {
	xc := x
	if xc < -18 {
		xc = -18
	}
	if xc > expHi {
		xc = expHi
	}
	kf := roundEven32(xc * log2e)
	r := fma32(-kf, ln2Hi, xc)
	r = fma32(-kf, ln2Lo, r)
	p := horner(expP[:], r)
	r2 := r * r
	q := fma32(p, r2, r)
	switch {
	case x == 0:
		return x
	case x > 20:
		return scale32(q+1, kf)
	}
	p2 := pow2(int32(kf))
	return fma32(p2, q, p2-1)
}

func tanh1(x float32) float32 {
	bits := math.Float32bits(x)
	a := math.Float32frombits(bits &^ (1 << 31))
	var y float32
	if a < 0.625 {
		z := a * a
		s := horner(tanhP[:], z)
		s = s * z
		y = fma32(s, a, a)
	} else {
		e := exp1(a + a)
		e = e + 1
		e = 2 / e
		y = 1 - e
	}
	return math.Float32frombits(math.Float32bits(y) | bits&(1<<31))
}

func logistic1(x float32) float32 {
	n := math.Float32frombits(math.Float32bits(x) | 1<<31)
	e := exp1(n)
	d := e + 1
	if x < 0 {
		return e / d
	}
	return 1 / d
}

func erf1(x float32) float32 {
	bits := math.Float32bits(x)
	a := math.Float32frombits(bits &^ (1 << 31))
	var y float32
	if a < 1 {
		y = horner(erfT[:], a*a) * a
	} else {
		ac := a
		if ac > 4 {
			ac = 4
		}
		q := 1 / ac
		ez := exp1(-(ac * ac))
		var p float32
		q2 := q * q
		if ac < 2 {
			p = horner(erfcP[:], q2)
		} else {
			p = horner(erfcR[:], q2)
		}
		ez = ez * q
		ez = ez * p
		y = 1 - ez
	}
	return math.Float32frombits(math.Float32bits(y) | bits&(1<<31))
}

func mapUnary(f func(float32) float32) func(dst, x []float32) {
	return func(dst, x []float32) {
		dst = dst[:len(x)]
		for i, v := range x {
			dst[i] = f(v)
		}
	}
}

func mulAddGo(dst, x, y, z []float32) {
	dst = dst[:len(x)]
	y = y[:len(x)]
	z = z[:len(x)]
	for i, v := range x {
		dst[i] = fma32(v, y[i], z[i])
	}
}

var negZero = float32(math.Copysign(0, -1))

func sumGo(x []float32) float32 {
	var acc [32]float32
	for i := range acc {
		acc[i] = negZero
	}
	for ; len(x) >= 32; x = x[32:] {
		b := (*[32]float32)(x)
		for j := range 32 {
			acc[j] += b[j]
		}
	}
	for j, v := range x {
		acc[j] += v
	}
	for w := 16; w >= 1; w /= 2 {
		for j := range w {
			acc[j] += acc[j+w]
		}
	}
	return acc[0]
}

func maxGo(x []float32) float32 {
	var acc [32]float32
	for i := range acc {
		acc[i] = negInf
	}
	for ; len(x) >= 32; x = x[32:] {
		b := (*[32]float32)(x)
		for j := range 32 {
			acc[j] = max(acc[j], b[j])
		}
	}
	for j, v := range x {
		acc[j] = max(acc[j], v)
	}
	for w := 16; w >= 1; w /= 2 {
		for j := range w {
			acc[j] = max(acc[j], acc[j+w])
		}
	}
	return acc[0]
}

func minGo(x []float32) float32 {
	var acc [32]float32
	for i := range acc {
		acc[i] = posInf
	}
	for ; len(x) >= 32; x = x[32:] {
		b := (*[32]float32)(x)
		for j := range 32 {
			acc[j] = min(acc[j], b[j])
		}
	}
	for j, v := range x {
		acc[j] = min(acc[j], v)
	}
	for w := 16; w >= 1; w /= 2 {
		for j := range w {
			acc[j] = min(acc[j], acc[j+w])
		}
	}
	return acc[0]
}

// The simple kernels, as plain loops.

func negGo(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = math.Float32frombits(math.Float32bits(v) ^ 1<<31)
	}
}

func absGo(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = math.Float32frombits(math.Float32bits(v) &^ (1 << 31))
	}
}

func sqrtGo(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = float32(math.Sqrt(float64(v))) // correctly rounded: 53 ≥ 2·24+2
	}
}

func rsqrtGo(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = 1 / float32(math.Sqrt(float64(v)))
	}
}

func addGo(dst, x, y []float32) {
	dst, y = dst[:len(x)], y[:len(x)]
	for i, v := range x {
		dst[i] = v + y[i]
	}
}

func subGo(dst, x, y []float32) {
	dst, y = dst[:len(x)], y[:len(x)]
	for i, v := range x {
		dst[i] = v - y[i]
	}
}

func mulGo(dst, x, y []float32) {
	dst, y = dst[:len(x)], y[:len(x)]
	for i, v := range x {
		dst[i] = v * y[i]
	}
}

func divGo(dst, x, y []float32) {
	dst, y = dst[:len(x)], y[:len(x)]
	for i, v := range x {
		dst[i] = v / y[i]
	}
}

func maxVGo(dst, x, y []float32) {
	dst, y = dst[:len(x)], y[:len(x)]
	for i, v := range x {
		dst[i] = max(v, y[i])
	}
}

func minVGo(dst, x, y []float32) {
	dst, y = dst[:len(x)], y[:len(x)]
	for i, v := range x {
		dst[i] = min(v, y[i])
	}
}

func addSGo(dst, x []float32, s float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = v + s
	}
}

func subSGo(dst, x []float32, s float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = v - s
	}
}

func mulSGo(dst, x []float32, s float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = v * s
	}
}

func divSGo(dst, x []float32, s float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = v / s
	}
}

func maxSGo(dst, x []float32, s float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = max(v, s)
	}
}

func minSGo(dst, x []float32, s float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = min(v, s)
	}
}

func subRGo(dst, x []float32, s float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = s - v
	}
}

func divRGo(dst, x []float32, s float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = s / v
	}
}

func genericImpl() *impl {
	return &impl{
		name:     "generic",
		exp:      mapUnary(exp1),
		log:      mapUnary(log1),
		tanh:     mapUnary(tanh1),
		logistic: mapUnary(logistic1),
		erf:      mapUnary(erf1),
		expm1:    mapUnary(expm1_1),
		log1p:    mapUnary(log1p1),
		neg:      negGo,
		abs:      absGo,
		sqrt:     sqrtGo,
		rsqrt:    rsqrtGo,
		add:      addGo,
		sub:      subGo,
		mul:      mulGo,
		div:      divGo,
		max:      maxVGo,
		min:      minVGo,
		addS:     addSGo,
		subS:     subSGo,
		mulS:     mulSGo,
		divS:     divSGo,
		maxS:     maxSGo,
		minS:     minSGo,
		subR:     subRGo,
		divR:     divRGo,
		muladd:   mulAddGo,
		d:        generic64(),
		sum:      sumGo,
		maxR:     maxGo,
		minR:     minGo,
	}
}

// The float64 kernels in pure Go (each a single IEEE operation, so any
// correct implementation is bit-identical to the assembly).

func generic64() impl64 {
	return impl64{
		neg:  func(dst, x []float64) { map64(dst, x, func(v float64) float64 { return -v }) },
		abs:  func(dst, x []float64) { map64(dst, x, math.Abs) },
		sqrt: func(dst, x []float64) { map64(dst, x, math.Sqrt) },
		rsqrt: func(dst, x []float64) {
			map64(dst, x, func(v float64) float64 { return 1 / math.Sqrt(v) })
		},
		add:    func(dst, x, y []float64) { zip64(dst, x, y, func(a, b float64) float64 { return a + b }) },
		sub:    func(dst, x, y []float64) { zip64(dst, x, y, func(a, b float64) float64 { return a - b }) },
		mul:    func(dst, x, y []float64) { zip64(dst, x, y, func(a, b float64) float64 { return a * b }) },
		div:    func(dst, x, y []float64) { zip64(dst, x, y, func(a, b float64) float64 { return a / b }) },
		max:    func(dst, x, y []float64) { zip64(dst, x, y, func(a, b float64) float64 { return max(a, b) }) },
		min:    func(dst, x, y []float64) { zip64(dst, x, y, func(a, b float64) float64 { return min(a, b) }) },
		addS:   func(dst, x []float64, s float64) { map64(dst, x, func(v float64) float64 { return v + s }) },
		subS:   func(dst, x []float64, s float64) { map64(dst, x, func(v float64) float64 { return v - s }) },
		mulS:   func(dst, x []float64, s float64) { map64(dst, x, func(v float64) float64 { return v * s }) },
		divS:   func(dst, x []float64, s float64) { map64(dst, x, func(v float64) float64 { return v / s }) },
		maxS:   func(dst, x []float64, s float64) { map64(dst, x, func(v float64) float64 { return max(v, s) }) },
		minS:   func(dst, x []float64, s float64) { map64(dst, x, func(v float64) float64 { return min(v, s) }) },
		subR:   func(dst, x []float64, s float64) { map64(dst, x, func(v float64) float64 { return s - v }) },
		divR:   func(dst, x []float64, s float64) { map64(dst, x, func(v float64) float64 { return s / v }) },
		muladd: mulAdd64Go,
		sum: func(x []float64) float64 {
			return sum64Go(x)
		},
		maxR: func(x []float64) float64 {
			return reduce64(x, math.Inf(-1), func(a, v float64) float64 { return max(a, v) })
		},
		minR: func(x []float64) float64 {
			return reduce64(x, math.Inf(1), func(a, v float64) float64 { return min(a, v) })
		},
	}
}

// reduce64 is reduceGo for float64: the same 32 lanes and pairwise tree.
func reduce64(x []float64, neutral float64, op func(acc, v float64) float64) float64 {
	var acc [32]float64
	for i := range acc {
		acc[i] = neutral
	}
	for ; len(x) >= 32; x = x[32:] {
		b := (*[32]float64)(x)
		for j := range 32 {
			acc[j] = op(acc[j], b[j])
		}
	}
	for j, v := range x {
		acc[j] = op(acc[j], v)
	}
	for w := 16; w >= 1; w /= 2 {
		for j := range w {
			acc[j] = op(acc[j], acc[j+w])
		}
	}
	return acc[0]
}

func map64(dst, x []float64, f func(float64) float64) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = f(v)
	}
}

func zip64(dst, x, y []float64, f func(a, b float64) float64) {
	dst, y = dst[:len(x)], y[:len(x)]
	for i, v := range x {
		dst[i] = f(v, y[i])
	}
}

func mulAdd64Go(dst, x, y, z []float64) {
	dst, y, z = dst[:len(x)], y[:len(x)], z[:len(x)]
	for i, v := range x {
		dst[i] = math.FMA(v, y[i], z[i])
	}
}

// sum64Go is reduce64 with the addition inlined.
func sum64Go(x []float64) float64 {
	var acc [32]float64
	nz := math.Copysign(0, -1)
	for i := range acc {
		acc[i] = nz
	}
	for ; len(x) >= 32; x = x[32:] {
		b := (*[32]float64)(x)
		for j := range 32 {
			acc[j] += b[j]
		}
	}
	for j, v := range x {
		acc[j] += v
	}
	for w := 16; w >= 1; w /= 2 {
		for j := range w {
			acc[j] += acc[j+w]
		}
	}
	return acc[0]
}
