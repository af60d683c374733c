// Package tensor holds hlogate's element types and dense arrays, and the codecs
// that move them in and out of the process (.npy, .npz, JSON, safetensors).
//
// Everything here may see untrusted bytes: sizes are checked before any
// allocation and decoders never trust a header's claims without cross-checking
// them against the data they actually received.
package tensor

import "fmt"

// DType is an element type. The zero value is Invalid.
type DType uint8

// Element types. Names follow MLIR's spelling (see DType.String).
const (
	Invalid DType = iota
	Bool          // i1
	I2
	I4
	I8
	I16
	I32
	I64
	U2
	U4
	U8
	U16
	U32
	U64
	F16
	BF16
	F32
	F64
	F8E3M4
	F8E4M3
	F8E4M3FN
	F8E4M3FNUZ
	F8E4M3B11FNUZ
	F8E5M2
	F8E5M2FNUZ
	F8E8M0FNU
	F6E2M3FN
	F6E3M2FN
	F4E2M1FN
	C64  // complex<f32>
	C128 // complex<f64>
	Index
	numDTypes
)

type dtypeInfo struct {
	name  string // MLIR spelling
	bits  int    // logical bit width
	bytes int    // storage bytes per element in a dense buffer
	class dclass
}

type dclass uint8

const (
	classNone dclass = iota
	classBool
	classSigned
	classUnsigned
	classFloat
	classComplex
)

var dtypeInfos = [numDTypes]dtypeInfo{
	Invalid:       {"invalid", 0, 0, classNone},
	Bool:          {"i1", 1, 1, classBool},
	I2:            {"i2", 2, 1, classSigned},
	I4:            {"i4", 4, 1, classSigned},
	I8:            {"i8", 8, 1, classSigned},
	I16:           {"i16", 16, 2, classSigned},
	I32:           {"i32", 32, 4, classSigned},
	I64:           {"i64", 64, 8, classSigned},
	U2:            {"ui2", 2, 1, classUnsigned},
	U4:            {"ui4", 4, 1, classUnsigned},
	U8:            {"ui8", 8, 1, classUnsigned},
	U16:           {"ui16", 16, 2, classUnsigned},
	U32:           {"ui32", 32, 4, classUnsigned},
	U64:           {"ui64", 64, 8, classUnsigned},
	F16:           {"f16", 16, 2, classFloat},
	BF16:          {"bf16", 16, 2, classFloat},
	F32:           {"f32", 32, 4, classFloat},
	F64:           {"f64", 64, 8, classFloat},
	F8E3M4:        {"f8E3M4", 8, 1, classFloat},
	F8E4M3:        {"f8E4M3", 8, 1, classFloat},
	F8E4M3FN:      {"f8E4M3FN", 8, 1, classFloat},
	F8E4M3FNUZ:    {"f8E4M3FNUZ", 8, 1, classFloat},
	F8E4M3B11FNUZ: {"f8E4M3B11FNUZ", 8, 1, classFloat},
	F8E5M2:        {"f8E5M2", 8, 1, classFloat},
	F8E5M2FNUZ:    {"f8E5M2FNUZ", 8, 1, classFloat},
	F8E8M0FNU:     {"f8E8M0FNU", 8, 1, classFloat},
	F6E2M3FN:      {"f6E2M3FN", 6, 1, classFloat},
	F6E3M2FN:      {"f6E3M2FN", 6, 1, classFloat},
	F4E2M1FN:      {"f4E2M1FN", 4, 1, classFloat},
	C64:           {"complex<f32>", 64, 8, classComplex},
	C128:          {"complex<f64>", 128, 16, classComplex},
	Index:         {"index", 64, 8, classSigned},
}

// String returns the MLIR spelling of the type ("f32", "ui8", "complex<f64>").
func (d DType) String() string {
	if d >= numDTypes {
		return fmt.Sprintf("dtype(%d)", uint8(d))
	}
	return dtypeInfos[d].name
}

// Valid reports whether d is a known element type.
func (d DType) Valid() bool { return d > Invalid && d < numDTypes }

// Bits is the logical bit width (1 for i1, 4 for i4, 64 for complex<f32>).
func (d DType) Bits() int {
	if !d.Valid() {
		return 0
	}
	return dtypeInfos[d].bits
}

// Size is the number of bytes one element occupies in a dense buffer.
// Sub-byte types (i1, i2, i4, f4, f6) take one byte each.
func (d DType) Size() int {
	if !d.Valid() {
		return 0
	}
	return dtypeInfos[d].bytes
}

// IsBool reports i1.
func (d DType) IsBool() bool { return d.Valid() && dtypeInfos[d].class == classBool }

// IsSigned reports a signed integer type (i2..i64, index).
func (d DType) IsSigned() bool { return d.Valid() && dtypeInfos[d].class == classSigned }

// IsUnsigned reports an unsigned integer type (ui2..ui64).
func (d DType) IsUnsigned() bool { return d.Valid() && dtypeInfos[d].class == classUnsigned }

// IsInteger reports a signed or unsigned integer type; i1 is not included.
func (d DType) IsInteger() bool { return d.IsSigned() || d.IsUnsigned() }

// IsFloat reports a real floating-point type.
func (d DType) IsFloat() bool { return d.Valid() && dtypeInfos[d].class == classFloat }

// IsComplex reports complex<f32> or complex<f64>.
func (d DType) IsComplex() bool { return d.Valid() && dtypeInfos[d].class == classComplex }

// ComplexPart returns the element type of the real and imaginary parts.
func (d DType) ComplexPart() DType {
	switch d {
	case C64:
		return F32
	case C128:
		return F64
	}
	return Invalid
}

// ComplexOf returns the complex type whose parts are d, or Invalid.
func ComplexOf(d DType) DType {
	switch d {
	case F32:
		return C64
	case F64:
		return C128
	}
	return Invalid
}

// ParseDType reads an MLIR element type spelling. complex<f32> and
// complex<f64> are accepted in full.
func ParseDType(s string) (DType, bool) {
	for d := Bool; d < numDTypes; d++ {
		if dtypeInfos[d].name == s {
			return d, true
		}
	}
	return Invalid, false
}

// AllDTypes lists every valid element type, in declaration order.
func AllDTypes() []DType {
	out := make([]DType, 0, numDTypes-1)
	for d := Bool; d < numDTypes; d++ {
		out = append(out, d)
	}
	return out
}
