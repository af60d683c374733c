// Package ir is hlogate's typed SSA representation of a StableHLO module.
//
// The IR is deliberately plain: a Module holds Funcs, a Func holds one Region,
// a Region holds Blocks of Ops, and an Op has operands, results, attributes
// and nested regions. Every op is kept in the canonical (generic) shape: the
// parser turns each pretty syntax into the attribute names of the generic
// form (for example `dims = [0, 1]` on broadcast_in_dim becomes
// `broadcast_dimensions = array<i64: 0, 1>`), so later stages see one
// spelling only. The printer writes that generic form back, which re-parses
// to an equal IR.
package ir

import (
	"strconv"
	"strings"

	"github.com/hlogate/hlogate/tensor"
)

// Dynamic marks a dimension whose size is unknown until run time (`?`).
const Dynamic int64 = -1

// Type is a value type: *TensorType, *TupleType or *TokenType.
type Type interface {
	String() string
	isType()
}

// TensorType is a ranked tensor type.
type TensorType struct {
	Shape []int64 // Dynamic for `?`
	Elem  Element
	// Bounds, when non-nil, has one entry per dimension: the upper bound of a
	// dynamic dimension (`#stablehlo.bounds<?, 4>`), or Dynamic when absent.
	Bounds []int64
}

// Element is a tensor's element type: a plain dtype, or a quantized one.
type Element struct {
	DType tensor.DType // for quantized types: the storage type
	Quant *Quant
}

// Quant describes `!quant.uniform<storage<min:max>:expressed[:axis], params>`.
type Quant struct {
	Storage    tensor.DType
	StorageMin int64
	StorageMax int64
	HasRange   bool // the <min:max> was written explicitly
	Expressed  tensor.DType
	Axis       int // -1 for per-tensor
	Scales     []float64
	ZeroPoints []int64
}

// TupleType is `tuple<...>`.
type TupleType struct{ Elems []Type }

// TokenType is `!stablehlo.token`.
type TokenType struct{}

func (*TensorType) isType() {}
func (*TupleType) isType()  {}
func (*TokenType) isType()  {}

// Rank is the number of dimensions.
func (t *TensorType) Rank() int { return len(t.Shape) }

// IsStatic reports whether no dimension is dynamic.
func (t *TensorType) IsStatic() bool {
	for _, d := range t.Shape {
		if d < 0 {
			return false
		}
	}
	return true
}

// NumElements returns the element count of a static shape, and false if a
// dimension is dynamic or the product overflows int64.
func (t *TensorType) NumElements() (int64, bool) { return ShapeElements(t.Shape) }

// ShapeElements multiplies dimensions with overflow checks.
func ShapeElements(shape []int64) (int64, bool) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		if d != 0 && n > (1<<62)/d {
			return 0, false
		}
		n *= d
	}
	return n, true
}

// IsQuantized reports a `!quant.uniform` element type.
func (e Element) IsQuantized() bool { return e.Quant != nil }

// String prints the element type in MLIR syntax.
func (e Element) String() string {
	if e.Quant == nil {
		return e.DType.String()
	}
	return e.Quant.String()
}

// Equal compares element types, including quantization parameters.
func (e Element) Equal(o Element) bool {
	if e.DType != o.DType || (e.Quant == nil) != (o.Quant == nil) {
		return false
	}
	if e.Quant == nil {
		return true
	}
	a, b := e.Quant, o.Quant
	if a.Storage != b.Storage || a.Expressed != b.Expressed || a.Axis != b.Axis ||
		a.StorageMin != b.StorageMin || a.StorageMax != b.StorageMax ||
		len(a.Scales) != len(b.Scales) || len(a.ZeroPoints) != len(b.ZeroPoints) {
		return false
	}
	for i := range a.Scales {
		if a.Scales[i] != b.Scales[i] {
			return false
		}
	}
	for i := range a.ZeroPoints {
		if a.ZeroPoints[i] != b.ZeroPoints[i] {
			return false
		}
	}
	return true
}

func (q *Quant) String() string {
	var b strings.Builder
	b.WriteString("!quant.uniform<")
	b.WriteString(q.Storage.String())
	if q.HasRange {
		b.WriteString("<")
		b.WriteString(strconv.FormatInt(q.StorageMin, 10))
		b.WriteString(":")
		b.WriteString(strconv.FormatInt(q.StorageMax, 10))
		b.WriteString(">")
	}
	b.WriteString(":")
	b.WriteString(q.Expressed.String())
	if q.Axis >= 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(q.Axis))
		b.WriteString(", {")
		for i := range q.Scales {
			if i > 0 {
				b.WriteString(",")
			}
			writeScaleZP(&b, q.Scales[i], q.ZeroPoints[i])
		}
		b.WriteString("}>")
		return b.String()
	}
	b.WriteString(", ")
	writeScaleZP(&b, q.Scales[0], q.ZeroPoints[0])
	b.WriteString(">")
	return b.String()
}

func writeScaleZP(b *strings.Builder, scale float64, zp int64) {
	b.WriteString(FormatFloat(scale))
	if zp != 0 {
		b.WriteString(":")
		b.WriteString(strconv.FormatInt(zp, 10))
	}
}

// FormatFloat prints a float64 so that it parses back to the same value,
// always with a decimal point or exponent so it is never read as an integer.
func FormatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEnN") { // no '.', exponent, NaN or Inf
		s += ".0"
	}
	return s
}

func (t *TensorType) String() string {
	var b strings.Builder
	b.WriteString("tensor<")
	for _, d := range t.Shape {
		if d < 0 {
			b.WriteString("?")
		} else {
			b.WriteString(strconv.FormatInt(d, 10))
		}
		b.WriteString("x")
	}
	b.WriteString(t.Elem.String())
	if t.Bounds != nil {
		b.WriteString(", #stablehlo.bounds<")
		for i, d := range t.Bounds {
			if i > 0 {
				b.WriteString(", ")
			}
			if d < 0 {
				b.WriteString("?")
			} else {
				b.WriteString(strconv.FormatInt(d, 10))
			}
		}
		b.WriteString(">")
	}
	b.WriteString(">")
	return b.String()
}

func (t *TupleType) String() string {
	var b strings.Builder
	b.WriteString("tuple<")
	for i, e := range t.Elems {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.String())
	}
	b.WriteString(">")
	return b.String()
}

func (*TokenType) String() string { return "!stablehlo.token" }

// TypesEqual compares two types structurally.
func TypesEqual(a, b Type) bool {
	switch a := a.(type) {
	case *TensorType:
		b, ok := b.(*TensorType)
		if !ok || len(a.Shape) != len(b.Shape) || !a.Elem.Equal(b.Elem) {
			return false
		}
		for i := range a.Shape {
			if a.Shape[i] != b.Shape[i] {
				return false
			}
		}
		if len(a.Bounds) != len(b.Bounds) {
			return false
		}
		for i := range a.Bounds {
			if a.Bounds[i] != b.Bounds[i] {
				return false
			}
		}
		return true
	case *TupleType:
		b, ok := b.(*TupleType)
		if !ok || len(a.Elems) != len(b.Elems) {
			return false
		}
		for i := range a.Elems {
			if !TypesEqual(a.Elems[i], b.Elems[i]) {
				return false
			}
		}
		return true
	case *TokenType:
		_, ok := b.(*TokenType)
		return ok
	}
	return false
}

// Tensor returns t as a tensor type, or nil.
func Tensor(t Type) *TensorType {
	tt, _ := t.(*TensorType)
	return tt
}

// FuncType is `(A, B) -> (C)`; it appears only inside attributes.
type FuncType struct {
	Inputs  []Type
	Results []Type
}

func (*FuncType) isType() {}

func (f *FuncType) String() string {
	var b strings.Builder
	b.WriteString("(")
	for i, t := range f.Inputs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.String())
	}
	b.WriteString(") -> ")
	if len(f.Results) == 1 {
		if _, isFn := f.Results[0].(*FuncType); !isFn {
			b.WriteString(f.Results[0].String())
			return b.String()
		}
	}
	b.WriteString("(")
	for i, t := range f.Results {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.String())
	}
	b.WriteString(")")
	return b.String()
}
