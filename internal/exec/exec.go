package exec

import (
	"context"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Kernel runs one op. in holds the operand values; each returned value
// must carry one reference for the caller: a tensor from c.NewTensor, or an
// existing one the kernel Retained. Kernels never modify their inputs.
type Kernel func(c *Ctx, op *ir.Op, in []Val) ([]Val, error)

// kernels maps op names to kernels; filled by init functions of the op
// family files and read-only afterwards.
var kernels = map[string]Kernel{}

func register(name string, k Kernel) {
	if _, dup := kernels[name]; dup {
		panic("exec: kernel registered twice: " + name)
	}
	kernels[name] = k
}

// Supported reports whether the reference executor has a kernel for op.
func Supported(op string) bool { _, ok := kernels[op]; return ok }

// SupportedOps lists the ops with kernels.
func SupportedOps() []string {
	out := make([]string, 0, len(kernels))
	for k := range kernels {
		out = append(out, k)
	}
	return out
}

// Run executes fn of module m on inputs under the limits. Inputs are not
// modified. Outputs are fresh tensors (or the inputs themselves where the
// program returns an argument unchanged).
func Run(ctx context.Context, m *ir.Module, fn *ir.Func, inputs []*tensor.Tensor, lim Limits) ([]*tensor.Tensor, Stats, error) {
	return run(newCtx(ctx, m, lim), m, fn, inputs)
}

func run(c *Ctx, m *ir.Module, fn *ir.Func, inputs []*tensor.Tensor) ([]*tensor.Tensor, Stats, error) {
	if len(inputs) != len(fn.Args) {
		return nil, Stats{}, diag.New(diag.InvalidInput, "input.count", fn.Pos,
			"@%s takes %d inputs, got %d", fn.Name, len(fn.Args), len(inputs))
	}
	args := make([]Val, len(inputs))
	for i, t := range inputs {
		if err := checkInput(fn, i, t); err != nil {
			return nil, Stats{}, err
		}
		if _, held := c.refs[t]; !held {
			if err := c.budget.Reserve(int64(len(t.Data))); err != nil {
				c.releaseAll(args[:i])
				return nil, c.stats(), err
			}
		}
		c.refs[t]++
		args[i] = Val{T: t}
	}
	outs, err := c.CallFunc(fn, args)
	c.releaseAll(args)
	for _, vs := range c.probes {
		c.releaseAll(vs)
	}
	if err != nil {
		return nil, c.stats(), err
	}
	res := make([]*tensor.Tensor, len(outs))
	for i, v := range outs {
		if v.T == nil {
			return nil, c.stats(), diag.New(diag.Rejected, "exec.result_type", fn.Pos,
				"result %d of @%s is not a tensor; only tensor results can be returned", i, fn.Name)
		}
		res[i] = v.T
	}
	return res, c.stats(), nil
}

func newCtx(ctx context.Context, m *ir.Module, lim Limits) *Ctx {
	lim = lim.WithDefaults()
	c := &Ctx{
		ctx: ctx, lim: lim, mod: m,
		refs:    map[*tensor.Tensor]int32{},
		pending: map[*tensor.Tensor]bool{},
		blocks:  map[*ir.Block]*blockInfo{},
		probes:  map[string][]Val{},
	}
	c.budget.Limit = lim.MaxMemory
	c.nextCheck = workCheckInterval
	return c
}

func (c *Ctx) stats() Stats {
	return Stats{PeakMemory: c.budget.Peak(), Steps: c.steps, Work: c.work, FLOPs: c.flops}
}

func (c *Ctx) releaseAll(vs []Val) {
	for _, v := range vs {
		c.Release(v)
	}
}

// CheckInput validates input i against fn's argument type: the rules
// (input.type, input.missing, input.dtype, input.shape) every engine
// reports.
func CheckInput(fn *ir.Func, i int, t *tensor.Tensor) error { return checkInput(fn, i, t) }

// checkInput validates an input tensor against the argument's type.
func checkInput(fn *ir.Func, i int, t *tensor.Tensor) error {
	tt, ok := fn.Args[i].Type.(*ir.TensorType)
	if !ok {
		return diag.New(diag.InvalidInput, "input.type", fn.Pos, "argument %d of @%s has type %s, which cannot be given as an input", i, fn.Name, fn.Args[i].Type)
	}
	if t == nil {
		return diag.New(diag.InvalidInput, "input.missing", fn.Pos, "input %d is missing", i)
	}
	if t.DType != tt.Elem.StorageDType() {
		return diag.New(diag.InvalidInput, "input.dtype", fn.Pos, "input %d (%s) must have element type %s, got %s", i, argName(fn, i), tt.Elem, t.DType)
	}
	if len(t.Shape) != len(tt.Shape) {
		return diag.New(diag.InvalidInput, "input.shape", fn.Pos, "input %d (%s) must have rank %d (type %s), got shape %v", i, argName(fn, i), len(tt.Shape), tt, t.Shape)
	}
	for k, d := range tt.Shape {
		if d >= 0 && t.Shape[k] != d {
			return diag.New(diag.InvalidInput, "input.shape", fn.Pos, "input %d (%s) must have shape %s, got %v", i, argName(fn, i), tt, t.Shape)
		}
	}
	if err := t.Validate(); err != nil {
		return err
	}
	return nil
}

func argName(fn *ir.Func, i int) string { return "%" + fn.Args[i].Name }

// CallFunc runs a function with arguments; each result carries one
// reference for the caller.
func (c *Ctx) CallFunc(fn *ir.Func, args []Val) ([]Val, error) {
	if fn.Body == nil {
		return nil, diag.New(diag.Rejected, "exec.declaration", fn.Pos, "@%s has no body", fn.Name)
	}
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > c.lim.MaxCallDepth {
		return nil, diag.New(diag.Limit, "limit.call_depth", fn.Pos, "calls nest deeper than %d", c.lim.MaxCallDepth)
	}
	if err := c.Step(); err != nil {
		return nil, err
	}
	return c.runBlock(fn.Body.Blocks[0], args, nil)
}

// RunRegion runs a region with block arguments args (not consumed); each
// result carries one reference for the caller.
func (c *Ctx) RunRegion(r *ir.Region, args []Val) ([]Val, error) {
	if err := c.Step(); err != nil {
		return nil, err
	}
	saved := c.op
	defer func() { c.op = saved }()
	return c.runBlock(r.Blocks[0], args, c.frame)
}
