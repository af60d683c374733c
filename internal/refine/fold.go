package refine

import (
	"encoding/binary"
	"math/bits"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// kval is the known value of an integer or boolean tensor: the shape
// computations JAX emits (get_dimension_size, convert, arithmetic, reshape,
// concatenate) are folded on these. Elements are stored as int64, already
// wrapped to the dtype's width (unsigned 64-bit values keep their bit
// pattern; booleans are 0 or 1).
type kval struct {
	dt    tensor.DType
	shape []int64
	v     []int64
}

func (k *kval) scalar() (int64, bool) {
	if k == nil || len(k.v) != 1 {
		return 0, false
	}
	return k.v[0], true
}

// foldable reports whether values of type t are tracked: integer or
// boolean, not quantized, static, at most max elements.
func foldable(t ir.Type, max int64) bool {
	tt := ir.Tensor(t)
	if tt == nil || tt.Elem.Quant != nil || !(tt.Elem.DType.IsInteger() || tt.Elem.DType.IsBool()) {
		return false
	}
	n, ok := tt.NumElements()
	return ok && n <= max
}

// wrap reduces x to the range of dt (two's complement for signed types,
// modulo 2^bits for unsigned ones, 0/1 for booleans).
func wrap(dt tensor.DType, x int64) int64 {
	if dt.IsBool() {
		if x != 0 {
			return 1
		}
		return 0
	}
	b := dt.Bits()
	if b >= 64 || b <= 0 {
		return x
	}
	if dt.IsUnsigned() {
		return int64(uint64(x) & (uint64(1)<<uint(b) - 1))
	}
	s := uint(64 - b)
	return (x << s) >> s
}

// isU64 is true for the one dtype whose values do not fit int64 ordering.
func isU64(dt tensor.DType) bool { return dt.IsUnsigned() && dt.Bits() == 64 }

// kvalOfElements reads an integer literal; nil when it is not foldable.
func kvalOfElements(e *ir.ElementsAttr, max int64) *kval {
	if e == nil || !foldable(e.Type, max) {
		return nil
	}
	n, _ := e.NumElements()
	dt := e.Type.Elem.DType
	// A non-splat literal must hold exactly n elements.
	if !e.Splat && int64(len(e.Data)) != n*int64(dt.Size()) {
		return nil
	}
	if e.Splat && len(e.Data) < dt.Size() {
		return nil
	}
	v := make([]int64, n)
	for i := range v {
		v[i] = wrap(dt, e.IntAt(int64(i)))
	}
	return &kval{dt: dt, shape: append([]int64(nil), e.Type.Shape...), v: v}
}

// elementsOf encodes k as a literal of type t (t's dtype and shape).
func elementsOf(k *kval, t *ir.TensorType) *ir.ElementsAttr {
	dt := t.Elem.DType
	sz := dt.Size()
	data := make([]byte, len(k.v)*sz)
	for i, x := range k.v {
		b := data[i*sz : (i+1)*sz]
		switch sz {
		case 1:
			b[0] = byte(x)
		case 2:
			binary.LittleEndian.PutUint16(b, uint16(x))
		case 4:
			binary.LittleEndian.PutUint32(b, uint32(x))
		case 8:
			binary.LittleEndian.PutUint64(b, uint64(x))
		}
	}
	return &ir.ElementsAttr{Type: cloneTensorType(t), Data: data}
}

func cloneTensorType(t *ir.TensorType) *ir.TensorType {
	c := *t
	c.Shape = append([]int64(nil), t.Shape...)
	if t.Bounds != nil {
		c.Bounds = append([]int64(nil), t.Bounds...)
	}
	return &c
}

// foldUnary applies an integer unary op elementwise; ok false when the op is
// not folded.
func foldUnary(name string, x *kval, rdt tensor.DType) ([]int64, bool) {
	out := make([]int64, len(x.v))
	for i, a := range x.v {
		var r int64
		switch name {
		case "stablehlo.convert":
			r = a
			if rdt.IsBool() {
				if a != 0 {
					r = 1
				} else {
					r = 0
				}
			}
		case "stablehlo.negate":
			r = -a
		case "stablehlo.abs":
			r = a
			if a < 0 && !x.dt.IsUnsigned() {
				r = -a
			}
		case "stablehlo.sign":
			switch {
			case a == 0:
				r = 0
			case x.dt.IsUnsigned() || a > 0:
				r = 1
			default:
				r = -1
			}
		case "stablehlo.not":
			if x.dt.IsBool() {
				r = 1 - a
			} else {
				r = ^a
			}
		default:
			return nil, false
		}
		out[i] = wrap(rdt, r)
	}
	return out, true
}

// foldBinary applies an integer binary op to equal-shaped operands.
func foldBinary(name string, a, b *kval, dir string, rdt tensor.DType) ([]int64, bool) {
	if len(a.v) != len(b.v) {
		return nil, false
	}
	u := isU64(a.dt)
	out := make([]int64, len(a.v))
	for i := range a.v {
		x, y := a.v[i], b.v[i]
		var r int64
		switch name {
		case "stablehlo.add":
			r = x + y
		case "stablehlo.subtract":
			r = x - y
		case "stablehlo.multiply":
			r = x * y
			if a.dt.IsBool() {
				r = x & y
			}
		case "stablehlo.divide":
			if y == 0 {
				return nil, false
			}
			if u {
				r = int64(uint64(x) / uint64(y))
			} else {
				r = x / y
			}
		case "stablehlo.remainder":
			if y == 0 {
				return nil, false
			}
			if u {
				r = int64(uint64(x) % uint64(y))
			} else {
				r = x % y
			}
		case "stablehlo.maximum", "stablehlo.minimum":
			less := x < y
			if u {
				less = uint64(x) < uint64(y)
			}
			if (name == "stablehlo.maximum") == less {
				r = y
			} else {
				r = x
			}
		case "stablehlo.and":
			r = x & y
		case "stablehlo.or":
			r = x | y
		case "stablehlo.xor":
			r = x ^ y
		case "stablehlo.compare":
			c := cmp3(x, y, u || a.dt.IsUnsigned())
			var t bool
			switch dir {
			case "EQ":
				t = c == 0
			case "NE":
				t = c != 0
			case "LT":
				t = c < 0
			case "LE":
				t = c <= 0
			case "GT":
				t = c > 0
			case "GE":
				t = c >= 0
			default:
				return nil, false
			}
			if t {
				r = 1
			}
		default:
			return nil, false
		}
		out[i] = wrap(rdt, r)
	}
	return out, true
}

func cmp3(x, y int64, unsigned bool) int {
	if unsigned {
		ux, uy := uint64(x), uint64(y)
		switch {
		case ux < uy:
			return -1
		case ux > uy:
			return 1
		}
		return 0
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// strides returns row-major strides of shape.
func strides(shape []int64) []int64 {
	s := make([]int64, len(shape))
	acc := int64(1)
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}

// foldBroadcast implements broadcast_in_dim on a known value.
func foldBroadcast(x *kval, dims []int64, shape []int64, n int64) ([]int64, bool) {
	if len(dims) != len(x.shape) {
		return nil, false
	}
	out := make([]int64, n)
	xs := strides(x.shape)
	idx := make([]int64, len(shape))
	for i := int64(0); i < n; i++ {
		off := int64(0)
		for j, d := range dims {
			if d < 0 || int(d) >= len(shape) {
				return nil, false
			}
			if x.shape[j] != 1 {
				off += idx[d] * xs[j]
			}
		}
		out[i] = x.v[off]
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out, true
}

// foldSlice implements slice on a known value.
func foldSlice(x *kval, start, stride, shape []int64, n int64) ([]int64, bool) {
	out := make([]int64, n)
	xs := strides(x.shape)
	idx := make([]int64, len(shape))
	for i := int64(0); i < n; i++ {
		off := int64(0)
		for k := range shape {
			off += (start[k] + idx[k]*stride[k]) * xs[k]
		}
		if off < 0 || off >= int64(len(x.v)) {
			return nil, false
		}
		out[i] = x.v[off]
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out, true
}

// foldTranspose implements transpose on a known value.
func foldTranspose(x *kval, perm, shape []int64, n int64) ([]int64, bool) {
	out := make([]int64, n)
	xs := strides(x.shape)
	idx := make([]int64, len(shape))
	for i := int64(0); i < n; i++ {
		off := int64(0)
		for k, p := range perm {
			off += idx[k] * xs[p]
		}
		out[i] = x.v[off]
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out, true
}

// foldConcat concatenates known values along dim.
func foldConcat(xs []*kval, dim int, shape []int64, n int64) ([]int64, bool) {
	out := make([]int64, 0, n)
	outer := int64(1)
	for k := 0; k < dim; k++ {
		outer *= shape[k]
	}
	for o := int64(0); o < outer; o++ {
		for _, x := range xs {
			inner := int64(1)
			for k := dim; k < len(x.shape); k++ {
				inner *= x.shape[k]
			}
			out = append(out, x.v[o*inner:(o+1)*inner]...)
		}
	}
	if int64(len(out)) != n {
		return nil, false
	}
	return out, true
}

// mulCheck multiplies non-negative sizes, false on overflow.
func mulCheck(a, b int64) (int64, bool) {
	if a < 0 || b < 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > 1<<62 {
		return 0, false
	}
	return int64(lo), true
}

// addCheck adds with overflow detection.
func addCheck(a, b int64) (int64, bool) {
	s := a + b
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) {
		return 0, false
	}
	return s, true
}
