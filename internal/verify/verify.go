package verify

import (
	"fmt"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
)

// Module verifies m against the StableHLO specification and returns the
// first violation in program order as a *diag.Error of kind Rejected, or
// nil. Module-level rules (partitions, entry) come first, then each
// function in source order: its signature, its ops in pre-order (an op
// before the ops of its regions), and its terminator.
func Module(m *ir.Module) error {
	if m == nil {
		return &diag.Error{Kind: diag.Rejected, Rule: "verify.module.empty", Msg: "no module", Hint: "pass a parsed module"}
	}
	v := newVerifier(m)
	if err := v.run(); err != nil {
		return err
	}
	return nil
}

type verifier struct {
	m     *ir.Module
	funcs map[string]*ir.Func
	// cyclic holds the call-like ops whose edge lies on a cycle of the call
	// graph.
	cyclic map[*ir.Op]bool
	// maxDevices is num_replicas*num_partitions when both are declared,
	// else -1; numPartitions is mhlo.num_partitions, or -1.
	maxDevices    int64
	numPartitions int64
}

func newVerifier(m *ir.Module) *verifier {
	v := &verifier{m: m, funcs: make(map[string]*ir.Func, len(m.Funcs)), maxDevices: -1, numPartitions: -1}
	for _, f := range m.Funcs {
		if f != nil {
			if _, dup := v.funcs[f.Name]; !dup {
				v.funcs[f.Name] = f
			}
		}
	}
	return v
}

func (v *verifier) modErr(rule, hint, format string, args ...any) *diag.Error {
	pos := v.m.Pos
	if !pos.Known() && len(v.m.Funcs) > 0 && v.m.Funcs[0] != nil {
		pos = v.m.Funcs[0].Pos
	}
	return &diag.Error{Kind: diag.Rejected, Rule: rule, Pos: pos, Op: "builtin.module",
		Msg: fmt.Sprintf(format, args...), Hint: hint}
}

func funcErr(f *ir.Func, rule, hint, format string, args ...any) *diag.Error {
	return &diag.Error{Kind: diag.Rejected, Rule: rule, Pos: f.Pos, Op: "func.func",
		Msg: fmt.Sprintf(format, args...), Hint: hint}
}

func (v *verifier) run() *diag.Error {
	if err := v.checkModuleAttrs(); err != nil {
		return err
	}
	if err := v.checkEntry(); err != nil {
		return err
	}
	v.cyclic = v.findCycles()
	for i, f := range v.m.Funcs {
		if f == nil {
			return v.modErr("verify.func.body", malformed, "function #%d of the module is missing", i)
		}
		if err := v.checkFunc(f); err != nil {
			return err
		}
	}
	return nil
}

// checkModuleAttrs enforces num_partitions = num_replicas = 1: hlogate runs
// a program on one device, and a program written for several would
// silently compute something else.
func (v *verifier) checkModuleAttrs() *diag.Error {
	counts := [2]int64{-1, -1}
	for i, name := range []string{"mhlo.num_partitions", "mhlo.num_replicas"} {
		a := v.m.Attrs.Get(name)
		if a == nil {
			continue
		}
		n, ok := ir.Int(a)
		if !ok {
			return v.modErr("verify.module.partitions", "write "+name+" = 1 : i32",
				"%s must be an integer, got %s", name, attrKind(a))
		}
		if n != 1 {
			return v.modErr("verify.module.partitions", "export the program for a single device ("+name+" = 1)",
				"%s is %d; hlogate runs programs on exactly one device", name, n)
		}
		counts[i] = n
	}
	v.numPartitions = counts[0]
	if counts[0] > 0 && counts[1] > 0 {
		v.maxDevices = counts[0] * counts[1]
	}
	return nil
}

// checkEntry requires a runnable entry point: a public @main, or, without
// @main, at least one public function.
func (v *verifier) checkEntry() *diag.Error {
	if len(v.m.Funcs) == 0 {
		return v.modErr("verify.module.entry", "add a public func.func @main", "module has no functions")
	}
	if f := v.funcs["main"]; f != nil {
		if f.Visibility != "" && f.Visibility != "public" {
			return funcErr(f, "verify.module.entry", "make @main public", "@main is %s; the entry function must be public", f.Visibility)
		}
		return nil
	}
	for _, f := range v.m.Funcs {
		if f != nil && (f.Visibility == "" || f.Visibility == "public") {
			return nil
		}
	}
	return v.modErr("verify.module.entry", "add a public func.func @main", "module has no public function to run")
}

// --- functions ---

func (v *verifier) checkFunc(f *ir.Func) *diag.Error {
	for i, a := range f.Args {
		if a == nil {
			return funcErr(f, "verify.func.signature", malformed, "argument #%d of @%s is missing", i, f.Name)
		}
		if err := checkValueType(a.Type); err != nil {
			return funcErr(f, err.rule, err.hint, "argument #%d of @%s: %s", i, f.Name, err.msg)
		}
	}
	for i, t := range f.Results {
		if err := checkValueType(t); err != nil {
			return funcErr(f, err.rule, err.hint, "result #%d of @%s: %s", i, f.Name, err.msg)
		}
	}
	if f.Body == nil {
		return funcErr(f, "verify.func.body", "give @"+f.Name+" a body; external functions cannot be linked",
			"@%s is a declaration without a body", f.Name)
	}
	if len(f.Body.Blocks) != 1 || f.Body.Blocks[0] == nil {
		return funcErr(f, "verify.func.body", "use a single block", "body of @%s must have exactly one block, has %d", f.Name, len(f.Body.Blocks))
	}
	top := f.Body.Blocks[0]
	if len(top.Args) != len(f.Args) {
		return funcErr(f, "verify.func.body", "make the entry block's arguments the function's arguments",
			"entry block of @%s has %d arguments, the signature %d", f.Name, len(top.Args), len(f.Args))
	}
	for i, a := range top.Args {
		if a == nil || (a != f.Args[i] && !ir.TypesEqual(a.Type, f.Args[i].Type)) {
			return funcErr(f, "verify.func.body", "make the entry block's arguments the function's arguments",
				"entry block argument #%d of @%s does not match the signature", i, f.Name)
		}
	}
	if err := v.walk(f, top); err != nil {
		return err
	}
	if len(top.Ops) == 0 || top.Ops[len(top.Ops)-1] == nil || top.Ops[len(top.Ops)-1].Name != "func.return" {
		return funcErr(f, "verify.func.return", "end the function with func.return", "@%s does not end with func.return", f.Name)
	}
	return nil
}

// walk visits the ops of a function body in pre-order with an explicit
// stack.
func (v *verifier) walk(f *ir.Func, top *ir.Block) *diag.Error {
	type frame struct {
		ops    []*ir.Op
		idx    int
		inFunc bool // the function's own block
	}
	stack := []frame{{ops: top.Ops, inFunc: true}}
	for len(stack) > 0 {
		fr := &stack[len(stack)-1]
		if fr.idx >= len(fr.ops) {
			stack = stack[:len(stack)-1]
			continue
		}
		op := fr.ops[fr.idx]
		fr.idx++
		last := fr.idx == len(fr.ops)
		if op == nil {
			return funcErr(f, "verify.op.invalid", malformed, "nil op in @%s", f.Name)
		}
		if err := v.checkOp(f, op, fr.inFunc, last); err != nil {
			return err
		}
		// Push regions in reverse so region #0 is visited first.
		for i := len(op.Regions) - 1; i >= 0; i-- {
			r := op.Regions[i]
			if r == nil {
				continue
			}
			for j := len(r.Blocks) - 1; j >= 0; j-- {
				if r.Blocks[j] != nil {
					stack = append(stack, frame{ops: r.Blocks[j].Ops})
				}
			}
		}
	}
	return nil
}

// checkOp runs the checks every op gets, then the op's own.
func (v *verifier) checkOp(f *ir.Func, op *ir.Op, inFunc, last bool) *diag.Error {
	c := &ctx{v: v, op: op, fn: f, short: shortName(op.Name)}
	for i, o := range op.Operands {
		if o == nil || o.Type == nil {
			return c.ruleErr("verify.op.invalid", malformed, "operand #%d of %s is missing", i, op.Name)
		}
	}
	for i, r := range op.Results {
		if r == nil {
			return c.ruleErr("verify.op.invalid", malformed, "result #%d of %s is missing", i, op.Name)
		}
		if err := checkValueType(r.Type); err != nil {
			return c.ruleErr(err.rule, err.hint, "%s of %s: %s", resultName(i), op.Name, err.msg)
		}
	}
	for ri, r := range op.Regions {
		if r == nil {
			return c.errf("region", malformed, "region #%d of %s is missing", ri, op.Name)
		}
		if len(r.Blocks) != 1 || r.Blocks[0] == nil {
			return c.errf("region", "use exactly one block", "region #%d of %s must have exactly one block, has %d", ri, op.Name, len(r.Blocks))
		}
		for ai, a := range r.Blocks[0].Args {
			if a == nil {
				return c.errf("region", malformed, "argument #%d of region #%d is missing", ai, ri)
			}
			if err := checkValueType(a.Type); err != nil {
				return c.ruleErr(err.rule, err.hint, "argument #%d of region #%d of %s: %s", ai, ri, op.Name, err.msg)
			}
		}
		b := r.Blocks[0]
		if len(b.Ops) == 0 || b.Ops[len(b.Ops)-1] == nil || b.Ops[len(b.Ops)-1].Name != "stablehlo.return" {
			return c.errf("region", "end the region with stablehlo.return", "region #%d of %s does not end with stablehlo.return", ri, op.Name)
		}
	}
	switch op.Name {
	case "func.return":
		return checkFuncReturn(c, inFunc, last)
	case "stablehlo.return":
		if inFunc || !last {
			return c.errf("placement", "use stablehlo.return only as the last op of an op's region (func.return ends a function)",
				"stablehlo.return must be the last op of a region")
		}
		return nil
	}
	h, ok := opTable[op.Name]
	if !ok {
		return unknownOp(c)
	}
	return h(c)
}

func checkFuncReturn(c *ctx, inFunc, last bool) *diag.Error {
	f := c.fn
	if !inFunc || !last {
		return c.ruleErr("verify.func.return", "use func.return only as the last op of a function body (stablehlo.return ends a region)",
			"func.return must be the last op of a function body")
	}
	if len(c.op.Results) != 0 || len(c.op.Regions) != 0 {
		return c.ruleErr("verify.func.return", "write func.return with operands only", "func.return has no results or regions")
	}
	if len(c.op.Operands) != len(f.Results) {
		return c.ruleErr("verify.func.return", fmt.Sprintf("return %d value(s)", len(f.Results)),
			"@%s returns %d value(s) but its signature declares %d", f.Name, len(c.op.Operands), len(f.Results))
	}
	for i, o := range c.op.Operands {
		if !ir.TypesEqual(o.Type, f.Results[i]) {
			return c.ruleErr("verify.func.return", "return a value of type "+typeStr(f.Results[i]),
				"@%s returns %s as result #%d but its signature declares %s", f.Name, typeStr(o.Type), i, typeStr(f.Results[i]))
		}
	}
	return nil
}

func unknownOp(c *ctx) *diag.Error {
	name := c.op.Name
	if hint, ok := deprecatedOps[name]; ok {
		return c.ruleErr("verify.op.unknown", hint, "%s is deprecated and has no specification", name)
	}
	dialect, _, _ := strings.Cut(name, ".")
	switch dialect {
	case "stablehlo", "chlo", "func", "check", "interpreter":
		return c.ruleErr("verify.op.unknown", "use an op defined by the StableHLO specification",
			"%s is not an op of the %s dialect that hlogate knows", clip(name), dialect)
	}
	return c.ruleErr("verify.op.unknown", "lower the program to StableHLO (stablehlo.*, func.*, chlo.*) first",
		"%s is not a StableHLO op", clip(name))
}

var deprecatedOps = map[string]string{
	"stablehlo.einsum":             "rewrite with stablehlo.dot_general and stablehlo.transpose",
	"stablehlo.unary_einsum":       "rewrite with stablehlo.reduce and stablehlo.transpose",
	"stablehlo.torch_index_select": "rewrite with stablehlo.gather",
	"stablehlo.cross-replica-sum":  "rewrite with stablehlo.all_reduce",
}

// opTable maps every op name hlogate verifies to its check. It is filled
// from the per-family tables at package initialisation.
var opTable = map[string]func(*ctx) *diag.Error{}

func register(m map[string]func(*ctx) *diag.Error) bool {
	for k, f := range m {
		if _, dup := opTable[k]; dup {
			panic("verify: op registered twice: " + k)
		}
		opTable[k] = f
	}
	return true
}

// KnownOps lists the op names the verifier accepts (besides func.return
// and stablehlo.return), for documentation and policy tooling.
func KnownOps() []string {
	out := make([]string, 0, len(opTable)+2)
	for k := range opTable {
		out = append(out, k)
	}
	out = append(out, "func.return", "stablehlo.return")
	return out
}

// malformed is the hint for IR that text cannot produce (missing values,
// nil regions): the IR was built or rewritten incorrectly.
const malformed = "the IR is malformed; re-parse the program from text"

// walkOps visits every op of r in pre-order with an explicit stack,
// skipping nil regions, blocks and ops (which checkOp reports).
func walkOps(r *ir.Region, fn func(*ir.Op)) {
	stack := []*ir.Region{r}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if cur == nil {
			continue
		}
		for _, b := range cur.Blocks {
			if b == nil {
				continue
			}
			for _, op := range b.Ops {
				if op == nil {
					continue
				}
				fn(op)
				stack = append(stack, op.Regions...)
			}
		}
	}
}
