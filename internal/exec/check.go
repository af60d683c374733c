package exec

import (
	"fmt"
	"math"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// The check dialect and check.* custom calls of the upstream conformance
// tests. A mismatch is a Runtime error with rule "check.failed". The
// comparison rules are upstream's (see shared/corpus/stablehlo/PROVENANCE.md).

// customCalls maps allowlisted custom_call targets to kernels.
var customCalls = map[string]Kernel{}

func registerCustomCall(target string, k Kernel) {
	if _, dup := customCalls[target]; dup {
		panic("exec: custom call registered twice: " + target)
	}
	customCalls[target] = k
}

func init() {
	register("stablehlo.custom_call", customCallKernel)
	register("check.expect_eq", func(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
		return nil, c.compare(op, in[0].T, in[1].T, cmpExact, 0)
	})
	register("check.expect_almost_eq", func(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
		return nil, c.compare(op, in[0].T, in[1].T, cmpAbs, floatAttr(op, "tolerance", 1e-4))
	})
	register("check.expect_close", func(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
		return nil, c.compareULP(op, in[0].T, in[1].T, intAttr(op, "max_ulp_difference", 1), intAttr(op, "min_ulp_difference", 0))
	})
	register("check.expect_eq_const", func(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
		return c.withConst(op, func(want *tensor.Tensor) error { return c.compare(op, in[0].T, want, cmpExact, 0) })
	})
	register("check.expect_almost_eq_const", func(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
		return c.withConst(op, func(want *tensor.Tensor) error {
			return c.compare(op, in[0].T, want, cmpAbs, floatAttr(op, "tolerance", 1e-4))
		})
	})
	register("interpreter.probe", probeKernel)
	register("check.expect_serialized_eq", expectSerializedEq)
	registerCustomCall("check.expect_eq", func(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
		return nil, c.compare(op, in[0].T, in[1].T, cmpExact, 0)
	})
	registerCustomCall("check.expect_close", func(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
		return nil, c.compareULP(op, in[0].T, in[1].T, 3, 0)
	})
	registerCustomCall("check.expect_almost_eq", func(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
		return nil, c.compare(op, in[0].T, in[1].T, cmpAbs, 1e-3)
	})
	registerCustomCall("check.eq", func(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
		if err := c.compare(op, in[0].T, in[1].T, cmpAbs, 1e-4); err != nil {
			return nil, err
		}
		t, err := c.NewTensor(tensor.Bool, nil)
		if err != nil {
			return nil, err
		}
		t.Data[0] = 1
		return []Val{{T: t}}, nil
	})
}

func customCallKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	target, _ := op.Props.Get("call_target_name").(ir.StringAttr)
	k, ok := customCalls[string(target)]
	if !ok {
		return nil, diag.New(diag.Rejected, "exec.custom_call", op.Pos,
			"custom_call target %q has no implementation in hlogate", string(target))
	}
	return k(c, op, in)
}

func floatAttr(op *ir.Op, name string, def float64) float64 {
	switch a := op.Attr(name).(type) {
	case ir.FloatAttr:
		return a.Value
	case ir.IntAttr:
		return float64(a.Value)
	}
	return def
}

func intAttr(op *ir.Op, name string, def int64) int64 {
	if v, ok := ir.Int(op.Attr(name)); ok {
		return v
	}
	return def
}

func (c *Ctx) withConst(op *ir.Op, fn func(*tensor.Tensor) error) ([]Val, error) {
	e, ok := op.Props.Get("value").(*ir.ElementsAttr)
	if !ok {
		return nil, diag.New(diag.Rejected, "exec.check", op.Pos, "%s has no value", op.Name)
	}
	want, err := c.Materialize(e)
	if err != nil {
		return nil, err
	}
	defer c.Free(want)
	return nil, fn(want)
}

type cmpMode int

const (
	cmpExact cmpMode = iota // IEEE == for floats, bit equality otherwise
	cmpAbs                  // |a-b| <= tol, NaN equals NaN; integers exact
)

func checkFailed(op *ir.Op, format string, args ...any) error {
	return diag.New(diag.Runtime, "check.failed", op.Pos, format, args...).WithOp(op.Name)
}

func sameShape(a, b *tensor.Tensor) bool {
	if a.DType != b.DType || len(a.Shape) != len(b.Shape) {
		return false
	}
	for i := range a.Shape {
		if a.Shape[i] != b.Shape[i] {
			return false
		}
	}
	return true
}

func (c *Ctx) compare(op *ir.Op, got, want *tensor.Tensor, mode cmpMode, tol float64) error {
	if got == nil || want == nil || !sameShape(got, want) {
		return checkFailed(op, "types differ: %s%v vs %s%v", dt(got), shp(got), dt(want), shp(want))
	}
	d := got.DType
	n := got.NumElements()
	bad := int64(-1)
	err := c.Loop(n, func(i int64) {
		if bad >= 0 {
			return
		}
		ok := true
		switch {
		case d.IsComplex():
			a, b := got.Complex128(i), want.Complex128(i)
			ok = floatOK(real(a), real(b), mode, tol) && floatOK(imag(a), imag(b), mode, tol)
		case d.IsFloat():
			ok = floatOK(got.Float64(i), want.Float64(i), mode, tol)
		default:
			ok = got.Int64(i) == want.Int64(i)
		}
		if !ok {
			bad = i
		}
	})
	if err != nil {
		return err
	}
	if bad >= 0 {
		return checkFailed(op, "element %d: got %s, want %s", bad, elemString(got, bad), elemString(want, bad))
	}
	return nil
}

func floatOK(a, b float64, mode cmpMode, tol float64) bool {
	if mode == cmpExact {
		return a == b
	}
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if a == b {
		return true
	}
	return math.Abs(a-b) <= tol
}

func (c *Ctx) compareULP(op *ir.Op, got, want *tensor.Tensor, maxULP, minULP int64) error {
	if got == nil || want == nil || !sameShape(got, want) {
		return checkFailed(op, "types differ: %s%v vs %s%v", dt(got), shp(got), dt(want), shp(want))
	}
	d := got.DType
	part := d
	if d.IsComplex() {
		part = d.ComplexPart()
	}
	n := got.NumElements()
	bad, badDist := int64(-1), uint64(0)
	err := c.Loop(n, func(i int64) {
		if bad >= 0 || !(d.IsFloat() || d.IsComplex()) {
			if bad < 0 && got.Int64(i) != want.Int64(i) {
				bad = i
			}
			return
		}
		var pairs [2][2]float64
		np := 1
		if d.IsComplex() {
			a, b := got.Complex128(i), want.Complex128(i)
			pairs[0] = [2]float64{real(a), real(b)}
			pairs[1] = [2]float64{imag(a), imag(b)}
			np = 2
		} else {
			pairs[0] = [2]float64{got.Float64(i), want.Float64(i)}
		}
		for k := 0; k < np; k++ {
			dist, ok := ulpDistance(part, pairs[k][0], pairs[k][1])
			if !ok || dist > uint64(maxULP) || dist < uint64(minULP) {
				bad, badDist = i, dist
				return
			}
		}
	})
	if err != nil {
		return err
	}
	if bad >= 0 {
		return checkFailed(op, "element %d: got %s, want %s (%d ULP apart, allowed %d..%d)", bad, elemString(got, bad), elemString(want, bad), badDist, minULP, maxULP)
	}
	return nil
}

// ulpDistance counts representable values of type d between a and b. NaN
// and NaN are 0 apart; NaN and a number, or infinity and a finite value,
// are never close.
func ulpDistance(d tensor.DType, a, b float64) (uint64, bool) {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	if an || bn {
		return 0, an && bn
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return 0, a == b
	}
	oa, ob := orderedBits(d, a), orderedBits(d, b)
	if oa > ob {
		return uint64(oa - ob), true
	}
	return uint64(ob - oa), true
}

// orderedBits maps a float's bit pattern in type d to an integer that
// orders like the float (both zeros map to 0).
func orderedBits(d tensor.DType, f float64) int64 {
	bits := tensor.FloatBits(d, f)
	w := uint(d.Bits())
	if d == tensor.F8E8M0FNU { // unsigned exponent-only format
		return int64(bits)
	}
	sign := bits >> (w - 1) & 1
	mag := int64(bits & (1<<(w-1) - 1))
	if sign == 1 {
		return -mag
	}
	return mag
}

func dt(t *tensor.Tensor) string {
	if t == nil {
		return "<none>"
	}
	return t.DType.String()
}

func shp(t *tensor.Tensor) []int64 {
	if t == nil {
		return nil
	}
	return t.Shape
}

func elemString(t *tensor.Tensor, i int64) string {
	switch {
	case t.DType.IsComplex():
		return fmt.Sprint(t.Complex128(i))
	case t.DType.IsFloat():
		return fmt.Sprint(t.Float64(i))
	case t.DType.IsUnsigned():
		return fmt.Sprint(t.Uint64(i))
	}
	return fmt.Sprint(t.Int64(i))
}

// probeKernel records its operand under probe_id (upstream writes it to a
// file) and returns it unchanged.
func probeKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	id, _ := op.Attr("probe_id").(ir.StringAttr)
	if len(c.probes[string(id)]) >= 1<<16 {
		return nil, diag.New(diag.Limit, "limit.probes", op.Pos, "probe %q recorded more than 65536 values", string(id))
	}
	c.Retain(in[0])
	c.probes[string(id)] = append(c.probes[string(id)], in[0])
	c.Retain(in[0])
	return []Val{in[0]}, nil
}

// expectSerializedEq compares its operand with the value probe_id recorded
// at iteration iter (default 0).
func expectSerializedEq(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	id, _ := op.Attr("probe_id").(ir.StringAttr)
	iter := intAttr(op, "iter", 0)
	rec := c.probes[string(id)]
	if iter < 0 || iter >= int64(len(rec)) {
		return nil, checkFailed(op, "probe %q recorded %d values; iteration %d does not exist", string(id), len(rec), iter)
	}
	return nil, c.compare(op, in[0].T, rec[iter].T, cmpExact, 0)
}
