package exec

import (
	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// frame holds the values of one running block; nested regions look values
// up through parent (their nesting depth is bounded by the parser).
type frame struct {
	vals   map[*ir.Value]Val
	parent *frame
}

func (f *frame) lookup(v *ir.Value) (Val, bool) {
	for ; f != nil; f = f.parent {
		if x, ok := f.vals[v]; ok {
			return x, true
		}
	}
	return Val{}, false
}

// blockInfo is the liveness of one block: for each op, the values of this
// block whose last use it is. A use inside a nested region counts as a use
// by the op that holds the region.
type blockInfo struct {
	dieAfter [][]*ir.Value
	unused   map[*ir.Value]bool // defined here and never used
}

func (c *Ctx) info(b *ir.Block) *blockInfo {
	if bi, ok := c.blocks[b]; ok {
		return bi
	}
	die, unused := cost.Liveness(b)
	bi := &blockInfo{dieAfter: die, unused: unused}
	c.blocks[b] = bi
	return bi
}

func isTerminator(name string) bool {
	return name == "func.return" || name == "stablehlo.return"
}

// runBlock runs the ops of b with its arguments bound to args. The block
// takes its own references to args; the caller keeps its own.
func (c *Ctx) runBlock(b *ir.Block, args []Val, parent *frame) (results []Val, err error) {
	if len(args) != len(b.Args) {
		return nil, diag.New(diag.Internal, "internal.block_args", c.pos(), "block takes %d arguments, got %d", len(b.Args), len(args))
	}
	bi := c.info(b)
	f := &frame{vals: make(map[*ir.Value]Val, len(b.Args)+len(b.Ops)), parent: parent}
	savedFrame := c.frame
	c.frame = f
	defer func() {
		c.frame = savedFrame
		for _, v := range f.vals { // on error, or values kept to the end
			c.Release(v)
		}
	}()
	for i, a := range b.Args {
		c.Retain(args[i])
		if bi.unused[a] {
			c.Release(args[i])
			continue
		}
		f.vals[a] = args[i]
	}
	in := make([]Val, 0, 8)
	for j, op := range b.Ops {
		c.op = op
		in = in[:0]
		for _, v := range op.Operands {
			x, ok := f.lookup(v)
			if !ok {
				return nil, diag.New(diag.Internal, "internal.value", op.Pos, "value %%%s is not available", v.Name).WithOp(op.Name)
			}
			in = append(in, x)
		}
		if isTerminator(op.Name) {
			out := make([]Val, len(in))
			for i, x := range in {
				c.Retain(x)
				out[i] = x
			}
			return out, nil
		}
		outs, err := c.runOp(op, in)
		if err != nil {
			return nil, err
		}
		for i, r := range op.Results {
			if bi.unused[r] {
				c.Release(outs[i])
				continue
			}
			f.vals[r] = outs[i]
		}
		for _, v := range bi.dieAfter[j] {
			if x, ok := f.vals[v]; ok {
				delete(f.vals, v)
				c.Release(x)
			}
		}
	}
	return nil, diag.New(diag.Rejected, "exec.terminator", c.pos(), "block has no return")
}

// runOp runs one op's kernel and adopts its results.
func (c *Ctx) runOp(op *ir.Op, in []Val) ([]Val, error) {
	k, ok := kernels[op.Name]
	if !ok {
		return nil, diag.New(diag.Rejected, "exec.unsupported", op.Pos, "the reference executor has no kernel for %s", op.Name).WithOp(op.Name)
	}
	if quantNeedsWrap(op) { // quantized operands or results: dequantize, run, quantize (quant.go)
		k = quantWrap(k)
	}
	// Charge the op's FLOPs before it runs when its result shapes are
	// known, so one giant op cannot run past the budget.
	flops := int64(-1)
	if static := staticShapes(op.Results); static != nil {
		flops = cost.OpFLOPs(op, valShapes(in), static)
		if err := c.chargeFLOPs(op, flops); err != nil {
			return nil, err
		}
	}
	// Each kernel invocation has its own set of pending tensors, so ops
	// that run inside this kernel's regions never free its allocations.
	outer := c.pending
	c.pending = make(map[*tensor.Tensor]bool, len(op.Results))
	defer func() { c.pending = outer }()
	outs, err := k(c, op, in)
	if err != nil {
		c.dropPending()
		return nil, c.locate(err, op)
	}
	if len(outs) != len(op.Results) {
		for _, o := range outs {
			c.adopt(o)
			c.Release(o)
		}
		c.dropPending()
		return nil, diag.New(diag.Internal, "internal.kernel", op.Pos, "kernel for %s returned %d values, want %d", op.Name, len(outs), len(op.Results)).WithOp(op.Name)
	}
	for _, o := range outs {
		c.adopt(o)
	}
	c.dropPending()
	if flops < 0 {
		if err := c.chargeFLOPs(op, cost.OpFLOPs(op, valShapes(in), valShapes(outs))); err != nil {
			for _, o := range outs {
				c.Release(o)
			}
			return nil, err
		}
	}
	return outs, nil
}

func (c *Ctx) pos() diag.Pos {
	if c.op != nil {
		return c.op.Pos
	}
	return diag.Pos{}
}

// locate fills in the op and position of an error that lacks them.
func (c *Ctx) locate(err error, op *ir.Op) error {
	d := diag.As(err)
	if !d.Pos.Known() {
		d.Pos = op.Pos
	}
	if d.Op == "" {
		d.Op = op.Name
	}
	return d
}

// valShapes lists the shapes of tensor values for the cost table.
func valShapes(vs []Val) []cost.Shape {
	out := make([]cost.Shape, len(vs))
	for i, v := range vs {
		if v.T != nil {
			out[i] = cost.Shape(v.T.Shape)
		}
	}
	return out
}

func satAdd(a, b int64) int64 {
	if a > cost.Unbounded-b {
		return cost.Unbounded
	}
	return a + b
}

// staticShapes returns the result shapes when all are static tensors.
func staticShapes(vs []*ir.Value) []cost.Shape {
	out := make([]cost.Shape, len(vs))
	for i, v := range vs {
		tt := ir.Tensor(v.Type)
		if tt == nil || !tt.IsStatic() {
			return nil
		}
		out[i] = cost.Shape(tt.Shape)
	}
	return out
}

func (c *Ctx) chargeFLOPs(op *ir.Op, n int64) error {
	if c.unmetered {
		return nil
	}
	c.flops = satAdd(c.flops, n)
	if c.lim.MaxFLOPs > 0 && c.flops > c.lim.MaxFLOPs {
		return diag.New(diag.Limit, "limit.flops", op.Pos,
			"the program ran more than %s FLOPs, the limit", cost.FormatCount(c.lim.MaxFLOPs)).
			WithOp(op.Name).WithHint("raise --max-flops if the work is expected")
	}
	return nil
}
