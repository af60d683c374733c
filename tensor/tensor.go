package tensor

import (
	"bytes"
	"fmt"
	"math"
	"math/bits"

	"github.com/hlogate/hlogate/internal/diag"
)

// Tensor is a dense array in the storage layout described in dtype.go:
// row-major, little-endian, one Size() slot per element (sub-byte types take
// a whole byte: i1 is 0 or 1, i2/i4 are sign-extended, ui2/ui4 and the
// f6/f4 types hold their bits in the low end of the byte), complex values as
// (re, im) pairs and index as i64.
//
// A Tensor made by New, FromData or one of the decoders always satisfies
// Validate. Code that builds one by hand should call Validate before handing
// it on.
type Tensor struct {
	DType DType
	Shape []int64
	Data  []byte
}

func errf(rule, format string, args ...any) *diag.Error {
	return diag.New(diag.InvalidInput, rule, diag.Pos{}, format, args...)
}

// NumElements returns the product of shape's dimensions. It fails with rule
// "input.shape" for a negative dimension and "input.size" if the product
// overflows int64. The empty shape (a scalar) has one element.
func NumElements(shape []int64) (int64, error) {
	n := int64(1)
	for i, s := range shape {
		if s < 0 {
			return 0, errf("input.shape", "dimension %d of shape %s is negative (%d)", i, fmtShape(shape), s).
				WithHint("every dimension must be 0 or more")
		}
	}
	for _, s := range shape {
		if s == 0 {
			return 0, nil
		}
	}
	for _, s := range shape {
		hi, lo := bits.Mul64(uint64(n), uint64(s))
		if hi != 0 || lo > math.MaxInt64 {
			return 0, errf("input.size", "shape %s has more than 2^63 elements", fmtShape(shape)).
				WithHint("use a smaller shape")
		}
		n = int64(lo)
	}
	return n, nil
}

// ByteSize returns the number of bytes a dense tensor of type d and the given
// shape occupies, failing with "input.dtype" for an invalid type,
// "input.shape" for a negative dimension and "input.size" on overflow.
func ByteSize(d DType, shape []int64) (int64, error) {
	if !d.Valid() {
		return 0, errf("input.dtype", "invalid element type %s", d)
	}
	n, err := NumElements(shape)
	if err != nil {
		return 0, err
	}
	hi, lo := bits.Mul64(uint64(n), uint64(d.Size()))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, errf("input.size", "a %s tensor of shape %s needs more than 2^63 bytes", d, fmtShape(shape)).
			WithHint("use a smaller shape")
	}
	return int64(lo), nil
}

// New returns a zeroed tensor. Every dimension must be 0 or more and the
// tensor may take at most maxBytes bytes; both are checked, with overflow
// checks, before anything is allocated. A non-positive maxBytes allows only
// empty tensors. Errors use rules "input.dtype", "input.shape" and
// "input.size".
func New(d DType, shape []int64, maxBytes int64) (*Tensor, error) {
	size, err := ByteSize(d, shape)
	if err != nil {
		return nil, err
	}
	if size > maxBytes || size > math.MaxInt {
		return nil, errf("input.size", "a %s tensor of shape %s needs %d bytes, more than the limit of %d", d, fmtShape(shape), size, max(maxBytes, 0)).
			WithHint("use a smaller shape or raise the byte limit")
	}
	return &Tensor{DType: d, Shape: cloneShape(shape), Data: make([]byte, int(size))}, nil
}

// FromData wraps data (not copied) as a tensor after checking that its
// length matches the shape and that every element is in canonical storage
// form (see Validate).
func FromData(d DType, shape []int64, data []byte) (*Tensor, error) {
	t := &Tensor{DType: d, Shape: cloneShape(shape), Data: data}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// Validate checks that t is a well-formed tensor: a valid element type,
// non-negative dimensions, len(Data) equal to the byte size, and every
// element in canonical storage form (i1 bytes 0 or 1, i2/i4 sign-extended,
// ui2/ui4 and f6/f4 with the unused high bits clear). Rules: "input.dtype",
// "input.shape", "input.size" and "input.data".
func (t *Tensor) Validate() error {
	if t == nil {
		return errf("input.data", "nil tensor")
	}
	size, err := ByteSize(t.DType, t.Shape)
	if err != nil {
		return err
	}
	if int64(len(t.Data)) != size {
		return errf("input.data", "a %s tensor of shape %s needs %d bytes of data, got %d", t.DType, fmtShape(t.Shape), size, len(t.Data))
	}
	if i, ok := firstNonCanonical(t.DType, t.Data); !ok {
		return errf("input.data", "element %d of the %s tensor has the invalid storage byte 0x%02x", i, t.DType, t.Data[i]).
			WithHint("%s", canonicalHint(t.DType))
	}
	return nil
}

// firstNonCanonical checks the storage bytes of the sub-byte types.
func firstNonCanonical(d DType, data []byte) (int, bool) {
	var ok func(b byte) bool
	switch d {
	case Bool:
		ok = func(b byte) bool { return b <= 1 }
	case I2:
		ok = func(b byte) bool { return int8(b) >= -2 && int8(b) <= 1 }
	case I4:
		ok = func(b byte) bool { return int8(b) >= -8 && int8(b) <= 7 }
	case U2:
		ok = func(b byte) bool { return b <= 3 }
	case U4, F4E2M1FN:
		ok = func(b byte) bool { return b <= 15 }
	case F6E2M3FN, F6E3M2FN:
		ok = func(b byte) bool { return b <= 63 }
	default:
		return 0, true
	}
	for i, b := range data {
		if !ok(b) {
			return i, false
		}
	}
	return 0, true
}

func canonicalHint(d DType) string {
	switch d {
	case Bool:
		return "i1 elements are stored as one byte, 0 or 1"
	case I2, I4:
		return fmt.Sprintf("%s elements are stored as one sign-extended byte", d)
	default:
		return fmt.Sprintf("%s elements are stored in the low %d bits of a byte, the rest zero", d, d.Bits())
	}
}

// canonicalize rewrites sub-byte storage bytes whose unused high bits are
// unspecified (ml_dtypes leaves them so) into canonical form. It does not
// touch i1.
func canonicalize(d DType, data []byte) {
	switch d {
	case I2, I4:
		sh := uint(8 - d.Bits())
		for i, b := range data {
			data[i] = byte(int8(b<<sh) >> sh)
		}
	case U2, U4, F6E2M3FN, F6E3M2FN, F4E2M1FN:
		m := byte(1<<uint(d.Bits()) - 1)
		for i := range data {
			data[i] &= m
		}
	}
}

// Rank is the number of dimensions.
func (t *Tensor) Rank() int { return len(t.Shape) }

// NumElements is the number of elements of a valid tensor
// (len(Data) / DType.Size()).
func (t *Tensor) NumElements() int64 {
	if s := t.DType.Size(); s > 0 {
		return int64(len(t.Data) / s)
	}
	return 0
}

// ByteSize is the number of data bytes.
func (t *Tensor) ByteSize() int64 { return int64(len(t.Data)) }

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{DType: t.DType, Shape: cloneShape(t.Shape), Data: bytes.Clone(t.Data)}
}

// Equal reports whether a and b have the same element type, the same shape
// and bit-identical data (so a NaN equals the same NaN pattern and +0 does
// not equal -0). Two nil tensors are equal.
func Equal(a, b *Tensor) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.DType != b.DType || len(a.Shape) != len(b.Shape) {
		return false
	}
	for i := range a.Shape {
		if a.Shape[i] != b.Shape[i] {
			return false
		}
	}
	return bytes.Equal(a.Data, b.Data)
}

func (t *Tensor) elem(i int64) []byte {
	s := int64(t.DType.Size())
	return t.Data[i*s : i*s+s]
}

func loadInt(d DType, b []byte) int64 {
	switch d {
	case I2, I4:
		sh := uint(8 - d.Bits())
		return int64(int8(b[0]<<sh) >> sh)
	case I8:
		return int64(int8(b[0]))
	}
	v := loadBits(d, b)
	sh := uint(64 - 8*d.Size())
	return int64(v<<sh) >> sh
}

func loadUint(d DType, b []byte) uint64 {
	v := loadBits(d, b)
	if w := d.Bits(); w < 64 {
		v &= 1<<uint(w) - 1
	}
	return v
}

// storeInt stores the low d.Bits() bits of v (two's complement wrap),
// sign-extended to the storage size.
func storeInt(d DType, b []byte, v int64) {
	switch d {
	case I2, I4:
		sh := uint(8 - d.Bits())
		b[0] = byte(int8(byte(v)<<sh) >> sh)
		return
	}
	storeBits(d, b, uint64(v))
}

// storeUint stores the low d.Bits() bits of v (wrap).
func storeUint(d DType, b []byte, v uint64) {
	if w := d.Bits(); w < 64 {
		v &= 1<<uint(w) - 1
	}
	storeBits(d, b, v)
}

// Int64 returns element i (row-major flat index) as an int64. Integers are
// exact, except that ui64 values above MaxInt64 wrap (two's complement
// reinterpretation); bool gives 0/1; floats truncate toward zero and
// saturate, NaN giving 0; complex uses the real part. It panics if i is out
// of range, like a slice index.
func (t *Tensor) Int64(i int64) int64 {
	b := t.elem(i)
	d := t.DType
	switch {
	case d.IsSigned():
		return loadInt(d, b)
	case d.IsUnsigned():
		return int64(loadUint(d, b))
	case d.IsBool():
		return int64(b01(b[0]))
	}
	return satFloatToInt(ToFloat64(d, b), 64)
}

// Uint64 returns element i as a uint64. Unsigned integers are exact; signed
// integers give their two's complement bits (sign-extended); bool gives 0/1;
// floats truncate toward zero and saturate, NaN and negatives giving 0;
// complex uses the real part. It panics if i is out of range.
func (t *Tensor) Uint64(i int64) uint64 {
	b := t.elem(i)
	d := t.DType
	switch {
	case d.IsSigned():
		return uint64(loadInt(d, b))
	case d.IsUnsigned():
		return loadUint(d, b)
	case d.IsBool():
		return uint64(b01(b[0]))
	}
	return satFloatToUint(ToFloat64(d, b), 64)
}

// Float64 returns element i as a float64 (see ToFloat64). It panics if i is
// out of range.
func (t *Tensor) Float64(i int64) float64 { return ToFloat64(t.DType, t.elem(i)) }

// Complex128 returns element i as a complex128: complex elements exactly,
// anything else as (Float64(i), 0). It panics if i is out of range.
func (t *Tensor) Complex128(i int64) complex128 {
	b := t.elem(i)
	if p := t.DType.ComplexPart(); p != Invalid {
		n := p.Size()
		return complex(BitsFloat(p, loadBits(p, b)), BitsFloat(p, loadBits(p, b[n:])))
	}
	return complex(ToFloat64(t.DType, b), 0)
}

// SetInt64 stores v into element i. Integer types keep the low bits (two's
// complement wrap, as a StableHLO integer convert does); bool stores v != 0;
// real and complex floats round v once, to nearest even (exact even for
// integers beyond 2^53); complex stores (v, 0). It panics if i is out of
// range.
func (t *Tensor) SetInt64(i int64, v int64) {
	b := t.elem(i)
	d := t.DType
	switch {
	case d.IsSigned():
		storeInt(d, b, v)
	case d.IsUnsigned():
		storeUint(d, b, uint64(v))
	case d.IsBool():
		b[0] = boolByte(v != 0)
	case d.IsFloat():
		storeBits(d, b, intToFloatBits(d, v))
	case d.IsComplex():
		p := d.ComplexPart()
		storeBits(p, b, intToFloatBits(p, v))
		storeBits(p, b[p.Size():], 0)
	}
}

// SetUint64 stores v into element i, with the same rules as SetInt64.
func (t *Tensor) SetUint64(i int64, v uint64) {
	b := t.elem(i)
	d := t.DType
	switch {
	case d.IsSigned():
		storeInt(d, b, int64(v))
	case d.IsUnsigned():
		storeUint(d, b, v)
	case d.IsBool():
		b[0] = boolByte(v != 0)
	case d.IsFloat():
		storeBits(d, b, uintToFloatBits(d, v))
	case d.IsComplex():
		p := d.ComplexPart()
		storeBits(p, b, uintToFloatBits(p, v))
		storeBits(p, b[p.Size():], 0)
	}
}

// SetFloat64 stores f into element i (see PutFloat64). It panics if i is out
// of range.
func (t *Tensor) SetFloat64(i int64, f float64) { PutFloat64(t.DType, t.elem(i), f) }

// SetComplex128 stores c into element i: complex types take both parts
// (each rounded to the part type), anything else takes real(c) as
// SetFloat64 does. It panics if i is out of range.
func (t *Tensor) SetComplex128(i int64, c complex128) {
	b := t.elem(i)
	if p := t.DType.ComplexPart(); p != Invalid {
		storeBits(p, b, FloatBits(p, real(c)))
		storeBits(p, b[p.Size():], FloatBits(p, imag(c)))
		return
	}
	PutFloat64(t.DType, b, real(c))
}

func b01(b byte) byte {
	if b != 0 {
		return 1
	}
	return 0
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

func cloneShape(s []int64) []int64 {
	if s == nil {
		return []int64{}
	}
	return append(make([]int64, 0, len(s)), s...)
}

func fmtShape(s []int64) string {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, d := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, d)
		if i >= 32 && len(s) > 34 {
			fmt.Fprintf(&b, ", ... (%d dims)", len(s))
			break
		}
	}
	b.WriteByte(']')
	return b.String()
}

// fmtIndex renders the multi-index of flat element i of shape.
func fmtIndex(shape []int64, i int64) string {
	if len(shape) == 0 {
		return "[]"
	}
	idx := make([]int64, len(shape))
	for k := len(shape) - 1; k >= 0; k-- {
		if shape[k] > 0 {
			idx[k] = i % shape[k]
			i /= shape[k]
		}
	}
	return fmtShape(idx)
}
