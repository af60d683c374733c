package exec

import (
	"context"
	"errors"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Limits bound one execution. Zero fields take the defaults of
// DefaultLimits.
type Limits struct {
	// MaxMemory caps the bytes of all live tensors at once, inputs included.
	MaxMemory int64
	// MaxSteps caps loop iterations plus region and function invocations.
	MaxSteps int64
	// MaxCallDepth caps nested function calls.
	MaxCallDepth int
	// MaxFLOPs caps the FLOPs charged by the cost table as ops run
	// (0: unlimited). Admission rejects programs whose static bound is
	// over it; this meter catches what statics could not bound.
	MaxFLOPs int64
}

// DefaultLimits returns the documented defaults (docs/LIMITS.md).
func DefaultLimits() Limits {
	return Limits{MaxMemory: 1 << 30, MaxSteps: 100_000_000, MaxCallDepth: 256}
}

// WithDefaults fills the limits left at zero (or below) with
// DefaultLimits' values: what Run applies, and the fast engine too.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits()
	if l.MaxMemory <= 0 {
		l.MaxMemory = d.MaxMemory
	}
	if l.MaxSteps <= 0 {
		l.MaxSteps = d.MaxSteps
	}
	if l.MaxCallDepth <= 0 {
		l.MaxCallDepth = d.MaxCallDepth
	}
	return l
}

// workCheckInterval is how many units of work (roughly element operations)
// pass between two checks of the context: about 0.1–1 ms of work.
const workCheckInterval = 1 << 15

// Ctx is the state of one execution. Kernels receive it to allocate
// tensors, charge work and run regions.
type Ctx struct {
	ctx    context.Context
	lim    Limits
	budget Budget
	mod    *ir.Module

	steps     int64
	work      int64
	flops     int64 // by the cost table, as ops execute
	nextCheck int64
	depth     int

	refs    map[*tensor.Tensor]int32 // owned tensors and their reference counts
	pending map[*tensor.Tensor]bool  // allocated by the running kernel, not yet adopted
	blocks  map[*ir.Block]*blockInfo
	op      *ir.Op // the op being executed, for error positions
	frame   *frame // the innermost running block
	// probes holds the values recorded by interpreter.probe, by probe id,
	// one per execution of the probe.
	probes map[string][]Val
	// unmetered turns the work, step and FLOP meters off; only the
	// metering-overhead benchmark sets it (export_test.go).
	unmetered bool
}

// Val is a runtime value: a tensor, a tuple of values, or a token.
type Val struct {
	T     *tensor.Tensor
	Tuple []Val
	Token bool
}

// TensorVal wraps a tensor.
func TensorVal(t *tensor.Tensor) Val { return Val{T: t} }

// Op returns the op being executed.
func (c *Ctx) Op() *ir.Op { return c.op }

// Module returns the module being executed.
func (c *Ctx) Module() *ir.Module { return c.mod }

// NewTensor allocates a zeroed tensor under the memory budget. The tensor
// belongs to the running kernel: return it as a result, or Free it.
func (c *Ctx) NewTensor(d tensor.DType, shape []int64) (*tensor.Tensor, error) {
	n, err := bytesOf(d, shape)
	if err != nil {
		return nil, err
	}
	if err := c.budget.Reserve(n); err != nil {
		return nil, err
	}
	t, err := tensor.New(d, shape, n)
	if err != nil {
		c.budget.Release(n)
		return nil, diag.New(diag.Internal, "internal.alloc", diag.Pos{}, "%v", err)
	}
	c.pending[t] = true
	return t, nil
}

// NewLike allocates a zeroed tensor of t's type and shape.
func (c *Ctx) NewLike(t *tensor.Tensor) (*tensor.Tensor, error) { return c.NewTensor(t.DType, t.Shape) }

// Free releases a tensor the running kernel allocated and will not return.
func (c *Ctx) Free(t *tensor.Tensor) {
	if c.pending[t] {
		delete(c.pending, t)
		c.budget.Release(int64(len(t.Data)))
	}
}

// Retain adds a reference to every tensor in v. A kernel that returns one
// of its inputs (or any value it did not allocate) must Retain it first.
// Retaining a tensor the running kernel allocated (for example to pass it
// into a region) first gives the kernel its own reference, which it must
// return or Release.
func (c *Ctx) Retain(v Val) {
	if v.T != nil {
		if c.pending[v.T] {
			delete(c.pending, v.T)
			c.refs[v.T] = 1
		}
		c.refs[v.T]++
	}
	for _, e := range v.Tuple {
		c.Retain(e)
	}
}

// Release drops a reference to every tensor in v, freeing memory when the
// last one goes.
func (c *Ctx) Release(v Val) {
	if v.T != nil {
		if n, ok := c.refs[v.T]; ok {
			if n <= 1 {
				delete(c.refs, v.T)
				c.budget.Release(int64(len(v.T.Data)))
			} else {
				c.refs[v.T] = n - 1
			}
		}
	}
	for _, e := range v.Tuple {
		c.Release(e)
	}
}

// adopt turns a kernel's result into an owned value: a freshly allocated
// tensor gets its first reference; a retained one already has it.
func (c *Ctx) adopt(v Val) {
	if v.T != nil && c.pending[v.T] {
		delete(c.pending, v.T)
		c.refs[v.T] = 1
	}
	for _, e := range v.Tuple {
		c.adopt(e)
	}
}

// dropPending frees scratch tensors a kernel allocated and did not return.
func (c *Ctx) dropPending() {
	for t := range c.pending {
		c.budget.Release(int64(len(t.Data)))
		delete(c.pending, t)
	}
}

// Work charges n units of work (about one per element operation) and,
// every workCheckInterval units, checks for cancellation.
func (c *Ctx) Work(n int64) error {
	if c.unmetered {
		return nil
	}
	c.work += n
	if c.work < c.nextCheck {
		return nil
	}
	c.nextCheck = c.work + workCheckInterval
	return c.checkContext()
}

func (c *Ctx) checkContext() error {
	if err := c.ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return diag.New(diag.Limit, "limit.deadline", diag.Pos{}, "the program ran past its deadline").
				WithHint("raise --timeout or give the program less work")
		}
		return diag.New(diag.Limit, "limit.cancelled", diag.Pos{}, "execution was cancelled")
	}
	return nil
}

// StepLimitError is the error of a run that took more than max steps
// (rule limit.steps), as every engine reports it.
func StepLimitError(max int64) *diag.Error {
	return diag.New(diag.Limit, "limit.steps", diag.Pos{},
		"the program took more than %d steps (loop iterations and region calls)", max).
		WithHint("raise --max-steps if the loop is meant to run this long")
}

// Step counts one loop iteration or region invocation against MaxSteps and
// checks for cancellation.
func (c *Ctx) Step() error {
	if c.unmetered {
		return nil
	}
	c.steps++
	if c.steps > c.lim.MaxSteps {
		return StepLimitError(c.lim.MaxSteps)
	}
	if c.steps&255 == 0 { // every 256 steps: well under a millisecond
		return c.checkContext()
	}
	return nil
}

// Loop calls fn(i) for i in [0, n), charging one unit of work per call and
// stopping early with the meter's error.
func (c *Ctx) Loop(n int64, fn func(i int64)) error {
	const chunk = 4096
	for start := int64(0); start < n; start += chunk {
		end := min(n, start+chunk)
		for i := start; i < end; i++ {
			fn(i)
		}
		if err := c.Work(end - start); err != nil {
			return err
		}
	}
	return nil
}

// Stats describe a finished execution.
type Stats struct {
	PeakMemory int64 // bytes of live tensors at the high-water mark
	Steps      int64
	Work       int64
	FLOPs      int64 // by internal/cost's table, for the ops that ran
}
