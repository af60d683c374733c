package plan

import (
	"math"
	"slices"

	"github.com/hlogate/hlogate/internal/ir"
)

// simplifyPass removes ops that are the identity on their operand, where
// IEEE arithmetic makes them exactly so: x·1, x/1, x−0 (not x+0: −0+0 is
// +0), integer x+0 and x|0 and x^0, ¬¬x, −(−x), a convert to the same
// type, and reshapes, transposes and broadcasts that change nothing. Uses
// of the result then read the operand; the op itself is left to DCE.
func simplifyPass(g *graph) error {
	repl := map[*value]*value{}
	get := func(v *value) *value {
		for {
			r, ok := repl[v]
			if !ok {
				return v
			}
			v = r
		}
	}
	for _, n := range g.nodes {
		if n.dead {
			continue
		}
		for i, v := range n.in {
			n.in[i] = get(v)
		}
		for i, v := range n.capt {
			n.capt[i] = get(v)
		}
		if n.fb != nil {
			n.fb.args = n.fb.argsOf(n)
		}
		if x := identityOperand(n); x != nil {
			repl[n.out[0]] = x
		}
	}
	for i, v := range g.outs {
		g.outs[i] = get(v)
	}
	return nil
}

// identityOperand returns the operand n returns unchanged, or nil.
func identityOperand(n *node) *value {
	if len(n.out) != 1 || len(n.op.Regions) > 0 || n.out[0].typ.Elem.Quant != nil {
		return nil
	}
	out := n.out[0]
	same := func(v *value) bool {
		return v.dt == out.dt && slices.Equal(v.shape, out.shape) && v.typ.Elem.Quant == nil
	}
	in := n.in
	switch n.op.Name {
	case "stablehlo.multiply", "stablehlo.divide":
		if len(in) == 2 && same(in[0]) && isSplatOf(in[1], 1) {
			return in[0]
		}
		if n.op.Name == "stablehlo.multiply" && len(in) == 2 && same(in[1]) && isSplatOf(in[0], 1) {
			return in[1]
		}
	case "stablehlo.subtract":
		if len(in) == 2 && same(in[0]) && isSplatOf(in[1], 0) && !hasNegZero(in[1]) {
			return in[0]
		}
	case "stablehlo.add", "stablehlo.or", "stablehlo.xor":
		if len(in) == 2 && isInt(out.dt) {
			if same(in[0]) && isSplatOf(in[1], 0) {
				return in[0]
			}
			if same(in[1]) && isSplatOf(in[0], 0) {
				return in[1]
			}
		}
	case "stablehlo.negate", "stablehlo.not":
		if len(in) == 1 && in[0].def != nil && in[0].def.op.Name == n.op.Name && len(in[0].def.in) == 1 && same(in[0].def.in[0]) {
			return in[0].def.in[0]
		}
	case "stablehlo.convert", "stablehlo.reshape":
		if len(in) == 1 && same(in[0]) {
			return in[0]
		}
	case "stablehlo.transpose":
		if p, ok := ir.Ints(n.op.Attr("permutation")); ok && len(in) == 1 && same(in[0]) && isIdentity(p) {
			return in[0]
		}
	case "stablehlo.broadcast_in_dim":
		if d, ok := ir.Ints(n.op.Attr("broadcast_dimensions")); ok && len(in) == 1 && same(in[0]) && isIdentity(d) {
			return in[0]
		}
	}
	return nil
}

// isSplatOf reports whether every element of v is c: a constant, or a
// broadcast of one.
func isSplatOf(v *value, c float64) bool {
	for v.konst == nil {
		d := v.def
		if d == nil || d.op.Name != "stablehlo.broadcast_in_dim" || len(d.in) != 1 || d.in[0].dt != v.dt {
			return false
		}
		v = d.in[0]
	}
	t := v.konst
	if !(isFloat(t.DType) || isInt(t.DType)) {
		return false
	}
	for i := int64(0); i < t.NumElements(); i++ {
		if t.Float64(i) != c {
			return false
		}
	}
	return true
}

// hasNegZero reports whether a constant (or a broadcast of one) holds −0.
func hasNegZero(v *value) bool {
	for v.konst == nil && v.def != nil && len(v.def.in) == 1 {
		v = v.def.in[0]
	}
	if v.konst == nil || !isFloat(v.konst.DType) {
		return false
	}
	for i := int64(0); i < v.konst.NumElements(); i++ {
		if x := v.konst.Float64(i); x == 0 && math.Signbit(x) {
			return true
		}
	}
	return false
}
