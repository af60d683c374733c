// Package refine turns a shape-polymorphic StableHLO module (one with `?`
// dimensions, as JAX exports it under shape polymorphism) into a static one
// for concrete input shapes.
//
// Refinement propagates the entry function's concrete argument shapes through
// every op, constant-folds the integer shape computations JAX emits
// (get_dimension_size → convert → arithmetic → reshape/concatenate into a
// shape tensor), rewrites the dynamic ops (dynamic_broadcast_in_dim,
// dynamic_reshape, dynamic_iota, dynamic_pad, real_dynamic_slice,
// dynamic_gather, dynamic_conv) to their static forms, evaluates and drops
// `custom_call @shape_assertion`, and replaces the `stablehlo.dynamic_top_k`
// and `stablehlo.dynamic_approx_top_k` shims by chlo.top_k. Functions called
// with different shapes get specialised copies; dimension arguments that
// become constants are dropped from those copies.
//
// The input module is never modified: the admitted module is shared and
// immutable, so refinement builds a new module (new functions, blocks, ops
// and values). Attribute values and types that do not change are shared
// between the two, as immutable data; every attribute dictionary of the new
// module is a fresh copy.
//
// The work is bounded (Limits): specialised copies, ops emitted, elements
// folded, call depth and every computed size are capped, so a hostile
// program cannot make refinement explode.
package refine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/verify"
)

// Limits bound one refinement. Zero fields take the defaults of
// DefaultLimits.
type Limits struct {
	// MaxSpecializations caps the function copies made (the entry counts).
	MaxSpecializations int
	// MaxOps caps the ops of the refined module, nested ones included.
	MaxOps int
	// MaxFoldElements is the largest integer tensor whose value is tracked
	// for folding; larger ones are simply not folded.
	MaxFoldElements int64
	// MaxFoldTotal caps the elements folded in one refinement.
	MaxFoldTotal int64
	// MaxCallDepth caps the nesting of calls followed.
	MaxCallDepth int
	// MaxDimSize and MaxElements cap every computed shape.
	MaxDimSize  int64
	MaxElements int64
}

// DefaultLimits returns the documented defaults: 1000 specialised copies,
// 1,000,000 ops (the parser's own cap), folded tensors of at most 1<<16
// elements and 1<<22 folded elements in all, call depth 256 (the
// executor's own cap), and the parser's dimension and element caps.
func DefaultLimits() Limits {
	pl := mlir.DefaultLimits()
	return Limits{
		MaxSpecializations: 1000,
		MaxOps:             pl.MaxOps,
		MaxFoldElements:    1 << 16,
		MaxFoldTotal:       1 << 22,
		MaxCallDepth:       256,
		MaxDimSize:         pl.MaxDimSize,
		MaxElements:        pl.MaxElements,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxSpecializations <= 0 {
		l.MaxSpecializations = d.MaxSpecializations
	}
	if l.MaxOps <= 0 {
		l.MaxOps = d.MaxOps
	}
	if l.MaxFoldElements <= 0 {
		l.MaxFoldElements = d.MaxFoldElements
	}
	if l.MaxFoldTotal <= 0 {
		l.MaxFoldTotal = d.MaxFoldTotal
	}
	if l.MaxCallDepth <= 0 {
		l.MaxCallDepth = d.MaxCallDepth
	}
	if l.MaxDimSize <= 0 {
		l.MaxDimSize = d.MaxDimSize
	}
	if l.MaxElements <= 0 {
		l.MaxElements = d.MaxElements
	}
	return l
}

// Inputs describes the concrete call of the entry function.
type Inputs struct {
	// Shapes holds one shape per entry argument.
	Shapes [][]int64
	// Values holds the values of the entry's dimension arguments (see
	// DimArgs), by argument index. Older JAX exports pass each dimension
	// variable as a leading rank-0 integer argument of @main; the refined
	// module is specialised on these values, so the caller must pass the
	// same values when it runs the module. A dimension argument missing
	// here is inferred from Shapes (see DimArgs). Values of other arguments
	// are ignored.
	Values map[int]int64
	// Limits bound the refinement; the zero value means DefaultLimits.
	Limits Limits
}

// Refine returns a new module in which every `?` dimension reachable from
// entry is replaced by its concrete size for the entry argument shapes
// given. See RefineWith.
func Refine(m *ir.Module, entry *ir.Func, shapes [][]int64) (*ir.Module, error) {
	return RefineWith(m, entry, Inputs{Shapes: shapes})
}

// RefineWith refines m for the concrete call in. The result holds the entry
// (same name, visibility and number of arguments) and the functions it
// reaches, specialised; it has static types everywhere and passes
// verify.Module.
//
// Errors are *diag.Error: Kind InvalidInput, rule "refine.input_shape" when
// the shapes do not fit the signature or make the program inconsistent;
// Kind Runtime, rule "refine.shape_assertion" when a JAX shape assertion
// fails (with JAX's message, filled in); Kind Rejected, rule
// "refine.unsupported" for what cannot be refined (naming the op and its
// position), and rule "refine.limit" when a bound of Limits is reached.
func RefineWith(m *ir.Module, entry *ir.Func, in Inputs) (out *ir.Module, err error) {
	// Defense in depth: the refiner checks what it reads, but a malformed
	// module that slipped past verification must not crash the host.
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, &diag.Error{Kind: diag.Internal, Rule: "refine.internal", Msg: fmt.Sprintf("refinement failed: %v", p)}
		}
	}()
	if m == nil || entry == nil {
		return nil, &diag.Error{Kind: diag.Usage, Rule: "refine.usage", Msg: "no module or entry function"}
	}
	if m.Func(entry.Name) != entry {
		return nil, &diag.Error{Kind: diag.Usage, Rule: "refine.usage", Msg: fmt.Sprintf("@%s is not a function of the module", entry.Name)}
	}
	if entry.Body == nil || len(entry.Body.Blocks) != 1 {
		return nil, unsupportedf(nil, entry.Pos, "@%s has no single-block body", entry.Name)
	}
	r := &refiner{
		src:    m,
		lim:    in.Limits.withDefaults(),
		funcs:  make(map[string]*ir.Func, len(m.Funcs)),
		specs:  map[string]*special{},
		used:   map[string]bool{},
		suffix: map[string]int{},
		known:  map[*ir.Value]*kval{},
	}
	for _, f := range m.Funcs {
		if f != nil {
			if _, dup := r.funcs[f.Name]; !dup {
				r.funcs[f.Name] = f
			}
		}
	}
	argTypes, argK, err := r.entryArgs(entry, in)
	if err != nil {
		return nil, err
	}
	r.used[entry.Name] = true
	sp, err := r.specialize(entry, argTypes, argK, true, nil)
	if err != nil {
		return nil, err
	}
	out = &ir.Module{Name: m.Name, Attrs: copyDict(m.Attrs), Implicit: m.Implicit, Pos: m.Pos}
	out.Funcs = append(out.Funcs, sp.fn)
	for _, f := range r.out {
		if f != sp.fn {
			out.Funcs = append(out.Funcs, f)
		}
	}
	for _, f := range out.Funcs {
		dce(f.Body)
	}
	if err := checkStatic(out); err != nil {
		return nil, err
	}
	if err := verify.Module(out); err != nil {
		d := diag.As(err)
		return nil, &diag.Error{Kind: diag.InvalidInput, Rule: "refine.input_shape", Op: d.Op, Pos: d.Pos,
			Msg:  "with these input shapes the program is not valid: " + d.Msg + " [" + d.Rule + "]",
			Hint: "pass input shapes the program supports"}
	}
	return out, nil
}

// NeedsRefinement reports whether m must be refined before it can be
// costed and run: some type is dynamic, or it holds a shape_assertion or a
// stablehlo.dynamic_* custom call (which only refinement implements).
func NeedsRefinement(m *ir.Module) bool {
	if m == nil {
		return false
	}
	need := false
	for _, f := range m.Funcs {
		for _, a := range f.Args {
			if !staticType(a.Type) {
				return true
			}
		}
		for _, t := range f.Results {
			if !staticType(t) {
				return true
			}
		}
	}
	m.Walk(func(_ *ir.Func, o *ir.Op) bool {
		for _, v := range o.Results {
			if !staticType(v.Type) {
				need = true
				return false
			}
		}
		if t, ok := o.Props.Get("call_target_name").(ir.StringAttr); ok && o.Name == "stablehlo.custom_call" &&
			(t == "shape_assertion" || strings.HasPrefix(string(t), "stablehlo.dynamic_")) {
			need = true
			return false
		}
		return true
	})
	return need
}

// DimArgs returns the indices of fn's dimension arguments: the leading
// rank-0 integer arguments of an entry whose later arguments have dynamic
// dimensions (the convention of JAX exports before dimension arguments were
// computed inside the module); a leading argument marked
// jax.global_constant (jax.export's platform index) ends the list.
//
// Their values should be given in Inputs.Values (the caller has them: they
// are inputs). Missing ones are inferred from the shapes: when there are as
// many dimension arguments as `?` dimensions in the other arguments, the
// k-th dimension argument is the size of the k-th `?` (in argument order);
// a single dimension argument is the size of the first `?`. Otherwise a
// dimension argument whose value is needed is reported as unsupported.
func DimArgs(fn *ir.Func) []int {
	var lead []int
	i := 0
	for ; i < len(fn.Args); i++ {
		tt := ir.Tensor(fn.Args[i].Type)
		if tt == nil || len(tt.Shape) != 0 || tt.Elem.Quant != nil || !tt.Elem.DType.IsInteger() {
			break
		}
		// jax.export's platform index (`jax.global_constant =
		// "_platform_index"`) is a leading scalar too, but not a dimension.
		if i < len(fn.ArgAttrs) && fn.ArgAttrs[i].Has("jax.global_constant") {
			break
		}
		lead = append(lead, i)
	}
	dyn := false
	for ; i < len(fn.Args); i++ {
		if tt := ir.Tensor(fn.Args[i].Type); tt != nil && !tt.IsStatic() {
			dyn = true
		}
	}
	if !dyn {
		return nil
	}
	return lead
}

// entryArgs checks the input shapes against the signature and builds the
// entry's refined argument types and known dimension values.
func (r *refiner) entryArgs(fn *ir.Func, in Inputs) ([]ir.Type, []*kval, error) {
	if len(in.Shapes) != len(fn.Args) {
		return nil, nil, &diag.Error{Kind: diag.InvalidInput, Rule: "refine.input_shape", Pos: fn.Pos, Op: "func.func",
			Msg: fmt.Sprintf("@%s takes %d arguments, got %d input shapes", fn.Name, len(fn.Args), len(in.Shapes))}
	}
	types := make([]ir.Type, len(fn.Args))
	for i, a := range fn.Args {
		tt := ir.Tensor(a.Type)
		if tt == nil {
			if !staticType(a.Type) {
				return nil, nil, unsupportedf(nil, fn.Pos, "argument %d of @%s has type %s", i, fn.Name, a.Type)
			}
			types[i] = a.Type
			continue
		}
		s := in.Shapes[i]
		if len(s) != len(tt.Shape) {
			return nil, nil, inputErr(fn, i, "has type %s (rank %d), got an input of shape %s (rank %d)", tt, len(tt.Shape), fmtShape(s), len(s))
		}
		for k, d := range s {
			if d < 0 {
				return nil, nil, inputErr(fn, i, "got a negative dimension in shape %s", fmtShape(s))
			}
			if d > r.lim.MaxDimSize {
				return nil, nil, inputErr(fn, i, "dimension %d of shape %s is over the limit of %d", k, fmtShape(s), r.lim.MaxDimSize)
			}
			if tt.Shape[k] >= 0 && tt.Shape[k] != d {
				return nil, nil, inputErr(fn, i, "has type %s, but dimension %d of the input is %d", tt, k, d)
			}
			if tt.Bounds != nil && k < len(tt.Bounds) && tt.Bounds[k] >= 0 && d > tt.Bounds[k] {
				return nil, nil, inputErr(fn, i, "has type %s, but dimension %d of the input is %d, above its bound", tt, k, d)
			}
		}
		if n, ok := ir.ShapeElements(s); !ok || n > r.lim.MaxElements {
			return nil, nil, inputErr(fn, i, "input shape %s has too many elements", fmtShape(s))
		}
		types[i] = &ir.TensorType{Shape: append([]int64(nil), s...), Elem: tt.Elem}
	}
	argK := make([]*kval, len(fn.Args))
	dims := DimArgs(fn)
	if len(dims) == 0 {
		return types, argK, nil
	}
	// The `?` positions of the other arguments, in order.
	var qs []int64
	for i := len(dims); i < len(fn.Args); i++ {
		if tt := ir.Tensor(fn.Args[i].Type); tt != nil {
			for k, d := range tt.Shape {
				if d < 0 {
					qs = append(qs, in.Shapes[i][k])
				}
			}
		}
	}
	for j, i := range dims {
		tt := ir.Tensor(fn.Args[i].Type)
		v, ok := in.Values[i]
		if !ok {
			switch {
			case len(dims) == len(qs):
				v, ok = qs[j], true
			case len(dims) == 1 && len(qs) > 0:
				v, ok = qs[0], true
			}
		}
		if ok {
			if v < 0 || v > r.lim.MaxDimSize {
				return nil, nil, inputErr(fn, i, "dimension argument value %d is out of range", v)
			}
			argK[i] = &kval{dt: tt.Elem.DType, v: []int64{wrap(tt.Elem.DType, v)}}
		}
	}
	return types, argK, nil
}

func inputErr(fn *ir.Func, i int, format string, args ...any) *diag.Error {
	name := "%arg" + strconv.Itoa(i)
	if fn.Args[i].Name != "" {
		name = "%" + fn.Args[i].Name
	}
	return &diag.Error{Kind: diag.InvalidInput, Rule: "refine.input_shape", Pos: fn.Pos, Op: "func.func",
		Msg:  fmt.Sprintf("argument %d (%s) of @%s ", i, name, fn.Name) + fmt.Sprintf(format, args...),
		Hint: "give an input whose shape matches the argument's type"}
}

func unsupportedf(op *ir.Op, pos diag.Pos, format string, args ...any) *diag.Error {
	e := &diag.Error{Kind: diag.Rejected, Rule: "refine.unsupported", Pos: pos, Msg: "cannot refine: " + fmt.Sprintf(format, args...)}
	if op != nil {
		e.Op = op.Name
		e.Pos = op.Pos
		e.Msg = fmt.Sprintf("cannot refine %s at %s: %s", op.Name, op.Pos, fmt.Sprintf(format, args...))
	}
	return e
}

func shapeErr(op *ir.Op, format string, args ...any) *diag.Error {
	return &diag.Error{Kind: diag.InvalidInput, Rule: "refine.input_shape", Op: op.Name, Pos: op.Pos,
		Msg:  fmt.Sprintf("with these input shapes, %s at %s: ", op.Name, op.Pos) + fmt.Sprintf(format, args...),
		Hint: "pass input shapes the program supports"}
}

func limitErr(pos diag.Pos, format string, args ...any) *diag.Error {
	return &diag.Error{Kind: diag.Rejected, Rule: "refine.limit", Pos: pos, Msg: fmt.Sprintf(format, args...),
		Hint: "simplify the program or refine it with larger limits"}
}

func fmtShape(s []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		if d < 0 {
			b.WriteByte('?')
		} else {
			b.WriteString(strconv.FormatInt(d, 10))
		}
	}
	b.WriteByte(']')
	return b.String()
}

type refiner struct {
	src    *ir.Module
	lim    Limits
	funcs  map[string]*ir.Func
	out    []*ir.Func
	used   map[string]bool
	suffix map[string]int // last numeric suffix used per source name
	specs  map[string]*special
	nspec  int
	nops   int
	folded int64
	// exhausted is set once MaxFoldTotal elements have been folded.
	exhausted bool
	depth     int
	known     map[*ir.Value]*kval
}

// special is one specialised copy of a source function.
type special struct {
	fn   *ir.Func
	keep []bool  // which source arguments are still parameters
	retK []*kval // known values of the results
	busy bool
}

func specKey(f *ir.Func, argTypes []ir.Type, argK []*kval) string {
	var b strings.Builder
	b.WriteString(f.Name)
	for i, t := range argTypes {
		b.WriteByte('|')
		b.WriteString(t.String())
		if k := argK[i]; k != nil && len(k.shape) == 0 {
			b.WriteByte('=')
			b.WriteString(strconv.FormatInt(k.v[0], 10))
		}
	}
	return b.String()
}

// specialize returns the copy of f for argument types argTypes, with the
// rank-0 arguments of known value (argK) folded in and dropped (except for
// the entry, whose signature keeps every argument).
func (r *refiner) specialize(f *ir.Func, argTypes []ir.Type, argK []*kval, entry bool, site *ir.Op) (*special, error) {
	if f.Body == nil || len(f.Body.Blocks) != 1 {
		return nil, unsupportedf(site, f.Pos, "@%s has no body to refine", f.Name)
	}
	if len(argTypes) != len(f.Args) {
		return nil, unsupportedf(site, f.Pos, "@%s takes %d arguments, called with %d", f.Name, len(f.Args), len(argTypes))
	}
	for i, a := range f.Args {
		if !compatible(a.Type, argTypes[i]) {
			if site != nil {
				return nil, shapeErr(site, "argument %d of @%s has type %s, called with %s", i, f.Name, a.Type, argTypes[i])
			}
			return nil, unsupportedf(nil, f.Pos, "argument %d of @%s has type %s, called with %s", i, f.Name, a.Type, argTypes[i])
		}
	}
	key := specKey(f, argTypes, argK)
	if sp, ok := r.specs[key]; ok {
		if sp.busy {
			return nil, unsupportedf(site, f.Pos, "@%s calls itself", f.Name)
		}
		return sp, nil
	}
	r.nspec++
	if r.nspec > r.lim.MaxSpecializations {
		return nil, limitErr(f.Pos, "refinement needs more than %d specialised function copies", r.lim.MaxSpecializations)
	}
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > r.lim.MaxCallDepth {
		return nil, limitErr(f.Pos, "calls nest deeper than %d", r.lim.MaxCallDepth)
	}
	name := f.Name
	if !entry {
		if r.used[name] {
			for k := r.suffix[f.Name] + 1; ; k++ {
				n := f.Name + "_" + strconv.Itoa(k)
				if !r.used[n] && r.funcs[n] == nil {
					name = n
					r.suffix[f.Name] = k
					break
				}
			}
		}
		r.used[name] = true
	}
	nf := &ir.Func{Name: name, Visibility: f.Visibility, Attrs: copyDict(f.Attrs), Pos: f.Pos}
	if !entry {
		nf.Visibility = "private"
	}
	sp := &special{fn: nf, keep: make([]bool, len(f.Args)), busy: true}
	r.specs[key] = sp
	r.out = append(r.out, nf)

	vm := make(map[*ir.Value]*ir.Value)
	blk := &ir.Block{}
	var consts []*ir.Op
	for i, a := range f.Args {
		k := argK[i]
		if !entry && k != nil && len(k.shape) == 0 {
			c, err := r.constOp(k, ir.Tensor(argTypes[i]), f.Pos)
			if err != nil {
				return nil, err
			}
			consts = append(consts, c)
			vm[a] = c.Results[0]
			continue
		}
		sp.keep[i] = true
		nv := &ir.Value{Type: argTypes[i], Index: len(blk.Args), Name: a.Name}
		vm[a] = nv
		blk.Args = append(blk.Args, nv)
		nf.Args = append(nf.Args, nv)
		if i < len(f.ArgAttrs) {
			nf.ArgAttrs = append(nf.ArgAttrs, copyDict(f.ArgAttrs[i]))
		} else {
			nf.ArgAttrs = append(nf.ArgAttrs, nil)
		}
		if k != nil {
			r.known[nv] = k
		}
	}
	if !hasAttrs(nf.ArgAttrs) {
		nf.ArgAttrs = nil
	}
	blk.Ops = append(blk.Ops, consts...)
	if err := r.block(f.Body.Blocks[0], blk, vm); err != nil {
		return nil, err
	}
	nf.Body = &ir.Region{Blocks: []*ir.Block{blk}}
	// Results are the types returned.
	term := lastOp(blk)
	if term == nil || term.Name != "func.return" {
		return nil, unsupportedf(nil, f.Pos, "@%s does not end in func.return", f.Name)
	}
	if len(term.Operands) != len(f.Results) {
		return nil, unsupportedf(term, term.Pos, "@%s returns %d values, declared %d", f.Name, len(term.Operands), len(f.Results))
	}
	nf.Results = make([]ir.Type, len(term.Operands))
	sp.retK = make([]*kval, len(term.Operands))
	for i, v := range term.Operands {
		if !compatible(f.Results[i], v.Type) {
			return nil, shapeErr(term, "result %d of @%s is declared %s but is %s", i, f.Name, f.Results[i], v.Type)
		}
		nf.Results[i] = v.Type
		sp.retK[i] = r.knownOf(v)
	}
	if f.ResultAttrs != nil {
		nf.ResultAttrs = make([]ir.Dict, len(f.ResultAttrs))
		for i, d := range f.ResultAttrs {
			nf.ResultAttrs[i] = copyDict(d)
		}
	}
	sp.busy = false
	return sp, nil
}

func hasAttrs(ds []ir.Dict) bool {
	for _, d := range ds {
		if len(d) > 0 {
			return true
		}
	}
	return false
}

func lastOp(b *ir.Block) *ir.Op {
	if len(b.Ops) == 0 {
		return nil
	}
	return b.Ops[len(b.Ops)-1]
}

func copyDict(d ir.Dict) ir.Dict {
	if d == nil {
		return nil
	}
	return append(ir.Dict(nil), d...)
}

// compatible reports whether a value of refined type b may stand where
// type a was declared: same structure and element types, with a's static
// dimensions equal to b's.
func compatible(a, b ir.Type) bool {
	switch a := a.(type) {
	case *ir.TensorType:
		b, ok := b.(*ir.TensorType)
		if !ok || len(a.Shape) != len(b.Shape) || !a.Elem.Equal(b.Elem) {
			return false
		}
		for i, d := range a.Shape {
			if d >= 0 && b.Shape[i] >= 0 && d != b.Shape[i] {
				return false
			}
			if b.Shape[i] >= 0 && a.Bounds != nil && i < len(a.Bounds) && a.Bounds[i] >= 0 && b.Shape[i] > a.Bounds[i] {
				return false
			}
		}
		return true
	case *ir.TupleType:
		b, ok := b.(*ir.TupleType)
		if !ok || len(a.Elems) != len(b.Elems) {
			return false
		}
		for i := range a.Elems {
			if !compatible(a.Elems[i], b.Elems[i]) {
				return false
			}
		}
		return true
	}
	return ir.TypesEqual(a, b)
}

// staticType reports a type with no dynamic dimension and no bounds.
func staticType(t ir.Type) bool {
	switch t := t.(type) {
	case *ir.TensorType:
		return t.IsStatic() && t.Bounds == nil
	case *ir.TupleType:
		for _, e := range t.Elems {
			if !staticType(e) {
				return false
			}
		}
		return true
	case *ir.TokenType:
		return true
	}
	return false
}

// block refines the ops of b into nb; vm maps source values to refined
// ones (nb's arguments are already mapped by the caller).
func (r *refiner) block(b *ir.Block, nb *ir.Block, vm map[*ir.Value]*ir.Value) error {
	for _, o := range b.Ops {
		if err := r.op(o, vm, &nb.Ops); err != nil {
			return err
		}
	}
	return nil
}

// region refines a single-block region whose block arguments get types
// argTypes (nil: keep the source's, which must be static).
func (r *refiner) region(src *ir.Region, argTypes []ir.Type, vm map[*ir.Value]*ir.Value, owner *ir.Op) (*ir.Region, error) {
	if len(src.Blocks) != 1 {
		return nil, unsupportedf(owner, owner.Pos, "a region has %d blocks", len(src.Blocks))
	}
	b := src.Blocks[0]
	if argTypes != nil && len(argTypes) != len(b.Args) {
		return nil, unsupportedf(owner, owner.Pos, "a region takes %d arguments, expected %d", len(b.Args), len(argTypes))
	}
	nb := &ir.Block{Args: make([]*ir.Value, len(b.Args))}
	for i, a := range b.Args {
		t := a.Type
		if argTypes != nil {
			t = argTypes[i]
		} else if !staticType(t) {
			return nil, unsupportedf(owner, owner.Pos, "a region argument has dynamic type %s", t)
		}
		nv := &ir.Value{Type: t, Index: i, Name: a.Name}
		nb.Args[i] = nv
		vm[a] = nv
	}
	if err := r.block(b, nb, vm); err != nil {
		return nil, err
	}
	return &ir.Region{Blocks: []*ir.Block{nb}}, nil
}

// emit appends op to out, counting it against MaxOps.
func (r *refiner) emit(out *[]*ir.Op, op *ir.Op) error {
	r.nops++
	if r.nops > r.lim.MaxOps {
		return limitErr(op.Pos, "the refined module would have more than %d ops", r.lim.MaxOps)
	}
	*out = append(*out, op)
	return nil
}

// newOp builds a refined op named name with operands ins and results of
// types ts; the props and attrs of src are copied.
func newOp(src *ir.Op, name string, ins []*ir.Value, ts []ir.Type) *ir.Op {
	n := &ir.Op{Name: name, Operands: ins, Props: copyDict(src.Props), Attrs: copyDict(src.Attrs), Pos: src.Pos}
	n.Results = make([]*ir.Value, len(ts))
	for i, t := range ts {
		name := ""
		if i < len(src.Results) {
			name = src.Results[i].Name
		}
		n.Results[i] = &ir.Value{Type: t, Def: n, Index: i, Name: name}
	}
	return n
}

// constOp builds a stablehlo.constant of type t holding k.
func (r *refiner) constOp(k *kval, t *ir.TensorType, pos diag.Pos) (*ir.Op, error) {
	if t == nil {
		return nil, unsupportedf(nil, pos, "a folded value is not a tensor")
	}
	t = &ir.TensorType{Shape: append([]int64(nil), t.Shape...), Elem: t.Elem}
	c := &ir.Op{Name: "stablehlo.constant", Pos: pos}
	c.Props.Set("value", elementsOf(k, t))
	c.Results = []*ir.Value{{Type: t, Def: c}}
	r.known[c.Results[0]] = k
	r.nops++
	if r.nops > r.lim.MaxOps {
		return nil, limitErr(pos, "the refined module would have more than %d ops", r.lim.MaxOps)
	}
	return c, nil
}

// mapResults records the refined results of src.
func mapResults(src, n *ir.Op, vm map[*ir.Value]*ir.Value) {
	for i, v := range src.Results {
		if i < len(n.Results) {
			vm[v] = n.Results[i]
		}
	}
}

// checkStatic rejects any value that is not static after refinement.
func checkStatic(m *ir.Module) error {
	var bad error
	for _, f := range m.Funcs {
		for i, a := range f.Args {
			if !staticType(a.Type) {
				return unsupportedf(nil, f.Pos, "argument %d of @%s stays dynamic (%s)", i, f.Name, a.Type)
			}
		}
		f.Body.Walk(func(o *ir.Op) bool {
			for _, v := range o.Results {
				if !staticType(v.Type) {
					bad = unsupportedf(o, o.Pos, "result type %s stays dynamic", v.Type)
					return false
				}
			}
			for _, rg := range o.Regions {
				for _, b := range rg.Blocks {
					for _, a := range b.Args {
						if !staticType(a.Type) {
							bad = unsupportedf(o, o.Pos, "region argument type %s stays dynamic", a.Type)
							return false
						}
					}
				}
			}
			return true
		})
		if bad != nil {
			return bad
		}
	}
	return nil
}
