package verify

import (
	"fmt"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
)

// Test ops of the upstream interpreter (check.*, interpreter.*). They occur
// only in conformance tests; the default policy rejects them.

var _ = register(map[string]func(*ctx) *diag.Error{
	"check.expect_eq":              checkExpectPair,
	"check.expect_almost_eq":       checkExpectPair,
	"check.expect_close":           checkExpectPair,
	"check.expect_eq_const":        checkExpectConst,
	"check.expect_almost_eq_const": checkExpectConst,
	"check.expect_close_const":     checkExpectConst,
	"check.expect_serialized_eq":   checkExpectSerialized,
	"interpreter.print":            checkPrint,
	"interpreter.probe":            checkProbe,
	"interpreter.run_parallel":     checkRunParallel,
})

// checkTolerances reads the optional tolerance attributes of check ops.
func (c *ctx) checkTolerances() *diag.Error {
	if tol, present, err := c.floatAttr("tolerance", false); err != nil {
		return err
	} else if present && !(tol >= 0) {
		return c.errf("tolerance", "use a non-negative tolerance", "tolerance %v must be non-negative", tol)
	}
	maxU, err := c.intAttr("max_ulp_difference", 1, false)
	if err != nil {
		return err
	}
	minU, err := c.intAttr("min_ulp_difference", 0, false)
	if err != nil {
		return err
	}
	if maxU < 0 || minU < 0 || minU > maxU {
		return c.errf("tolerance", "use 0 <= min_ulp_difference <= max_ulp_difference", "ulp bounds [%d, %d] are invalid", minU, maxU)
	}
	return nil
}

func checkExpectPair(c *ctx) *diag.Error {
	if err := c.arity(2, 0); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	a, err := c.operandT(0)
	if err != nil {
		return err
	}
	b, err := c.operandT(1)
	if err != nil {
		return err
	}
	if !ir.TypesEqual(a, b) {
		return c.errf("types", "compare values of one type", "%s compares %s with %s", c.op.Name, a, b)
	}
	return c.checkTolerances()
}

func checkExpectConst(c *ctx) *diag.Error {
	if err := c.arity(1, 0); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	x, err := c.operandT(0)
	if err != nil {
		return err
	}
	a := c.attr("value")
	if a == nil {
		return c.missing("value")
	}
	e, ok := a.(*ir.ElementsAttr)
	if !ok || e == nil || e.Type == nil {
		return c.badAttr("value", "a dense<...> literal", a)
	}
	if !ir.TypesEqual(e.Type, x) {
		return c.errf("types", "compare with a literal of the operand's type", "%s compares %s with a literal of type %s", c.op.Name, x, e.Type)
	}
	if err := literalSize(c, e, "value"); err != nil {
		return err
	}
	return c.checkTolerances()
}

func checkExpectSerialized(c *ctx) *diag.Error {
	if err := c.arity(1, 0); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	if _, err := c.operandT(0); err != nil {
		return err
	}
	if _, _, err := c.stringAttr("probe_id", true); err != nil {
		return err
	}
	if it, err := c.intAttr("iter", 0, false); err != nil {
		return err
	} else if it < 0 {
		return c.errf("attr", "use a non-negative iter", "iter is %d", it)
	}
	return nil
}

func checkPrint(c *ctx) *diag.Error {
	if err := c.arity(-1, 0); err != nil {
		return err
	}
	return c.noRegions()
}

func checkProbe(c *ctx) *diag.Error {
	if err := c.arity(1, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	if _, _, err := c.stringAttr("probe_id", true); err != nil {
		return err
	}
	if !ir.TypesEqual(c.op.Operands[0].Type, c.op.Results[0].Type) {
		return c.errf("types", "declare the result with the operand's type", "probe of %s is declared %s",
			typeStr(c.op.Operands[0].Type), typeStr(c.op.Results[0].Type))
	}
	return nil
}

// checkRunParallel checks that programs is a non-empty grid of defined
// functions whose concatenated signatures match the op's operands and
// results.
func checkRunParallel(c *ctx) *diag.Error {
	if err := c.noRegions(); err != nil {
		return err
	}
	a := c.attr("programs")
	if a == nil {
		return c.missing("programs")
	}
	grid, ok := a.(ir.ArrayAttr)
	if !ok || len(grid) == 0 {
		return c.badAttr("programs", "a non-empty array of arrays of functions", a)
	}
	if len(grid) > maxListLen {
		return c.errf("programs", "run fewer programs", "programs has more than %d rows", maxListLen)
	}
	var ins, outs []ir.Type
	width := -1
	entries := 0
	for _, row := range grid {
		if r, ok := row.(ir.ArrayAttr); ok {
			entries += len(r)
		}
		if entries > maxListLen {
			return c.errf("programs", "run fewer programs", "programs has more than %d entries", maxListLen)
		}
		r, ok := row.(ir.ArrayAttr)
		if !ok || len(r) == 0 || len(r) > maxListLen || (width >= 0 && len(r) != width) {
			return c.errf("programs", "give every row the same number of functions", "programs must be a rectangular grid of functions")
		}
		width = len(r)
		for _, e := range r {
			name, ok := symbolRef(e)
			if !ok {
				return c.badAttr("programs", "an array of arrays of functions", a)
			}
			f := c.v.funcs[name]
			if f == nil {
				return c.undefined(name)
			}
			if c.v.cyclic[c.op] {
				return c.cycle(name)
			}
			for _, arg := range f.Args {
				ins = append(ins, arg.Type)
			}
			outs = append(outs, f.Results...)
			if len(ins) > 1<<16 || len(outs) > 1<<16 {
				return c.errf("programs", "run fewer programs", "programs are too many")
			}
		}
	}
	if inf := c.attr("infeed"); inf != nil {
		arr, ok := inf.(ir.ArrayAttr)
		if !ok || len(arr) > maxListLen {
			return c.badAttr("infeed", "an array of at most 1024 functions", inf)
		}
		for _, e := range arr {
			name, ok := symbolRef(e)
			if !ok {
				return c.badAttr("infeed", "an array of functions", inf)
			}
			f := c.v.funcs[name]
			if f == nil {
				return c.undefined(name)
			}
			if len(f.Args) != 0 {
				return c.errf("programs", "use infeed functions without arguments", "infeed function @%s takes arguments", clip(name))
			}
		}
	}
	if len(ins) != len(c.op.Operands) || len(outs) != len(c.op.Results) {
		return c.errf("types", fmt.Sprintf("pass %d operands and declare %d results", len(ins), len(outs)),
			"the programs take %d arguments and return %d values; the op has %d operands and %d results",
			len(ins), len(outs), len(c.op.Operands), len(c.op.Results))
	}
	for i, t := range ins {
		if !ir.TypesEqual(t, c.op.Operands[i].Type) {
			return c.errf("types", "pass the programs' argument types", "operand #%d has type %s, the program expects %s", i, typeStr(c.op.Operands[i].Type), typeStr(t))
		}
	}
	for i, t := range outs {
		if !ir.TypesEqual(t, c.op.Results[i].Type) {
			return c.errf("types", "declare the programs' result types", "result #%d is declared %s, the program returns %s", i, typeStr(c.op.Results[i].Type), typeStr(t))
		}
	}
	return nil
}
