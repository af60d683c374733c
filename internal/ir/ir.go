package ir

import "github.com/hlogate/hlogate/internal/diag"

// Module is one StableHLO module (one `// -----` chunk of a split file).
type Module struct {
	Name  string // without '@'; empty when the source had no name
	Attrs Dict
	Funcs []*Func
	// Implicit is true when the source had bare functions with no
	// `module { }` around them.
	Implicit bool
	Pos      diag.Pos
}

// Func is a `func.func`. Its body's entry block has Args as its arguments.
type Func struct {
	Name        string // without '@'
	Visibility  string // "public", "private", "nested" or "" (public)
	Args        []*Value
	ArgAttrs    []Dict // one per arg (nil when none)
	Results     []Type
	ResultAttrs []Dict // one per result (nil when none)
	Attrs       Dict
	Body        *Region // nil for a declaration
	Pos         diag.Pos
}

// Region is a list of blocks. StableHLO regions have exactly one block.
type Region struct {
	Blocks []*Block
}

// Block is a basic block: arguments and ops. The last op is the terminator
// (func.return / stablehlo.return).
type Block struct {
	Args []*Value
	Ops  []*Op
}

// Op is one operation in canonical (generic) form.
type Op struct {
	Name     string // "stablehlo.add", "func.call", "check.expect_eq_const"
	Operands []*Value
	Results  []*Value
	// Props holds the op's inherent attributes (printed in `<{...}>`);
	// Attrs holds discardable ones (dialect-prefixed names such as
	// mhlo.frontend_attributes, printed in `{...}`).
	Props   Dict
	Attrs   Dict
	Regions []*Region
	Pos     diag.Pos
}

// Value is an SSA value: an op result or a block argument.
type Value struct {
	Type Type
	// Def is the defining op; nil for a block argument.
	Def *Op
	// Index is the result number within Def, or the argument number within
	// its block.
	Index int
	// Name is the source name without '%' (a printing hint only).
	Name string
}

// Attr returns the named attribute from Props, falling back to Attrs.
func (o *Op) Attr(name string) Attr {
	if a := o.Props.Get(name); a != nil {
		return a
	}
	return o.Attrs.Get(name)
}

// ResultTypes returns the types of o's results.
func (o *Op) ResultTypes() []Type {
	ts := make([]Type, len(o.Results))
	for i, r := range o.Results {
		ts[i] = r.Type
	}
	return ts
}

// OperandTypes returns the types of o's operands.
func (o *Op) OperandTypes() []Type {
	ts := make([]Type, len(o.Operands))
	for i, v := range o.Operands {
		ts[i] = v.Type
	}
	return ts
}

// Func looks a function up by name.
func (m *Module) Func(name string) *Func {
	for _, f := range m.Funcs {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Entry returns the module's entry function: the one named name if given,
// else "main", else the only public function.
func (m *Module) Entry(name string) *Func {
	if name != "" {
		return m.Func(name)
	}
	if f := m.Func("main"); f != nil {
		return f
	}
	var pub *Func
	for _, f := range m.Funcs {
		if f.Visibility == "" || f.Visibility == "public" {
			if pub != nil {
				return nil
			}
			pub = f
		}
	}
	return pub
}

// Walk visits every op of the region in program order, nested regions
// included, with an explicit stack (no recursion). fn returns false to stop.
func (r *Region) Walk(fn func(*Op) bool) bool {
	type frame struct {
		r        *Region
		blk, idx int
	}
	stack := []frame{{r: r}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.blk >= len(top.r.Blocks) {
			stack = stack[:len(stack)-1]
			continue
		}
		b := top.r.Blocks[top.blk]
		if top.idx >= len(b.Ops) {
			top.blk++
			top.idx = 0
			continue
		}
		op := b.Ops[top.idx]
		top.idx++
		if !fn(op) {
			return false
		}
		for i := len(op.Regions) - 1; i >= 0; i-- {
			stack = append(stack, frame{r: op.Regions[i]})
		}
	}
	return true
}

// Walk visits every op of every function.
func (m *Module) Walk(fn func(*Func, *Op) bool) {
	for _, f := range m.Funcs {
		if f.Body == nil {
			continue
		}
		if !f.Body.Walk(func(o *Op) bool { return fn(f, o) }) {
			return
		}
	}
}
