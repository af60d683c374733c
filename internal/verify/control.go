package verify

import (
	"fmt"
	"regexp"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Control flow and calls: while, if, case, func.call, composite, and the
// module's call graph.

var _ = register(map[string]func(*ctx) *diag.Error{
	"stablehlo.while":     checkWhile,
	"stablehlo.if":        checkIf,
	"stablehlo.case":      checkCase,
	"func.call":           checkCall,
	"stablehlo.composite": checkComposite,
})

func checkWhile(c *ctx) *diag.Error {
	if err := c.arity(-1, len(c.op.Operands)); err != nil {
		return err
	}
	if len(c.op.Regions) != 2 {
		return c.errf("region", "give while a cond and a body region", "while needs 2 regions, has %d", len(c.op.Regions))
	}
	ins := c.op.OperandTypes()
	for i, t := range ins {
		if !typeCompat(t, c.op.Results[i].Type) {
			return c.errf("types", "declare the results with the operands' types", "%s of while has type %s but operand #%d has %s",
				resultName(i), typeStr(c.op.Results[i].Type), i, typeStr(t))
		}
	}
	for ri, name := range []string{"cond", "body"} {
		args, rets, err := c.regionSig(ri)
		if err != nil {
			return err
		}
		if len(args) != len(ins) {
			return c.errf("region", fmt.Sprintf("give %s %d arguments", name, len(ins)), "%s of while takes %d arguments, expected %d", name, len(args), len(ins))
		}
		for i := range args {
			if !typeCompat(args[i], ins[i]) {
				return c.errf("region", "use the operand types for the region arguments", "argument #%d of %s has type %s, operand #%d has %s",
					i, name, typeStr(args[i]), i, typeStr(ins[i]))
			}
		}
		if ri == 0 {
			if len(rets) != 1 || !isI1Scalar(rets[0]) {
				return c.errf("region", "return one tensor<i1> from cond", "cond of while must return tensor<i1>")
			}
			continue
		}
		if len(rets) != len(ins) {
			return c.errf("region", fmt.Sprintf("return %d values from body", len(ins)), "body of while returns %d values, expected %d", len(rets), len(ins))
		}
		for i := range rets {
			if !typeCompat(rets[i], ins[i]) {
				return c.errf("region", "return the loop-carried types from body", "body of while returns %s as value #%d, expected %s",
					typeStr(rets[i]), i, typeStr(ins[i]))
			}
		}
	}
	return nil
}

// branches checks regions [from, len) of if/case: no arguments, and returns
// compatible with the op's results.
func (c *ctx) branches() *diag.Error {
	outs := c.op.ResultTypes()
	for ri := range c.op.Regions {
		args, rets, err := c.regionSig(ri)
		if err != nil {
			return err
		}
		if len(args) != 0 {
			return c.errf("region", "branches take no arguments; use values from the enclosing scope", "branch #%d of %s has %d arguments", ri, c.op.Name, len(args))
		}
		if len(rets) != len(outs) {
			return c.errf("region", fmt.Sprintf("return %d values from every branch", len(outs)), "branch #%d of %s returns %d values, the op has %d results", ri, c.op.Name, len(rets), len(outs))
		}
		for i := range rets {
			if !typeCompat(rets[i], outs[i]) {
				return c.errf("region", "return the result types from every branch", "branch #%d of %s returns %s as value #%d, result is %s",
					ri, c.op.Name, typeStr(rets[i]), i, typeStr(outs[i]))
			}
		}
	}
	return nil
}

func checkIf(c *ctx) *diag.Error {
	if err := c.arity(1, -1); err != nil {
		return err
	}
	if len(c.op.Regions) != 2 {
		return c.errf("region", "give if a true and a false branch", "if needs 2 regions, has %d", len(c.op.Regions))
	}
	if !isI1Scalar(c.op.Operands[0].Type) {
		return c.errf("types", "pass a tensor<i1> predicate", "pred of if must be tensor<i1>, got %s", typeStr(c.op.Operands[0].Type))
	}
	return c.branches()
}

func checkCase(c *ctx) *diag.Error {
	if err := c.arity(1, -1); err != nil {
		return err
	}
	if len(c.op.Regions) < 1 {
		return c.errf("region", "give case at least one branch", "case needs at least 1 region")
	}
	t, ok := c.op.Operands[0].Type.(*ir.TensorType)
	if !ok || !isScalar(t) || t.Elem.Quant != nil || t.Elem.DType != tensor.I32 {
		return c.errf("types", "pass a tensor<i32> index", "index of case must be tensor<i32>, got %s", typeStr(c.op.Operands[0].Type))
	}
	return c.branches()
}

// symbolRef reads a symbol-reference attribute.
func symbolRef(a ir.Attr) (string, bool) {
	if x, ok := a.(ir.SymbolRefAttr); ok {
		return string(x), true
	}
	return "", false
}

// undefined reports a reference to a function the module does not define.
func (c *ctx) undefined(name string) *diag.Error {
	return c.ruleErr("verify.symbol.undefined", "define func.func @"+clip(name)+" in this module",
		"%s refers to @%s, which is not defined in this module", c.op.Name, clip(name))
}

// cycle reports a call-like op on a cycle of the call graph.
func (c *ctx) cycle(name string) *diag.Error {
	if name == c.fn.Name {
		return c.ruleErr("verify.call.cycle", "rewrite the recursion as a stablehlo.while loop",
			"@%s calls itself; recursion is not allowed", clip(name))
	}
	return c.ruleErr("verify.call.cycle", "rewrite the recursion as a stablehlo.while loop",
		"call from @%s to @%s closes a cycle in the call graph; recursion is not allowed", clip(c.fn.Name), clip(name))
}

// callTypes checks that ins/outs equal the callee's signature exactly.
func (c *ctx) callTypes(rule string, f *ir.Func) *diag.Error {
	if len(c.op.Operands) != len(f.Args) {
		return c.ruleErr(rule, fmt.Sprintf("pass %d argument(s)", len(f.Args)),
			"@%s takes %d argument(s), %s passes %d", f.Name, len(f.Args), c.op.Name, len(c.op.Operands))
	}
	for i, o := range c.op.Operands {
		if !ir.TypesEqual(o.Type, f.Args[i].Type) {
			return c.ruleErr(rule, "pass a value of type "+typeStr(f.Args[i].Type),
				"argument #%d of @%s has type %s, %s passes %s", i, f.Name, typeStr(f.Args[i].Type), c.op.Name, typeStr(o.Type))
		}
	}
	if len(c.op.Results) != len(f.Results) {
		return c.ruleErr(rule, fmt.Sprintf("declare %d result(s)", len(f.Results)),
			"@%s returns %d value(s), %s declares %d", f.Name, len(f.Results), c.op.Name, len(c.op.Results))
	}
	for i, r := range c.op.Results {
		if !ir.TypesEqual(r.Type, f.Results[i]) {
			return c.ruleErr(rule, "declare the result as "+typeStr(f.Results[i]),
				"result #%d of @%s has type %s, %s declares %s", i, f.Name, typeStr(f.Results[i]), c.op.Name, typeStr(r.Type))
		}
	}
	return nil
}

func checkCall(c *ctx) *diag.Error {
	if err := c.noRegions(); err != nil {
		return err
	}
	a := c.attr("callee")
	if a == nil {
		return c.missing("callee")
	}
	name, ok := symbolRef(a)
	if !ok {
		return c.badAttr("callee", "a symbol reference (@name)", a)
	}
	f := c.v.funcs[name]
	if f == nil {
		return c.undefined(name)
	}
	if c.v.cyclic[c.op] {
		return c.cycle(name)
	}
	return c.callTypes("verify.call.types", f)
}

var namespacedOp = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*([.][a-zA-Z0-9_$]+)+$`)

func checkComposite(c *ctx) *diag.Error {
	if err := c.noRegions(); err != nil {
		return err
	}
	name, _, err := c.stringAttr("name", true)
	if err != nil {
		return err
	}
	if len(name) > 1024 || !namespacedOp.MatchString(name) {
		return c.errf("name", "use a namespaced op name such as my.op", "composite name %q is not a namespaced op name", clip(name))
	}
	if v, err := c.intAttr("version", 0, false); err != nil {
		return err
	} else if v < 0 {
		return c.errf("attr", "use a non-negative version", "composite version is %d", v)
	}
	if a := c.attr("composite_attributes"); a != nil {
		if _, ok := a.(ir.DictAttr); !ok {
			return c.badAttr("composite_attributes", "a dictionary", a)
		}
	}
	a := c.attr("decomposition")
	if a == nil {
		return c.missing("decomposition")
	}
	dec, ok := symbolRef(a)
	if !ok {
		return c.badAttr("decomposition", "a symbol reference (@name)", a)
	}
	f := c.v.funcs[dec]
	if f == nil {
		return c.undefined(dec)
	}
	if c.v.cyclic[c.op] {
		return c.cycle(dec)
	}
	return c.callTypes("verify.composite.types", f)
}

// callees lists the functions an op refers to: func.call's callee,
// composite's decomposition, custom_call's called_computations and
// interpreter.run_parallel's programs.
func callees(op *ir.Op) []string {
	var out []string
	add := func(a ir.Attr) {
		if len(out) >= maxListLen {
			return // the op's own check rejects such lists
		}
		if s, ok := symbolRef(a); ok {
			out = append(out, s)
		}
	}
	switch op.Name {
	case "func.call":
		add(op.Props.Get("callee"))
	case "stablehlo.composite":
		add(op.Props.Get("decomposition"))
	case "stablehlo.custom_call":
		if arr, ok := op.Props.Get("called_computations").(ir.ArrayAttr); ok {
			for _, e := range arr {
				add(e)
			}
		}
	case "interpreter.run_parallel":
		if arr, ok := op.Props.Get("programs").(ir.ArrayAttr); ok {
			for _, row := range arr {
				if r, ok := row.(ir.ArrayAttr); ok {
					for _, e := range r {
						add(e)
					}
				}
			}
		}
		if arr, ok := op.Props.Get("infeed").(ir.ArrayAttr); ok {
			for _, e := range arr {
				add(e)
			}
		}
	}
	return out
}

// findCycles builds the call graph and returns the call-like ops whose
// caller and callee lie in the same strongly connected component (a self
// call included). Tarjan's algorithm runs with an explicit stack.
func (v *verifier) findCycles() map[*ir.Op]bool {
	type edge struct {
		to int
		op *ir.Op
	}
	idx := make(map[string]int, len(v.m.Funcs))
	var nodes []*ir.Func
	for _, f := range v.m.Funcs {
		if f == nil {
			continue
		}
		if _, dup := idx[f.Name]; dup {
			continue
		}
		idx[f.Name] = len(nodes)
		nodes = append(nodes, f)
	}
	adj := make([][]edge, len(nodes))
	for i, f := range nodes {
		if f.Body == nil {
			continue
		}
		walkOps(f.Body, func(op *ir.Op) {
			for _, name := range callees(op) {
				if j, ok := idx[name]; ok {
					adj[i] = append(adj[i], edge{j, op})
				}
			}
		})
	}
	n := len(nodes)
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	comp := make([]int, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	counter, ncomp := 0, 0
	type frame struct{ node, next int }
	for root := range n {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{root, 0}}
		index[root], low[root] = counter, counter
		counter++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			fr := &call[len(call)-1]
			u := fr.node
			if fr.next < len(adj[u]) {
				w := adj[u][fr.next].to
				fr.next++
				if index[w] < 0 {
					index[w], low[w] = counter, counter
					counter++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, 0})
				} else if onStack[w] && index[w] < low[u] {
					low[u] = index[w]
				}
				continue
			}
			if low[u] == index[u] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = ncomp
					if w == u {
						break
					}
				}
				ncomp++
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].node
				if low[u] < low[p] {
					low[p] = low[u]
				}
			}
		}
	}
	cyclic := map[*ir.Op]bool{}
	for u := range n {
		for _, e := range adj[u] {
			if e.to == u || comp[e.to] == comp[u] {
				cyclic[e.op] = true
			}
		}
	}
	return cyclic
}
