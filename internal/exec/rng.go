package exec

import (
	"math"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// rng_bit_generator with XLA's bit streams (xla/hlo/builder/lib/prng.cc and
// RngBitGeneratorExpander), so a program gets the numbers it gets under
// XLA:
//
//   - THREE_FRY: state [key, counter]. Threefry-2x32 with 20 rounds; 64-bit
//     outputs use one block per element (counter + row-major index); 32-bit
//     outputs split the shape in halves (see linSplitShape); narrower types
//     take the low bits of the 32-bit stream. The counter advances by the
//     number of blocks.
//   - PHILOX: state [key, counter_lo, counter_hi] (or [key, counter], whose
//     counter XLA reads as the 128-bit value (lo=state[1], hi=state[0]) and
//     writes back as its low word). Philox-4x32 with 10 rounds; 32-bit
//     outputs take the four words of block j as elements 4j..4j+3, 64-bit
//     outputs two words per element.
//   - DEFAULT is PHILOX, as on XLA's CPU and GPU backends.
//
// Float outputs get the raw bits of an unsigned integer of the same width.

func init() {
	register("stablehlo.rng_bit_generator", rngBitGeneratorKernel)
	register("stablehlo.rng", rngKernel)
}

func rngBitGeneratorKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := linTensors(op, in, 1)
	if err != nil {
		return nil, err
	}
	st := ts[0]
	alg := "DEFAULT"
	if v, ok := ir.Enum(op.Props.Get("rng_algorithm")); ok {
		alg = v
	}
	if alg == "DEFAULT" {
		alg = "PHILOX"
	}
	if st.DType != tensor.U64 || len(st.Shape) != 1 {
		return nil, linReject(op, "the state must be a 1-D ui64 tensor, got %s%v", st.DType, st.Shape)
	}
	switch {
	case alg == "THREE_FRY" && st.Shape[0] != 2:
		return nil, linReject(op, "THREE_FRY takes a state of 2 elements, got %d", st.Shape[0])
	case alg == "PHILOX" && st.Shape[0] != 2 && st.Shape[0] != 3:
		return nil, linReject(op, "PHILOX takes a state of 2 or 3 elements, got %d", st.Shape[0])
	case alg != "THREE_FRY" && alg != "PHILOX":
		return nil, linReject(op, "unknown rng_algorithm %q", alg)
	}
	if sd, err := linCheckShape(op, 0, st.Shape); err != nil {
		return nil, err
	} else if sd != tensor.U64 {
		return nil, linReject(op, "the output state must be ui64, got %s", sd)
	}
	rt, err := linResult(op, 1)
	if err != nil {
		return nil, err
	}
	if len(op.Results) != 2 {
		return nil, linReject(op, "rng_bit_generator has 2 results")
	}
	if !rt.IsStatic() {
		return nil, linReject(op, "the output type %s must have a static shape", rt)
	}
	d := rt.Elem.DType
	w := d.Bits()
	if !(d.IsInteger() || d.IsFloat()) || w > 64 {
		return nil, linReject(op, "rng_bit_generator cannot produce %s", d)
	}
	newState, err := c.NewTensor(tensor.U64, st.Shape)
	if err != nil {
		return nil, err
	}
	out, err := c.NewTensor(d, rt.Shape)
	if err != nil {
		return nil, err
	}
	s := make([]uint64, st.Shape[0])
	for i := range s {
		s[i] = st.Uint64(int64(i))
	}
	var ns []uint64
	if alg == "THREE_FRY" {
		ns, err = linThreeFry(c, s, out)
	} else {
		ns, err = linPhilox(c, s, out)
	}
	if err != nil {
		return nil, err
	}
	for i, v := range ns {
		newState.SetUint64(int64(i), v)
	}
	return []Val{{T: newState}, {T: out}}, nil
}

// linPutBits stores the low bits of v as element i of t.
func linPutBits(t *tensor.Tensor, i int64, v uint64) {
	d := t.DType
	if d.IsInteger() {
		t.SetUint64(i, v) // keeps the low d.Bits() bits, sign-extending narrow signed types
		return
	}
	if w := d.Bits(); w < 64 {
		v &= 1<<uint(w) - 1
	}
	sz := int64(d.Size())
	for k := int64(0); k < sz; k++ {
		t.Data[i*sz+k] = byte(v >> (8 * k))
	}
}

func linRotl32(v uint32, n uint) uint32 { return v<<n | v>>(32-n) }

// linThreeFry2x32 is Threefry-2x32 with 20 rounds (Salmon et al. 2011), in
// XLA's formulation.
func linThreeFry2x32(x0, x1, k0, k1 uint32) (uint32, uint32) {
	rot := [8]uint{13, 15, 26, 6, 17, 29, 16, 24}
	ks := [3]uint32{k0, k1, 0x1BD11BDA ^ k0 ^ k1}
	x0 += ks[0]
	x1 += ks[1]
	for i := 0; i < 5; i++ {
		r := rot[(i%2)*4 : (i%2)*4+4]
		for _, n := range r {
			x0 += x1
			x1 = linRotl32(x1, n)
			x1 ^= x0
		}
		x0 += ks[(i+1)%3]
		x1 += ks[(i+2)%3] + uint32(i+1)
	}
	return x0, x1
}

// linSplitShape is XLA's SplitShapeIntoHalves for 32-bit outputs: the
// first dimension of even size (else the first of largest size) is split
// into ceil(n/2) blocks; element j along it takes word j%2 of block j/2.
// It returns that dimension (-1 for a scalar) and the block shape.
func linSplitShape(shape []int64) (int, []int64) {
	if len(shape) == 0 {
		return -1, []int64{1}
	}
	split := -1
	for i, d := range shape {
		if d%2 == 0 {
			split = i
			break
		}
	}
	if split < 0 {
		for i, d := range shape {
			if split < 0 || d > shape[split] {
				split = i
			}
		}
	}
	half := append([]int64(nil), shape...)
	half[split] = (shape[split] + 1) / 2
	return split, half
}

func linThreeFry(c *Ctx, s []uint64, out *tensor.Tensor) ([]uint64, error) {
	key, ctr := s[0], s[1]
	k0, k1 := uint32(key), uint32(key>>32)
	block := func(i int64) (uint32, uint32) {
		v := ctr + uint64(i)
		return linThreeFry2x32(uint32(v), uint32(v>>32), k0, k1)
	}
	n := out.NumElements()
	shape := out.Shape
	if out.DType.Bits() == 64 {
		err := c.Loop(n, func(i int64) {
			x0, x1 := block(i)
			linPutBits(out, i, uint64(x0)|uint64(x1)<<32)
		})
		return []uint64{key, ctr + uint64(n)}, err
	}
	split, half := linSplitShape(shape)
	if split < 0 {
		x0, _ := block(0)
		linPutBits(out, 0, uint64(x0))
		return []uint64{key, ctr + 1}, c.Work(1)
	}
	hstr := linStrides(half)
	idx := make([]int64, len(shape))
	err := c.Loop(n, func(i int64) {
		var b int64
		for d, v := range idx {
			if d == split {
				v /= 2
			}
			b += v * hstr[d]
		}
		x0, x1 := block(b)
		v := x0
		if idx[split]%2 == 1 {
			v = x1
		}
		linPutBits(out, i, uint64(v))
		linNext(idx, shape)
	})
	return []uint64{key, ctr + uint64(linNumel(half))}, err
}

// linPhilox4x32 is Philox-4x32 with 10 rounds, in XLA's formulation.
func linPhilox4x32(x [4]uint32, k0, k1 uint32) [4]uint32 {
	const (
		w32a, w32b = 0x9E3779B9, 0xBB67AE85
		m4a, m4b   = 0xD2511F53, 0xCD9E8D57
	)
	for r := 0; r < 10; r++ {
		p0 := uint64(x[0]) * m4a
		p1 := uint64(x[2]) * m4b
		x = [4]uint32{uint32(p1>>32) ^ x[1] ^ k0, uint32(p1), uint32(p0>>32) ^ x[3] ^ k1, uint32(p0)}
		k0 += w32a
		k1 += w32b
	}
	return x
}

func linPhilox(c *Ctx, s []uint64, out *tensor.Tensor) ([]uint64, error) {
	key := s[0]
	var lo, hi uint64
	if len(s) >= 3 {
		lo, hi = s[1], s[2]
	} else {
		lo, hi = s[1], s[0]
	}
	k0, k1 := uint32(key), uint32(key>>32)
	block := func(j int64) [4]uint32 {
		l := lo + uint64(j)
		h := hi
		if l < lo {
			h++
		}
		return linPhilox4x32([4]uint32{uint32(l), uint32(l >> 32), uint32(h), uint32(h >> 32)}, k0, k1)
	}
	n := out.NumElements()
	var blocks int64
	var err error
	if out.DType.Bits() == 64 {
		blocks = (n + 1) / 2
		err = c.Loop(n, func(i int64) {
			x := block(i / 2)
			t := (i % 2) * 2
			linPutBits(out, i, uint64(x[t])|uint64(x[t+1])<<32)
		})
	} else {
		blocks = (n + 3) / 4
		err = c.Loop(n, func(i int64) {
			linPutBits(out, i, uint64(block(i / 4)[i%4]))
		})
	}
	nl := lo + uint64(blocks)
	nh := hi
	if nl < lo {
		nh++
	}
	if len(s) >= 3 {
		return []uint64{key, nl, nh}, err
	}
	return []uint64{key, nl}, err
}

// rngKernel is stablehlo.rng, whose numbers the spec leaves to the
// implementation. hlogate draws them deterministically from Philox with
// key 0 and counter 0, so a program always gets the same numbers.
// UNIFORM gives values in [a, b) (integers by a modulo reduction); NORMAL
// uses the Box–Muller transform with mean a and standard deviation b.
func rngKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := linTensors(op, in, 3)
	if err != nil {
		return nil, err
	}
	a, b, sh := ts[0], ts[1], ts[2]
	if a.NumElements() != 1 || b.NumElements() != 1 || len(a.Shape) != 0 || len(b.Shape) != 0 {
		return nil, linReject(op, "a and b must be scalars")
	}
	if !sh.DType.IsInteger() || len(sh.Shape) != 1 {
		return nil, linReject(op, "shape must be a 1-D integer tensor")
	}
	shape := make([]int64, sh.NumElements())
	for i := range shape {
		shape[i] = sh.Int64(int64(i))
		if shape[i] < 0 || (sh.DType.IsUnsigned() && sh.Uint64(int64(i)) > 1<<62) {
			return nil, linReject(op, "shape has a negative or huge dimension")
		}
	}
	d, err := linCheckShape(op, 0, shape)
	if err != nil {
		return nil, err
	}
	if d != a.DType || d != b.DType {
		return nil, linReject(op, "a, b and the result must share one element type")
	}
	dist, _ := ir.Enum(op.Props.Get("rng_distribution"))
	if dist != "UNIFORM" && dist != "NORMAL" {
		return nil, linReject(op, "unknown rng_distribution %q", dist)
	}
	if dist == "NORMAL" && !d.IsFloat() {
		return nil, linReject(op, "NORMAL needs a floating-point type, got %s", d)
	}
	if !(d.IsFloat() || d.IsInteger() || d.IsBool()) {
		return nil, linReject(op, "rng cannot produce %s", d)
	}
	out, err := c.NewTensor(d, shape)
	if err != nil {
		return nil, err
	}
	bits := func(i int64) uint64 { // 64 random bits for element i
		x := linPhilox4x32([4]uint32{uint32(i), uint32(uint64(i) >> 32), 0, 0}, 0, 0)
		return uint64(x[0]) | uint64(x[1])<<32
	}
	unit := func(i int64) float64 { return float64(bits(i)>>11) / (1 << 53) } // [0, 1)
	lo, hi := a.Float64(0), b.Float64(0)
	err = c.Loop(out.NumElements(), func(i int64) {
		switch {
		case dist == "NORMAL":
			u1 := math.Max(unit(2*i), 1e-300)
			u2 := unit(2*i + 1)
			z := math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
			out.SetFloat64(i, lo+hi*z)
		case d.IsFloat():
			v := lo + (hi-lo)*unit(i)
			if linRound(d, v) >= hi {
				v = lo // rounding reached b: keep the result in [a, b)
			}
			out.SetFloat64(i, v)
		case d.IsBool():
			ai, bi := a.Int64(0), b.Int64(0)
			if bi > ai {
				out.SetInt64(i, ai+int64(bits(i)%uint64(bi-ai)))
			} else {
				out.SetInt64(i, ai)
			}
		default:
			// Span b - a as unsigned 64-bit (it fits for every integer type).
			ai, bi := a.Uint64(0), b.Uint64(0)
			span := bi - ai
			if d.IsSigned() && a.Int64(0) >= b.Int64(0) || d.IsUnsigned() && ai >= bi {
				out.SetUint64(i, ai)
				return
			}
			out.SetUint64(i, ai+bits(i)%span)
		}
	})
	if err != nil {
		return nil, err
	}
	return []Val{{T: out}}, nil
}
