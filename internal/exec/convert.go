package exec

import (
	"math"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// convert, bitcast_convert and reduce_precision.

func init() {
	register("stablehlo.convert", ewPlan{arity: 1, compute: cvConvert}.kernel())
	register("stablehlo.bitcast_convert", cvBitcastKernel)
	register("stablehlo.reduce_precision", ewPlan{arity: 1, compute: cvReducePrecision}.kernel())
}

// cvConvert converts every element to the result type:
//
//   - bool → anything: false is 0, true is 1;
//   - anything → bool: x != 0 (a NaN is true; complex looks at the real part);
//   - integer → integer: the low bits of the result width (two's complement
//     wrap, sign- or zero-extended by the source's signedness);
//   - integer → float/complex: rounded once to nearest even;
//   - float → float, complex → complex (per part): rounded once to nearest
//     even, with the special values of package tensor (overflow gives ±Inf,
//     or NaN / ±max for formats without Inf);
//   - float → integer: truncated toward zero and saturated: NaN gives 0,
//     values above the range (and +Inf) the maximum, values below it (and
//     -Inf) the minimum. StableHLO leaves out-of-range results open; this is
//     APFloat's convertToInteger, which the reference interpreter uses;
//   - complex → real or integer or bool: the real part, converted as a float;
//   - real → complex: the real part, with a zero imaginary part.
func cvConvert(c *Ctx, op *ir.Op, ins []*tensor.Tensor, out *tensor.Tensor) error {
	x := ins[0]
	src, dst := x.DType, out.DType
	n := out.NumElements()
	switch ewClassOf(src) {
	case ewBool:
		return c.Loop(n, func(i int64) { out.SetInt64(i, int64(x.Data[i]&1)) })
	case ewSigned:
		return c.Loop(n, func(i int64) { out.SetInt64(i, x.Int64(i)) })
	case ewUnsigned:
		return c.Loop(n, func(i int64) { out.SetUint64(i, x.Uint64(i)) })
	case ewFloat:
		return c.Loop(n, func(i int64) { out.SetFloat64(i, x.Float64(i)) })
	case ewComplex:
		if dst.IsComplex() {
			return c.Loop(n, func(i int64) { out.SetComplex128(i, x.Complex128(i)) })
		}
		return c.Loop(n, func(i int64) { out.SetFloat64(i, real(x.Complex128(i))) })
	}
	return ewBadType(op, src)
}

// cvBitcastKernel reinterprets the bits of the operand as the result type.
// Elements are laid out little-endian: when the result type is narrower,
// result[..., k] holds bits [k·w', (k+1)·w') of operand[...]; when it is
// wider, result[...] is made of operand[..., 0] (lowest bits) to
// operand[..., r-1]. A complex value's bits are its real part (low half)
// then its imaginary part. Quantized types use their storage types.
func cvBitcastKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := ewOperands(op, in, 1)
	if err != nil {
		return nil, err
	}
	x := ts[0]
	rt, err := ewResult(op)
	if err != nil {
		return nil, err
	}
	sd, rd := x.DType, rt.Elem.StorageDType()
	sb, rb := sd.Bits(), rd.Bits()
	if !sd.Valid() || !rd.Valid() {
		return nil, ewReject(op, "bitcast_convert from %s to %s is not defined", sd, rd)
	}
	if sd.IsComplex() != rd.IsComplex() {
		return nil, ewReject(op, "bitcast_convert between %s and %s: complex types convert only to complex types", sd, rd)
	}
	var shape []int64
	switch {
	case sb == rb:
		shape = x.Shape
	case rb < sb:
		if sb%rb != 0 {
			return nil, ewReject(op, "bitcast_convert from %s to %s: %d bits do not split into %d-bit elements", sd, rd, sb, rb)
		}
		shape = append(append([]int64{}, x.Shape...), int64(sb/rb))
	default:
		r := len(x.Shape)
		if rb%sb != 0 || r == 0 || x.Shape[r-1] != int64(rb/sb) {
			return nil, ewReject(op, "bitcast_convert from %s%v to %s: the last dimension must be %d", sd, x.Shape, rd, rb/max(sb, 1))
		}
		shape = x.Shape[:r-1]
	}
	if err := ewCheckShape(op, rt, shape); err != nil {
		return nil, err
	}
	out, err := c.NewTensor(rd, shape)
	if err != nil {
		return nil, err
	}
	if sb == 8*sd.Size() && rb == 8*rd.Size() {
		// Both types fill their bytes: the little-endian bytes are the bits.
		copy(out.Data, x.Data)
		return []Val{{T: out}}, c.Work(int64(len(out.Data))/8 + 1)
	}
	if sb > 64 || rb > 64 {
		return nil, ewReject(op, "bitcast_convert from %s to %s is not supported", sd, rd)
	}
	n := out.NumElements()
	if rb <= sb {
		k := int64(sb / rb)
		err = c.Loop(n, func(j int64) {
			v := ewRawBits(x, j/k) >> uint((j%k)*int64(rb))
			cvStoreBits(out, j, v)
		})
	} else {
		k := int64(rb / sb)
		err = c.Loop(n, func(j int64) {
			var v uint64
			for m := int64(0); m < k; m++ {
				v |= ewRawBits(x, j*k+m) << uint(m*int64(sb))
			}
			cvStoreBits(out, j, v)
		})
	}
	if err != nil {
		return nil, err
	}
	return []Val{{T: out}}, nil
}

// cvStoreBits stores the low d.Bits() bits of v as element i, in canonical
// storage form (i1 as 0/1, i2/i4 sign-extended, other sub-byte types in the
// low bits).
func cvStoreBits(t *tensor.Tensor, i int64, v uint64) {
	d := t.DType
	w := d.Bits()
	v &= ewMask(w)
	if d.IsSigned() {
		v = uint64(ewSext(v, w))
	}
	sz := int64(d.Size())
	b := t.Data[i*sz : i*sz+sz]
	for k := range b {
		b[k] = byte(v >> (8 * uint(k)))
	}
}

// cvLayout gives the exponent and mantissa widths of each real float type
// and whether it has a sign bit.
func cvLayout(d tensor.DType) (ebits, mbits int, signed, ok bool) {
	switch d {
	case tensor.F16:
		return 5, 10, true, true
	case tensor.BF16:
		return 8, 7, true, true
	case tensor.F32:
		return 8, 23, true, true
	case tensor.F64:
		return 11, 52, true, true
	case tensor.F8E3M4:
		return 3, 4, true, true
	case tensor.F8E4M3, tensor.F8E4M3FN, tensor.F8E4M3FNUZ, tensor.F8E4M3B11FNUZ:
		return 4, 3, true, true
	case tensor.F8E5M2, tensor.F8E5M2FNUZ:
		return 5, 2, true, true
	case tensor.F8E8M0FNU:
		return 8, 0, false, true
	case tensor.F6E2M3FN:
		return 2, 3, true, true
	case tensor.F6E3M2FN:
		return 3, 2, true, true
	case tensor.F4E2M1FN:
		return 2, 1, true, true
	}
	return 0, 0, false, false
}

// cvHasInf reports whether the float type has infinities.
func cvHasInf(d tensor.DType) bool {
	switch d {
	case tensor.F16, tensor.BF16, tensor.F32, tensor.F64, tensor.F8E3M4, tensor.F8E4M3, tensor.F8E5M2:
		return true
	}
	return false
}

// cvReducePrecision rounds each element to a float format with the given
// exponent and mantissa widths and back, on the bits of the element's own
// type, as the reference interpreter does:
//
//   - if mantissa_bits is below the type's, the mantissa is rounded to
//     mantissa_bits bits to nearest even (a carry may bump the exponent);
//   - if exponent_bits is below the type's, exponents above the reduced
//     range become ±Inf and exponents at or below its minimum (subnormals
//     of the reduced format included) become ±0;
//   - a NaN stays the same NaN, except that with mantissa_bits = 0 it
//     becomes +Inf (NaN for types without Inf).
func cvReducePrecision(c *Ctx, op *ir.Op, ins []*tensor.Tensor, out *tensor.Tensor) error {
	x := ins[0]
	d := x.DType
	if out.DType != d {
		return ewReject(op, "reduce_precision: result type %s differs from operand type %s", out.DType, d)
	}
	eb, okE := ir.Int(op.Attr("exponent_bits"))
	mb, okM := ir.Int(op.Attr("mantissa_bits"))
	if !okE || !okM || eb < 1 || mb < 0 {
		return ewReject(op, "reduce_precision needs exponent_bits >= 1 and mantissa_bits >= 0")
	}
	srcE, srcM, signed, ok := cvLayout(d)
	if !ok {
		return ewBadType(op, d)
	}
	width := srcE + srcM
	var signMask uint64
	if signed {
		signMask = 1 << uint(width)
		width++
	}
	reduce := func(v uint64) uint64 {
		if mb < int64(srcM) {
			sh := uint(int64(srcM) - mb)
			last := uint64(1) << sh
			bias := (last >> 1) - 1 + (v&last)>>sh
			v = (v + bias) &^ (last - 1)
			v &= ewMask(width)
		}
		if eb < int64(srcE) {
			expMask := ewMask(srcE) << uint(srcM)
			expBias := uint64(1)<<uint(srcE-1) - 1
			redBias := uint64(1)<<uint(eb-1) - 1
			maxExp, minExp := expBias+redBias, expBias-redBias
			xe := v & expMask
			switch {
			case xe <= minExp<<uint(srcM):
				v &= signMask
			case xe > maxExp<<uint(srcM):
				v = v&signMask | expMask
			}
		}
		return v
	}
	infBits := tensor.FloatBits(d, math.Inf(1))
	return c.Loop(out.NumElements(), func(i int64) {
		f := x.Float64(i)
		v := ewRawBits(x, i)
		switch {
		case f != f && mb > 0:
			// keep the NaN
		case f != f && cvHasInf(d):
			v = infBits
		case f != f:
			// no Inf in this type: the NaN stays
		default:
			v = reduce(v)
		}
		cvStoreBits(out, i, v)
	})
}
