package ir

import "github.com/hlogate/hlogate/tensor"

// Attr is an attribute value. The concrete types are listed below; code that
// switches over them should treat unknown ones as opaque.
type Attr interface{ isAttr() }

// NamedAttr is one `name = value` entry of an attribute dictionary.
type NamedAttr struct {
	Name  string
	Value Attr
}

// Dict is an ordered attribute dictionary. Lookups are linear: dictionaries
// are small.
type Dict []NamedAttr

// Get returns the attribute named name, or nil.
func (d Dict) Get(name string) Attr {
	for _, a := range d {
		if a.Name == name {
			return a.Value
		}
	}
	return nil
}

// Has reports whether name is present.
func (d Dict) Has(name string) bool { return d.Get(name) != nil }

// Set replaces or appends name.
func (d *Dict) Set(name string, v Attr) {
	for i := range *d {
		if (*d)[i].Name == name {
			(*d)[i].Value = v
			return
		}
	}
	*d = append(*d, NamedAttr{name, v})
}

// Delete removes name if present.
func (d *Dict) Delete(name string) {
	for i := range *d {
		if (*d)[i].Name == name {
			*d = append((*d)[:i], (*d)[i+1:]...)
			return
		}
	}
}

// IntAttr is an integer with its type: `3 : i64`. Type is Invalid when the
// source gave no type (MLIR then means i64).
type IntAttr struct {
	Value int64
	Type  tensor.DType
}

// FloatAttr is a float with its type: `1.0 : f32` (F64 when untyped).
type FloatAttr struct {
	Value float64
	Type  tensor.DType
}

// BoolAttr is `true` or `false`.
type BoolAttr bool

// StringAttr is a quoted string.
type StringAttr string

// UnitAttr is an attribute that is present without a value.
type UnitAttr struct{}

// ArrayAttr is `[a, b, ...]`.
type ArrayAttr []Attr

// DenseArrayAttr is `array<i64: 1, 2>` (also i1/i32/f32/f64 arrays).
// Integer kinds (and i1, as 0/1) use Ints; float kinds use Floats.
type DenseArrayAttr struct {
	Elem   tensor.DType
	Ints   []int64
	Floats []float64
}

// ElementsAttr is a `dense<...> : tensor<...>` literal. Data holds the
// elements in row-major order, each in tensor.DType storage layout (see
// package tensor). A splat stores a single element and sets Splat; it is
// never expanded here, so a splat of a huge shape costs nothing until the
// executor, under its memory budget, materialises it.
type ElementsAttr struct {
	Type  *TensorType
	Splat bool
	Data  []byte
}

// SymbolRefAttr is `@name`.
type SymbolRefAttr string

// TypeAttr wraps a type used as an attribute value.
type TypeAttr struct{ Type Type }

// DictAttr is a nested `{...}` dictionary.
type DictAttr Dict

// EnumAttr is a dialect enum such as `#stablehlo<comparison_direction LT>`
// or `#stablehlo.comparison_direction<LT>`, and also the bare enum words of
// pretty syntax after conversion. Dialect="stablehlo", Name="comparison_direction", Value="LT".
type EnumAttr struct {
	Dialect string
	Name    string
	Value   string
}

// StructAttr is a dialect attribute with named fields:
// `#stablehlo.gather<offset_dims = [0], index_vector_dim = 1>`,
// `#stablehlo.dot<...>`, `#stablehlo.scatter<...>`, `#stablehlo.conv<...>`,
// `#stablehlo.output_operand_alias<...>`, `#stablehlo.result_accuracy<...>`.
// Fields keep source order; integer lists are DenseArrayAttr of I64,
// integers IntAttr.
type StructAttr struct {
	Dialect string
	Name    string
	Fields  Dict
}

// OpaqueAttr keeps a dialect attribute hlogate does not interpret
// (`#sdy.sharding<...>`, `#mhlo...`) verbatim, so it prints back unchanged.
type OpaqueAttr struct{ Text string }

func (IntAttr) isAttr()         {}
func (FloatAttr) isAttr()       {}
func (BoolAttr) isAttr()        {}
func (StringAttr) isAttr()      {}
func (UnitAttr) isAttr()        {}
func (ArrayAttr) isAttr()       {}
func (*DenseArrayAttr) isAttr() {}
func (*ElementsAttr) isAttr()   {}
func (SymbolRefAttr) isAttr()   {}
func (TypeAttr) isAttr()        {}
func (DictAttr) isAttr()        {}
func (EnumAttr) isAttr()        {}
func (*StructAttr) isAttr()     {}
func (OpaqueAttr) isAttr()      {}

// Ints returns the integers of a DenseArrayAttr, an ArrayAttr of IntAttr,
// or a 1-D integer ElementsAttr; ok is false for anything else.
func Ints(a Attr) ([]int64, bool) {
	switch a := a.(type) {
	case *DenseArrayAttr:
		if a.Floats != nil {
			return nil, false
		}
		return a.Ints, true
	case ArrayAttr:
		out := make([]int64, len(a))
		for i, e := range a {
			iv, ok := e.(IntAttr)
			if !ok {
				return nil, false
			}
			out[i] = iv.Value
		}
		return out, true
	case *ElementsAttr:
		return ElementsInts(a)
	}
	return nil, false
}

// Int returns the value of an IntAttr.
func Int(a Attr) (int64, bool) {
	iv, ok := a.(IntAttr)
	return iv.Value, ok
}

// Bool returns the value of a BoolAttr (a UnitAttr counts as true).
func Bool(a Attr) (bool, bool) {
	switch a := a.(type) {
	case BoolAttr:
		return bool(a), true
	case UnitAttr:
		return true, true
	}
	return false, false
}

// Enum returns the value of an EnumAttr.
func Enum(a Attr) (string, bool) {
	e, ok := a.(EnumAttr)
	return e.Value, ok
}
