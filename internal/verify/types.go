package verify

import (
	"fmt"
	"math"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// typeErr describes an invalid value type; the caller adds the position.
type typeErr struct {
	rule, hint, msg string
}

// checkValueType validates a value type: element types the spec defines,
// non-negative or dynamic dimensions, bounds only on dynamic dimensions, and
// the quantized-type constraints C1-C13 of the spec's Types section. Tuples
// are walked with an explicit stack.
func checkValueType(t ir.Type) *typeErr {
	stack := []ir.Type{t}
	for n := 0; len(stack) > 0; n++ {
		if n > 1<<16 {
			return &typeErr{"verify.type.value", "use fewer nested types", "type has too many components"}
		}
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch x := cur.(type) {
		case *ir.TensorType:
			if err := checkTensorType(x); err != nil {
				return err
			}
		case *ir.TokenType:
		case *ir.TupleType:
			stack = append(stack, x.Elems...)
		case nil:
			return &typeErr{"verify.type.value", "", "missing type"}
		default:
			return &typeErr{"verify.type.value", "use a tensor, tuple or token type",
				fmt.Sprintf("%s is not a value type", typeStr(cur))}
		}
	}
	return nil
}

func checkTensorType(t *ir.TensorType) *typeErr {
	n := int64(1)
	for _, d := range t.Shape {
		if d < ir.Dynamic {
			return &typeErr{"verify.type.shape", "use non-negative sizes or ?", fmt.Sprintf("%s has a negative dimension", t)}
		}
		if d > 0 {
			if n > dimLimit/d {
				return &typeErr{"verify.type.shape", "use smaller tensors", fmt.Sprintf("%s has more than 2^62 elements", typeStr(t))}
			}
			n *= d
		}
	}
	if t.Bounds != nil {
		if len(t.Bounds) != len(t.Shape) {
			return &typeErr{"verify.type.bounds", "give one bound per dimension", fmt.Sprintf("%s has %d bounds for rank %d", t, len(t.Bounds), len(t.Shape))}
		}
		for i, b := range t.Bounds {
			if b < ir.Dynamic {
				return &typeErr{"verify.type.bounds", "use non-negative bounds", fmt.Sprintf("%s has a negative bound", t)}
			}
			if b >= 0 && t.Shape[i] >= 0 {
				return &typeErr{"verify.type.bounds", "bound only dynamic (?) dimensions",
					fmt.Sprintf("%s bounds static dimension %d", t, i)}
			}
		}
	}
	e := t.Elem
	if e.Quant == nil {
		d := e.DType
		if !d.Valid() || d == tensor.Index {
			return &typeErr{"verify.type.element", "use a StableHLO element type (i1, si/ui 2..64, floats, complex)",
				fmt.Sprintf("%s has element type %s, which StableHLO tensors do not allow", t, d)}
		}
		return nil
	}
	return checkQuant(t)
}

// checkQuant checks a quantized tensor type (spec Types, C1-C13).
func checkQuant(t *ir.TensorType) *typeErr {
	q := t.Elem.Quant
	bad := func(format string, args ...any) *typeErr {
		return &typeErr{"verify.type.quant", "fix the !quant.uniform parameters", fmt.Sprintf(format, args...)}
	}
	st := q.Storage
	if !st.IsInteger() || t.Elem.DType != st {
		return bad("quantized storage type %s must be an integer type", st)
	}
	if !q.Expressed.IsFloat() {
		return bad("quantized expressed type %s must be a floating-point type", q.Expressed)
	}
	// C3: min_value(storage) <= storage_min < storage_max <= max_value(storage).
	hi := st.Bits()
	if st.IsUnsigned() {
		umin, umax := uint64(q.StorageMin), uint64(q.StorageMax)
		var limit uint64 = math.MaxUint64
		if hi < 64 {
			limit = 1<<uint(hi) - 1
		}
		if q.StorageMin < 0 && hi < 64 {
			return bad("storage_min %d is below the range of %s", q.StorageMin, st)
		}
		if umax > limit || umin >= umax {
			return bad("storage range [%d, %d] is not within %s or is empty", umin, umax, st)
		}
		for _, z := range q.ZeroPoints {
			if uint64(z) < umin || uint64(z) > umax {
				return bad("zero point %d is outside the storage range [%d, %d]", z, umin, umax)
			}
		}
	} else {
		var smin, smax int64 = math.MinInt64, math.MaxInt64
		if hi < 64 {
			smin, smax = -1<<uint(hi-1), 1<<uint(hi-1)-1
		}
		if q.StorageMin < smin || q.StorageMax > smax || q.StorageMin >= q.StorageMax {
			return bad("storage range [%d, %d] is not within %s or is empty", q.StorageMin, q.StorageMax, st)
		}
		for _, z := range q.ZeroPoints {
			if z < q.StorageMin || z > q.StorageMax {
				return bad("zero point %d is outside the storage range [%d, %d]", z, q.StorageMin, q.StorageMax)
			}
		}
	}
	// C5, C6, C9, C10.
	if len(q.Scales) == 0 || len(q.Scales) != len(q.ZeroPoints) {
		return bad("quantized type needs one zero point per scale")
	}
	for _, s := range q.Scales {
		if !(s > 0) || math.IsInf(s, 0) {
			return bad("scale %v must be positive and finite", s)
		}
	}
	if q.Axis < 0 {
		if len(q.Scales) != 1 {
			return bad("per-tensor quantization has exactly one scale, got %d", len(q.Scales))
		}
		return nil
	}
	// C12, C13.
	if q.Axis >= len(t.Shape) {
		return bad("quantization dimension %d is out of range for rank %d", q.Axis, len(t.Shape))
	}
	if d := t.Shape[q.Axis]; d >= 0 && d != int64(len(q.Scales)) {
		return bad("dimension %d has size %d but the type has %d scales", q.Axis, d, len(q.Scales))
	}
	return nil
}
