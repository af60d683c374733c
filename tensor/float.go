package tensor

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Conversions between float64 and the real floating-point element types.
//
// Every narrow format is converted with a single rounding step
// (round-to-nearest, ties-to-even) directly from the float64 value, so the
// results are exact in the sense of IEEE 754 conversion. The special cases
// follow LLVM's APFloat (what MLIR and the StableHLO reference interpreter
// use) wherever APFloat defines a result, and ml_dtypes (what numpy and JAX
// use) where APFloat has none:
//
//   - IEEE-like formats (f16, bf16, f8E5M2, f8E4M3, f8E3M4): overflow and
//     ±Inf give ±Inf; NaN keeps its sign and the top payload bits and is
//     made quiet (APFloat; ml_dtypes gives the canonical quiet NaN, which is
//     the same pattern for every NaN Go's math.NaN produces).
//   - f8E4M3FN ("finite, NaN = S.1111.111"): overflow and ±Inf give NaN with
//     the input's sign (0x7F / 0xFF). Both libraries agree. 464 rounds down
//     to 448 (tie to even); anything above 464 becomes NaN.
//   - FNUZ formats (f8E4M3FNUZ, f8E4M3B11FNUZ, f8E5M2FNUZ): overflow, ±Inf
//     and NaN all give the single NaN 0x80; there is no negative zero, so
//     -0 and negative values that round to zero give +0 (0x00).
//   - f8E8M0FNU (unsigned, exponent only, value 2^(bits-127), NaN = 0xFF,
//     no zero, no subnormals): NaN, ±Inf, overflow (x >= 1.5·2^127) and any
//     negative non-zero value give NaN (ml_dtypes; APFloat cannot represent
//     a negative here). ±0 and every positive value below 2^-127 give the
//     smallest value 0x00 = 2^-127 (APFloat's makeSmallestNormalized;
//     ml_dtypes differs for ±0, which it maps to NaN). With no mantissa bits
//     a tie between two powers of two rounds up (the implicit bit is odd),
//     which both libraries do.
//   - f6E2M3FN, f6E3M2FN, f4E2M1FN (no Inf, no NaN): overflow saturates to
//     ±max finite (APFloat and ml_dtypes agree); ±Inf also saturate to ±max
//     (ml_dtypes; APFloat has no defined result). NaN has no encoding: like
//     ml_dtypes we return a zero whose sign is the opposite of the NaN's
//     sign (+NaN → -0 = sign bit alone, -NaN → +0).
//
// f32 and f64 use Go's float64→float32 conversion, which is IEEE
// round-to-nearest-even with overflow to ±Inf.

type nanStyle uint8

const (
	nanIEEE    nanStyle = iota // Inf = max exponent & zero mantissa; NaN = max exponent & non-zero mantissa
	nanAllOnes                 // no Inf; NaN = every exponent and mantissa bit set
	nanNegZero                 // no Inf; NaN = the sign bit alone; no negative zero
	nanNone                    // no Inf and no NaN
)

type floatFormat struct {
	ebits, mbits uint
	bias         int
	signed       bool
	nan          nanStyle
	noZero       bool // exponent-only format whose all-zero pattern is 2^-bias (f8E8M0FNU)

	// derived
	width     uint
	signBit   uint64
	mantMask  uint64
	expMax    uint64 // all exponent bits set
	maxFinite uint64 // magnitude bits of the largest finite value
	allOnes   uint64 // every non-sign bit set
	minExp    int    // unbiased exponent of the smallest normal value
}

func mkFormat(e, m uint, bias int, signed bool, nan nanStyle, noZero bool) *floatFormat {
	f := &floatFormat{ebits: e, mbits: m, bias: bias, signed: signed, nan: nan, noZero: noZero}
	f.width = e + m
	if signed {
		f.signBit = 1 << (e + m)
		f.width++
	}
	f.mantMask = 1<<m - 1
	f.expMax = 1<<e - 1
	f.allOnes = 1<<(e+m) - 1
	switch nan {
	case nanIEEE:
		f.maxFinite = (f.expMax-1)<<m | f.mantMask
	case nanAllOnes:
		f.maxFinite = f.allOnes - 1
	default:
		f.maxFinite = f.allOnes
	}
	if noZero {
		f.minExp = -bias
	} else {
		f.minExp = 1 - bias
	}
	return f
}

var narrowFormats = [numDTypes]*floatFormat{
	F16:           mkFormat(5, 10, 15, true, nanIEEE, false),
	BF16:          mkFormat(8, 7, 127, true, nanIEEE, false),
	F8E3M4:        mkFormat(3, 4, 3, true, nanIEEE, false),
	F8E4M3:        mkFormat(4, 3, 7, true, nanIEEE, false),
	F8E4M3FN:      mkFormat(4, 3, 7, true, nanAllOnes, false),
	F8E4M3FNUZ:    mkFormat(4, 3, 8, true, nanNegZero, false),
	F8E4M3B11FNUZ: mkFormat(4, 3, 11, true, nanNegZero, false),
	F8E5M2:        mkFormat(5, 2, 15, true, nanIEEE, false),
	F8E5M2FNUZ:    mkFormat(5, 2, 16, true, nanNegZero, false),
	F8E8M0FNU:     mkFormat(8, 0, 127, false, nanAllOnes, true),
	F6E2M3FN:      mkFormat(2, 3, 1, true, nanNone, false),
	F6E3M2FN:      mkFormat(3, 2, 3, true, nanNone, false),
	F4E2M1FN:      mkFormat(2, 1, 1, true, nanNone, false),
}

func narrowFormat(d DType) *floatFormat {
	if !d.Valid() {
		return nil
	}
	return narrowFormats[d]
}

// roundShift shifts x right by s (1 <= s <= 63) rounding to nearest, ties to
// even, and reports whether the discarded part was exactly one half.
func roundShift(x uint64, s uint) (uint64, bool) {
	q := x >> s
	rem := x & (1<<s - 1)
	half := uint64(1) << (s - 1)
	tie := rem == half
	if rem > half || (tie && q&1 == 1) {
		q++
	}
	return q, tie
}

func (ff *floatFormat) nanBits(neg bool, payload uint64) uint64 {
	switch ff.nan {
	case nanIEEE:
		p := payload >> (52 - ff.mbits)
		p |= 1 << (ff.mbits - 1) // quiet
		b := ff.expMax<<ff.mbits | p
		if neg {
			b |= ff.signBit
		}
		return b
	case nanAllOnes:
		if neg && ff.signed {
			return ff.signBit | ff.allOnes
		}
		return ff.allOnes
	case nanNegZero:
		return ff.signBit
	default: // no NaN: ml_dtypes gives the zero of opposite sign
		if neg {
			return 0
		}
		return ff.signBit
	}
}

// overflowBits is the result for ±Inf and for finite values too large.
func (ff *floatFormat) overflowBits(neg bool) uint64 {
	var s uint64
	if neg && ff.signed {
		s = ff.signBit
	}
	switch ff.nan {
	case nanIEEE:
		return s | ff.expMax<<ff.mbits
	case nanAllOnes:
		return s | ff.allOnes
	case nanNegZero:
		return ff.signBit
	default:
		return s | ff.maxFinite
	}
}

// encode converts f with one rounding step. tie reports that f lay exactly
// halfway between two representable values (used by the decimal parser to
// undo double rounding).
func (ff *floatFormat) encode(f float64) (out uint64, tie bool) {
	b := math.Float64bits(f)
	neg := b>>63 != 0
	abs := b &^ (1 << 63)
	switch {
	case abs > 0x7FF0000000000000:
		return ff.nanBits(neg, abs&(1<<52-1)), false
	case abs == 0x7FF0000000000000:
		return ff.overflowBits(neg), false
	case abs == 0:
		if ff.noZero || ff.nan == nanNegZero || !neg {
			return 0, false
		}
		return ff.signBit, false
	}
	if neg && !ff.signed {
		return ff.allOnes, false // unsigned format: negative is NaN
	}
	exp := int(abs >> 52)
	mant := abs & (1<<52 - 1)
	if exp == 0 {
		sh := bits.LeadingZeros64(mant) - 11
		mant <<= uint(sh)
		exp = 1 - sh
	} else {
		mant |= 1 << 52
	}
	e := exp - 1023 // |f| = mant/2^52 · 2^e, 2^52 <= mant < 2^53
	var q uint64
	if e >= ff.minExp {
		r, t := roundShift(mant, 52-ff.mbits) // r in [2^m, 2^(m+1)]
		tie = t
		be := uint64(e + ff.bias)
		q = be<<ff.mbits + r - 1<<ff.mbits // a carry out of r bumps the exponent
	} else if ff.noZero {
		q = 0 // below the smallest value: APFloat gives the smallest value
	} else {
		sh := 52 - int(ff.mbits) + (ff.minExp - e)
		if sh > 54 {
			q = 0 // below a quarter of the smallest subnormal... rounds to zero
		} else {
			q, tie = roundShift(mant, uint(sh))
		}
	}
	if q > ff.maxFinite {
		return ff.overflowBits(neg), tie
	}
	if q == 0 && ff.nan == nanNegZero {
		return 0, tie
	}
	if neg {
		q |= ff.signBit
	}
	return q, tie
}

func (ff *floatFormat) decode(b uint64) float64 {
	b &= 1<<ff.width - 1
	neg := ff.signed && b&ff.signBit != 0
	mag := b &^ ff.signBit
	exp := mag >> ff.mbits
	man := mag & ff.mantMask
	switch ff.nan {
	case nanIEEE:
		if exp == ff.expMax {
			if man == 0 {
				if neg {
					return math.Inf(-1)
				}
				return math.Inf(1)
			}
			nb := uint64(0x7FF)<<52 | man<<(52-ff.mbits)
			if neg {
				nb |= 1 << 63
			}
			return math.Float64frombits(nb)
		}
	case nanAllOnes:
		if mag == ff.allOnes {
			if neg {
				return math.Float64frombits(0xFFF8000000000000)
			}
			return math.NaN()
		}
	case nanNegZero:
		if b == ff.signBit {
			return math.NaN()
		}
	}
	var v float64
	switch {
	case ff.noZero:
		v = math.Ldexp(1, int(exp)-ff.bias)
	case exp == 0:
		v = math.Ldexp(float64(man), 1-ff.bias-int(ff.mbits))
	default:
		v = math.Ldexp(float64(1<<ff.mbits|man), int(exp)-ff.bias-int(ff.mbits))
	}
	if neg {
		v = -v
	}
	return v
}

// FloatBits converts f to the bit pattern of the real floating-point type d,
// rounding to nearest with ties to even. The special cases (overflow, ±Inf,
// NaN, -0, values below the smallest subnormal) are described at the top of
// this file; in short they follow APFloat, and ml_dtypes where APFloat
// defines nothing. The pattern is returned in the low d.Bits() bits. For a
// type that is not a real float FloatBits returns 0.
func FloatBits(d DType, f float64) uint64 {
	switch d {
	case F64:
		return math.Float64bits(f)
	case F32:
		return uint64(math.Float32bits(float32(f)))
	}
	if ff := narrowFormat(d); ff != nil {
		b, _ := ff.encode(f)
		return b
	}
	return 0
}

// floatBitsTie is FloatBits that also reports an exact tie (only meaningful
// for the narrow formats; false for f32/f64).
func floatBitsTie(d DType, f float64) (uint64, bool) {
	if ff := narrowFormat(d); ff != nil {
		return ff.encode(f)
	}
	return FloatBits(d, f), false
}

// BitsFloat returns the value of the bit pattern bits of the real
// floating-point type d, exactly (every value of every supported format is a
// float64). Bits above d.Bits() are ignored. NaN patterns give a NaN (for
// IEEE-like formats with the same sign and payload in the top mantissa
// bits). For a type that is not a real float BitsFloat returns NaN.
func BitsFloat(d DType, b uint64) float64 {
	switch d {
	case F64:
		return math.Float64frombits(b)
	case F32:
		return float64(math.Float32frombits(uint32(b)))
	}
	if ff := narrowFormat(d); ff != nil {
		return ff.decode(b)
	}
	return math.NaN()
}

// loadBits reads one element's storage (d.Size() bytes, little-endian).
func loadBits(d DType, b []byte) uint64 {
	switch d.Size() {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b))
	case 8:
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

// storeBits writes one element's storage (d.Size() bytes, little-endian).
func storeBits(d DType, b []byte, v uint64) {
	switch d.Size() {
	case 1:
		b[0] = byte(v)
	case 2:
		binary.LittleEndian.PutUint16(b, uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(b, uint32(v))
	case 8:
		binary.LittleEndian.PutUint64(b, v)
	}
}

// ToFloat64 reads one element of type d from the start of b (which must
// hold at least d.Size() bytes) and returns its value as a float64. Real
// floats are exact; integers are rounded to nearest even when they exceed
// 2^53; bool gives 0 or 1; complex gives the real part.
func ToFloat64(d DType, b []byte) float64 {
	switch {
	case d.IsFloat():
		return BitsFloat(d, loadBits(d, b))
	case d.IsComplex():
		p := d.ComplexPart()
		return BitsFloat(p, loadBits(p, b))
	case d.IsBool():
		if b[0] != 0 {
			return 1
		}
		return 0
	case d.IsSigned():
		return float64(loadInt(d, b))
	case d.IsUnsigned():
		return float64(loadUint(d, b))
	}
	return math.NaN()
}

// PutFloat64 writes f as one element of type d at the start of b (which
// must hold at least d.Size() bytes). Real floats round as FloatBits does;
// integers truncate toward zero and saturate at the type's bounds, NaN
// giving 0 (APFloat's convertToInteger); bool stores f != 0 (so NaN is
// true); complex stores (f, 0).
func PutFloat64(d DType, b []byte, f float64) {
	switch {
	case d.IsFloat():
		storeBits(d, b, FloatBits(d, f))
	case d.IsComplex():
		p := d.ComplexPart()
		n := p.Size()
		storeBits(p, b, FloatBits(p, f))
		storeBits(p, b[n:], 0)
	case d.IsBool():
		if f != 0 {
			b[0] = 1
		} else {
			b[0] = 0
		}
	case d.IsSigned():
		storeInt(d, b, satFloatToInt(f, d.Bits()))
	case d.IsUnsigned():
		storeUint(d, b, satFloatToUint(f, d.Bits()))
	}
}

// satFloatToInt truncates f toward zero and clamps it to a w-bit signed
// range; NaN gives 0.
func satFloatToInt(f float64, w int) int64 {
	if f != f {
		return 0
	}
	hi := int64(1)<<(w-1) - 1
	lo := -hi - 1
	f = math.Trunc(f)
	// 2^(w-1) is exact in float64 for w <= 64.
	if f >= math.Ldexp(1, w-1) {
		return hi
	}
	if f < -math.Ldexp(1, w-1) {
		return lo
	}
	return int64(f)
}

// satFloatToUint truncates f toward zero and clamps it to a w-bit unsigned
// range; NaN and negatives give 0.
func satFloatToUint(f float64, w int) uint64 {
	if f != f || f <= -1 {
		return 0
	}
	f = math.Trunc(f)
	if f <= 0 {
		return 0
	}
	if f >= math.Ldexp(1, w) {
		if w == 64 {
			return math.MaxUint64
		}
		return 1<<w - 1
	}
	return uint64(f)
}

// oddFloat64 converts an integer magnitude to float64 rounding to odd: the
// result is exact or has its lowest mantissa bit set. A value rounded to odd
// at 53 bits rounds correctly a second time to any format of at most 51
// bits (Boldo & Melquiond), which makes integer → f32/f16/... exact.
func oddFloat64(u uint64) float64 {
	n := bits.Len64(u)
	if n <= 53 {
		return float64(u)
	}
	sh := uint(n - 53)
	m := u >> sh
	if u&(1<<sh-1) != 0 {
		m |= 1
	}
	return math.Ldexp(float64(m), int(sh))
}

// intToFloatBits converts a signed integer to the real float type d with a
// single correct rounding.
func intToFloatBits(d DType, v int64) uint64 {
	if d == F64 {
		return math.Float64bits(float64(v))
	}
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u
	}
	f := oddFloat64(u)
	if neg {
		f = -f
	}
	return FloatBits(d, f)
}

// uintToFloatBits converts an unsigned integer to the real float type d with
// a single correct rounding.
func uintToFloatBits(d DType, v uint64) uint64 {
	if d == F64 {
		return math.Float64bits(float64(v))
	}
	return FloatBits(d, oddFloat64(v))
}
