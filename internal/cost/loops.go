package cost

import (
	"math/big"

	"github.com/hlogate/hlogate/internal/ir"
)

// tripCount proves the trip count of a while loop of the fori_loop shape:
//
//	cond: compare DIR, %i, %bound (or %bound, %i) ; return it
//	body: returns add(%i, %step) (or add(%step, %i)) in %i's place
//	init: %i starts at a constant
//
// with %bound and %step constants (defined anywhere above). Anything else
// is [0, Unbounded] and provable is false.
func tripCount(op *ir.Op) (Interval, bool) {
	unknown := Interval{0, Unbounded}
	if len(op.Regions) != 2 {
		return unknown, false
	}
	cond, body := op.Regions[0].Blocks[0], op.Regions[1].Blocks[0]
	if len(cond.Ops) == 0 || len(body.Ops) == 0 {
		return unknown, false
	}
	ret := cond.Ops[len(cond.Ops)-1]
	if len(ret.Operands) != 1 || ret.Operands[0].Def == nil || ret.Operands[0].Def.Name != "stablehlo.compare" {
		return unknown, false
	}
	cmp := ret.Operands[0].Def
	dir, _ := ir.Enum(cmp.Attr("comparison_direction"))
	if ct, ok := ir.Enum(cmp.Attr("compare_type")); ok && ct != "SIGNED" && ct != "UNSIGNED" {
		return unknown, false
	}
	// Which operand is the counter (a cond block argument)?
	k, other := -1, (*ir.Value)(nil)
	for side, v := range cmp.Operands {
		if idx := argIndex(cond, v); idx >= 0 {
			k, other = idx, cmp.Operands[1-side]
			if side == 1 {
				dir = flip(dir)
			}
			break
		}
	}
	if k < 0 || k >= len(op.Operands) {
		return unknown, false
	}
	bound, ok1 := constInt(other)
	init, ok2 := constInt(op.Operands[k])
	step, ok3 := bodyStep(body, k)
	if !ok1 || !ok2 || !ok3 {
		return unknown, false
	}
	tt := ir.Tensor(op.Operands[k].Type)
	if tt == nil || !(tt.Elem.DType.IsInteger()) || tt.Elem.Quant != nil {
		return unknown, false
	}
	n, ok := trips(dir, init, bound, step)
	if !ok {
		return unknown, false
	}
	// The counter must not wrap around before the loop ends.
	lo, hi := typeRange(tt)
	last := new(big.Int).Add(big.NewInt(init), new(big.Int).Mul(big.NewInt(step), big.NewInt(n)))
	if last.Cmp(lo) < 0 || last.Cmp(hi) > 0 {
		return unknown, false
	}
	return Exact(n), true
}

func flip(dir string) string {
	switch dir {
	case "LT":
		return "GT"
	case "GT":
		return "LT"
	case "LE":
		return "GE"
	case "GE":
		return "LE"
	}
	return dir
}

func argIndex(b *ir.Block, v *ir.Value) int {
	for i, a := range b.Args {
		if a == v {
			return i
		}
	}
	return -1
}

// constInt reads a scalar integer constant.
func constInt(v *ir.Value) (int64, bool) {
	if v == nil || v.Def == nil || v.Def.Name != "stablehlo.constant" {
		return 0, false
	}
	e, ok := v.Def.Props.Get("value").(*ir.ElementsAttr)
	if !ok || e.Type.Elem.Quant != nil || !e.Type.Elem.DType.IsInteger() {
		return 0, false
	}
	if n, ok := e.NumElements(); !ok || n != 1 {
		return 0, false
	}
	if e.Type.Elem.DType.IsUnsigned() && e.IntAt(0) < 0 {
		return 0, false // above MaxInt64
	}
	return e.IntAt(0), true
}

// bodyStep finds the constant step of counter k in the body.
func bodyStep(body *ir.Block, k int) (int64, bool) {
	ret := body.Ops[len(body.Ops)-1]
	if k >= len(ret.Operands) {
		return 0, false
	}
	upd := ret.Operands[k].Def
	if upd == nil || len(upd.Operands) != 2 {
		return 0, false
	}
	arg := body.Args[k]
	switch upd.Name {
	case "stablehlo.add":
		if upd.Operands[0] == arg {
			return constInt(upd.Operands[1])
		}
		if upd.Operands[1] == arg {
			return constInt(upd.Operands[0])
		}
	case "stablehlo.subtract":
		if upd.Operands[0] == arg {
			s, ok := constInt(upd.Operands[1])
			if ok && s != -1<<63 {
				return -s, true
			}
		}
	}
	return 0, false
}

// trips counts iterations of `for i := init; i DIR bound; i += step`.
func trips(dir string, init, bound, step int64) (int64, bool) {
	i, b, s := big.NewInt(init), big.NewInt(bound), big.NewInt(step)
	diff := new(big.Int).Sub(b, i) // bound - init
	var n *big.Int
	switch dir {
	case "LT", "LE":
		if dir == "LE" {
			diff.Add(diff, big.NewInt(1))
		}
		if diff.Sign() <= 0 {
			return 0, true
		}
		if step <= 0 {
			return 0, false // never ends (or wraps)
		}
		n = ceilDiv(diff, s)
	case "GT", "GE":
		diff.Neg(diff) // init - bound
		if dir == "GE" {
			diff.Add(diff, big.NewInt(1))
		}
		if diff.Sign() <= 0 {
			return 0, true
		}
		if step >= 0 {
			return 0, false
		}
		n = ceilDiv(diff, new(big.Int).Neg(s))
	case "NE":
		if diff.Sign() == 0 {
			return 0, true
		}
		if step == 0 {
			return 0, false
		}
		q, r := new(big.Int).QuoRem(diff, s, new(big.Int))
		if r.Sign() != 0 || q.Sign() < 0 {
			return 0, false
		}
		n = q
	default:
		return 0, false
	}
	if !n.IsInt64() {
		return 0, false
	}
	return n.Int64(), true
}

func ceilDiv(a, b *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(a, b, new(big.Int))
	if r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

func typeRange(tt *ir.TensorType) (*big.Int, *big.Int) {
	bits := uint(tt.Elem.DType.Bits())
	one := big.NewInt(1)
	if tt.Elem.DType.IsUnsigned() {
		return big.NewInt(0), new(big.Int).Sub(new(big.Int).Lsh(one, bits), one)
	}
	lo := new(big.Int).Neg(new(big.Int).Lsh(one, bits-1))
	hi := new(big.Int).Sub(new(big.Int).Lsh(one, bits-1), one)
	return lo, hi
}
