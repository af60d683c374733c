package ir

import (
	"encoding/binary"

	"github.com/hlogate/hlogate/tensor"
)

// NumElements is the logical element count of the literal (the splat's
// shape, not its one stored element). ok is false for dynamic shapes.
func (e *ElementsAttr) NumElements() (int64, bool) { return e.Type.NumElements() }

// IntAt reads element i of an integer or bool literal (splats repeat
// element 0). Signed types are sign-extended, unsigned zero-extended.
func (e *ElementsAttr) IntAt(i int64) int64 {
	d := e.Type.Elem.DType
	sz := int64(d.Size())
	if e.Splat {
		i = 0
	}
	off := i * sz
	if sz == 0 || off < 0 || off+sz > int64(len(e.Data)) {
		return 0
	}
	b := e.Data[off : off+sz]
	switch sz {
	case 1:
		if d.IsUnsigned() || d.IsBool() {
			return int64(b[0])
		}
		return int64(int8(b[0]))
	case 2:
		v := binary.LittleEndian.Uint16(b)
		if d.IsUnsigned() {
			return int64(v)
		}
		return int64(int16(v))
	case 4:
		v := binary.LittleEndian.Uint32(b)
		if d.IsUnsigned() {
			return int64(v)
		}
		return int64(int32(v))
	case 8:
		return int64(binary.LittleEndian.Uint64(b))
	}
	return 0
}

// ElementsInts returns every element of an integer literal as int64, and
// false for non-integer literals or literals of more than 1<<20 elements
// (attribute-sized literals only: large data stays in Data).
func ElementsInts(e *ElementsAttr) ([]int64, bool) {
	d := e.Type.Elem.DType
	if e.Type.Elem.Quant != nil || !(d.IsInteger() || d.IsBool()) {
		return nil, false
	}
	n, ok := e.NumElements()
	if !ok || n > 1<<20 {
		return nil, false
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = e.IntAt(int64(i))
	}
	return out, true
}

// StorageDType is the dtype whose layout a tensor of this element type uses
// (the storage type for quantized elements).
func (e Element) StorageDType() tensor.DType {
	if e.Quant != nil {
		return e.Quant.Storage
	}
	return e.DType
}
